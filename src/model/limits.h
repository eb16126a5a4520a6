// Limits: every bound on outside input, with its default, in one place.
//
// The CLI (scan, serve and the case verbs) and the HTTP server read these
// defaults; flags change them (`--max-line`, `--max-text`, `--max-id`,
// `--max-media`, `--max-media-bytes`, `--max-batch`, `--max-depth`, and
// the `serve` transport flags). Input over a limit is refused with a
// `FILE:LINE: field: ...` error (CLI) or a 4xx (API) before it is held in
// memory whole: a reader never buffers more than max_line bytes of a line,
// and the server never more than max_body bytes of a body.
#pragma once

#include <cstddef>

namespace evenhand {

struct InputLimits {
  size_t max_line = 8u << 20;         // bytes of one JSONL line (the whole item)
  size_t max_text = 64u << 10;        // bytes of a post's text (UTF-8)
  size_t max_id = 256;                // bytes of an id (post, account, case, reply_to)
  size_t max_media = 16;              // media entries of one post
  size_t max_media_bytes = 32u << 20; // bytes of one media file read for hashing
  size_t max_batch = 1000;            // items of one /v1/scan/batch
  int max_depth = 32;                 // JSON nesting (arrays and objects)
  size_t max_page = 1000;             // items of one page of an API list (GET /v1/orders, ...; ?limit=)
};

// Items of a page of an API list when ?limit= is not given.
constexpr size_t kDefaultPageSize = 100;

// The HTTP transport's limits (`evenhand serve`).
struct HttpLimits {
  size_t max_body = 1u << 20;         // bytes of a request body, counted as it arrives (chunked or not)
  size_t max_header = 16u << 10;      // bytes of the request line and headers together
  size_t max_target = 4096;           // bytes of the request target (path and query)
  size_t body_budget = 64u << 20;     // bytes of bodies being received at once, all connections
  int request_timeout_ms = 10'000;    // whole request: first byte to last body byte
  int idle_timeout_ms = 5'000;        // keep-alive: a connection idle this long is closed
  int write_timeout_ms = 10'000;      // writing one response
  int keep_alive_max = 10'000;        // requests on one connection, then it is closed
  int max_connections = 4096;         // open connections, all addresses
  int max_per_address = 256;          // open connections from one client address
};

// SQLite: how long a store operation waits for another process's lock
// before it fails with a "busy" error (CLI: a clear message, API: 503).
constexpr int kDefaultBusyTimeoutMs = 5000;

}  // namespace evenhand
