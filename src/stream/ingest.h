// `evenhand ingest`: publishes the posts of a JSON Lines stream to the
// POSTS stream of NATS JetStream, for `evenhand worker`s to decide.
//
// Each post is one message (post_message.h: the post and its account) on
// subject "posts", with the post id as its message id, so JetStream drops a
// post sent again within the stream's duplicate window (a re-run of the
// same file, a retry). Publishing is asynchronous with acknowledgements, in
// chunks: a chunk is done only when the server acknowledged every message
// of it; a chunk with failures (the server away, a timeout) is published
// again, whole, after a back-off, until it is acknowledged or the run is
// stopped. So when RunIngest returns ok, every post read is in the stream.
// At most `max_pending` messages are unacknowledged at once (back-pressure:
// the reader waits). Login records in the input are not published.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "model/jsonl_reader.h"
#include "model/status.h"

namespace evenhand::stream {

struct IngestOptions {
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string stream = "POSTS";
  std::string subject = "posts";
  int replicas = 1;
  int64_t duplicate_window_ms = 10 * 60 * 1000;
  size_t chunk = 2000;        // messages acknowledged together
  int64_t max_pending = 4096; // unacknowledged messages at once
  // Relative media paths are made absolute against this folder (the input
  // file's), since workers do not know where the file was.
  std::string media_dir;
  // Posts per second at most (0: as fast as the server acknowledges): post
  // n is published no earlier than start + n / rate, for latency figures at
  // a fixed rate and for trials that need the stream to last.
  double rate = 0;
  bool skip_bad_lines = false;  // else the first bad line stops the run (what was published stays)
  std::function<void(const std::string&)> log;  // progress and trouble, one line each; may be empty
  const std::atomic<bool>* stop = nullptr;      // set from a signal handler: stop after the chunk
};

struct IngestStats {
  uint64_t posts = 0;      // published and acknowledged
  uint64_t bad_lines = 0;
  uint64_t retries = 0;    // chunks published again
  double seconds = 0;
};

Result<IngestStats> RunIngest(JsonlReader& reader, const IngestOptions& options);

}  // namespace evenhand::stream
