#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

#include "model/json_write.h"
#include "pipeline/progress.h"

namespace evenhand {

namespace {

struct Batch {
  uint64_t seq = 0;
  size_t size = 0;                  // posts in use
  std::vector<Post> posts;          // reused; capacity grows to batch_size
  std::vector<Decision> decisions;  // one per post
  std::string out;                  // decisions as JSONL
};

// Everything the writer does with one finished batch, in input order.
// Per-action and per-category counts are kept in flat tables while the scan
// runs (no map lookup or string per item) and reach *stats in Finish.
class Sink {
 public:
  Sink(const PipelineOptions& options, ScanStats* stats) : options_(options), stats_(stats) {}

  Status Write(Batch& batch) {
    if (options_.out && !batch.out.empty() &&
        std::fwrite(batch.out.data(), 1, batch.out.size(), options_.out) != batch.out.size())
      return Status::Io(std::string("writing decisions failed: ") + std::strerror(errno));
    for (size_t i = 0; i < batch.size; ++i) {
      const Decision& d = batch.decisions[i];
      ++action_counts_[static_cast<int>(d.action)];
      if (!d.category.empty()) CountCategory(d.category);
      // The stored post carries the language id found for it, if it had none.
      Post& post = batch.posts[i];
      if (options_.store && post.lang.empty() && !d.lang.empty()) post.lang = d.lang;
    }
    if (options_.store && batch.size > 0) {
      // Each post, then its decision, in input order (PostgreSQL: a few
      // statements per 500 when the posts are new).
      int64_t inserted = 0;
      Status s = options_.store->PutPostsAndDecisions(std::span<const Post>(batch.posts.data(), batch.size),
                                                      std::span<const Decision>(batch.decisions.data(), batch.size),
                                                      options_.actor, &inserted);
      if (!s.ok()) return s;
      stats_->stored += static_cast<uint64_t>(inserted);
      stats_->duplicates += batch.size - static_cast<uint64_t>(inserted);
    }
    stats_->posts += batch.size;
    return Status::Ok();
  }

  // Adds the counts so far to stats->by_action and stats->by_category.
  void Finish() {
    for (int a = 0; a < kActionCount; ++a)
      if (action_counts_[a]) stats_->by_action[std::string(ActionName(static_cast<Action>(a)))] += action_counts_[a];
    for (const auto& [category, count] : category_counts_) stats_->by_category[category] += count;
    std::fill(std::begin(action_counts_), std::end(action_counts_), 0);
    category_counts_.clear();
  }

 private:
  // Categories are few: a linear search, starting with the last one hit.
  void CountCategory(const std::string& category) {
    if (last_category_ < category_counts_.size() && category_counts_[last_category_].first == category) {
      ++category_counts_[last_category_].second;
      return;
    }
    for (size_t k = 0; k < category_counts_.size(); ++k) {
      if (category_counts_[k].first == category) {
        ++category_counts_[k].second;
        last_category_ = k;
        return;
      }
    }
    last_category_ = category_counts_.size();
    category_counts_.emplace_back(category, 1);
  }

  const PipelineOptions& options_;
  ScanStats* stats_;
  uint64_t action_counts_[kActionCount] = {};
  std::vector<std::pair<std::string, uint64_t>> category_counts_;
  size_t last_category_ = 0;
};

void DecideBatch(const Scanner& scanner, Scanner::State* state, Batch* batch) {
  if (batch->decisions.size() < batch->size) batch->decisions.resize(batch->size);
  batch->out.clear();
  scanner.ScanBatch(batch->posts.data(), batch->size, state, batch->decisions.data());
  for (size_t i = 0; i < batch->size; ++i) {
    AppendDecisionJson(&batch->out, batch->decisions[i]);
  }
}

// Fills `batch` from the reader. Returns false on a bad line in stop mode
// (*error filled); a short or empty batch means the input ended.
bool FillBatch(JsonlReader& reader, const PipelineOptions& options, Batch* batch, ScanStats* stats,
               Status* error) {
  batch->size = 0;
  if (batch->posts.size() < options.batch_size) batch->posts.resize(options.batch_size);
  ReadError read_error;
  while (batch->size < options.batch_size) {
    auto next = reader.NextPost(&batch->posts[batch->size], &read_error);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) {
      if (options.on_error == OnError::kStop) {
        *error = Status::Invalid(read_error.ToString());
        return false;
      }
      ++stats->bad_lines;
      if (options.on_bad_line) options.on_bad_line(read_error);
      continue;
    }
    ++batch->size;
  }
  return true;
}

Result<ScanStats> RunSingleThread(JsonlReader& reader, const Scanner& scanner, const PipelineOptions& options,
                                  Progress& progress) {
  ScanStats stats;
  Sink sink(options, &stats);
  auto state = scanner.NewState();
  Batch batch;
  for (;;) {
    Status error;
    if (!FillBatch(reader, options, &batch, &stats, &error)) return error;
    if (batch.size == 0) break;
    DecideBatch(scanner, state.get(), &batch);
    Status s = sink.Write(batch);
    if (!s.ok()) return s;
    progress.Update(stats.posts, reader.bytes_read(), reader.total_bytes());
    if (batch.size < options.batch_size) break;
  }
  sink.Finish();
  return stats;
}

// `threads` deciders: threads - 1 worker threads plus the calling thread,
// which also reads every batch and writes every finished one, in input order
// (so the Store is written from this one thread). A fixed pool of batches
// circulates, so memory stays bounded.
//
// The calling thread's loop, by priority: write the next batches in order if
// they are done; fill a free batch while input remains; else decide a queued
// batch itself; else wait for a worker. Workers only decide batches.
class ParallelRun {
 public:
  ParallelRun(JsonlReader& reader, const Scanner& scanner, const PipelineOptions& options, int threads)
      : reader_(reader), scanner_(scanner), options_(options), threads_(threads), sink_(options, &stats_) {
    pool_.resize(static_cast<size_t>(threads) * 2 + 2);
    for (auto& b : pool_) free_.push_back(&b);
  }

