// MinHash uses one well-mixed hash per shingle and kMinHashSize
// multiply-add permutations of it (h_k = (x * a_k + b_k) >> 32 with odd a_k),
// cheap and close enough to independent for similarity estimates.
#include "behavior/sketch.h"

#include <bit>

#include "behavior/hash.h"

namespace evenhand::behavior {

namespace {

struct Permutations {
  uint64_t a[kMinHashSize];
  uint64_t b[kMinHashSize];
  Permutations() {
    uint64_t s = 0x5eed5eed12345678ULL;
    for (int k = 0; k < kMinHashSize; ++k) {
      a[k] = Mix64(s += 0x9e3779b97f4a7c15ULL) | 1;
      b[k] = Mix64(s += 0x9e3779b97f4a7c15ULL);
    }
  }
};

const Permutations& Perm() {
  static const Permutations p;
  return p;
}

}  // namespace

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
  const Permutations& p = Perm();
  for (int k = 0; k < kMinHashSize; ++k) sig->v[k] = UINT32_MAX;
  for (uint64_t x : shingles) {
    for (int k = 0; k < kMinHashSize; ++k) {
      uint32_t h = static_cast<uint32_t>((x * p.a[k] + p.b[k]) >> 32);
      if (h < sig->v[k]) sig->v[k] = h;
    }
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
