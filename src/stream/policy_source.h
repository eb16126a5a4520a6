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
//
// The same holds for `evenhand serve --policy-key` (policy_follower.h): a
// PolicyWatch reads the key, the server swaps its scanner.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
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

// Where a process finds its published policy.
struct PublishedPolicy {
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string bucket = "evenhand_policies", key;
  std::string work_dir;      // revisions are unpacked here, one folder each (rev-N)
  ScanOptions scan_options;  // how revisions are compiled
};

// The revision published now, compiled (at start); *revision receives it.
// NotFound (saying how to publish one) when nothing is published there.
Result<std::shared_ptr<const Scanner>> LoadPublishedPolicy(const PublishedPolicy& where, uint64_t* revision);

// Follows one key for its owner (not thread safe: one thread polls). Poll()
// reads the key once; when its revision moved since the last poll it
// compiles that revision and hands it back. What goes wrong is said through
// `log`: nothing published under the key (once, until something is), a
// revision that does not load ("policy KEY revision N: cannot load: WHY;
// keeping ID"). A NATS that does not answer is silent (the caller's
// connection state says it).
class PolicyWatch {
 public:
  struct Change {
    std::shared_ptr<const Scanner> scanner;  // null: nothing new to run
    uint64_t revision = 0;
    bool failed = false;                     // a new revision did not load (logged)
  };
  // `seen_revision`: the revision running now (0: none from the bucket).
  PolicyWatch(PublishedPolicy where, uint64_t seen_revision, std::function<void(const std::string&)> log);
  // `running_id`: the policy running now, for the log lines.
  Change Poll(NatsClient& nats, const std::string& running_id);
  // Forgets the last revision read, so that the next Poll compiles it again
  // (after its owner could not install it).
  void Retry() { seen_revision_ = 0; }
  const PublishedPolicy& where() const { return where_; }

 private:
  void Log(const std::string& line) const {
    if (log_) log_(line);
  }
  PublishedPolicy where_;
  uint64_t seen_revision_;
  bool said_missing_ = false;
  std::function<void(const std::string&)> log_;
};

}  // namespace evenhand::stream
