#include "stream/policy_source.h"

#include "policy/loader.h"
#include "policy/policy_bundle.h"

namespace evenhand::stream {

PolicySlot::PolicySlot(std::shared_ptr<const Scanner> first, uint64_t revision) : current_(std::move(first)) {
  revision_.store(revision, std::memory_order_release);
}

std::shared_ptr<const Scanner> PolicySlot::Current(uint64_t* generation) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (generation != nullptr) *generation = generation_.load(std::memory_order_acquire);
  return current_;
}

void PolicySlot::Swap(std::shared_ptr<const Scanner> next, uint64_t revision) {
  std::lock_guard<std::mutex> lock(mu_);
  current_ = std::move(next);
  revision_.store(revision, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

Result<std::shared_ptr<const Scanner>> CompilePublishedPolicy(const KvEntry& entry, const std::string& work_dir,
                                                              const ScanOptions& options) {
  auto path = UnpackPolicyBundle(entry.value, work_dir + "/rev-" + std::to_string(entry.revision));
  if (!path.ok()) return path.status();
  auto policy = PolicyLoader::Load(*path);
  if (!policy.ok()) return policy.status();
  auto scanner = Scanner::Create(*policy, options);
  if (!scanner.ok()) return Status::Invalid(*path + ": " + scanner.status().message());
  return std::shared_ptr<const Scanner>(std::move(scanner).value());
}

}  // namespace evenhand::stream
