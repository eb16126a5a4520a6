// `evenhand serve`: the HTTP API (docs/API.md) and the dashboard on one port.
// SIGTERM / SIGINT stop it gracefully: the listener closes, requests in
// flight finish and their writes commit, then the process exits 0.
// With --policy-key (a build with NATS), the policy is the one published to
// the JetStream key-value bucket (`evenhand policy publish`) and each new
// revision is swapped in as it comes (stream/policy_follower.h), as the
// workers do; POST /v1/policy/reload is then refused.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <ctime>
#include <memory>
#include <thread>

#include "cli/commands.h"
#include "cli/regime_dir.h"
#include "server/server.h"
#ifdef EVENHAND_NATS
#include "cli/temp_dir.h"
#include "stream/policy_follower.h"
#endif

namespace evenhand::cli {

namespace {

struct ServeArgs {
  server::ServerOptions options;
  std::string listen = "127.0.0.1:8080";
  std::string ops_listen;
  bool no_web = false;
#ifdef EVENHAND_NATS
  stream::PublishedPolicy published;
  int64_t policy_poll_ms = 1000;
#endif
};

bool IsDir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// "HOST:PORT" into host and port; false (with the error printed) if it is not.
bool ParseListen(const char* flag, const std::string& text, std::string* host, int* port) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    std::fprintf(stderr, "evenhand serve: %s: want HOST:PORT, e.g. 127.0.0.1:8080\n", flag);
    return false;
  }
  char* end = nullptr;
  const long p = std::strtol(text.c_str() + colon + 1, &end, 10);
  if (text.size() == colon + 1 || *end != '\0' || p < 0 || p > 65535) {
    std::fprintf(stderr, "evenhand serve: %s: \"%s\" is not a port\n", flag, text.c_str() + colon + 1);
    return false;
  }
  *host = text.substr(0, colon);
  *port = static_cast<int>(p);
  return true;
}

