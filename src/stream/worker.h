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
// Policy: the threads run the Scanner in a PolicySlot (policy_source.h). With
// `policy_key`, a control thread (worker_control.h) polls that key of the
// policy bucket and swaps in each newly published revision; a thread takes
// the new one between batches (a batch is decided whole by one version). The
// control thread also keeps the metrics' gauges (lag, connection), served at
// `metrics_listen` (worker_metrics.h lists the series).
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
#include "stream/policy_source.h"
#include "stream/worker_metrics.h"

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
  // A published policy to follow (empty key: the slot's policy, for ever).
  std::string policy_bucket = "evenhand_policies", policy_key;
  std::string policy_dir;           // revisions are unpacked here, one folder each (rev-N)
  ScanOptions scan_options;         // how published revisions are compiled
  int64_t control_poll_ms = 1000;   // policy key and consumer lag read this often
  std::string metrics_listen;       // "HOST:PORT" for GET /metrics; empty: none
  std::function<void(const std::string&)> log;  // one line each; called from several threads
  const std::atomic<bool>* stop = nullptr;      // set from a signal handler: finish the batch and end
};

struct WorkerStats {
  uint64_t posts = 0;        // decided, stored, published and acknowledged
  uint64_t stored = 0;       // decisions newly stored (the rest were there already)
  uint64_t redelivered = 0;  // messages delivered more than once
  uint64_t bad = 0;          // messages that were not a valid post
  uint64_t store_retries = 0, publish_retries = 0, fetch_errors = 0;
  uint64_t policy_swaps = 0;  // published revisions swapped in while running
  double seconds = 0;
  // Ingest-to-decision latency (worker_metrics.h): bucket bounds at or
  // below which half and 99 % of the decided posts lie, and the worst.
  double latency_p50 = 0, latency_p99 = 0, latency_worst = 0;
};

// Runs until `stop` is set or every thread was idle for idle_exit_ms.
// Fails only when a thread cannot start (a bad URL, a store that refuses to
// open at all, a metrics address that cannot be bound); trouble later is
// retried. `metrics` (may be null) receives the live counts.
Result<WorkerStats> RunWorker(PolicySlot& policy, const WorkerOptions& options, WorkerMetrics* metrics = nullptr);

// Loads the policy published under options.policy_key (at start, before
// RunWorker): NotFound when nothing is published there.
Result<std::shared_ptr<const Scanner>> LoadPublishedPolicy(const WorkerOptions& options, uint64_t* revision);
// Where options say the published policy is.
PublishedPolicy PublishedOf(const WorkerOptions& options);

}  // namespace evenhand::stream
