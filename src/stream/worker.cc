#include "stream/worker.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "model/json_write.h"
#include "store/store.h"
#include "stream/metrics_listener.h"
#include "stream/nats_client.h"
#include "stream/post_message.h"
#include "stream/worker_control.h"

namespace evenhand::stream {

namespace {

using Clock = std::chrono::steady_clock;

// One thread's loop (see worker.h).
class WorkerThread {
 public:
  WorkerThread(int index, PolicySlot& slot, const WorkerOptions& o, WorkerMetrics& metrics)
      : index_(index), slot_(slot), o_(o), m_(metrics) {
    const size_t n = static_cast<size_t>(std::max(o.batch, 1));
    posts_.resize(n);
    accounts_.resize(n);
    decisions_.resize(n);
    stored_ns_.resize(n);
    TakePolicy();
  }

  Status Run();

 private:
  bool stopped() const { return o_.stop != nullptr && o_.stop->load(); }
  void Log(const std::string& line) const {
    if (o_.log) o_.log("worker " + std::to_string(index_) + ": " + line);
  }
  // Sleeps `*backoff_ms` (in steps, so a stop is seen) and doubles it up to 5 s.
  void Backoff(int64_t* backoff_ms) const {
    for (int64_t slept = 0; slept < *backoff_ms && !stopped(); slept += 50)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    *backoff_ms = std::min<int64_t>(*backoff_ms * 2, 5000);
  }
  // Takes the slot's current policy (a new Scanner state, a new actor).
  void TakePolicy() {
    scanner_ = slot_.Current(&generation_);
    state_ = scanner_->NewState();
    actor_ = o_.actor.empty() ? "worker:" + scanner_->policy().id() : o_.actor;
  }
  Status OpenStoreOnce();
  Status StoreBatch(size_t n);
  Status PublishBatch(size_t n);
  // Runs `step` until it succeeds, telling JetStream meanwhile that the
  // batch is still being worked on. False when stopped first.
  template <typename Step>
  bool Retry(const char* what, MessageBatch& batch, std::atomic<uint64_t>* retries, Step step);

