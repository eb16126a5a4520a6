#include "media/file_digest.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/evp.h>

namespace evenhand {

const char* DigestName(DigestKind k) {
  switch (k) {
    case DigestKind::kMd5: return "md5";
    case DigestKind::kSha1: return "sha1";
    case DigestKind::kSha256: return "sha256";
  }
  return "?";
}

size_t DigestSize(DigestKind k) {
  switch (k) {
    case DigestKind::kMd5: return 16;
    case DigestKind::kSha1: return 20;
    case DigestKind::kSha256: return 32;
  }
  return 0;
}

bool ParseDigestKind(std::string_view name, DigestKind* out) {
  std::string n;
  for (char c : name) n.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
  if (n == "md5") *out = DigestKind::kMd5;
  else if (n == "sha1" || n == "sha-1") *out = DigestKind::kSha1;
  else if (n == "sha256" || n == "sha-256") *out = DigestKind::kSha256;
  else return false;
  return true;
}

namespace {
int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool ParseDigestHex(std::string_view hex, DigestKind kind, Digest* out) {
  const size_t n = DigestSize(kind);
  if (hex.size() != 2 * n) return false;
  *out = Digest{};
  for (size_t i = 0; i < n; ++i) {
    const int hi = HexVal(hex[2 * i]), lo = HexVal(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

std::string DigestHex(const Digest& d, DigestKind kind) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < DigestSize(kind); ++i) {
    s.push_back(kHex[d.bytes[i] >> 4]);
    s.push_back(kHex[d.bytes[i] & 15]);
  }
  return s;
}

struct FileDigester::Impl {
  EVP_MD_CTX* ctx[kDigestKinds] = {nullptr, nullptr, nullptr};
  const EVP_MD* md[kDigestKinds] = {EVP_md5(), EVP_sha1(), EVP_sha256()};
  std::vector<uint8_t> buffer = std::vector<uint8_t>(1 << 20);
  Impl() {
    for (auto& c : ctx) c = EVP_MD_CTX_new();
  }
  ~Impl() {
    for (auto* c : ctx) EVP_MD_CTX_free(c);
  }
  void Begin(uint8_t mask) {
    for (int k = 0; k < kDigestKinds; ++k)
      if (mask & (1u << k)) EVP_DigestInit_ex(ctx[k], md[k], nullptr);
  }
  void Update(uint8_t mask, const uint8_t* p, size_t n) {
    for (int k = 0; k < kDigestKinds; ++k)
      if (mask & (1u << k)) EVP_DigestUpdate(ctx[k], p, n);
  }
  void End(uint8_t mask, FileDigests* out) {
    out->have = 0;
    for (int k = 0; k < kDigestKinds; ++k) {
      if (!(mask & (1u << k))) continue;
      out->d[k] = Digest{};
      unsigned len = 0;
      EVP_DigestFinal_ex(ctx[k], out->d[k].bytes.data(), &len);
      out->have |= static_cast<uint8_t>(1u << k);
    }
  }
};

FileDigester::FileDigester() : impl_(std::make_unique<Impl>()) {}
FileDigester::~FileDigester() = default;

void FileDigester::DigestBytes(const uint8_t* data, size_t size, uint8_t mask, FileDigests* out) {
  impl_->Begin(mask);
  impl_->Update(mask, data, size);
  impl_->End(mask, out);
}

Status FileDigester::DigestFile(const std::string& path, uint8_t mask, FileDigests* out, uint64_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::Io(path + ": cannot read (" + std::strerror(errno) + ")");
  impl_->Begin(mask);
  uint64_t total = 0;
  Status status;
  for (;;) {
    const ssize_t n = ::read(fd, impl_->buffer.data(), impl_->buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status = Status::Io(path + ": read failed (" + std::strerror(errno) + ")");
      break;
    }
    if (n == 0) break;
    total += static_cast<uint64_t>(n);
    if (max_bytes > 0 && total > max_bytes) {
      status = Status::Invalid(path + ": over the limit of " + std::to_string(max_bytes) + " bytes; refused");
      break;
    }
    impl_->Update(mask, impl_->buffer.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  impl_->End(mask, out);
  if (!status.ok()) out->have = 0;
  return status;
}

}  // namespace evenhand