  Result<ScanStats> Run(Progress& progress) {
    std::vector<std::thread> workers;
    for (int i = 1; i < threads_; ++i) workers.emplace_back([this] { WorkerLoop(); });
    auto state = scanner_.NewState();

    Status read_status, write_status;
    uint64_t filled = 0;   // batches handed out (their seq numbers are 0..filled-1)
    uint64_t written = 0;  // batches written, in order
    bool input_done = false;
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      // 1. Write the next batches in order.
      if (Batch* batch = TakeDone(written)) {
        lock.unlock();
        if (write_status.ok()) write_status = sink_.Write(*batch);
        ++written;
        lock.lock();
        free_.push_back(batch);
        if (!write_status.ok()) input_done = true;  // read no further
        continue;
      }
      // 2. Fill a free batch.
      if (!input_done && !free_.empty()) {
        Batch* batch = free_.front();
        free_.pop_front();
        lock.unlock();
        const bool ok = FillBatch(reader_, options_, batch, &stats_read_, &read_status);
        const bool empty = !ok || batch->size == 0;
        input_done = empty || batch->size < options_.batch_size;
        if (!empty) {
          batch->seq = filled++;
          progress.Update(filled * options_.batch_size, reader_.bytes_read(), reader_.total_bytes());
        }
        lock.lock();
        if (empty) {
          free_.push_back(batch);
        } else {
          work_.push_back(batch);
          work_cv_.notify_one();
        }
        continue;
      }
      if (input_done && written == filled) break;
      // 3. Decide a queued batch here rather than wait.
      if (!work_.empty()) {
        DecideNext(lock, state.get());
        continue;
      }
      // 4. Wait for a worker to finish a batch.
      done_cv_.wait(lock);
    }
    stop_ = true;
    lock.unlock();
    work_cv_.notify_all();
    for (auto& w : workers) w.join();
    if (!read_status.ok()) return read_status;
    if (!write_status.ok()) return write_status;
    sink_.Finish();
    stats_.bad_lines = stats_read_.bad_lines;
    return stats_;
  }

 private:
  // The finished batch with sequence number `seq`, removed from done_, or
  // null. Requires mu_.
  Batch* TakeDone(uint64_t seq) {
    auto it = std::find_if(done_.begin(), done_.end(), [&](Batch* b) { return b->seq == seq; });
    if (it == done_.end()) return nullptr;
    Batch* batch = *it;
    done_.erase(it);
    return batch;
  }

  // Takes the oldest queued batch, decides it without holding mu_, and puts
  // it on done_. Requires `lock` to hold mu_ and work_ to be non-empty.
  void DecideNext(std::unique_lock<std::mutex>& lock, Scanner::State* state) {
    Batch* batch = work_.front();
    work_.pop_front();
    lock.unlock();
    DecideBatch(scanner_, state, batch);
    lock.lock();
    done_.push_back(batch);
  }

  void WorkerLoop() {
    auto state = scanner_.NewState();
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      work_cv_.wait(lock, [this] { return !work_.empty() || stop_; });
      if (work_.empty()) return;
      DecideNext(lock, state.get());
      done_cv_.notify_one();
    }
  }

  JsonlReader& reader_;
  const Scanner& scanner_;
  const PipelineOptions& options_;
  int threads_;
  ScanStats stats_;       // written by the calling thread only (through sink_)
  ScanStats stats_read_;  // written by the calling thread only (FillBatch)
  Sink sink_;

  std::vector<Batch> pool_;
  std::mutex mu_;  // guards the queues and stop_
  std::condition_variable work_cv_, done_cv_;
  std::deque<Batch*> free_, work_, done_;
  bool stop_ = false;
};

}  // namespace

Result<ScanStats> RunScan(JsonlReader& reader, const Scanner& scanner, const PipelineOptions& options) {
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (threads < 1) threads = 1;
  Progress progress(options.progress);
  auto start = std::chrono::steady_clock::now();
  Result<ScanStats> result = threads == 1 ? RunSingleThread(reader, scanner, options, progress)
                                          : ParallelRun(reader, scanner, options, threads).Run(progress);
  progress.Finish();
  if (result.ok())
    result->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace evenhand
