// The audit chain with many writers (issue 18 point 4): W threads, each
// with its own Store connection (as W worker processes would have), append
// to one chain in transactions of G entries each, for S seconds. Prints the
// entries and transactions committed per second, the wait of one
// transaction (p50, p99, worst: Begin to durable Commit), then verifies the
// chain and the tree (`audit verify`'s checks) over everything appended.
//
//   audit_writers_bench URL WRITERS GROUP SECONDS
//
// URL is a Store URL (postgres://... or an SQLite path); the store should be
// new (the chain's length before the run is counted in the verification).
// Exit 1 when a write or the verification fails.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "store/audit_tree.h"
#include "store/store.h"

using namespace evenhand;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: audit_writers_bench URL WRITERS GROUP SECONDS\n");
    return 2;
  }
  const std::string url = argv[1];
  const int writers = std::atoi(argv[2]), group = std::atoi(argv[3]);
  const double seconds = std::atof(argv[4]);
  if (writers < 1 || group < 1 || seconds <= 0) {
    std::fprintf(stderr, "audit_writers_bench: WRITERS and GROUP must be >= 1, SECONDS > 0\n");
    return 2;
  }
  {
    auto made = OpenStore(url);  // the schema, before the writers race to make it
    if (!made.ok()) {
      std::fprintf(stderr, "audit_writers_bench: %s\n", made.status().ToString().c_str());
      return 1;
    }
  }
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::vector<double>> waits(writers);  // seconds per transaction, per writer
  std::vector<std::string> errors(writers);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      auto opened = OpenStore(url, OpenMode::kMustExist);
      if (!opened.ok()) {
        errors[w] = opened.status().ToString();
        return;
      }
      Store& store = **opened;
      const std::string actor = "writer:" + std::to_string(w);
      std::string payload;
      while (!go.load()) std::this_thread::yield();
      for (uint64_t n = 0; !stop.load(); ++n) {
        const auto start = Clock::now();
        Status s = store.Begin();
        for (int i = 0; s.ok() && i < group; ++i) {
          payload = "{\"n\":" + std::to_string(n) + ",\"i\":" + std::to_string(i) + "}";
          s = store.AppendAudit(actor, "bench.note", "w" + std::to_string(w), payload);
        }
        if (s.ok()) s = store.Commit();
        if (!s.ok()) {
          errors[w] = s.ToString();
          (void)store.Rollback();
          return;
        }
        waits[w].push_back(std::chrono::duration<double>(Clock::now() - start).count());
      }
    });
  }
  const auto start = Clock::now();
  go.store(true);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::vector<double> all;
  for (int w = 0; w < writers; ++w) {
    if (!errors[w].empty()) {
      std::fprintf(stderr, "audit_writers_bench: writer %d: %s\n", w, errors[w].c_str());
      return 1;
    }
    all.insert(all.end(), waits[w].begin(), waits[w].end());
  }
  std::sort(all.begin(), all.end());
  auto at = [&](double q) { return all.empty() ? 0.0 : all[std::min(all.size() - 1, size_t(q * all.size()))]; };
  const double txns = static_cast<double>(all.size());
  std::printf("writers %d  group %4d  %8.0f entries/s  %7.0f commits/s  commit p50 %6.1f ms  p99 %6.1f ms  worst %6.1f ms\n",
              writers, group, txns * group / elapsed, txns / elapsed, at(0.50) * 1e3, at(0.99) * 1e3,
              all.empty() ? 0.0 : all.back() * 1e3);
  // Everything appended is one chain, and the tree agrees with it.
  auto store = OpenStore(url, OpenMode::kMustExist);
  if (!store.ok()) return 1;
  auto chain = VerifyAudit(**store);
  if (!chain.ok() || !chain->ok()) {
    std::fprintf(stderr, "audit_writers_bench: the chain does not verify: %s\n",
                 chain.ok() ? chain->problems.front().what.c_str() : chain.status().ToString().c_str());
    return 1;
  }
  auto tree = VerifyAuditTree(**store);
  if (!tree.ok() || !tree->ok()) {
    std::fprintf(stderr, "audit_writers_bench: the tree does not verify: %s\n",
                 tree.ok() ? tree->problems.front().c_str() : tree.status().ToString().c_str());
    return 1;
  }
  std::printf("  verified: chain of %lld entries, tree ok\n", static_cast<long long>(chain->entries));
  return 0;
}
