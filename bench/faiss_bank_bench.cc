// The faiss peer for bank_bench: IndexBinaryMultiHash(256, 16, 16) with one
// bit flip, HMA's configuration, on the same data (bank_bench_data.h), one
// thread, range search at radius 31 (faiss's radius is exclusive: 32).
// Prints queries/s and the total match count (compare with bank_bench's).
//   usage: faiss_bank_bench [N=1000000] [QUERIES=1000]
#include <faiss/IndexBinaryHash.h>
#include <faiss/impl/AuxIndexStructures.h>
#include <omp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bank_bench_data.h"

using namespace evenhand;

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const size_t nq = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  omp_set_num_threads(1);
  std::vector<Hash256> bank, queries;
  bench::MakeBankBenchData(n, nq, &bank, &queries);
  static_assert(sizeof(Hash256) == 32);

  auto t0 = std::chrono::steady_clock::now();
  faiss::IndexBinaryMultiHash index(256, 16, 16);
  index.nflip = 1;
  index.add(static_cast<faiss::IndexBinary::idx_t>(n), reinterpret_cast<const uint8_t*>(bank.data()));
  auto t1 = std::chrono::steady_clock::now();
  faiss::RangeSearchResult result(static_cast<faiss::IndexBinary::idx_t>(nq));
  index.range_search(static_cast<faiss::IndexBinary::idx_t>(nq), reinterpret_cast<const uint8_t*>(queries.data()), 32, &result);
  auto t2 = std::chrono::steady_clock::now();
  const double build = std::chrono::duration<double>(t1 - t0).count();
  const double search = std::chrono::duration<double>(t2 - t1).count();
  std::printf("n=%zu queries=%zu radius=31 build=%.2fs\n", n, nq, build);
  std::printf("faiss IndexBinaryMultiHash(256,16,16) nflip=1: %.0f queries/s (%zu matches)\n", nq / search,
              static_cast<size_t>(result.lims[nq]));
  return 0;
}
