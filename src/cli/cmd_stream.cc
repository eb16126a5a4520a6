// `evenhand ingest`, `evenhand worker` and `evenhand policy publish` (issue
// 18): posts through NATS JetStream to workers that decide them into a
// shared store (src/stream/); policies through a JetStream key-value bucket.
// SIGINT / SIGTERM stop either after the chunk or batch in hand (a worker
// hands an unfinished batch back for another worker to take).
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>

#include "cli/commands.h"
#include "cli/temp_dir.h"
#include "model/time.h"
#include "policy/loader.h"
#include "policy/policy_bundle.h"
#include "stream/ingest.h"
#include "stream/nats_client.h"
#include "stream/worker.h"

namespace evenhand::cli {

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

void CatchStopSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

// One line to stderr with the UTC time, whole lines even from several threads.
void LogLine(const char* verb, const std::string& line) {
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  std::fprintf(stderr, "%s evenhand %s: %s\n", FormatTimestamp(NowUnixSeconds()).c_str(), verb, line.c_str());
}

struct IngestArgs {
  std::string input = "-";
  std::string accounts;
  stream::IngestOptions options;
  std::string on_error = "stop";
  bool quiet = false;
};

int RunIngestCommand(IngestArgs& args) {
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "evenhand ingest: %s\n", msg.c_str());
    return 1;
  };
  auto reader = JsonlReader::Open(args.input);
  if (!reader.ok()) return fail(reader.status().message());
  (*reader)->set_keep_logins(false);
  if (!args.accounts.empty())
    if (Status s = (*reader)->LoadAccounts(args.accounts); !s.ok()) return fail(s.message());
  stream::IngestOptions& o = args.options;
  if (args.input != "-") o.media_dir = std::filesystem::absolute(args.input).parent_path().string();
  o.skip_bad_lines = args.on_error == "skip";
  o.log = [](const std::string& line) { LogLine("ingest", line); };
  o.stop = &g_stop;
  CatchStopSignals();
  auto stats = stream::RunIngest(**reader, o);
  if (!stats.ok()) return fail(stats.status().message());
  if (!args.quiet)
    std::fprintf(stderr, "published %llu posts to %s (stream %s) in %.2f s (%.0f posts/s)%s\n",
                 static_cast<unsigned long long>(stats->posts), o.nats_url.c_str(), o.stream.c_str(), stats->seconds,
                 stats->seconds > 0 ? stats->posts / stats->seconds : 0.0,
                 stats->bad_lines ? fmt::format("; skipped {} bad lines", stats->bad_lines).c_str() : "");
  return g_stop.load() ? 1 : 0;
}

struct WorkerArgs {
  std::string policy;
  std::string now;
  stream::WorkerOptions options;
  double idle_exit_seconds = 0;
};

