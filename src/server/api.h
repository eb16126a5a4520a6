// Api: the /v1 JSON API (docs/API.md) independent of the HTTP library.
// Server (server.h) turns each HTTP request into an ApiRequest and sends
// back the ApiResponse.
//
// Handle() is thread safe and never throws: every failure is an
// ApiResponse whose body is {"error":{"code","message"}}. Writes go through
// the StoreWorker and are answered only once committed; reads use a pool
// of other connections to the store (WAL readers do not block the writer).
// At most options.threads requests run on the CPU at once (a counting
// semaphore; a request waiting for its commit gives its slot up).
// Keys are checked on every /v1 request (hash compare in constant time; a
// key's record is cached for at most 2 s, so a revocation made elsewhere
// takes effect within that). Every write is audited with actor
// "<person> via key:<id>" (the key's holder and the key),
// and so is every answered read with a key (action "api.read", subject
// "GET <path>"), so each request's actor is in the audit chain.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <semaphore>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/labels.h"
#include "cases/datareq_desk.h"
#include "cases/datareq_regimes.h"
#include "cases/order_desk.h"
#include "model/limits.h"
#include "model/status.h"
#include "pipeline/scanner.h"
#include "regimes/regime.h"
#include "server/api_key.h"
#include "server/list_page.h"
#include "server/metrics.h"
#include "server/rate_limiter.h"
#include "server/store_worker.h"
#include "store/store.h"

namespace evenhand::analytics {
struct Record;
}
namespace evenhand::tlog {
class NoteSigner;
}

namespace evenhand::server {

struct ServerOptions {
  std::string db;                             // store URL
  std::string policy;                         // policy file (reloadable)
  // A policy compiled elsewhere (serve --policy-key: published to a bucket):
  // /v1/scan runs it instead of loading `policy`, POST /v1/policy/reload is
  // refused (409), and InstallPolicy swaps in its next revisions.
  std::shared_ptr<const Scanner> scanner;
  std::string policy_source;                  // where `scanner` comes from, e.g. "nats evenhand_policies/KEY"
  uint64_t policy_revision = 0;               // its revision there
  std::string regimes = "policies/regimes";   // regime directory
  std::string overrides;                      // deployment overrides (optional)
  std::string web_dir;                        // dashboard files; empty = none
  std::string media_dir;                      // where scanned media paths resolve; empty = media refused
  std::string host = "127.0.0.1";
  int port = 8080;                            // 0 = any free port
  std::string ops_host;                       // operations listener (GET /healthz, /metrics only); empty = none
  int ops_port = 0;                           // its port (0 = any free port)
  int threads = 2;                            // requests handled (on CPU) at once
  int workers = 64;                           // requests in progress at once (threads, mostly waiting for commits)
  int io_threads = 1;                         // threads running the event loop (all connections)
  HttpLimits http;                            // transport limits (model/limits.h): body, header, deadlines, caps
  int max_depth = InputLimits{}.max_depth;    // JSON nesting
  size_t max_batch = InputLimits{}.max_batch; // items per /v1/scan/batch
  size_t max_page = InputLimits{}.max_page;   // items per page of a list (?limit=; default kDefaultPageSize)
  uint64_t max_media_bytes = InputLimits{}.max_media_bytes;  // bytes of one scanned media file
  int ocr_budget_ms = -1;                     // time to read the text in one image; -1 = the scanner's default, 0 = none
  double rate_limit = 1000;                   // requests/s per key; 0 = off
  double rate_burst = 0;                      // 0 = 2 * rate_limit
  std::function<int64_t()> clock;             // unix seconds; empty = wall clock
  std::string audit_key;                      // checkpoint signing key file (audit keygen); empty = none
  int checkpoint_every = 60;                  // seconds: a checkpoint at least this often while entries arrive
};

struct ApiRequest {
  std::string_view method;         // "GET", "POST", ...
  std::string_view path;           // without the query string
  std::string_view authorization;  // the Authorization header, may be empty
  std::string_view body;
  const std::multimap<std::string, std::string>* query = nullptr;
};

struct ApiResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  int retry_after = 0;  // seconds; sent as Retry-After when > 0
  bool audited = false; // the handler audited this read itself (not sent)
};

class Api {
 public:
  static Result<std::unique_ptr<Api>> Create(const ServerOptions& options);
  ~Api();

  ApiResponse Handle(const ApiRequest& request);

  // After this every request but /metrics is 503 shutting_down.
  void BeginDrain();
  // Finishes queued writes and stops the writer (call after the HTTP server stopped).
  void Shutdown();

