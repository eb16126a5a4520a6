#include "classify/classifier_slot.h"

#include <sys/stat.h>

#include <utility>

namespace evenhand::classify {

ClassifierSlot::Stamp ClassifierSlot::StampOf(const std::string& path) {
  struct stat st;
  Stamp s;
  if (::stat(path.c_str(), &st) != 0) return s;
  s.size = static_cast<long long>(st.st_size);
  s.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  s.inode = static_cast<long long>(st.st_ino);
  return s;
}

Result<std::shared_ptr<ClassifierSlot>> ClassifierSlot::Open(const std::string& model_path) {
  auto slot = std::make_shared<ClassifierSlot>();
  slot->path_ = model_path;
  slot->model_stamp_ = StampOf(model_path);
  slot->meta_stamp_ = StampOf(MetaPathFor(model_path));
  auto c = Classifier::Load(model_path);
  if (!c.ok()) return c.status();
  slot->current_ = std::move(c).value();
  return slot;
}

Status ClassifierSlot::ReloadIfChanged(bool* swapped) {
  if (swapped) *swapped = false;
  std::lock_guard<std::mutex> lock(reload_mu_);
  const Stamp model = StampOf(path_), meta = StampOf(MetaPathFor(path_));
  if (model == model_stamp_ && meta == meta_stamp_) return Status::Ok();
  auto c = Classifier::Load(path_);
  if (!c.ok()) return c.status();  // stamps unchanged: try again next time
  model_stamp_ = model;
  meta_stamp_ = meta;
  {
    std::shared_ptr<const Classifier> old;  // released outside the lock
    std::lock_guard<std::mutex> current_lock(current_mu_);
    old = std::exchange(current_, std::move(c).value());
  }
  if (swapped) *swapped = true;
  return Status::Ok();
}

void ClassifierSlot::Set(std::shared_ptr<const Classifier> classifier) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  std::lock_guard<std::mutex> current_lock(current_mu_);
  current_.swap(classifier);  // the old model is released when `classifier` goes, after the locks
}

}  // namespace evenhand::classify
