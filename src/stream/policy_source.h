// The policy a worker runs, and how a published one replaces it while the
// worker runs (issue 18: policies through a JetStream key-value bucket).
//
// `evenhand policy publish FILE` puts a policy bundle (policy/policy_bundle.h:
// the policy and its files) under a key of a bucket. A worker given that key
// loads the current revision at start and polls the key (worker_control.h);
// a new revision is unpacked into a folder of its own, loaded and compiled
// beside the running one, and only then swapped in. Worker threads pick the
// new one up between batches: every batch is decided whole by one policy
// version, so no message is dropped or decided by two versions at once. A
// revision that does not load leaves the running policy in place.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "model/status.h"
#include "pipeline/scanner.h"
#include "stream/nats_client.h"

namespace evenhand::stream {

// Thread-safe holder of the running Scanner. Readers check generation()
// (one atomic load) per batch and take Current() only when it moved.
class PolicySlot {
 public:
  PolicySlot(std::shared_ptr<const Scanner> first, uint64_t revision);

  // The running scanner; *generation (may be null) receives its generation.
  std::shared_ptr<const Scanner> Current(uint64_t* generation) const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
  // Key-value revision of the running policy (0: it came from a file).
  uint64_t revision() const { return revision_.load(std::memory_order_acquire); }
  void Swap(std::shared_ptr<const Scanner> next, uint64_t revision);

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const Scanner> current_;
  std::atomic<uint64_t> generation_{1};
  std::atomic<uint64_t> revision_{0};
};

// Unpacks revision `entry` of a published policy under WORK_DIR/rev-N,
// loads and compiles it. Any fault (a bad bundle, a policy that does not
// load here) is the error, with nothing swapped.
Result<std::shared_ptr<const Scanner>> CompilePublishedPolicy(const KvEntry& entry, const std::string& work_dir,
                                                              const ScanOptions& options);

}  // namespace evenhand::stream
