// Bank search benchmark: Q queries (default 1,000) at radius 31 against N
// hashes (default 1 M; random, with planted near-duplicates: see
// bank_bench_data.h), one thread. Prints queries/s for the multi-index and
// for a brute-force popcount loop (the peer; popcnt instruction where the
// CPU has one), the recall of the index against brute force (identical id
// sets on every query brute force timed), and index memory per million.
//   usage: bank_bench [N=1000000] [QUERIES=1000] [BRUTE_QUERIES=200]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "bank/mih_index.h"
#include "bank_bench_data.h"

using namespace evenhand;

namespace {

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target_clones("popcnt", "default")))
#endif
void BruteForce(const std::vector<Hash256>& bank, const Hash256& q, int radius, std::vector<uint32_t>* ids) {
  for (size_t i = 0; i < bank.size(); ++i) {
    if (Distance(bank[i], q) <= radius) ids->push_back(static_cast<uint32_t>(i));
  }
}

double Seconds(std::chrono::steady_clock::time_point a, std::chrono::steady_clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
  const size_t nq = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000;
  const size_t brute_q = std::min<size_t>(nq, argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 200);
  std::vector<Hash256> bank, queries;
  bench::MakeBankBenchData(n, nq, &bank, &queries);

  auto t0 = std::chrono::steady_clock::now();
  HashIndex index;
  index.Add(bank.data(), bank.size());
  auto t1 = std::chrono::steady_clock::now();
  // Results are kept per query for the recall check; the timed loop only appends.
  std::vector<HashMatch> all;
  std::vector<size_t> lims{0};
  all.reserve(nq * 16);
  for (const auto& q : queries) {
    index.Search(q, 31, &all);
    lims.push_back(all.size());
  }
  auto t2 = std::chrono::steady_clock::now();
  std::vector<uint32_t> brute_ids;
  size_t brute_total = 0, mismatched = 0;
  for (size_t i = 0; i < brute_q; ++i) {
    brute_ids.clear();
    BruteForce(bank, queries[i], 31, &brute_ids);
    brute_total += brute_ids.size();
    std::vector<uint32_t> got;
    for (size_t k = lims[i]; k < lims[i + 1]; ++k) got.push_back(all[k].id);
    std::sort(got.begin(), got.end());
    mismatched += got != brute_ids;
  }
  auto t3 = std::chrono::steady_clock::now();

  std::printf("n=%zu queries=%zu radius=31 build=%.2fs\n", n, nq, Seconds(t0, t1));
  std::printf("mih: %.0f queries/s (%zu matches, %.1f us/query)\n", nq / Seconds(t1, t2), all.size(),
              1e6 * Seconds(t1, t2) / nq);
  std::printf("brute-force popcount: %.1f queries/s (%zu queries)\n", brute_q / Seconds(t2, t3), brute_q);
  std::printf("recall vs brute force: %s (%zu queries, %zu matches, %zu queries differ)\n",
              mismatched == 0 ? "1.0" : "MISMATCH", brute_q, brute_total, mismatched);
  std::printf("index memory: %.1f MiB total, %.1f MiB per million hashes\n", index.MemoryBytes() / 1048576.0,
              index.MemoryBytes() / 1048576.0 / (n / 1e6));
  return mismatched == 0 ? 0 : 1;
}
