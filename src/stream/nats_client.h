// Private to src/stream: the NATS JetStream client evenhand uses (nats.c,
// Debian's libnats-dev), behind an interface that shows nothing of nats.h.
// Nothing outside src/stream/ includes nats.h.
//
// A NatsClient is one connection and one JetStream context. It reconnects
// by itself for ever (every 250 ms) after the server goes away, or stops
// answering pings (6-8 s: a server cut off by the network); calls made
// meanwhile fail with Io and the caller retries. Not for several threads at
// once: a worker thread owns its client.
//
// Publishing is asynchronous with acknowledgements: Publish() returns once
// the message is handed to the connection, and blocks (back-pressure) while
// `max_pending` published messages are not yet acknowledged by the server;
// WaitPublished() waits for every acknowledgement and says how many failed
// (the caller publishes them again: the message id makes a repeat harmless
// within the stream's duplicate window). A message whose acknowledgement is
// not back when WaitPublished gives up is taken back from the library and
// counted as failed, so nothing stays pending across calls.
//
// Library lifetime: nats.c's global state (its threads) is never closed.
// nats.c 3.4's nats_CloseAndWait ends its garbage collector before the
// threads of a just-destroyed connection have finished; a message those
// threads free afterwards (typically a late publish acknowledgement) is lost
// for good, which LeakSanitizer reports at exit. Left open, the library's
// state stays reachable and the operating system reclaims it at exit.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "model/status.h"

namespace evenhand::stream {

struct StreamSpec {
  std::string name;     // e.g. "POSTS"
  std::string subject;  // e.g. "posts"
  int64_t duplicate_window_ms = 10 * 60 * 1000;  // a repeated message id within it is dropped
  int replicas = 1;     // JetStream replicas (3 in a three-node cluster)
};

// One pull from a durable consumer: the messages' payloads, acknowledged
// (or handed back) all at once.
class MessageBatch {
 public:
  MessageBatch();
  ~MessageBatch();
  MessageBatch(MessageBatch&&) noexcept;
  MessageBatch& operator=(MessageBatch&&) noexcept;
  size_t size() const;
  std::string_view data(size_t i) const;
  // Message i's JetStream metadata (zeros when unknown).
  struct Meta {
    uint64_t deliveries = 0;  // times delivered (1 the first time)
    int64_t stored_ns = 0;    // when the stream stored it: unix nanoseconds, the server's clock
  };
  Meta meta(size_t i) const;
  // Acknowledges every message (they will not be delivered again).
  Status AckAll();
  // Hands every message back, redelivered after `delay_ms`.
  Status NakAll(int64_t delay_ms);
  // Tells the server the messages are still being worked on (their ack
  // deadline starts again).
  Status InProgressAll();

 private:
  friend class PullConsumer;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

struct ConsumerSpec {
  std::string stream;   // e.g. "POSTS"
  std::string subject;  // e.g. "posts"
  std::string durable;  // e.g. "workers": every worker binds to the same one
  int64_t ack_wait_ms = 30000;  // a message not acknowledged by then is delivered again
  int64_t max_ack_pending = 20000;
};

class PullConsumer {
 public:
  ~PullConsumer();
  // Up to `max` messages, waiting at most `wait_ms` for the first; an empty
  // batch when none came.
  Result<MessageBatch> Fetch(int max, int64_t wait_ms);

 private:
  friend class NatsClient;
  PullConsumer();
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A durable consumer's state, as the server reports it.
struct ConsumerState {
  uint64_t pending = 0;      // messages in the stream not yet delivered to it (the lag)
  uint64_t ack_pending = 0;  // delivered, not yet acknowledged
  uint64_t redelivered = 0;  // delivered more than once and still unacknowledged
};

// One value of a key-value bucket and its revision (bucket-wide, increasing).
struct KvEntry {
  std::string value;
  uint64_t revision = 0;
};

class NatsClient {
 public:
  // Connects to `url` ("nats://HOST:PORT", or several separated by commas),
  // waiting up to `connect_timeout_ms` for a server that is not up yet.
  static Result<std::unique_ptr<NatsClient>> Connect(const std::string& url, const std::string& name,
                                                     int64_t max_pending = 4096, int64_t connect_timeout_ms = 10000);
  ~NatsClient();

  // Creates the stream unless it exists (an existing one is kept as it is).
  Status EnsureStream(const StreamSpec& spec);
  // Creates the durable consumer unless it exists, and binds a pull
  // subscription to it.
  Result<std::unique_ptr<PullConsumer>> Consume(const ConsumerSpec& spec);

  Status Publish(const std::string& subject, std::string_view data, const std::string& msg_id);
  // Waits up to `timeout_ms` for every acknowledgement of what was
  // published; *failed (may be null) receives how many failed or timed out
  // since the last call. Ok only when none did.
  Status WaitPublished(int64_t timeout_ms, uint64_t* failed);

  // How many messages a stream holds (for tests and tools).
  Result<uint64_t> StreamMessages(const std::string& stream);
  // A durable consumer's lag and outstanding messages; NotFound when absent.
  Result<ConsumerState> Consumer(const std::string& stream, const std::string& durable);

  // Key-value buckets (nats_kv.cc). EnsureBucket creates the bucket unless
  // it exists, keeping `history` values per key.
  Status EnsureBucket(const std::string& bucket, int replicas, int history);
  // Puts `value` under `key`; *revision (may be null) receives its revision.
  Status KvPut(const std::string& bucket, const std::string& key, std::string_view value, uint64_t* revision);
  // The key's current value; NotFound when the bucket or key has none (or
  // the key was deleted).
  Result<KvEntry> KvGet(const std::string& bucket, const std::string& key);

  // Whether the connection is up now.
  bool connected() const;
  const std::string& url() const;

 private:
  NatsClient();
  struct Impl;  // src/stream/nats_impl.h
  std::unique_ptr<Impl> impl_;
};

}  // namespace evenhand::stream
