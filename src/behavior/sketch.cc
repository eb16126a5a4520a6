// MinHash is one-permutation hashing: one well-mixed hash per shingle,
// kMinHashSize bins, densified (Shrivastava and Li's rotation), so its cost
// does not grow with the signature size.
#include "behavior/sketch.h"

#include <bit>

#include "behavior/hash.h"

namespace evenhand::behavior {


size_t ShingleText(std::string_view text, std::vector<uint64_t>* out) {
  out->clear();
  uint64_t prev = 0;
  size_t words = 0;
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    while (i < n && text[i] == ' ') ++i;
    if (i >= n) break;
    size_t j = i;
    while (j < n && text[j] != ' ') ++j;
    uint64_t h = HashBytes(text.substr(i, j - i));
    out->push_back(h);
    if (words > 0) out->push_back(Mix64(prev * 31 + h));
    prev = h;
    ++words;
    i = j;
  }
  return words;
}

void MinHash(std::span<const uint64_t> shingles, MinHashSig* sig) {
  // One permutation: each shingle's hash picks a bin (top bits) and competes
  // for that bin's minimum (low bits). Empty bins borrow from the next
  // non-empty bin to the right, offset by the distance (densification), so
  // two texts still agree in a bin exactly when their sources agree.
  static_assert(kMinHashSize == 32, "bins are the top 5 bits");
  for (int k = 0; k < kMinHashSize; ++k) sig->v[k] = UINT32_MAX;
  for (uint64_t x : shingles) {
    uint64_t h = Mix64(x ^ 0x6f6e655065726dULL);
    uint32_t bin = static_cast<uint32_t>(h >> 59);
    uint32_t val = static_cast<uint32_t>(h) >> 1;  // below UINT32_MAX: "empty" stays distinct
    if (val < sig->v[bin]) sig->v[bin] = val;
  }
  if (shingles.empty()) return;
  uint32_t src[kMinHashSize];
  for (int k = 0; k < kMinHashSize; ++k) src[k] = sig->v[k];
  for (int k = 0; k < kMinHashSize; ++k) {
    if (src[k] != UINT32_MAX) continue;
    int d = 1;
    while (src[(k + d) % kMinHashSize] == UINT32_MAX) ++d;
    sig->v[k] = (src[(k + d) % kMinHashSize] + static_cast<uint32_t>(d) * 0x9E3779B1u) | 0x80000000u;
  }
}

double MinHashSimilarity(const MinHashSig& a, const MinHashSig& b) {
  int same = 0;
  for (int k = 0; k < kMinHashSize; ++k) same += a.v[k] == b.v[k];
  return static_cast<double>(same) / kMinHashSize;
}

uint64_t BandKey(const MinHashSig& sig, int band) {
  uint64_t h = 0x0b5e55ed00000000ULL + static_cast<uint64_t>(band);
  for (int r = 0; r < kRows; ++r) h = Mix64(h ^ sig.v[band * kRows + r]);
  return h;
}

uint64_t SimHash(std::span<const uint64_t> shingles) {
  int counts[64] = {};
  for (uint64_t x : shingles) {
    uint64_t h = Mix64(x ^ 0x51b4a54ULL);
    for (int bit = 0; bit < 64; ++bit) counts[bit] += ((h >> bit) & 1) ? 1 : -1;
  }
  uint64_t out = 0;
  for (int bit = 0; bit < 64; ++bit)
    if (counts[bit] > 0) out |= uint64_t{1} << bit;
  return out;
}

int HammingDistance(uint64_t a, uint64_t b) { return std::popcount(a ^ b); }

}  // namespace evenhand::behavior
