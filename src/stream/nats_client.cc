#include "stream/nats_client.h"

#include <nats/nats.h>

#include "stream/nats_impl.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <string>
#include <vector>

namespace evenhand::stream {


// ---- MessageBatch

struct MessageBatch::Impl {
  natsMsgList list{nullptr, 0};
  ~Impl() {
    if (list.Msgs != nullptr) natsMsgList_Destroy(&list);
  }
};

MessageBatch::MessageBatch() : impl_(std::make_unique<Impl>()) {}
MessageBatch::~MessageBatch() = default;
MessageBatch::MessageBatch(MessageBatch&&) noexcept = default;
MessageBatch& MessageBatch::operator=(MessageBatch&&) noexcept = default;

size_t MessageBatch::size() const { return static_cast<size_t>(impl_->list.Count); }

std::string_view MessageBatch::data(size_t i) const {
  natsMsg* m = impl_->list.Msgs[i];
  return std::string_view(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
}

MessageBatch::Meta MessageBatch::meta(size_t i) const {
  Meta out;
  jsMsgMetaData* meta = nullptr;
  if (natsMsg_GetMetaData(&meta, impl_->list.Msgs[i]) != NATS_OK) return out;
  out.deliveries = meta->NumDelivered;
  out.stored_ns = meta->Timestamp;
  jsMsgMetaData_Destroy(meta);
  return out;
}

Status MessageBatch::AckAll() {
  for (int i = 0; i < impl_->list.Count; ++i)
    if (natsStatus s = natsMsg_Ack(impl_->list.Msgs[i], nullptr); s != NATS_OK)
      return Status::Io("NATS: acknowledging a message: " + Why(s));
  return Status::Ok();
}

Status MessageBatch::NakAll(int64_t delay_ms) {
  for (int i = 0; i < impl_->list.Count; ++i)
    if (natsStatus s = natsMsg_NakWithDelay(impl_->list.Msgs[i], delay_ms, nullptr); s != NATS_OK)
      return Status::Io("NATS: handing a message back: " + Why(s));
  return Status::Ok();
}

Status MessageBatch::InProgressAll() {
  for (int i = 0; i < impl_->list.Count; ++i)
    if (natsStatus s = natsMsg_InProgress(impl_->list.Msgs[i], nullptr); s != NATS_OK)
      return Status::Io("NATS: extending a message's deadline: " + Why(s));
  return Status::Ok();
}

// ---- PullConsumer

struct PullConsumer::Impl {
  natsSubscription* sub = nullptr;
  std::string url;
  ~Impl() {
    if (sub != nullptr) natsSubscription_Destroy(sub);  // the durable consumer stays on the server
  }
};

PullConsumer::PullConsumer() : impl_(std::make_unique<Impl>()) {}
PullConsumer::~PullConsumer() = default;

Result<MessageBatch> PullConsumer::Fetch(int max, int64_t wait_ms) {
  MessageBatch batch;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = natsSubscription_Fetch(&batch.impl_->list, impl_->sub, max, wait_ms, &code);
  if (s == NATS_TIMEOUT) return MessageBatch();  // nothing came
  if (s != NATS_OK) return Fail(impl_->url, "fetching messages", s, code);
  return batch;
}

// ---- NatsClient

NatsClient::NatsClient() : impl_(std::make_unique<Impl>()) {}
NatsClient::~NatsClient() = default;

bool NatsClient::connected() const {
  return impl_->conn != nullptr && natsConnection_Status(impl_->conn) == NATS_CONN_STATUS_CONNECTED;
}
const std::string& NatsClient::url() const { return impl_->url; }

Result<std::unique_ptr<NatsClient>> NatsClient::Connect(const std::string& url, const std::string& name,
                                                         int64_t max_pending, int64_t connect_timeout_ms) {
  std::unique_ptr<NatsClient> client(new NatsClient());
  Impl& c = *client->impl_;
  c.url = url;
  natsOptions* opts = nullptr;
  if (natsStatus s = natsOptions_Create(&opts); s != NATS_OK) return Fail(url, "creating options", s);
  std::unique_ptr<natsOptions, void (*)(natsOptions*)> owned(opts, natsOptions_Destroy);
  // natsOptions_SetURL takes one URL; a list separated by commas goes to
  // natsOptions_SetServers one by one.
  std::vector<std::string> urls;
  for (size_t at = 0; at <= url.size();) {
    size_t comma = url.find(',', at);
    if (comma == std::string::npos) comma = url.size();
    if (comma > at) urls.push_back(url.substr(at, comma - at));
    at = comma + 1;
  }
  std::vector<const char*> servers;
  for (const std::string& u : urls) servers.push_back(u.c_str());
  natsStatus s = servers.size() <= 1 ? natsOptions_SetURL(opts, url.c_str())
                                     : natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetName(opts, name.c_str());
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);  // for ever
  if (s == NATS_OK) s = natsOptions_SetReconnectWait(opts, 250);
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, 2000);
  // A server cut off (a network partition: no packet back, no connection
  // closed) is noticed by pings: 2 s apart, the connection given up after 3
  // unanswered (6-8 s), then the next server of the URL list (or one the
  // cluster told about) is tried. nats.c's default (2 minutes, 2 out) would
  // leave the client waiting on the dead connection for minutes.
  if (s == NATS_OK) s = natsOptions_SetPingInterval(opts, 2000);
  if (s == NATS_OK) s = natsOptions_SetMaxPingsOut(opts, 3);
  if (s != NATS_OK) return Fail(url, "setting options", s);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(connect_timeout_ms);
  for (;;) {
    s = natsConnection_Connect(&c.conn, opts);
    if (s == NATS_OK) break;
    if (s != NATS_NO_SERVER || std::chrono::steady_clock::now() >= deadline) return Fail(url, "connecting", s);
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  jsOptions jo;
  jsOptions_Init(&jo);
  jo.Wait = 5000;
  jo.PublishAsync.MaxPending = max_pending;
  jo.PublishAsync.ErrHandler = &Impl::OnPublishError;
  jo.PublishAsync.ErrHandlerClosure = &c;
  jo.PublishAsync.StallWait = 1000;
  if (s = natsConnection_JetStream(&c.js, c.conn, &jo); s != NATS_OK) return Fail(url, "opening JetStream", s);
  return client;
}

Status NatsClient::EnsureStream(const StreamSpec& spec) {
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, impl_->js, spec.name.c_str(), nullptr, &code);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::Ok();
  }
  if (s != NATS_NOT_FOUND) return Fail(impl_->url, "looking up stream " + spec.name, s, code);
  jsStreamConfig cfg;
  jsStreamConfig_Init(&cfg);
  cfg.Name = spec.name.c_str();
  const char* subjects[1] = {spec.subject.c_str()};
  cfg.Subjects = subjects;
  cfg.SubjectsLen = 1;
  cfg.Storage = js_FileStorage;
  cfg.Duplicates = spec.duplicate_window_ms * kNanosPerMs;
  cfg.Replicas = spec.replicas;
  s = js_AddStream(&si, impl_->js, &cfg, nullptr, &code);
  if (s == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::Ok();
  }
  // Another process may have made it meanwhile.
  if (js_GetStreamInfo(&si, impl_->js, spec.name.c_str(), nullptr, nullptr) == NATS_OK) {
    jsStreamInfo_Destroy(si);
    return Status::Ok();
  }
  return Fail(impl_->url, "creating stream " + spec.name, s, code);
}

