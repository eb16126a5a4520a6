// StoreWorker: the one thread that writes to the store. Server threads hand
// it work and block until it is durable, so a 2xx is only ever sent for a
// committed write.
//
// Scans are group-committed: every scan job waiting when the writer wakes
// goes into one transaction (posts and decisions, each decision with its
// audit entry), and each waiting thread is released after that one commit.
// Other writes (cases, keys, reviews) run one by one as closures on the
// writer's Store, each its own transaction (the desks do that).
//
// Each submitter waits on its own job's condition variable, so a commit wakes
// the threads whose jobs it finished and no other (one shared variable woke
// every waiting thread, up to --workers, on every commit).
//
// Thread safe. Stop() finishes every job already queued, then joins; jobs
// submitted after Stop() fail with Status::Io("shutting down").
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "model/item.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand::server {

class StoreWorker {
 public:
  // `on_commit` (may be empty) is called on the writer thread after each
  // group commit, with the number of items it made durable and its seconds.
  StoreWorker(Store* store, std::function<void(size_t, double)> on_commit);
  ~StoreWorker();  // Stop()s

  // Stores posts[i] and decisions[i] (i < n) by `actor`; returns once committed.
  Status CommitScans(const Post* posts, const Decision* decisions, size_t n, const std::string& actor);
  // Runs `fn` on the writer thread with the writer's Store; returns its Status.
  Status Run(const std::function<Status(Store&)>& fn);

  void Stop();

 private:
  struct Job {
    const Post* posts = nullptr;
    const Decision* decisions = nullptr;
    size_t n = 0;
    const std::string* actor = nullptr;
    const std::function<Status(Store&)>* fn = nullptr;  // null: a scan job
    Status result;
    bool done = false;             // under mu_
    std::condition_variable done_cv;  // its submitter waits here: only finished jobs' threads wake
  };
  Status Submit(Job* job);
  void Loop();
  void CommitGroup(Job** jobs, size_t n);

  Store* store_;
  std::function<void(size_t, double)> on_commit_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace evenhand::server
