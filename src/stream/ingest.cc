#include "stream/ingest.h"

#include <chrono>
#include <filesystem>
#include <thread>
#include <vector>

#include "stream/nats_client.h"
#include "stream/post_message.h"

namespace evenhand::stream {

namespace {

bool Stopped(const IngestOptions& o) { return o.stop != nullptr && o.stop->load(); }

}  // namespace

Result<IngestStats> RunIngest(JsonlReader& reader, const IngestOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  auto client = NatsClient::Connect(o.nats_url, "evenhand ingest", o.max_pending);
  if (!client.ok()) return client.status();
  NatsClient& nats = **client;
  if (Status s = nats.EnsureStream(StreamSpec{o.stream, o.subject, o.duplicate_window_ms, o.replicas}); !s.ok()) return s;

  IngestStats stats;
  // The chunk being published: ids and bodies, buffers reused chunk after chunk.
  std::vector<std::string> ids(o.chunk), bodies(o.chunk);
  size_t filled = 0;
  // When post n is due (rate > 0): start + n / rate.
  auto due = [&](uint64_t n) {
    return start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(n) / o.rate));
  };
  auto publish_chunk = [&]() -> Status {
    int64_t backoff_ms = 250;
    for (bool first = true;; first = false) {
      Status s = Status::Ok();
      for (size_t i = 0; i < filled && s.ok(); ++i) {
        if (first && o.rate > 0) std::this_thread::sleep_until(due(stats.posts + i));
        s = nats.Publish(o.subject, bodies[i], ids[i]);
      }
      uint64_t failed = 0;
      if (s.ok()) s = nats.WaitPublished(30000, &failed);
      if (s.ok()) {
        if (backoff_ms > 250) log("ingest: publishing again");
        stats.posts += filled;
        filled = 0;
        return Status::Ok();
      }
      if (Stopped(o)) return Status::Io(s.message() + " (stopped; the last chunk may be in the stream only in part)");
      ++stats.retries;
      log("ingest: " + s.message() + "; publishing the chunk of " + std::to_string(filled) + " again in " +
          std::to_string(backoff_ms) + " ms");
      std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
      backoff_ms = std::min<int64_t>(backoff_ms * 2, 5000);
    }
  };

  Post post;
  ReadError error;
  for (;;) {
    JsonlReader::Next next = reader.NextPost(&post, &error);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) {
      if (!o.skip_bad_lines) return Status::Invalid(error.ToString());
      ++stats.bad_lines;
      log("skipped " + error.ToString());
      continue;
    }
    if (!o.media_dir.empty())
      for (Media& m : post.media)
        if (!m.path.empty() && m.path[0] != '/') m.path = (std::filesystem::path(o.media_dir) / m.path).string();
    ids[filled] = post.id;
    bodies[filled].clear();
    AppendPostMessage(post, &bodies[filled]);
    if (++filled == o.chunk) {
      if (Status s = publish_chunk(); !s.ok()) return s;
      if (Stopped(o)) break;
    }
  }
  if (filled > 0)
    if (Status s = publish_chunk(); !s.ok()) return s;
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return stats;
}

}  // namespace evenhand::stream