Result<std::unique_ptr<PullConsumer>> NatsClient::Consume(const ConsumerSpec& spec) {
  jsConsumerInfo* ci = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetConsumerInfo(&ci, impl_->js, spec.stream.c_str(), spec.durable.c_str(), nullptr, &code);
  if (s == NATS_NOT_FOUND) {
    jsConsumerConfig cc;
    jsConsumerConfig_Init(&cc);
    cc.Durable = spec.durable.c_str();
    cc.AckPolicy = js_AckExplicit;
    cc.AckWait = spec.ack_wait_ms * kNanosPerMs;
    cc.MaxAckPending = spec.max_ack_pending;
    cc.MaxDeliver = -1;  // redelivered until acknowledged: nothing is dropped
    s = js_AddConsumer(&ci, impl_->js, spec.stream.c_str(), &cc, nullptr, &code);
    if (s != NATS_OK && js_GetConsumerInfo(&ci, impl_->js, spec.stream.c_str(), spec.durable.c_str(), nullptr,
                                           nullptr) == NATS_OK)
      s = NATS_OK;  // made by another worker meanwhile
  }
  if (s != NATS_OK) return Fail(impl_->url, "setting up consumer " + spec.durable, s, code);
  jsConsumerInfo_Destroy(ci);
  std::unique_ptr<PullConsumer> consumer(new PullConsumer());
  consumer->impl_->url = impl_->url;
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = spec.stream.c_str();
  so.Consumer = spec.durable.c_str();
  s = js_PullSubscribe(&consumer->impl_->sub, impl_->js, spec.subject.c_str(), spec.durable.c_str(), nullptr, &so,
                       &code);
  if (s != NATS_OK) return Fail(impl_->url, "subscribing to consumer " + spec.durable, s, code);
  return consumer;
}

