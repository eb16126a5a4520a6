// Private to src/stream: what NatsClient holds (a nats.c connection and
// JetStream context) and the error wording shared by the files that
// implement it (nats_client.cc, nats_kv.cc). Nothing outside src/stream/
// includes this or nats.h.
#pragma once

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "model/status.h"
#include "stream/nats_client.h"

namespace evenhand::stream {

constexpr int64_t kNanosPerMs = 1000000;

// The library's status text, its last error detail and the JetStream code.
inline std::string Why(natsStatus s, jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string out = natsStatus_GetText(s);
  const char* last = nats_GetLastError(nullptr);
  if (last != nullptr && *last != '\0' && out.find(last) == std::string::npos) out += std::string(": ") + last;
  if (code != 0) out += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  return out;
}

// An Io status "NATS URL: DOING: WHY".
inline Status Fail(const std::string& url, const std::string& doing, natsStatus s,
                   jsErrCode code = static_cast<jsErrCode>(0)) {
  return Status::Io("NATS " + url + ": " + doing + ": " + Why(s, code));
}

struct NatsClient::Impl {
  natsConnection* conn = nullptr;
  jsCtx* js = nullptr;
  std::string url;
  std::atomic<uint64_t> failed{0};  // publish errors reported by the library

  ~Impl() {
    if (js != nullptr) jsCtx_Destroy(js);
    if (conn != nullptr) {
      natsConnection_FlushTimeout(conn, 1000);  // acknowledgements on their way out
      natsConnection_Destroy(conn);
    }
  }

  static void OnPublishError(jsCtx*, jsPubAckErr*, void* closure) {
    static_cast<Impl*>(closure)->failed.fetch_add(1, std::memory_order_relaxed);
  }
};

}  // namespace evenhand::stream