int Serve(ServeArgs& a) {
  if (!ParseListen("--listen", a.listen, &a.options.host, &a.options.port)) return 1;
  if (!a.ops_listen.empty() && !ParseListen("--ops-listen", a.ops_listen, &a.options.ops_host, &a.options.ops_port))
    return 1;
#ifdef EVENHAND_WEB_DIR
  if (a.options.web_dir.empty() && !a.no_web && IsDir(EVENHAND_WEB_DIR)) a.options.web_dir = EVENHAND_WEB_DIR;
#endif
  if (a.no_web) a.options.web_dir.clear();
  // Signals are taken by one thread with sigwait; block them everywhere else
  // (threads made from here on, NATS's too, inherit the mask).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

#ifdef EVENHAND_NATS
  stream::PublishedPolicy& pub = a.published;
  TempDir policy_dir;  // published revisions are unpacked here, removed at the end
  if (!pub.key.empty()) {
    if (!a.options.policy.empty()) {
      std::fprintf(stderr, "evenhand serve: give the policy as --policy FILE or as --policy-key KEY, not both\n");
      return 1;
    }
    if (Status s = policy_dir.Make(); !s.ok()) {
      std::fprintf(stderr, "evenhand serve: %s\n", s.message().c_str());
      return 1;
    }
    pub.work_dir = policy_dir.path();
    pub.scan_options = server::Api::ScanOptionsOf(a.options);
    auto scanner = stream::LoadPublishedPolicy(pub, &a.options.policy_revision);
    if (!scanner.ok()) {
      std::fprintf(stderr, "evenhand serve: --policy-key %s: %s\n", pub.key.c_str(), scanner.status().message().c_str());
      return 1;
    }
    a.options.scanner = std::move(scanner).value();
    a.options.policy_source = "nats " + pub.bucket + "/" + pub.key;
  }
#endif
  if (a.options.policy.empty() && !a.options.scanner) {
    std::fprintf(stderr, "evenhand serve: give the policy as --policy FILE%s\n",
#ifdef EVENHAND_NATS
                 " or as --policy-key KEY (published with `evenhand policy publish`)"
#else
                 ""
#endif
    );
    return 1;
  }

  // Every open connection is a descriptor: allow as many as the hard limit.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  auto srv = server::Server::Create(a.options);
  if (!srv.ok()) {
    std::fprintf(stderr, "evenhand serve: %s\n", srv.status().message().c_str());
    return 1;
  }
  auto bound = (*srv)->Bind();
  if (!bound.ok()) {
    std::fprintf(stderr, "evenhand serve: %s\n", bound.status().message().c_str());
    return 1;
  }
  if (!a.options.ops_host.empty()) {
    auto ops = (*srv)->BindOps();
    if (!ops.ok()) {
      std::fprintf(stderr, "evenhand serve: --ops-listen: %s\n", ops.status().message().c_str());
      return 1;
    }
    std::fprintf(stderr, "evenhand serve: operations listener on http://%s:%d/ (GET /healthz, /metrics only)\n",
                 a.options.ops_host.c_str(), *ops);
  }
  std::fprintf(stderr, "evenhand serve: listening on http://%s:%d/ (%d threads, %d workers, %d connections; dashboard %s)\n",
               a.options.host.c_str(), *bound, a.options.threads, a.options.workers, a.options.http.max_connections,
               a.options.web_dir.empty() ? "off" : a.options.web_dir.c_str());
#ifdef EVENHAND_NATS
  // Follows the key from the revision loaded above; stopped before the server goes.
  std::unique_ptr<stream::PolicyFollower> follower;
  if (a.options.scanner) {
    stream::FollowerOptions f;
    f.where = pub;
    f.revision = a.options.policy_revision;
    f.running_id = a.options.scanner->policy().id();
    f.poll_ms = a.policy_poll_ms;
    server::Api* api = &(*srv)->api();
    const std::string actor = "serve:" + a.options.host + ":" + std::to_string(*bound);
    f.install = [api, actor](std::shared_ptr<const Scanner> next, uint64_t revision) {
      return api->InstallPolicy(std::move(next), revision, actor);
    };
    f.failed = [api] { api->NotePolicyLoadFailure(); };
    f.log = [](const std::string& line) { std::fprintf(stderr, "evenhand serve: %s\n", line.c_str()); };
    std::fprintf(stderr, "evenhand serve: policy %s (%s revision %llu), following it every %lld ms\n",
                 f.running_id.c_str(), a.options.policy_source.c_str(),
                 static_cast<unsigned long long>(f.revision), static_cast<long long>(f.poll_ms));
    follower = std::make_unique<stream::PolicyFollower>(std::move(f));
  }
#endif
  std::atomic<bool> done{false};
  server::Server* s = srv->get();
  std::thread waiter([&] {
    const timespec tick{0, 200'000'000};
    while (!done.load()) {
      const int sig = sigtimedwait(&signals, nullptr, &tick);
      if (sig == SIGINT || sig == SIGTERM) {
        std::fprintf(stderr, "evenhand serve: %s: finishing requests in flight\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
        s->Stop();
        return;
      }
    }
  });
  Status st = s->Run();
  done.store(true);
  waiter.join();
#ifdef EVENHAND_NATS
  follower.reset();
#endif
  srv->reset();
  if (!st.ok()) {
    std::fprintf(stderr, "evenhand serve: %s\n", st.message().c_str());
    return 1;
  }
  std::fprintf(stderr, "evenhand serve: stopped\n");
  return 0;
}

}  // namespace

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto a = std::make_shared<ServeArgs>();
  a->options.regimes = DefaultRegimeDir();
  auto* cmd = app.add_subcommand("serve", "Run the JSON HTTP API (/v1, see docs/API.md) and the web dashboard");
  cmd->add_option("--db", a->options.db, "Store URL (SQLite path); created if missing")->required();
  cmd->add_option("--policy", a->options.policy, "Policy file for /v1/scan (reloadable: POST /v1/policy/reload)");
#ifdef EVENHAND_NATS
  cmd->add_option("--policy-key", a->published.key,
                  "Instead of --policy: run the policy published under this key (`evenhand policy publish`) and "
                  "swap in each new revision");
  cmd->add_option("--policy-bucket", a->published.bucket, "Key-value bucket of published policies")
      ->capture_default_str();
  cmd->add_option("--nats", a->published.nats_url, "NATS server(s) holding the policy bucket")->capture_default_str();
  cmd->add_option("--policy-poll-ms", a->policy_poll_ms, "How often the policy key is read")->capture_default_str();
