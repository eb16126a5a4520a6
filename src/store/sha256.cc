#include "store/sha256.h"

#include <openssl/evp.h>

namespace evenhand {

namespace {

// One digest context per thread, reused, and the algorithm fetched once per
// thread: EVP_Digest with EVP_sha256() fetched the algorithm and allocated
// a context on every call, half the cost of hashing a post or an audit
// entry (docs/PERFORMANCE.md, issue 14's re-measure).
class Digest {
 public:
  Digest() : md_(EVP_MD_fetch(nullptr, "SHA256", nullptr)), ctx_(EVP_MD_CTX_new()) {}
  ~Digest() {
    EVP_MD_CTX_free(ctx_);
    EVP_MD_free(md_);
  }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;

  // False when libcrypto fails (it cannot allocate): the caller returns "".
  bool Of(std::string_view data, unsigned char* md, unsigned int* len) {
    return md_ != nullptr && ctx_ != nullptr && EVP_DigestInit_ex2(ctx_, md_, nullptr) == 1 &&
           EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1 && EVP_DigestFinal_ex(ctx_, md, len) == 1;
  }

 private:
  EVP_MD* md_;
  EVP_MD_CTX* ctx_;
};

}  // namespace

std::string Sha256Hex(std::string_view data) {
  thread_local Digest digest;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // A failure (libcrypto cannot allocate its context) gives an empty result,
  // which never equals a stored hash, so verification reports the entry
  // instead of passing it.
  if (!digest.Of(data, md, &len) || len != 32) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(2 * len, '0');
  for (unsigned int i = 0; i < len; ++i) {
    out[2 * i] = kHex[md[i] >> 4];
    out[2 * i + 1] = kHex[md[i] & 0x0f];
  }
  return out;
}

}  // namespace evenhand