Status NatsClient::Publish(const std::string& subject, std::string_view data, const std::string& msg_id) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MsgId = msg_id.c_str();
  // No per-message MaxWait: nats.c 3.4 then arms a timer per message whose
  // expiry frees the message, possibly before the publish has copied it
  // (a use-after-free with short waits). WaitPublished bounds the wait.
  // Back-pressure: while MaxPending publishes await their acknowledgement
  // the library stalls and then refuses; wait and try again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    natsStatus s = js_PublishAsync(impl_->js, subject.c_str(), data.data(), static_cast<int>(data.size()), &po);
    if (s == NATS_OK) return Status::Ok();
    if (s != NATS_TIMEOUT || std::chrono::steady_clock::now() >= deadline)
      return Fail(impl_->url, "publishing to " + subject, s);
  }
}

Status NatsClient::WaitPublished(int64_t timeout_ms, uint64_t* failed) {
  jsPubOptions po;
  jsPubOptions_Init(&po);
  po.MaxWait = timeout_ms;
  natsStatus s = js_PublishAsyncComplete(impl_->js, &po);
  uint64_t n = impl_->failed.exchange(0);
  if (s == NATS_TIMEOUT) {
    // Take back what is still unacknowledged: ours now, destroyed here; a
    // late acknowledgement of one of them is then ignored by the library.
    natsMsgList pending{nullptr, 0};
    if (js_PublishAsyncGetPendingList(&pending, impl_->js) == NATS_OK) {
      n += static_cast<uint64_t>(pending.Count);
      natsMsgList_Destroy(&pending);
    }
  }
  if (failed != nullptr) *failed = n;
  if (s == NATS_TIMEOUT)
    return Status::Io("NATS " + impl_->url + ": " + std::to_string(n) + " published message(s) not acknowledged within " +
                      std::to_string(timeout_ms) + " ms");
  if (s != NATS_OK) return Fail(impl_->url, "waiting for publish acknowledgements", s);
  if (n > 0) return Status::Io("NATS " + impl_->url + ": " + std::to_string(n) + " published message(s) not acknowledged");
  return Status::Ok();
}

Result<ConsumerState> NatsClient::Consumer(const std::string& stream, const std::string& durable) {
  jsConsumerInfo* ci = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetConsumerInfo(&ci, impl_->js, stream.c_str(), durable.c_str(), nullptr, &code);
  if (s == NATS_NOT_FOUND) return Status::NotFound("NATS " + impl_->url + ": no consumer " + durable + " on " + stream);
  if (s != NATS_OK) return Fail(impl_->url, "reading consumer " + durable, s, code);
  ConsumerState state;
  state.pending = ci->NumPending;
  state.ack_pending = static_cast<uint64_t>(std::max<int64_t>(ci->NumAckPending, 0));
  state.redelivered = static_cast<uint64_t>(std::max<int64_t>(ci->NumRedelivered, 0));
  jsConsumerInfo_Destroy(ci);
  return state;
}

Result<uint64_t> NatsClient::StreamMessages(const std::string& stream) {
  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&si, impl_->js, stream.c_str(), nullptr, &code);
  if (s != NATS_OK) return Fail(impl_->url, "reading stream " + stream, s, code);
  const uint64_t n = si->State.Msgs;
  jsStreamInfo_Destroy(si);
  return n;
}

}  // namespace evenhand::stream
