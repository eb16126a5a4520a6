#include "pipeline/pipeline.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
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
class Sink {
 public:
  Sink(const PipelineOptions& options, ScanStats* stats) : options_(options), stats_(stats) {}

  Status Write(Batch& batch) {
    if (options_.out && !batch.out.empty() &&
        std::fwrite(batch.out.data(), 1, batch.out.size(), options_.out) != batch.out.size())
      return Status::Io("writing decisions failed");
    for (size_t i = 0; i < batch.size; ++i) {
      const Decision& d = batch.decisions[i];
      ++stats_->by_action[std::string(ActionName(d.action))];
      if (!d.category.empty()) ++stats_->by_category[d.category];
      if (options_.store) {
        Status s = options_.store->PutPost(batch.posts[i]);
        if (!s.ok()) return s;
        bool inserted = false;
        s = options_.store->PutDecision(d, options_.actor, &inserted);
        if (!s.ok()) return s;
        ++(inserted ? stats_->stored : stats_->duplicates);
      }
    }
    stats_->posts += batch.size;
    return Status::Ok();
  }

 private:
  const PipelineOptions& options_;
  ScanStats* stats_;
};

void DecideBatch(const Scanner& scanner, Scanner::State* state, Batch* batch) {
  if (batch->decisions.size() < batch->size) batch->decisions.resize(batch->size);
  batch->out.clear();
  for (size_t i = 0; i < batch->size; ++i) {
    scanner.Scan(batch->posts[i], state, &batch->decisions[i]);
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
  return stats;
}

// Reader (calling thread) -> workers -> writer thread, with a fixed pool of
// batches so memory stays bounded.
class ParallelRun {
 public:
  ParallelRun(JsonlReader& reader, const Scanner& scanner, const PipelineOptions& options, int threads)
      : reader_(reader), scanner_(scanner), options_(options), threads_(threads), sink_(options, &stats_) {
    pool_.resize(static_cast<size_t>(threads) * 2 + 2);
    for (auto& b : pool_) free_.push_back(&b);
  }

  Result<ScanStats> Run(Progress& progress) {
    std::vector<std::thread> workers;
    for (int i = 0; i < threads_; ++i) workers.emplace_back([this] { WorkerLoop(); });
    std::thread writer([this] { WriterLoop(); });

    Status read_status;
    uint64_t seq = 0;
    for (;;) {
      Batch* batch = TakeFree();
      if (!batch) break;  // writer failed
      if (!FillBatch(reader_, options_, batch, &stats_read_, &read_status)) {
        ReturnFree(batch);
        break;
      }
      bool last = batch->size < options_.batch_size;
      if (batch->size == 0) {
        ReturnFree(batch);
        break;
      }
      batch->seq = seq++;
      {
        std::lock_guard<std::mutex> lock(mu_);
        work_.push_back(batch);
      }
      work_cv_.notify_one();
      progress.Update(seq * options_.batch_size, reader_.bytes_read(), reader_.total_bytes());
      if (last) break;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      total_batches_ = seq;
      input_done_ = true;
    }
    work_cv_.notify_all();
    done_cv_.notify_all();
    for (auto& w : workers) w.join();
    writer.join();
    if (!read_status.ok()) return read_status;
    if (!write_status_.ok()) return write_status_;
    stats_.bad_lines = stats_read_.bad_lines;
    return stats_;
  }

 private:
  Batch* TakeFree() {
    std::unique_lock<std::mutex> lock(mu_);
    free_cv_.wait(lock, [this] { return !free_.empty() || failed_; });
    if (failed_) return nullptr;
    Batch* b = free_.front();
    free_.pop_front();
    return b;
  }

  void ReturnFree(Batch* b) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(b);
    }
    free_cv_.notify_one();
  }

  void WorkerLoop() {
    auto state = scanner_.NewState();
    for (;;) {
      Batch* batch;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [this] { return !work_.empty() || input_done_ || failed_; });
        if (work_.empty()) return;
        batch = work_.front();
        work_.pop_front();
      }
      DecideBatch(scanner_, state.get(), batch);
      {
        std::lock_guard<std::mutex> lock(mu_);
        done_.push_back(batch);
      }
      done_cv_.notify_one();
    }
  }

  void WriterLoop() {
    uint64_t next = 0;
    for (;;) {
      Batch* batch = nullptr;
      {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [&] {
          if (input_done_ && next == total_batches_) return true;
          return std::any_of(done_.begin(), done_.end(), [&](Batch* b) { return b->seq == next; });
        });
        if (input_done_ && next == total_batches_) return;
        auto it = std::find_if(done_.begin(), done_.end(), [&](Batch* b) { return b->seq == next; });
        batch = *it;
        done_.erase(it);
      }
      if (write_status_.ok()) {
        Status s = sink_.Write(*batch);
        if (!s.ok()) {
          write_status_ = s;
          std::lock_guard<std::mutex> lock(mu_);
          failed_ = true;
          free_cv_.notify_all();
        }
      }
      ++next;
      ReturnFree(batch);
    }
  }

  JsonlReader& reader_;
  const Scanner& scanner_;
  const PipelineOptions& options_;
  int threads_;
  ScanStats stats_;       // written by the writer thread only
  ScanStats stats_read_;  // written by the reader only
  Sink sink_;
  Status write_status_;

  std::vector<Batch> pool_;
  std::mutex mu_;
  std::condition_variable free_cv_, work_cv_, done_cv_;
  std::deque<Batch*> free_, work_, done_;
  bool input_done_ = false;
  bool failed_ = false;
  uint64_t total_batches_ = 0;
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
