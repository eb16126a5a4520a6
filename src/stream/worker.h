// `evenhand worker`: decides the posts of the POSTS stream (NATS JetStream)
// and stores the decisions, N threads at once, any number of processes on
// any number of hosts.
//
// Each thread has its own NATS connection, its own Store connection (a
// PostgreSQL URL, so that all workers share one store) and a pull
// subscription to one durable consumer shared by every worker ("workers"):
// JetStream hands each message to one of them. A thread loops:
//   1. fetch up to `batch` messages;
//   2. parse them (post_message.h) and decide them with the Scanner, as
//      `scan` does;
//   3. store every post and decision in one Store transaction (a decision
//      already stored for the item's version under the policy is kept, not
//      stored twice: Store::PutDecision), with their audit entries;
//   4. publish each decision to the DECISIONS stream, message id
//      "ITEM@POLICY" (JetStream drops a repeat within its duplicate window),
//      and wait for the acknowledgements;
//   5. only then acknowledge the messages of POSTS.
// A worker killed anywhere in 1-5 leaves its messages unacknowledged; after
// `ack_wait_ms` JetStream delivers them again (to any worker), they are
// decided again, stored once and published once. Nothing acknowledged is
// lost: the store commit (3) and the publish acknowledgements (4) are both
// durable before the ack (5).
//
// When the store or NATS is away, the thread says so (log), keeps its batch
// (telling JetStream it is still in progress), backs off (250 ms doubling to
// 5 s) and tries again; it says so again when it is back. A message that is
// not a valid post is logged, counted and acknowledged (it would fail again).
// Known limit: a new version of an item decided under the same policy within
// the duplicate window has the same DECISIONS message id and is dropped there
// (the store keeps it).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "model/status.h"
#include "pipeline/scanner.h"

namespace evenhand::stream {

struct WorkerOptions {
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string db_url;  // a Store URL; postgres://... for several workers
  std::string posts_stream = "POSTS", posts_subject = "posts", durable = "workers";
  std::string decisions_stream = "DECISIONS", decisions_subject = "decisions";
  int replicas = 1;
  int64_t duplicate_window_ms = 10 * 60 * 1000;
  int threads = 1;
  int batch = 256;
  int64_t ack_wait_ms = 30000;
  int64_t fetch_wait_ms = 1000;
  int64_t idle_exit_ms = 0;  // a thread ends once no message came for this long; 0 = never
  std::string actor;         // audit actor of the decisions ("worker:POLICY" when empty)
  std::function<void(const std::string&)> log;  // one line each; called from several threads
  const std::atomic<bool>* stop = nullptr;      // set from a signal handler: finish the batch and end
};

struct WorkerStats {
  uint64_t posts = 0;        // decided, stored, published and acknowledged
  uint64_t stored = 0;       // decisions newly stored (the rest were there already)
  uint64_t redelivered = 0;  // messages delivered more than once
  uint64_t bad = 0;          // messages that were not a valid post
  uint64_t store_retries = 0, publish_retries = 0, fetch_errors = 0;
  double seconds = 0;
};

// Runs until `stop` is set or every thread was idle for idle_exit_ms.
// Fails only when a thread cannot start (a bad URL, a store that refuses to
// open at all); trouble later is retried.
Result<WorkerStats> RunWorker(const Scanner& scanner, const WorkerOptions& options);

}  // namespace evenhand::stream
