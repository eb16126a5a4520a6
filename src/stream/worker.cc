#include "stream/worker.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "model/json_write.h"
#include "store/store.h"
#include "stream/nats_client.h"
#include "stream/post_message.h"

namespace evenhand::stream {

namespace {

using Clock = std::chrono::steady_clock;

// One thread's loop (see worker.h).
class WorkerThread {
 public:
  WorkerThread(int index, const Scanner& scanner, const WorkerOptions& o)
      : index_(index), scanner_(scanner), o_(o), state_(scanner.NewState()) {
    const size_t n = static_cast<size_t>(std::max(o.batch, 1));
    posts_.resize(n);
    accounts_.resize(n);
    decisions_.resize(n);
    actor_ = o.actor.empty() ? "worker:" + scanner.policy().id() : o.actor;
  }

  Status Run();
  const WorkerStats& stats() const { return stats_; }

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
  Status OpenStoreOnce();
  Status StoreBatch(size_t n);
  Status PublishBatch(size_t n);
  // Runs `step` until it succeeds, telling JetStream meanwhile that the
  // batch is still being worked on. False when stopped first.
  template <typename Step>
  bool Retry(const char* what, MessageBatch& batch, uint64_t* retries, Step step);

  const int index_;
  const Scanner& scanner_;
  const WorkerOptions& o_;
  std::unique_ptr<Scanner::State> state_;
  std::string actor_;
  std::unique_ptr<NatsClient> nats_;
  std::unique_ptr<Store> store_;
  std::vector<Post> posts_;
  std::vector<Account> accounts_;
  std::vector<Decision> decisions_;
  ItemParser parser_;
  std::string json_, msg_id_;
  WorkerStats stats_;
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
  if (s.ok()) stats_.stored += static_cast<uint64_t>(stored);
  if (!s.ok()) {
    (void)store_->Rollback();
    store_.reset();  // a lost connection is made again on the next try
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
bool WorkerThread::Retry(const char* what, MessageBatch& batch, uint64_t* retries, Step step) {
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
    ++*retries;
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
      ++stats_.fetch_errors;
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
    size_t n = 0;  // valid posts, compacted to the front
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch.deliveries(i) > 1) ++stats_.redelivered;
      Status s = ParsePostMessage(batch.data(i), parser_, &posts_[n], &accounts_[n]);
      if (!s.ok()) {
        ++stats_.bad;
        Log("skipped a message that is not a valid post: " + s.message());
        continue;
      }
      ++n;
    }
    for (size_t k = 0; k < n; k += Scanner::kScanChunk)
      scanner_.ScanBatch(&posts_[k], std::min(Scanner::kScanChunk, n - k), state_.get(), &decisions_[k]);
    if (!Retry("store", batch, &stats_.store_retries, [&] { return StoreBatch(n); }) ||
        !Retry("publishing decisions", batch, &stats_.publish_retries, [&] { return PublishBatch(n); })) {
      (void)batch.NakAll(0);  // stopped: another worker takes them now
      break;
    }
    if (Status s = batch.AckAll(); !s.ok()) Log(s.message() + " (the batch will be delivered again)");
    stats_.posts += n;
  }
  return Status::Ok();
}

}  // namespace

Result<WorkerStats> RunWorker(const Scanner& scanner, const WorkerOptions& o) {
  const auto start = Clock::now();
  const int n = std::max(o.threads, 1);
  std::vector<std::unique_ptr<WorkerThread>> workers;
  for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<WorkerThread>(i, scanner, o));
  std::vector<Status> status(n, Status::Ok());
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { status[i] = workers[i]->Run(); });
  for (std::thread& t : threads) t.join();
  WorkerStats total;
  for (int i = 0; i < n; ++i) {
    if (!status[i].ok()) return status[i];
    const WorkerStats& s = workers[i]->stats();
    total.posts += s.posts;
    total.stored += s.stored;
    total.redelivered += s.redelivered;
    total.bad += s.bad;
    total.store_retries += s.store_retries;
    total.publish_retries += s.publish_retries;
    total.fetch_errors += s.fetch_errors;
  }
  total.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return total;
}

}  // namespace evenhand::stream