int RunWorkerCommand(WorkerArgs& args) {
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "evenhand worker: %s\n", msg.c_str());
    return 1;
  };
  stream::WorkerOptions& o = args.options;
  if (args.policy.empty() == o.policy_key.empty())
    return fail("give the policy as --policy FILE or as --policy-key KEY (published with `evenhand policy publish`)");
  ScanOptions& scan_options = o.scan_options;
  scan_options.detect_lang = ScanOptions::DetectLang::kAlways;  // as `scan --db`: stored decisions carry a language
  if (!args.now.empty()) {
    auto now = ParseTimestamp(args.now);
    if (!now) return fail(fmt::format("--now: \"{}\" is not an RFC 3339 timestamp", args.now));
    scan_options.now = *now;
  }
  o.idle_exit_ms = static_cast<int64_t>(args.idle_exit_seconds * 1000);
  o.log = [](const std::string& line) { LogLine("worker", line); };
  o.stop = &g_stop;
  CatchStopSignals();

  std::shared_ptr<const Scanner> scanner;
  uint64_t revision = 0;
  TempDir policy_dir;  // published revisions are unpacked here, removed at the end
  if (!o.policy_key.empty()) {
    if (o.policy_dir.empty()) {
      if (Status s = policy_dir.Make(); !s.ok()) return fail(s.message());
      o.policy_dir = policy_dir.path();
    }
    auto published = stream::LoadPublishedPolicy(o, &revision);
    if (!published.ok()) return fail(published.status().message());
    scanner = std::move(published).value();
  } else {
    auto policy = PolicyLoader::Load(args.policy);
    if (!policy.ok()) return fail(policy.status().message());
    auto created = Scanner::Create(*policy, scan_options);
    if (!created.ok()) return fail(fmt::format("{}: {}", args.policy, created.status().message()));
    scanner = std::move(created).value();
  }
  LogLine("worker", fmt::format("policy {}{}, {} thread(s), batches of {}, store {}, NATS {}", scanner->policy().id(),
                                o.policy_key.empty() ? "" : fmt::format(" ({} revision {})", o.policy_key, revision),
                                o.threads, o.batch, o.db_url, o.nats_url));
  stream::PolicySlot slot(std::move(scanner), revision);
  auto stats = stream::RunWorker(slot, o);
  if (!stats.ok()) return fail(stats.status().message());
  LogLine("worker", fmt::format("decided {} posts in {:.2f} s: {} decisions newly stored, {} redelivered, {} bad "
                                "messages, {} store retries, {} publish retries, {} policy swaps; latency p50 <= "
                                "{:g} ms, p99 <= {:g} ms, worst {:.1f} ms",
                                stats->posts, stats->seconds, stats->stored, stats->redelivered, stats->bad,
                                stats->store_retries, stats->publish_retries, stats->policy_swaps,
                                stats->latency_p50 * 1e3, stats->latency_p99 * 1e3, stats->latency_worst * 1e3));
  return 0;
}

struct PublishArgs {
  std::string file;
  std::string nats_url = "nats://127.0.0.1:4222";
  std::string bucket = "evenhand_policies";
  std::string key;
  int replicas = 1;
};

// Checks the policy as `policy check` does, bundles it with its files and
// puts it under the key; a policy that does not check is refused and the
// bucket is left as it was.
int RunPublishCommand(const PublishArgs& args) {
  auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "evenhand policy publish: %s\n", msg.c_str());
    return 1;
  };
  if (CheckPolicyFile(args.file) != 0) return fail(args.file + ": does not check; nothing published");
  auto bundle = PackPolicyBundle(args.file);
  if (!bundle.ok()) return fail(bundle.status().message());
  auto policy = PolicyLoader::Load(args.file);
  if (!policy.ok()) return fail(policy.status().message());
  const std::string key = args.key.empty() ? (*policy)->name() : args.key;
  auto nats = stream::NatsClient::Connect(args.nats_url, "evenhand policy publish");
  if (!nats.ok()) return fail(nats.status().message());
  if (Status s = (*nats)->EnsureBucket(args.bucket, args.replicas, 16); !s.ok()) return fail(s.message());
  uint64_t revision = 0;
  if (Status s = (*nats)->KvPut(args.bucket, key, *bundle, &revision); !s.ok()) return fail(s.message());
  std::printf("published %s as %s/%s revision %llu (%zu bytes)\n", (*policy)->id().c_str(), args.bucket.c_str(),
              key.c_str(), static_cast<unsigned long long>(revision), bundle->size());
  return 0;
}

}  // namespace

void AddPolicyPublishCommand(CLI::App& policy, int* exit_code) {
  auto args = std::make_shared<PublishArgs>();
  auto* cmd = policy.add_subcommand(
      "publish", "Check a policy and publish it with its files to a NATS JetStream key-value bucket for workers");
  cmd->add_option("file", args->file, "Policy YAML file")->required()->check(CLI::ExistingFile);
  cmd->add_option("--nats", args->nats_url, "NATS server URL(s), comma-separated")->capture_default_str();
  cmd->add_option("--bucket", args->bucket, "Key-value bucket (made when missing)")->capture_default_str();
  cmd->add_option("--key", args->key, "Key to publish under (default: the policy's name)");
  cmd->add_option("--replicas", args->replicas, "JetStream replicas of the bucket when it is created")
      ->capture_default_str();
  cmd->callback([args, exit_code] { *exit_code = RunPublishCommand(*args); });
}

void AddIngestCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<IngestArgs>();
  auto* cmd = app.add_subcommand("ingest", "Publish the posts of a JSONL stream to NATS JetStream (stream POSTS) for workers");
  cmd->add_option("input", args->input, "Items as JSON Lines ('-' = stdin)")->capture_default_str();
  cmd->add_option("--nats", args->options.nats_url, "NATS server URL(s), comma-separated")->capture_default_str();
  cmd->add_option("--accounts", args->accounts, "JSONL file of accounts to load before the posts");
  cmd->add_option("--stream", args->options.stream, "JetStream stream the posts go to (made when missing)")
      ->capture_default_str();
  cmd->add_option("--subject", args->options.subject, "Subject of that stream the posts are published on")
      ->capture_default_str();
  cmd->add_option("--replicas", args->options.replicas, "JetStream replicas of the stream when it is created")
      ->capture_default_str();
  cmd->add_option("--chunk", args->options.chunk, "Posts acknowledged together (a failed chunk is sent again)")
      ->capture_default_str();
  cmd->add_option("--rate", args->options.rate,
                  "Posts per second at most, paced evenly (0: as fast as the server acknowledges)")
      ->capture_default_str()
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--max-pending", args->options.max_pending, "Unacknowledged messages at once (back-pressure)")
      ->capture_default_str();
  cmd->add_option("--on-error", args->on_error, "Bad input line: stop or skip")
      ->check(CLI::IsMember({"stop", "skip"}))
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No summary");
  cmd->callback([args, exit_code] { *exit_code = RunIngestCommand(*args); });
}

void AddWorkerCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<WorkerArgs>();
  auto* cmd = app.add_subcommand("worker", "Decide the posts of NATS JetStream (stream POSTS) into a shared store, "
                                           "publishing each decision to stream DECISIONS");
  cmd->add_option("--nats", args->options.nats_url, "NATS server URL(s), comma-separated")->capture_default_str();
  cmd->add_option("--db", args->options.db_url, "Store URL shared by every worker: postgres://USER@HOST:PORT/DB")
      ->required();
  cmd->add_option("-p,--policy", args->policy, "Policy YAML file (or --policy-key)")->check(CLI::ExistingFile);
  cmd->add_option("--policy-key", args->options.policy_key,
                  "Run the policy published under this key (`evenhand policy publish`) and swap in each new revision");
  cmd->add_option("--policy-bucket", args->options.policy_bucket, "Key-value bucket of published policies")
      ->capture_default_str();
  cmd->add_option("--metrics-listen", args->options.metrics_listen,
                  "Serve GET /metrics (Prometheus text) on HOST:PORT, e.g. 127.0.0.1:9464");
  cmd->add_option("--control-poll-ms", args->options.control_poll_ms,
                  "How often the policy key and the consumer's lag are read")
      ->capture_default_str();
  cmd->add_option("--stream", args->options.posts_stream, "JetStream stream of the posts")->capture_default_str();
  cmd->add_option("--subject", args->options.posts_subject, "Subject of the posts in that stream")
      ->capture_default_str();
  cmd->add_option("--durable", args->options.durable, "Durable consumer shared by the workers of that stream")
      ->capture_default_str();
  cmd->add_option("--decisions-stream", args->options.decisions_stream, "JetStream stream the decisions go to")
      ->capture_default_str();
  cmd->add_option("--decisions-subject", args->options.decisions_subject, "Subject of the decisions in that stream")
      ->capture_default_str();
  cmd->add_option("-j,--threads", args->options.threads, "Threads, each with its own connections")
      ->capture_default_str();
  cmd->add_option("--batch", args->options.batch, "Messages fetched, stored and acknowledged together")
      ->capture_default_str();
  cmd->add_option("--ack-wait-ms", args->options.ack_wait_ms,
                  "A message not acknowledged this long is delivered again (when the consumer is created)")
      ->capture_default_str();
  cmd->add_option("--replicas", args->options.replicas, "JetStream replicas of the streams when they are created")
      ->capture_default_str();
  cmd->add_option("--idle-exit", args->idle_exit_seconds, "End once no post came for this many seconds (0 = never)")
      ->capture_default_str();
  cmd->add_option("--now", args->now, "Time at which account.age_days is taken for posts without \"ts\" (RFC 3339)");
  cmd->callback([args, exit_code] { *exit_code = RunWorkerCommand(*args); });
}

}  // namespace evenhand::cli