  const int index_;
  PolicySlot& slot_;
  const WorkerOptions& o_;
  WorkerMetrics& m_;
  std::shared_ptr<const Scanner> scanner_;  // the policy this thread runs now
  uint64_t generation_ = 0;                 // its generation in slot_
  std::unique_ptr<Scanner::State> state_;
  std::string actor_;
  std::unique_ptr<NatsClient> nats_;
  std::unique_ptr<Store> store_;
  std::vector<Post> posts_;
  std::vector<Account> accounts_;
  std::vector<Decision> decisions_;
  std::vector<int64_t> stored_ns_;  // when the stream stored each valid post (unix ns)
  ItemParser parser_;
  std::string json_, msg_id_;
  bool store_failing_ = false;
};

Status WorkerThread::OpenStoreOnce() {
  auto opened = OpenStore(o_.db_url);
  if (!opened.ok()) return opened.status();
  store_ = std::move(opened).value();
  return Status::Ok();
}

Status WorkerThread::StoreBatch(size_t n) {
  if (!store_)
    if (Status s = OpenStoreOnce(); !s.ok()) return s;
  Status s = store_->Begin();
  int64_t stored = 0;
  if (s.ok())
    s = store_->PutPostsAndDecisions(std::span<const Post>(posts_.data(), n),
                                     std::span<const Decision>(decisions_.data(), n), actor_, &stored);
  if (s.ok()) s = store_->Commit();
  if (s.ok()) m_.stored.fetch_add(static_cast<uint64_t>(stored), std::memory_order_relaxed);
  if (!s.ok()) {
    (void)store_->Rollback();
    store_.reset();  // a lost connection is made again on the next try
  }
  if (s.ok() == store_failing_) {  // the store_ok gauge counts threads whose last attempt failed
    store_failing_ = !s.ok();
    m_.store_failing.fetch_add(store_failing_ ? 1 : -1);
  }
  return s;
}

Status WorkerThread::PublishBatch(size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const Decision& d = decisions_[i];
    json_.clear();
    AppendDecisionJson(&json_, d);
    msg_id_.assign(d.item).append("@").append(d.policy);
    if (Status s = nats_->Publish(o_.decisions_subject, json_, msg_id_); !s.ok()) return s;
  }
  return nats_->WaitPublished(30000, nullptr);
}

template <typename Step>
bool WorkerThread::Retry(const char* what, MessageBatch& batch, std::atomic<uint64_t>* retries, Step step) {
  int64_t backoff_ms = 250;
  bool failed = false;
  for (;;) {
    Status s = step();
    if (s.ok()) {
      if (failed) Log(std::string(what) + ": ok again");
      return true;
    }
    if (!failed || backoff_ms >= 5000) Log(std::string(what) + ": " + s.message() + "; trying again");
    failed = true;
    retries->fetch_add(1, std::memory_order_relaxed);
    (void)batch.InProgressAll();
    if (stopped()) return false;
    Backoff(&backoff_ms);
  }
}

Status WorkerThread::Run() {
  auto client = NatsClient::Connect(o_.nats_url, "evenhand worker");
  if (!client.ok()) return client.status();
  nats_ = std::move(client).value();
  for (const StreamSpec& spec : {StreamSpec{o_.posts_stream, o_.posts_subject, o_.duplicate_window_ms, o_.replicas},
                                 StreamSpec{o_.decisions_stream, o_.decisions_subject, o_.duplicate_window_ms,
                                            o_.replicas}})
    if (Status s = nats_->EnsureStream(spec); !s.ok()) return s;
  auto consumer = nats_->Consume(ConsumerSpec{o_.posts_stream, o_.posts_subject, o_.durable, o_.ack_wait_ms});
  if (!consumer.ok()) return consumer.status();
  // A store that cannot be opened now (the server restarting) is retried;
  // one that never can (a bad URL, a refused schema) ends the worker.
  for (int64_t backoff_ms = 250;;) {
    Status s = OpenStoreOnce();
    if (s.ok()) break;
    if (s.code() != Status::Code::kIo || stopped()) return s;
    Log("store: " + s.message() + "; trying again");
    Backoff(&backoff_ms);
  }

  auto idle_since = Clock::now();
  int64_t fetch_backoff_ms = 250;
  while (!stopped()) {
    auto fetched = (*consumer)->Fetch(static_cast<int>(posts_.size()), o_.fetch_wait_ms);
    if (!fetched.ok()) {
      m_.fetch_errors.fetch_add(1, std::memory_order_relaxed);
      if (fetch_backoff_ms == 250 || fetch_backoff_ms >= 5000) Log(fetched.status().message() + "; trying again");
      Backoff(&fetch_backoff_ms);
      continue;
    }
    if (fetch_backoff_ms > 250) Log("fetching: ok again");
    fetch_backoff_ms = 250;
    MessageBatch& batch = *fetched;
    if (batch.size() == 0) {
      if (o_.idle_exit_ms > 0 && Clock::now() - idle_since > std::chrono::milliseconds(o_.idle_exit_ms)) break;
      continue;
    }
    idle_since = Clock::now();
    if (slot_.generation() != generation_) TakePolicy();  // between batches: one version decides a batch
    size_t n = 0;  // valid posts, compacted to the front
    uint64_t redelivered = 0, bad = 0;
    for (size_t i = 0; i < batch.size(); ++i) {
      const MessageBatch::Meta meta = batch.meta(i);
      if (meta.deliveries > 1) ++redelivered;
      Status s = ParsePostMessage(batch.data(i), parser_, &posts_[n], &accounts_[n]);
      if (!s.ok()) {
        ++bad;
        Log("skipped a message that is not a valid post: " + s.message());
        continue;
      }
      stored_ns_[n++] = meta.stored_ns;
    }
    m_.redelivered.fetch_add(redelivered, std::memory_order_relaxed);
    m_.bad.fetch_add(bad, std::memory_order_relaxed);
    for (size_t k = 0; k < n; k += Scanner::kScanChunk)
      scanner_->ScanBatch(&posts_[k], std::min(Scanner::kScanChunk, n - k), state_.get(), &decisions_[k]);
    if (!Retry("store", batch, &m_.store_retries, [&] { return StoreBatch(n); }) ||
        !Retry("publishing decisions", batch, &m_.publish_retries, [&] { return PublishBatch(n); })) {
      (void)batch.NakAll(0);  // stopped: another worker takes them now
      break;
    }
    if (Status s = batch.AckAll(); !s.ok()) {
      Log(s.message() + " (the batch will be delivered again)");
      continue;
    }
    const int64_t now_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
    for (size_t k = 0; k < n; ++k)
      if (stored_ns_[k] > 0) m_.RecordLatency(now_ns - stored_ns_[k]);
    m_.decided.fetch_add(n, std::memory_order_relaxed);
    m_.acks.fetch_add(batch.size(), std::memory_order_relaxed);
    m_.batches.fetch_add(1, std::memory_order_relaxed);
  }
  return Status::Ok();
}

}  // namespace

