// Hash256: a 256-bit perceptual hash (PDQ) as four 64-bit words, and its
// text form. Header only; no I/O.
//
// Bit numbering follows Meta's PDQ reference: bit k (0..255) is bit k%64 of
// w[k/64]. In the reference's sixteen 16-bit words v[0..15], bit k is bit
// k%16 of v[k/16]; on a little-endian machine both layouts are the same
// bytes. The hex form is the 256-bit number big-endian: 64 lowercase hex
// digits, v[15] first and v[0] last, so the last hex digit holds bits 0..3.
//
// Promises: ParseHex accepts exactly 64 hex digits (either case) and
// nothing else; ToHex(ParseHex(s)) == lowercase(s); Distance is the Hamming
// distance. All functions are pure and thread safe.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <string_view>

namespace evenhand {

struct Hash256 {
  uint64_t w[4] = {0, 0, 0, 0};

  bool operator==(const Hash256& o) const = default;
  bool Bit(int k) const { return (w[k >> 6] >> (k & 63)) & 1; }
  void SetBit(int k) { w[k >> 6] |= uint64_t{1} << (k & 63); }
  // The reference's 16-bit word i (0..15).
  uint16_t Word16(int i) const { return static_cast<uint16_t>(w[i >> 2] >> (16 * (i & 3))); }
  // Bits 16*chunk .. 16*chunk+15 (the multi-index-hashing chunks).
  uint16_t Chunk(int chunk) const { return Word16(chunk); }
  int PopCount() const {
    return std::popcount(w[0]) + std::popcount(w[1]) + std::popcount(w[2]) + std::popcount(w[3]);
  }
};

inline int Distance(const Hash256& a, const Hash256& b) {
  return std::popcount(a.w[0] ^ b.w[0]) + std::popcount(a.w[1] ^ b.w[1]) +
         std::popcount(a.w[2] ^ b.w[2]) + std::popcount(a.w[3] ^ b.w[3]);
}

// Writes the 64-digit hex form into out[0..64) (no terminator).
inline void WriteHex(const Hash256& h, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (int i = 0; i < 64; ++i) {
    int nibble = 63 - i;  // nibble 63 is the most significant
    out[i] = kDigits[(h.w[nibble >> 4] >> (4 * (nibble & 15))) & 15];
  }
}

inline std::string ToHex(const Hash256& h) {
  std::string s(64, '0');
  WriteHex(h, s.data());
  return s;
}

// Parses 64 hex digits. Returns false (and leaves *out unspecified) otherwise.
inline bool ParseHex(std::string_view s, Hash256* out) {
  if (s.size() != 64) return false;
  Hash256 h;
  for (int i = 0; i < 64; ++i) {
    char c = s[i];
    uint64_t v;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    else return false;
    int nibble = 63 - i;
    h.w[nibble >> 4] |= v << (4 * (nibble & 15));
  }
  *out = h;
  return true;
}

}  // namespace evenhand
