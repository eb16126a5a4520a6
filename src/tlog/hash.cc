#include "tlog/hash.h"

// SHA256_Init/Update/Final (deprecated in OpenSSL 3, still built): a
// context is a plain struct, copied for HMAC's precomputed key states.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <algorithm>

namespace evenhand::tlog {

namespace {

// One digest context per thread, reused: no allocation or algorithm fetch per hash.
class Digest {
 public:
  Digest() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Digest() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  // SHA-256 of prefix (when >= 0) then the parts. On a libcrypto failure
  // (allocation) the hash stays all zeros, which never matches a real one.
  Hash Of(int prefix, std::string_view a, std::string_view b = {}) {
    Hash h{};
    if (md_ == nullptr || ctx_ == nullptr || EVP_DigestInit_ex2(ctx_, md_, nullptr) != 1) return h;
    const unsigned char p = static_cast<unsigned char>(prefix);
    bool ok = (prefix < 0 || EVP_DigestUpdate(ctx_, &p, 1) == 1) && EVP_DigestUpdate(ctx_, a.data(), a.size()) == 1 &&
              EVP_DigestUpdate(ctx_, b.data(), b.size()) == 1;
    unsigned int len = 0;
    if (!ok || EVP_DigestFinal_ex(ctx_, h.data(), &len) != 1 || len != 32) h.fill(0);
    return h;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

Digest& ThreadDigest() {
  thread_local Digest d;
  return d;
}

}  // namespace

Hash Sha256(std::string_view data) { return ThreadDigest().Of(-1, data); }

Hash LeafHash(std::string_view leaf_data) { return ThreadDigest().Of(0x00, leaf_data); }

Hash NodeHash(const Hash& left, const Hash& right) { return ThreadDigest().Of(0x01, Bytes(left), Bytes(right)); }

Hash EmptyTreeHash() { return Sha256(""); }

namespace {

// HMAC's inner and outer states after the padded key (one 64-byte block
// each), kept per thread for the last key used: the store's salts use one
// secret for every entry, so each HMAC then hashes only the message and the
// inner hash (two short digests from copied states, no key blocks).
struct HmacState {
  std::string key;
  SHA256_CTX inner, outer;
};

const HmacState& HmacStateFor(std::string_view key) {
  thread_local HmacState st;
  thread_local bool ready = false;
  if (ready && st.key == key) return st;
  constexpr size_t kBlock = 64;
  std::array<unsigned char, kBlock> k{};
  if (key.size() > kBlock) {
    const Hash kh = Sha256(key);
    std::copy(kh.begin(), kh.end(), k.begin());
  } else {
    std::copy(key.begin(), key.end(), k.begin());
  }
  std::array<unsigned char, kBlock> ipad, opad;
  for (size_t i = 0; i < kBlock; ++i) {
    ipad[i] = static_cast<unsigned char>(k[i] ^ 0x36);
    opad[i] = static_cast<unsigned char>(k[i] ^ 0x5c);
  }
  SHA256_Init(&st.inner);
  SHA256_Update(&st.inner, ipad.data(), kBlock);
  SHA256_Init(&st.outer);
  SHA256_Update(&st.outer, opad.data(), kBlock);
  st.key.assign(key);
  ready = true;
  return st;
}

}  // namespace

Hash HmacSha256(std::string_view key, std::string_view message) { return HmacSha256Parts(key, {message}); }

Hash HmacSha256Parts(std::string_view key, std::initializer_list<std::string_view> parts) {
  const HmacState& st = HmacStateFor(key);
  Hash inner, out;
  SHA256_CTX c = st.inner;
  for (std::string_view part : parts) SHA256_Update(&c, part.data(), part.size());
  SHA256_Final(inner.data(), &c);
  c = st.outer;
  SHA256_Update(&c, inner.data(), inner.size());
  SHA256_Final(out.data(), &c);
  OPENSSL_cleanse(&c, sizeof c);
  return out;
}

Hash Sha256Parts(std::initializer_list<std::string_view> parts, int prefix) {
  Hash h{};
  SHA256_CTX c;
  SHA256_Init(&c);
  const unsigned char p = static_cast<unsigned char>(prefix);
  if (prefix >= 0) SHA256_Update(&c, &p, 1);
  for (std::string_view part : parts) SHA256_Update(&c, part.data(), part.size());
  SHA256_Final(h.data(), &c);
  return h;
}

void ToHex(const Hash& h, char (&out)[64]) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < 32; ++i) {
    out[2 * i] = kHex[h[i] >> 4];
    out[2 * i + 1] = kHex[h[i] & 0x0f];
  }
}

std::string ToHex(const Hash& h) {
  char buf[64];
  ToHex(h, buf);
  return std::string(buf, sizeof buf);
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::optional<Hash> HashFromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  Hash h{};
  for (size_t i = 0; i < 32; ++i) {
    int hi = HexDigit(hex[2 * i]), lo = HexDigit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return out;
}

std::optional<std::string> FromBase64(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
              (c == '=' && i + 2 >= text.size());
    if (!ok) return std::nullopt;
  }
  if (text.empty()) return std::string();
  std::string out(3 * text.size() / 4 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  size_t len = static_cast<size_t>(n);
  if (text.ends_with("==")) len -= 2;  // EVP_DecodeBlock counts padding as zero bytes
  else if (text.ends_with("=")) len -= 1;
  out.resize(len);
  if (Base64(out) != text) return std::nullopt;  // non-canonical encodings are refused
  return out;
}

std::optional<Hash> HashFromBase64(std::string_view text) {
  auto bytes = FromBase64(text);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  Hash h{};
  for (size_t i = 0; i < 32; ++i) h[i] = static_cast<uint8_t>((*bytes)[i]);
  return h;
}

}  // namespace evenhand::tlog