Result<WorkerStats> RunWorker(PolicySlot& policy, const WorkerOptions& o, WorkerMetrics* metrics) {
  const auto start = Clock::now();
  WorkerMetrics own;
  WorkerMetrics& m = metrics != nullptr ? *metrics : own;
  m.SetPolicy(policy.Current(nullptr)->policy().id(), policy.revision());
  std::unique_ptr<MetricsListener> listener;
  if (!o.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    if (!ParseHostPort(o.metrics_listen, &host, &port))
      return Status::Invalid("--metrics-listen: want HOST:PORT, e.g. 127.0.0.1:9464, not \"" + o.metrics_listen + "\"");
    auto started = MetricsListener::Start(host, port, [&m] { return m.Render(); });
    if (!started.ok()) return started.status();
    listener = std::move(started).value();
    if (o.log) o.log("metrics on http://" + host + ":" + std::to_string(listener->port()) + "/metrics");
  }
  WorkerControl control(o, policy, m);
  const int n = std::max(o.threads, 1);
  std::vector<std::unique_ptr<WorkerThread>> workers;
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<WorkerThread>(i, policy, o, m));
  std::vector<Status> status(n, Status::Ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { status[i] = workers[i]->Run(); });
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < n; ++i)
    if (!status[i].ok()) return status[i];
  constexpr auto r = std::memory_order_relaxed;
  WorkerStats total;
  total.posts = m.decided.load(r);
  total.stored = m.stored.load(r);
  total.redelivered = m.redelivered.load(r);
  total.bad = m.bad.load(r);
  total.store_retries = m.store_retries.load(r);
  total.publish_retries = m.publish_retries.load(r);
  total.fetch_errors = m.fetch_errors.load(r);
  total.policy_swaps = m.policy_swaps.load(r);
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  total.latency_p50 = m.LatencyAtMost(0.50);
  total.latency_p99 = m.LatencyAtMost(0.99);
  total.latency_worst = m.latency_worst();
  return total;
}

PublishedPolicy PublishedOf(const WorkerOptions& o) {
  PublishedPolicy p;
  p.nats_url = o.nats_url;
  p.bucket = o.policy_bucket;
  p.key = o.policy_key;
  p.work_dir = o.policy_dir;
  p.scan_options = o.scan_options;
  return p;
}

Result<std::shared_ptr<const Scanner>> LoadPublishedPolicy(const WorkerOptions& o, uint64_t* revision) {
  return LoadPublishedPolicy(PublishedOf(o), revision);
}

}  // namespace evenhand::stream