#endif
  cmd->add_option("--listen", a->listen, "HOST:PORT to listen on (port 0: any free port)")->capture_default_str();
  cmd->add_option("--ops-listen", a->ops_listen,
                  "HOST:PORT of a second listener for GET /healthz and GET /metrics only, with connection slots "
                  "of its own that API floods cannot take (bind it to an internal address)");
  cmd->add_option("--threads", a->options.threads, "Requests handled on the CPU at once (server threads)")
      ->capture_default_str();
  cmd->add_option("--workers", a->options.workers,
                  "Requests in progress at once (threads, mostly waiting for their commit)")
      ->capture_default_str();
  cmd->add_option("--io-threads", a->options.io_threads, "Threads running the event loop of all connections")
      ->capture_default_str();
  HttpLimits& l = a->options.http;
  cmd->add_option("--max-connections", l.max_connections, "Open connections at once, all clients (more: 503)")
      ->capture_default_str();
  cmd->add_option("--max-connections-per-address", l.max_per_address,
                  "Open connections at once from one client address (more: 503)")
      ->capture_default_str();
  cmd->add_option("--request-timeout-ms", l.request_timeout_ms,
                  "Whole-request deadline, first byte to last body byte (then 408)")
      ->capture_default_str();
  cmd->add_option("--idle-timeout-ms", l.idle_timeout_ms, "A keep-alive connection idle this long is closed")
      ->capture_default_str();
  cmd->add_option("--write-timeout-ms", l.write_timeout_ms, "Deadline for writing one answer")->capture_default_str();
  cmd->add_option("--keep-alive-max", l.keep_alive_max, "Requests on one connection before it is closed")
      ->capture_default_str();
  cmd->add_option("--max-header", l.max_header, "Largest request line and headers in bytes (more: 431)")
      ->capture_default_str();
  cmd->add_option("--max-target", l.max_target, "Largest request target (path and query) in bytes (more: 414)")
      ->capture_default_str();
  cmd->add_option("--body-budget", l.body_budget,
                  "Bytes of request bodies received at once, all connections (more: 503)")
      ->capture_default_str();
  cmd->add_option("--max-depth", a->options.max_depth, "Deepest JSON nesting of a body")->capture_default_str();
  cmd->add_option("--max-batch", a->options.max_batch, "Items of one /v1/scan/batch")->capture_default_str();
  cmd->add_option("--max-page", a->options.max_page, "Most items of one page of a list (?limit=; GET /v1/orders, ...)")
      ->check(CLI::Range(size_t{1}, size_t{100000}))
      ->capture_default_str();
  cmd->add_option("--regimes", a->options.regimes, "Directory of regime files (order deadlines)")
      ->capture_default_str();
  cmd->add_option("--overrides", a->options.overrides, "Deployment overrides of the regimes (YAML)");
  cmd->add_option("--web", a->options.web_dir, "Directory of dashboard files (default: the source tree's web/)");
  cmd->add_flag("--no-web", a->no_web, "Serve no dashboard files");
  cmd->add_option("--audit-key", a->options.audit_key,
                  "Signing key (evenhand audit keygen): sign checkpoints of the audit log's Merkle tree");
  cmd->add_option("--checkpoint-every", a->options.checkpoint_every,
                  "With --audit-key: a checkpoint at least this often (seconds) while entries arrive")
      ->capture_default_str();
  cmd->add_option("--media-dir", a->options.media_dir,
                  "Directory that scanned posts' media paths resolve in (default: media refused)");
  cmd->add_option("--ocr-budget-ms", a->options.ocr_budget_ms,
                  "Time budget for reading the text in one image, in ms (0 = no limit; default: the scanner's)");
  cmd->add_option("--max-media-bytes", a->options.max_media_bytes,
                  "Largest media file a scanned post may name, in bytes (larger: a media error signal)")
      ->capture_default_str();
  cmd->add_option("--max-body", a->options.http.max_body,
                  "Largest request body in bytes, counted as it arrives, chunked or not (more: 413)")
      ->capture_default_str();
  cmd->add_option("--rate-limit", a->options.rate_limit, "Requests per second per key (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--rate-burst", a->options.rate_burst, "Burst per key (0 = twice the rate)")->capture_default_str();
  cmd->callback([a, exit_code] { *exit_code = Serve(*a); });
}

}  // namespace evenhand::cli
