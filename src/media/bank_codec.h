// Little-endian encoding helpers shared by the video and exact-hash bank
// files (the same conventions as src/bank/bank_io's .ehb): fixed-width
// integers, length-prefixed strings (u32 + bytes), and a trailing FNV-1a 64
// over everything before it. ByteReader never reads past its end: every
// Get* returns false instead, so a truncated or corrupt file is an error,
// never a crash. The file helpers at the end write a sealed file by
// ReplaceFile (a device or FIFO is written into, never replaced) and read one
// back, checking its magic and checksum.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/status.h"

namespace evenhand::bank_codec {

inline uint64_t Fnv1a(const char* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint8_t>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

template <typename T>
void Put(std::string* out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof v);  // x86-64 / arm64: little-endian
  out->append(b, sizeof b);
}

inline void PutString(std::string* out, std::string_view s) {
  Put<uint32_t>(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// Appends the checksum of everything in *out.
inline void Seal(std::string* out) { Put<uint64_t>(out, Fnv1a(out->data(), out->size())); }

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}
  template <typename T>
  bool Get(T* v) {
    if (data_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  bool GetBytes(void* out, size_t n) {
    if (data_.size() - pos_ < n) return false;
    std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool GetString(std::string* s) {
    uint32_t n = 0;
    if (!Get(&n) || data_.size() - pos_ < n) return false;
    s->assign(data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }
  size_t pos() const { return pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// True when `data` ends with the FNV-1a of the bytes before it.
inline bool SealOk(std::string_view data) {
  if (data.size() < 8) return false;
  uint64_t want;
  std::memcpy(&want, data.data() + data.size() - 8, 8);
  return Fnv1a(data.data(), data.size() - 8) == want;
}

// Seals *bytes (which start with the file's magic) and puts them at path.
Status WriteSealedFile(const std::string& path, std::string* bytes);

// True when the file at path starts with the 8-byte magic.
bool FileHasMagic(const std::string& path, const char* magic);

// The whole file at path, once its magic and checksum are checked; errors
// name the path and `what` ("hash bank", "video bank"). The payload between
// the magic and the checksum is Payload(data).
Result<std::string> ReadSealedFile(const std::string& path, const char* magic, const char* what);
inline std::string_view Payload(const std::string& data) { return std::string_view(data).substr(8, data.size() - 16); }

}  // namespace evenhand::bank_codec
