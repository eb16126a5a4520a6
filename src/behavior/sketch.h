// Text sketches for near-duplicate detection over NORMALISED text
// (text/normalizer.h: words separated by spaces).
//
// Shingles: the 64-bit hashes of a text's words and word bigrams. Words keep
// edited copies together (a swap of two words changes no word); bigrams keep
// unrelated texts over a common vocabulary apart. Replacing 10/20/30 % of
// the words of a 15-word text leaves a copy-to-original Jaccard similarity
// of 0.68/0.56/0.46 and two such copies of each other 0.49/0.36/0.26
// (simulated, 2,000 texts each, distinct words).
// MinHash: kMinHashSize minima over the shingles (one-permutation hashing:
// one hash per shingle, kMinHashSize bins, empty bins densified); the share
// of equal positions of two signatures estimates the Jaccard similarity of
// their shingle sets. LSH: the signature is cut into
// kBands bands of kRows values; two texts are candidates when some band is
// equal (P = 1 - (1 - J^kRows)^kBands: J 0.5 -> 0.99, J 0.4 -> 0.94,
// J 0.3 -> 0.78, J 0.1 -> 0.15).
// SimHash: a 64-bit fingerprint whose Hamming distance grows with the
// difference between the texts (identical shingle sets -> distance 0).
//
// All functions are pure and thread safe; ShingleText appends to a caller
// vector (reused, so no allocation per text once warm); the others allocate
// nothing.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace evenhand::behavior {

inline constexpr int kMinHashSize = 32;
inline constexpr int kBands = 16;
inline constexpr int kRows = kMinHashSize / kBands;

struct MinHashSig {
  uint32_t v[kMinHashSize];
};

// Clears *out and fills it with the shingle hashes of `normalized`.
// Returns the number of words.
size_t ShingleText(std::string_view normalized, std::vector<uint64_t>* out);

void MinHash(std::span<const uint64_t> shingles, MinHashSig* sig);
// Share of equal positions, in [0, 1].
double MinHashSimilarity(const MinHashSig& a, const MinHashSig& b);
// The key of band `band` (0..kBands-1), distinct per band.
uint64_t BandKey(const MinHashSig& sig, int band);

uint64_t SimHash(std::span<const uint64_t> shingles);
int HammingDistance(uint64_t a, uint64_t b);

}  // namespace evenhand::behavior
