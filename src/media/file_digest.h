// Exact file hashes: MD5, SHA-1 and SHA-256 of a file's bytes (OpenSSL's
// EVP digests), computed in one pass for whichever of the three are asked
// for, before and whatever the decoding. This is what NCMEC-style hash
// lists and HMA's "video MD5" signal match on.
//
// Allocation: a FileDigester keeps its read buffer and digest contexts;
// digesting allocates nothing once it exists. One per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace evenhand {

enum class DigestKind : uint8_t { kMd5 = 0, kSha1 = 1, kSha256 = 2 };
constexpr int kDigestKinds = 3;

// "md5", "sha1", "sha256".
const char* DigestName(DigestKind k);
// Bytes of the digest: 16, 20, 32.
size_t DigestSize(DigestKind k);
// From "md5" / "sha1" / "sha-1" / "sha256" / "sha-256" (any case); false otherwise.
bool ParseDigestKind(std::string_view name, DigestKind* out);

// A digest, zero-padded to 32 bytes (compare with the same kind only).
struct Digest {
  std::array<uint8_t, 32> bytes{};
  bool operator==(const Digest& o) const = default;
  auto operator<=>(const Digest& o) const = default;
};

// Hex (either case, exactly 2 * DigestSize(kind) digits) to a Digest.
bool ParseDigestHex(std::string_view hex, DigestKind kind, Digest* out);
std::string DigestHex(const Digest& d, DigestKind kind);

struct FileDigests {
  Digest d[kDigestKinds];
  uint8_t have = 0;  // bit k: d[k] computed
  bool has(DigestKind k) const { return have & (1u << static_cast<int>(k)); }
  const Digest& get(DigestKind k) const { return d[static_cast<int>(k)]; }
};

class FileDigester {
 public:
  FileDigester();
  ~FileDigester();
  FileDigester(const FileDigester&) = delete;
  FileDigester& operator=(const FileDigester&) = delete;

  // Digests `path` for every kind whose bit (1 << kind) is set in `mask`.
  // Files over max_bytes (0: no limit) are refused with an error naming the file.
  Status DigestFile(const std::string& path, uint8_t mask, FileDigests* out, uint64_t max_bytes = 0);
  void DigestBytes(const uint8_t* data, size_t size, uint8_t mask, FileDigests* out);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evenhand
