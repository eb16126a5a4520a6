// ClassifierSlot: the current model for one classifier name, swappable
// while other threads predict with it (for a long-running `serve`; `scan`
// loads once per run).
//
// Current() copies the shared_ptr under a mutex held for that copy only
// (scanners call it once per 64 posts; libstdc++ 12's atomic<shared_ptr>
// guards its pointer with a lock bit that ThreadSanitizer cannot see, so a
// plain mutex keeps the swap provably race-free): a reader keeps the model it
// got alive for as long as it holds it, so a swap never pulls a model out
// from under a prediction. ReloadIfChanged() looks at the model file and
// its metadata (size, modification time, inode); when either changed it
// loads and validates the new pair and, only if that succeeds, publishes
// it. A failed reload (e.g. the metadata not yet written) keeps the old
// model and returns the error; the next call tries again.
//
// Thread safety: Current() from any thread, any time; ReloadIfChanged() and
// Set() from any thread (reloads are serialised by a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "classify/classifier.h"
#include "model/status.h"

namespace evenhand::classify {

class ClassifierSlot {
 public:
  // Loads the model now: a missing or corrupt model is an error here.
  static Result<std::shared_ptr<ClassifierSlot>> Open(const std::string& model_path);

  std::shared_ptr<const Classifier> Current() const {
    std::lock_guard<std::mutex> lock(current_mu_);
    return current_;
  }
  // *swapped (optional) says whether a new model is now current.
  Status ReloadIfChanged(bool* swapped = nullptr);
  void Set(std::shared_ptr<const Classifier> classifier);
  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    long long size = -1, mtime_ns = 0, inode = 0;
    bool operator==(const Stamp&) const = default;
  };
  static Stamp StampOf(const std::string& path);

  std::string path_;
  mutable std::mutex current_mu_;  // guards current_ (held only to copy or replace it)
  std::shared_ptr<const Classifier> current_;
  std::mutex reload_mu_;  // serialises reloads; a model loads outside current_mu_
  Stamp model_stamp_, meta_stamp_;  // guarded by reload_mu_
};

}  // namespace evenhand::classify
