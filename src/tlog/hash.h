// RFC 9162 (Certificate Transparency v2) tree hashing, section 2.1.1:
//   leaf hash = SHA-256(0x00 || leaf data)
//   node hash = SHA-256(0x01 || left || right)
//   the hash of the empty tree = SHA-256("")
// plus the encodings the log's formats use (lowercase hex, standard base64).
// Pure functions, thread safe, no allocation but for the returned strings
// (the *Parts forms and ToHex into a buffer allocate nothing).
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace evenhand::tlog {

using Hash = std::array<uint8_t, 32>;

Hash Sha256(std::string_view data);
Hash LeafHash(std::string_view leaf_data);
Hash NodeHash(const Hash& left, const Hash& right);
Hash EmptyTreeHash();
// HMAC-SHA256 (RFC 2104) of `message` under `key` (any length).
Hash HmacSha256(std::string_view key, std::string_view message);
// The same of the parts' concatenation, hashed in place: Sha256Parts with
// prefix 0x00 is LeafHash of the concatenation; HmacSha256Parts is
// HmacSha256 of it.
Hash Sha256Parts(std::initializer_list<std::string_view> parts, int prefix = -1);
Hash HmacSha256Parts(std::string_view key, std::initializer_list<std::string_view> parts);

std::string ToHex(const Hash& h);
void ToHex(const Hash& h, char (&out)[64]);  // the same 64 digits, into `out` (no terminator)
std::optional<Hash> HashFromHex(std::string_view hex);  // 64 hex digits, either case

std::string Base64(std::string_view bytes);
std::optional<std::string> FromBase64(std::string_view text);  // standard alphabet, padded; strict
inline std::string_view Bytes(const Hash& h) { return {reinterpret_cast<const char*>(h.data()), h.size()}; }
std::optional<Hash> HashFromBase64(std::string_view text);

// Largest power of two strictly less than n (n >= 2): the split point of
// RFC 9162's recursive definitions.
inline uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

}  // namespace evenhand::tlog