  // Swaps in `next` (revision `revision` of options.policy_source) once its
  // audit entry ("policy.reload" by `actor`, payload {"source","revision"})
  // is committed; requests already running finish on the old policy.
  // Thread safe; not from a request handler (it waits for the writer).
  Status InstallPolicy(std::shared_ptr<const Scanner> next, uint64_t revision, const std::string& actor);
  // Counts a published revision that did not load (GET /metrics).
  void NotePolicyLoadFailure() { policy_load_failures_.fetch_add(1, std::memory_order_relaxed); }
  // How this server compiles policies (media directory and size cap).
  static ScanOptions ScanOptionsOf(const ServerOptions& options);

  // {"error":{"code":code,"message":message}} with `status`.
  static ApiResponse Error(int status, std::string_view code, std::string_view message);

 private:
  struct Principal {
    ApiKeyRecord key;
    Role role = Role::kModerator;
    AuthorityRecord authority;  // role authority only
    PersonRecord person;        // who holds the key
    std::string actor;          // "<person> via key:<id>" (model/person.h FormatActor)
  };
  struct Ctx {
    const ApiRequest& req;
    const Principal* who = nullptr;  // null on public routes
    std::string arg;                 // the {id} / {item} path segment
    std::string arg2;                // a second {} segment (/v1/items/{id}/media/{n})
    int64_t now = 0;
    std::string Query(const char* name) const;
  };
  using Handler = ApiResponse (Api::*)(Ctx&);
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{}" matches one segment
    unsigned roles;                     // bit per Role; 0 = public
    Handler handler;
  };
  struct CachedKey {
    std::shared_ptr<const Principal> who;
    int64_t loaded_ns;
  };

  explicit Api(const ServerOptions& options);
  void AddRoutes();
  ApiResponse Dispatch(const ApiRequest& request, int* route_index);
  // 401 on failure (response filled), else the principal.
  bool Authenticate(std::string_view authorization, std::shared_ptr<const Principal>* who, ApiResponse* error);
  static ApiResponse FromStatus(const Status& s);
  static ApiResponse Json(int status, const nlohmann::ordered_json& j);
  // Parses the body as a JSON object within the limits; false with *error set.
  bool ParseBody(const Ctx& c, nlohmann::json* body, ApiResponse* error) const;
  // Reads ?limit= and ?cursor= of a list (server/list_page.h); false with
  // *error set (400 bad_query).
  bool ParsePage(const Ctx& c, PageRequest* page, ApiResponse* error) const;
  std::shared_ptr<const Scanner> scanner() const;
  int64_t Now() const;
  bool CanSee(const Principal& who, const std::string& authority) const {
    return who.role != Role::kAuthority || who.key.authority == authority;
  }

  // Routes (api_*.cc).
  ApiResponse Healthz(Ctx& c);
  ApiResponse MetricsText(Ctx& c);
  ApiResponse Me(Ctx& c);
  ApiResponse Scan(Ctx& c);
  ApiResponse ScanBatch(Ctx& c);
  ApiResponse SubmitLogins(Ctx& c);
  ApiResponse SubmitPreservation(Ctx& c);
  ApiResponse ListPreservations(Ctx& c);
  ApiResponse ShowPreservation(Ctx& c);
  ApiResponse PreservationEvent(Ctx& c);
  ApiResponse ListDecisions(Ctx& c);
  ApiResponse ReviewDecision(Ctx& c);
  ApiResponse ShowItem(Ctx& c);          // api_items.cc
  ApiResponse ItemMedia(Ctx& c);
  ApiResponse RevealItemMedia(Ctx& c);
  // Media {arg2} of item {arg}, version `version` (0 = the latest): the
  // bytes, why they are blurred (empty: not sensitive) and the stored path;
  // a 200 with no body, or the error to answer.
  ApiResponse LoadItemMedia(Ctx& c, int64_t version, std::string* bytes, std::vector<std::string>* because,
                            std::string* path);
  ApiResponse SubmitOrder(Ctx& c);
  ApiResponse ListOrders(Ctx& c);
  ApiResponse ShowOrder(Ctx& c);
  ApiResponse OrderEvent(Ctx& c);
  ApiResponse FileAppeal(Ctx& c);
  ApiResponse DecideAppeal(Ctx& c);
  ApiResponse FileDecisionAppeal(Ctx& c);  // api_appeals.cc: appeals of own-initiative decisions
  ApiResponse ListDecisionAppeals(Ctx& c);
  ApiResponse ShowDecisionAppeal(Ctx& c);
  ApiResponse DecideDecisionAppeal(Ctx& c);
  ApiResponse SubmitDataRequest(Ctx& c);
  ApiResponse ListDataRequests(Ctx& c);
  ApiResponse ShowDataRequest(Ctx& c);
  ApiResponse DataRequestEvent(Ctx& c);
  ApiResponse ReportSla(Ctx& c);
  ApiResponse ReportTransparency(Ctx& c);
  ApiResponse ReportTimes(Ctx& c);
  ApiResponse ReportPenalties(Ctx& c);
  ApiResponse ListAuthorities(Ctx& c);
  ApiResponse PutAuthority(Ctx& c);
  ApiResponse ListPeople(Ctx& c);
  ApiResponse AddPerson(Ctx& c);
  ApiResponse ListKeys(Ctx& c);
  ApiResponse CreateKey(Ctx& c);
  ApiResponse RevokeKey(Ctx& c);
  ApiResponse ShowPolicy(Ctx& c);
  ApiResponse ReloadPolicy(Ctx& c);
  ApiResponse RunRetention(Ctx& c);  // api_retention.cc
  // The labels an order shows beside its ids: the regimes' category names
  // and the authorities' registered names in `store`.
  analytics::Labels OrderLabels(Store& store) const;
  // The audit log's Merkle tree (api_audit.cc, docs/AUDIT.md).
  ApiResponse AuditKey(Ctx& c);
  ApiResponse AuditCheckpoint(Ctx& c);
  ApiResponse AuditProof(Ctx& c);
  ApiResponse AuditConsistency(Ctx& c);
  // Adds "audit": {"entry": the newest entry about `subject`, "checkpoint":
  // a signed checkpoint that includes it} to the answer of a write that
  // changed a case (the checkpoint only when a signing key is configured).
  void AttachCheckpoint(nlohmann::ordered_json* j, const std::string& subject);
  // A checkpoint at least every options.checkpoint_every seconds while the
  // tree grows (a thread of its own; stopped by Shutdown).
  void StartCheckpointer();
  void StopCheckpointer();

  // The store writer, called with this thread's compute slot given up
  // while it waits (so other requests run meanwhile and join the group commit).
  Status Write(const std::function<Status(Store&)>& fn);
  Status CommitScans(const Post* posts, const Decision* decisions, size_t n, const std::string& actor);

  // Helpers shared by the case routes.
  ApiResponse ApplyOrderEvent(Ctx& c, evenhand::OrderEvent event, const OrderEventArgs& args);
  // Fills in / checks an authority key's authority and jurisdiction in a submission.
  bool BindSubmission(const Ctx& c, nlohmann::json* body, ApiResponse* error) const;
  // Reads the store's record for a report (query from/to); false with *error set.
  bool LoadReport(const Ctx& c, bool decisions, analytics::Record* record, int64_t* from, int64_t* to,
                  ApiResponse* error);
  // The open-order gauges for /metrics.
  std::string OrderGauges(int64_t now);

  ServerOptions options_;
  std::vector<Regime> regimes_;
  std::vector<Route> routes_;
  std::unique_ptr<Metrics> metrics_;
  RateLimiter limiter_;
  std::counting_semaphore<1024> compute_;  // options.threads slots
  std::atomic<bool> draining_{false};

  mutable std::mutex scanner_mu_;
  std::shared_ptr<const Scanner> scanner_;
  int64_t policy_loaded_ = 0;
  uint64_t policy_revision_ = 0;
  std::atomic<uint64_t> policy_swaps_{0}, policy_load_failures_{0};
  // The policy series of GET /metrics.
  std::string PolicyGauges() const;

  // Reads: a pool of connections (WAL readers run side by side and never
  // block the writer), each with its own desks; a ReadLease holds one.
  struct Reader {
    std::unique_ptr<Store> store;
    std::unique_ptr<OrderDesk> orders;
    std::unique_ptr<DataRequestDesk> requests;
  };
  class ReadLease {
   public:
    explicit ReadLease(Api* api);
    ~ReadLease();
    ReadLease(const ReadLease&) = delete;
    ReadLease& operator=(const ReadLease&) = delete;
    Reader* operator->() const { return reader_; }

   private:
    Api* api_;
    Reader* reader_;
  };
  std::mutex readers_mu_;
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Reader>> readers_;
  std::vector<Reader*> free_readers_;

  // Writes: the writer's connection and desks, used only on the worker thread.
  std::unique_ptr<Store> writer_;
  std::unique_ptr<OrderDesk> write_orders_;
  std::unique_ptr<DataRequestDesk> write_requests_;
  PreservationLookup preservation_lookup_;  // preservation desks are made per request (api_preservation.cc)
  analytics::Labels regime_labels_;         // the regimes' category names (api_cases.cc adds authorities)
  TrafficRetentionLookup traffic_lookup_;    // how long each country's law keeps login records (api_retention.cc)
  std::unique_ptr<StoreWorker> worker_;

  std::mutex keys_mu_;
  std::unordered_map<std::string, CachedKey> keys_;

  std::unique_ptr<tlog::NoteSigner> signer_;  // null without options.audit_key
  std::mutex checkpointer_mu_;
  std::condition_variable checkpointer_cv_;
  bool checkpointer_stop_ = false;
  std::thread checkpointer_;
};

}  // namespace evenhand::server
