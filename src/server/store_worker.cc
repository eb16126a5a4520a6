#include "server/store_worker.h"

#include <chrono>
#include <vector>

namespace evenhand::server {

StoreWorker::StoreWorker(Store* store, std::function<void(size_t, double)> on_commit)
    : store_(store), on_commit_(std::move(on_commit)), thread_([this] { Loop(); }) {}

StoreWorker::~StoreWorker() { Stop(); }

void StoreWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

Status StoreWorker::Submit(Job* job) {
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) return Status::Io("the server is shutting down");
  queue_.push_back(job);
  wake_.notify_one();
  job->done_cv.wait(lock, [job] { return job->done; });
  return job->result;
}

Status StoreWorker::CommitScans(const Post* posts, const Decision* decisions, size_t n, const std::string& actor) {
  Job job;
  job.posts = posts;
  job.decisions = decisions;
  job.n = n;
  job.actor = &actor;
  return Submit(&job);
}

Status StoreWorker::Run(const std::function<Status(Store&)>& fn) {
  Job job;
  job.fn = &fn;
  return Submit(&job);
}

void StoreWorker::CommitGroup(Job** jobs, size_t n) {
  const auto start = std::chrono::steady_clock::now();
  Status s = store_->Begin();
  size_t items = 0;
  for (size_t j = 0; s.ok() && j < n; ++j) {
    const Job& job = *jobs[j];
    for (size_t i = 0; s.ok() && i < job.n; ++i) {
      s = store_->PutPost(job.posts[i], *job.actor);
      bool inserted = false;
      if (s.ok()) s = store_->PutDecision(job.decisions[i], *job.actor, &inserted);
    }
    items += job.n;
  }
  if (s.ok()) s = store_->Commit();
  if (!s.ok()) {
    (void)store_->Rollback();
  } else if (on_commit_) {
    on_commit_(items, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  for (size_t j = 0; j < n; ++j) jobs[j]->result = s;
}

void StoreWorker::Loop() {
  std::vector<Job*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued is done
      batch.assign(queue_.begin(), queue_.end());
      queue_.clear();
    }
    // Consecutive scan jobs share one transaction; closures run alone.
    for (size_t i = 0; i < batch.size();) {
      if (batch[i]->fn != nullptr) {
        batch[i]->result = (*batch[i]->fn)(*store_);
        ++i;
        continue;
      }
      size_t j = i;
      while (j < batch.size() && batch[j]->fn == nullptr) ++j;
      CommitGroup(batch.data() + i, j - i);
      i = j;
    }
    {
      // Notified under mu_: a submitter returns (and its Job, on its stack,
      // ends) only after it has taken mu_ again, so after this block.
      std::lock_guard<std::mutex> lock(mu_);
      for (Job* job : batch) {
        job->done = true;
        job->done_cv.notify_one();
      }
    }
  }
}

}  // namespace evenhand::server
