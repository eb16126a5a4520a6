// The bank benchmarks' data set, shared so that bank_bench and the faiss
// peer (faiss_bank_bench) search exactly the same hashes: N random 256-bit
// hashes and Q random queries, each with 4 planted neighbours at 0..31 bits
// overwriting random bank entries. Deterministic (fixed seed).
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "model/hash256.h"

namespace evenhand::bench {

inline void MakeBankBenchData(size_t n, size_t nq, std::vector<Hash256>* bank, std::vector<Hash256>* queries) {
  std::mt19937_64 rng(1);
  bank->assign(n, Hash256{});
  queries->assign(nq, Hash256{});
  for (auto& h : *bank)
    for (auto& w : h.w) w = rng();
  for (size_t q = 0; q < nq; ++q) {
    for (auto& w : (*queries)[q].w) w = rng();
    for (int k = 0; k < 4; ++k) {
      Hash256 h = (*queries)[q];
      const int flips = static_cast<int>(rng() % 32);
      for (int f = 0; f < flips; ++f) {
        const int b = static_cast<int>(rng() % 256);
        h.w[b >> 6] ^= uint64_t{1} << (b & 63);
      }
      (*bank)[rng() % n] = h;
    }
  }
}

}  // namespace evenhand::bench
