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

Result<std::shared_ptr<const Scanner>> LoadPublishedPolicy(const PublishedPolicy& where, uint64_t* revision) {
  auto nats = NatsClient::Connect(where.nats_url, "evenhand policy");
  if (!nats.ok()) return nats.status();
  auto entry = (*nats)->KvGet(where.bucket, where.key);
  if (!entry.ok()) {
    if (entry.status().code() == Status::Code::kNotFound)
      return Status::NotFound("no policy published under " + where.bucket + "/" + where.key + " (" +
                              entry.status().message() + "): run `evenhand policy publish FILE --nats " +
                              where.nats_url + "` first");
    return entry.status();
  }
  auto scanner = CompilePublishedPolicy(*entry, where.work_dir, where.scan_options);
  if (!scanner.ok()) return scanner.status();
  *revision = entry->revision;
  return scanner;
}

PolicyWatch::PolicyWatch(PublishedPolicy where, uint64_t seen_revision, std::function<void(const std::string&)> log)
    : where_(std::move(where)), seen_revision_(seen_revision), log_(std::move(log)) {}

PolicyWatch::Change PolicyWatch::Poll(NatsClient& nats, const std::string& running_id) {
  Change change;
  auto entry = nats.KvGet(where_.bucket, where_.key);
  if (!entry.ok()) {
    if (entry.status().code() == Status::Code::kNotFound && !said_missing_) {
      Log("policy " + where_.key + ": " + entry.status().message() + "; keeping " + running_id);
      said_missing_ = true;
    }
    return change;
  }
  said_missing_ = false;
  if (entry->revision == seen_revision_) return change;
  seen_revision_ = entry->revision;
  auto scanner = CompilePublishedPolicy(*entry, where_.work_dir, where_.scan_options);
  if (!scanner.ok()) {
    change.failed = true;
    Log("policy " + where_.key + " revision " + std::to_string(entry->revision) +
        ": cannot load: " + scanner.status().message() + "; keeping " + running_id);
    return change;
  }
  change.scanner = std::move(scanner).value();
  change.revision = entry->revision;
  return change;
}

}  // namespace evenhand::stream
