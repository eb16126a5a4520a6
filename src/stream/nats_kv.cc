// NatsClient's key-value bucket calls (nats_client.h): JetStream KV through
// nats.c's kvStore. A bucket handle is opened per call; these calls are for
// control paths (publishing a policy, polling for a new one), not per item.
#include <algorithm>
#include <memory>

#include "stream/nats_impl.h"

namespace evenhand::stream {

namespace {

struct KvClose {
  void operator()(kvStore* kv) const { kvStore_Destroy(kv); }
};
using KvHandle = std::unique_ptr<kvStore, KvClose>;

Result<KvHandle> OpenBucket(jsCtx* js, const std::string& url, const std::string& bucket) {
  kvStore* kv = nullptr;
  natsStatus s = js_KeyValue(&kv, js, bucket.c_str());
  if (s == NATS_NOT_FOUND) return Status::NotFound("NATS " + url + ": no key-value bucket " + bucket);
  if (s != NATS_OK) return Fail(url, "opening key-value bucket " + bucket, s);
  return KvHandle(kv);
}

}  // namespace

Status NatsClient::EnsureBucket(const std::string& bucket, int replicas, int history) {
  if (auto open = OpenBucket(impl_->js, impl_->url, bucket); open.ok()) return Status::Ok();
  else if (open.status().code() != Status::Code::kNotFound) return open.status();
  kvConfig cfg;
  kvConfig_Init(&cfg);
  cfg.Bucket = bucket.c_str();
  cfg.History = static_cast<uint8_t>(std::clamp(history, 1, 64));
  cfg.Replicas = replicas;
  cfg.StorageType = js_FileStorage;
  kvStore* kv = nullptr;
  natsStatus s = js_CreateKeyValue(&kv, impl_->js, &cfg);
  if (s == NATS_OK) {
    kvStore_Destroy(kv);
    return Status::Ok();
  }
  if (OpenBucket(impl_->js, impl_->url, bucket).ok()) return Status::Ok();  // made by another process meanwhile
  return Fail(impl_->url, "creating key-value bucket " + bucket, s);
}

Status NatsClient::KvPut(const std::string& bucket, const std::string& key, std::string_view value,
                         uint64_t* revision) {
  auto kv = OpenBucket(impl_->js, impl_->url, bucket);
  if (!kv.ok()) return kv.status();
  uint64_t rev = 0;
  natsStatus s = kvStore_Put(&rev, kv->get(), key.c_str(), value.data(), static_cast<int>(value.size()));
  if (s != NATS_OK) return Fail(impl_->url, "putting " + bucket + "/" + key, s);
  if (revision != nullptr) *revision = rev;
  return Status::Ok();
}

Result<KvEntry> NatsClient::KvGet(const std::string& bucket, const std::string& key) {
  auto kv = OpenBucket(impl_->js, impl_->url, bucket);
  if (!kv.ok()) return kv.status();
  kvEntry* e = nullptr;
  natsStatus s = kvStore_Get(&e, kv->get(), key.c_str());
  if (s == NATS_NOT_FOUND) return Status::NotFound("NATS " + impl_->url + ": no value for " + bucket + "/" + key);
  if (s != NATS_OK) return Fail(impl_->url, "reading " + bucket + "/" + key, s);
  KvEntry out;
  out.revision = kvEntry_Revision(e);
  const kvOperation op = kvEntry_Operation(e);
  if (op == kvOp_Put) out.value.assign(static_cast<const char*>(kvEntry_Value(e)), static_cast<size_t>(kvEntry_ValueLen(e)));
  kvEntry_Destroy(e);
  if (op != kvOp_Put) return Status::NotFound("NATS " + impl_->url + ": " + bucket + "/" + key + " was deleted");
  return out;
}

}  // namespace evenhand::stream
