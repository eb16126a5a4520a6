// Api: creation, routing, keys, limits and the public routes.
#include "server/api.h"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "cases/datareq_regimes.h"
#include "cases/regime_lookup.h"
#include "policy/loader.h"
#include "regimes/overrides.h"
#include "regimes/regime_loader.h"
#include "server/field_visibility.h"
#include "server/json_body.h"
#include "tlog/checkpoint.h"

namespace evenhand::server {

namespace {

constexpr unsigned kA = 1u << static_cast<int>(Role::kAuthority);
constexpr unsigned kM = 1u << static_cast<int>(Role::kModerator);
constexpr unsigned kU = 1u << static_cast<int>(Role::kAuditor);
constexpr unsigned kD = 1u << static_cast<int>(Role::kAdmin);
constexpr unsigned kPublic = 0;
constexpr int64_t kKeyCacheNs = 2'000'000'000;

int64_t SteadyNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::vector<std::string> Split(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

Result<std::shared_ptr<const Scanner>> LoadScanner(const ServerOptions& o) {
  if (o.scanner) return o.scanner;
  auto policy = PolicyLoader::Load(o.policy);
  if (!policy.ok()) return policy.status();
  auto scanner = Scanner::Create(std::move(policy).value(), Api::ScanOptionsOf(o));
  if (!scanner.ok()) return scanner.status();
  return std::shared_ptr<const Scanner>(std::move(scanner).value());
}

}  // namespace

std::string Api::Ctx::Query(const char* name) const {
  if (req.query == nullptr) return "";
  auto it = req.query->find(name);
  return it == req.query->end() ? std::string() : it->second;
}

bool Api::ParsePage(const Ctx& c, PageRequest* page, ApiResponse* error) const {
  std::string message;
  if (ParsePageQuery(c.Query("limit"), c.Query("cursor"), std::min(kDefaultPageSize, options_.max_page),
                     options_.max_page, page, &message))
    return true;
  *error = Error(400, "bad_query", message);
  return false;
}

Api::Api(const ServerOptions& options)
    : options_(options),
      limiter_(options.rate_limit, options.rate_burst),
      compute_(std::clamp<std::ptrdiff_t>(options.threads, 1, 1024)) {}

Status Api::Write(const std::function<Status(Store&)>& fn) {
  compute_.release();
  Status s = worker_->Run(fn);
  compute_.acquire();
  return s;
}

Status Api::CommitScans(const Post* posts, const Decision* decisions, size_t n, const std::string& actor) {
  compute_.release();
  Status s = worker_->CommitScans(posts, decisions, n, actor);
  compute_.acquire();
  return s;
}

Api::~Api() {
  Shutdown();
  StopCheckpointer();
}

Result<std::unique_ptr<Api>> Api::Create(const ServerOptions& options) {
  std::unique_ptr<Api> api(new Api(options));
  auto regimes = LoadRegimeDir(options.regimes);
  if (!regimes.ok()) return regimes.status();
  api->regimes_ = std::move(regimes).value();
  if (!options.overrides.empty())
    if (Status s = ApplyOverrides(options.overrides, &api->regimes_); !s.ok()) return s;
  auto scanner = LoadScanner(options);
  if (!scanner.ok()) return scanner.status();
  api->scanner_ = std::move(scanner).value();
  api->policy_loaded_ = api->Now();
  api->policy_revision_ = options.policy_revision;

  auto writer = OpenStore(options.db, OpenMode::kCreate);
  if (!writer.ok()) return writer.status();
  api->writer_ = std::move(writer).value();
  // Group commits never wait for a WAL checkpoint (they set the scan tail).
  if (Status s = api->writer_->CheckpointInBackground(); !s.ok()) return s;
  // One clock: audit entries carry the API's time, as the records do.
  Api* self = api.get();
  api->writer_->SetClock([self] { return self->Now(); });
  RegimeLookup orders = MakeRegimeLookup(api->regimes_);
  InfoRequestLookup info = MakeInfoRequestLookup(api->regimes_);
  // One reader per compute slot, and one for /metrics.
  for (int i = 0; i <= options.threads; ++i) {
    auto store = OpenStore(options.db, OpenMode::kMustExist);
    if (!store.ok()) return store.status();
    auto r = std::make_unique<Reader>();
    r->store = std::move(store).value();
    r->store->SetClock([self] { return self->Now(); });
    r->orders = std::make_unique<OrderDesk>(r->store.get(), orders);
    r->requests = std::make_unique<DataRequestDesk>(r->store.get(), info);
    api->free_readers_.push_back(r.get());
    api->readers_.push_back(std::move(r));
  }
  api->write_orders_ = std::make_unique<OrderDesk>(api->writer_.get(), orders);
  api->write_requests_ = std::make_unique<DataRequestDesk>(api->writer_.get(), info);
  api->preservation_lookup_ = MakePreservationLookup(api->regimes_);
  api->traffic_lookup_ = MakeTrafficRetentionLookup(api->regimes_);
  analytics::AddRegimeLabels(api->regimes_, &api->regime_labels_);
  if (!options.audit_key.empty()) {
    auto signer = tlog::NoteSigner::FromFile(options.audit_key);
    if (!signer.ok()) return signer.status();
    api->signer_ = std::make_unique<tlog::NoteSigner>(std::move(signer).value());
  }
  api->AddRoutes();
  std::vector<std::string> labels;
  for (const Route& r : api->routes_) {
    std::string label = r.method + " ";
    for (const std::string& s : r.segments) label += "/" + (s == "{}" ? std::string("{id}") : s);
    labels.push_back(std::move(label));
  }
  api->metrics_ = std::make_unique<Metrics>(std::move(labels));
  Metrics* m = api->metrics_.get();
  api->worker_ = std::make_unique<StoreWorker>(api->writer_.get(), [m](size_t, double seconds) { m->AddCommit(seconds); });
  api->StartCheckpointer();
  return api;
}

void Api::AddRoutes() {
  auto add = [this](const char* method, const char* path, unsigned roles, Handler h) {
    routes_.push_back(Route{method, Split(path), roles, h});
  };
  add("GET", "/healthz", kPublic, &Api::Healthz);
  add("GET", "/metrics", kPublic, &Api::MetricsText);
  add("GET", "/v1/me", kA | kM | kU | kD, &Api::Me);
  add("POST", "/v1/scan", kM | kD, &Api::Scan);
  add("POST", "/v1/scan/batch", kM | kD, &Api::ScanBatch);
  add("POST", "/v1/logins", kM | kD, &Api::SubmitLogins);
  add("GET", "/v1/decisions", kM | kD, &Api::ListDecisions);
  add("POST", "/v1/decisions/{}/review", kM | kD, &Api::ReviewDecision);
  add("GET", "/v1/items/{}", kA | kM | kU | kD, &Api::ShowItem);
  add("GET", "/v1/items/{}/media/{}", kA | kM | kU | kD, &Api::ItemMedia);
  add("POST", "/v1/items/{}/media/{}/reveal", kM | kU | kD, &Api::RevealItemMedia);
  add("POST", "/v1/orders", kA | kD, &Api::SubmitOrder);
  add("GET", "/v1/orders", kA | kM | kU | kD, &Api::ListOrders);
  add("GET", "/v1/orders/{}", kA | kM | kU | kD, &Api::ShowOrder);
  add("POST", "/v1/orders/{}/events", kM | kD, &Api::OrderEvent);
  add("POST", "/v1/orders/{}/appeal", kM | kD, &Api::FileAppeal);
  add("POST", "/v1/orders/{}/appeal/decision", kM | kD, &Api::DecideAppeal);
  add("POST", "/v1/appeals", kM | kD, &Api::FileDecisionAppeal);
  add("GET", "/v1/appeals", kM | kU | kD, &Api::ListDecisionAppeals);
  add("GET", "/v1/appeals/{}", kM | kU | kD, &Api::ShowDecisionAppeal);
  add("POST", "/v1/appeals/{}/decision", kM | kD, &Api::DecideDecisionAppeal);
  add("POST", "/v1/datarequests", kA | kD, &Api::SubmitDataRequest);
  add("GET", "/v1/datarequests", kA | kM | kU | kD, &Api::ListDataRequests);
  add("GET", "/v1/datarequests/{}", kA | kM | kU | kD, &Api::ShowDataRequest);
  add("POST", "/v1/datarequests/{}/events", kM | kD, &Api::DataRequestEvent);
  add("POST", "/v1/preservations", kA | kD, &Api::SubmitPreservation);
  add("GET", "/v1/preservations", kA | kM | kU | kD, &Api::ListPreservations);
  add("GET", "/v1/preservations/{}", kA | kM | kU | kD, &Api::ShowPreservation);
  add("POST", "/v1/preservations/{}/events", kM | kD, &Api::PreservationEvent);
  add("GET", "/v1/reports/sla", kU | kD, &Api::ReportSla);
  add("GET", "/v1/reports/transparency", kU | kD, &Api::ReportTransparency);
  add("GET", "/v1/reports/times", kU | kD, &Api::ReportTimes);
  add("GET", "/v1/reports/penalties", kU | kD, &Api::ReportPenalties);
  add("GET", "/v1/authorities", kA | kM | kU | kD, &Api::ListAuthorities);
  add("POST", "/v1/authorities", kD, &Api::PutAuthority);
  add("GET", "/v1/people", kD, &Api::ListPeople);
  add("POST", "/v1/people", kD, &Api::AddPerson);
  add("GET", "/v1/keys", kD, &Api::ListKeys);
  add("POST", "/v1/keys", kD, &Api::CreateKey);
  add("DELETE", "/v1/keys/{}", kD, &Api::RevokeKey);
  add("GET", "/v1/policy", kM | kU | kD, &Api::ShowPolicy);
  add("POST", "/v1/policy/reload", kD, &Api::ReloadPolicy);
  add("POST", "/v1/retention/run", kD, &Api::RunRetention);
  add("GET", "/v1/audit/key", kPublic, &Api::AuditKey);
  add("GET", "/v1/audit/checkpoint", kPublic, &Api::AuditCheckpoint);
  add("GET", "/v1/audit/proof", kA | kM | kU | kD, &Api::AuditProof);
  add("GET", "/v1/audit/consistency", kA | kM | kU | kD, &Api::AuditConsistency);
}

Api::ReadLease::ReadLease(Api* api) : api_(api) {
  std::unique_lock<std::mutex> lock(api->readers_mu_);
  api->readers_cv_.wait(lock, [api] { return !api->free_readers_.empty(); });
  reader_ = api->free_readers_.back();
  api->free_readers_.pop_back();
}

Api::ReadLease::~ReadLease() {
  {
    std::lock_guard<std::mutex> lock(api_->readers_mu_);
    api_->free_readers_.push_back(reader_);
  }
  api_->readers_cv_.notify_one();
}

void Api::BeginDrain() { draining_.store(true); }

void Api::Shutdown() {
  StopCheckpointer();  // it writes through the worker: stop it first
  draining_.store(true);
  if (worker_) worker_->Stop();
}

int64_t Api::Now() const { return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr)); }

std::shared_ptr<const Scanner> Api::scanner() const {
  std::lock_guard<std::mutex> lock(scanner_mu_);
  return scanner_;
}

ApiResponse Api::Error(int status, std::string_view code, std::string_view message) {
  nlohmann::ordered_json j;
  j["error"]["code"] = code;
  j["error"]["message"] = message;
  ApiResponse r;
  r.status = status;
  r.body = Dump(j);
  return r;
}

ApiResponse Api::Json(int status, const nlohmann::ordered_json& j) {
  ApiResponse r;
  r.status = status;
  r.body = Dump(j);
  return r;
}

ApiResponse Api::FromStatus(const Status& s) {
  switch (s.code()) {
    case Status::Code::kInvalid: return Error(400, "invalid", s.message());
    case Status::Code::kNotFound: return Error(404, "not_found", s.message());
    case Status::Code::kConflict: return Error(409, "conflict", s.message());
    case Status::Code::kUnimplemented: return Error(501, "not_implemented", s.message());
    case Status::Code::kIo: {
      // The store cannot be used now (another process holds it past the busy
      // timeout, or the disk failed): a temporary state, never a 500.
      const bool busy = s.message().find("the database is busy") != std::string::npos;
      ApiResponse r = Error(503, busy ? "busy" : "store_unavailable", s.message());
      r.retry_after = busy ? 1 : 5;
      return r;
    }
    default: return Error(500, "internal", s.message());
  }
}

bool Api::ParseBody(const Ctx& c, nlohmann::json* body, ApiResponse* error) const {
  std::string message;
  switch (ParseJsonObject(c.req.body, options_.max_depth, body, &message)) {
    case BodyError::kNone: return true;
    case BodyError::kTooDeep: *error = Error(400, "too_deep", message); return false;
    default: *error = Error(400, "bad_json", message); return false;
  }
}

bool Api::Authenticate(std::string_view authorization, std::shared_ptr<const Principal>* out, ApiResponse* error) {
  constexpr std::string_view kBearer = "Bearer ";
  if (authorization.empty()) {
    *error = Error(401, "unauthorized", "no API key: send \"Authorization: Bearer KEY\"");
    return false;
  }
  if (authorization.substr(0, kBearer.size()) != kBearer) {
    *error = Error(401, "unauthorized", "the Authorization header must be \"Bearer KEY\"");
    return false;
  }
  std::string_view key = authorization.substr(kBearer.size());
  std::optional<std::string> id = ApiKeyId(key);
  if (!id) {
    *error = Error(401, "unauthorized", "malformed API key");
    return false;
  }
  const int64_t now_ns = SteadyNs();
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    auto it = keys_.find(*id);
    if (it != keys_.end() && now_ns - it->second.loaded_ns < kKeyCacheNs) {
      *out = it->second.who;
      cached = true;
    }
  }
  if (!cached) {
    auto p = std::make_shared<Principal>();
    {
      ReadLease rd(this);
      auto rec = rd->store->GetApiKey(*id);
      if (!rec.ok()) {
        if (rec.status().code() == Status::Code::kNotFound) {
          *error = Error(401, "unauthorized", "unknown API key");
        } else {
          *error = FromStatus(rec.status());
        }
        return false;
      }
      p->key = std::move(rec).value();
      auto person = rd->store->GetPerson(p->key.person);
      if (!person.ok()) {
        if (person.status().code() == Status::Code::kNotFound) {
          *error = Error(401, "unauthorized", "the API key's holder is not a registered person");
        } else {
          *error = Error(500, "internal", person.status().message());
        }
        return false;
      }
      p->person = std::move(person).value();
      if (p->key.role == "authority") {
        auto all = rd->store->ListAuthorities();
        if (!all.ok()) {
          *error = FromStatus(all.status());
          return false;
        }
        for (const AuthorityRecord& a : *all)
          if (a.id == p->key.authority) p->authority = a;
      }
    }
    std::optional<Role> role = ParseRole(p->key.role);
    if (!role) {
      *error = Error(401, "unauthorized", "the API key has an unknown role");
      return false;
    }
    p->role = *role;
    p->actor = FormatActor(p->person.id, "key:" + p->key.id);
    std::lock_guard<std::mutex> lock(keys_mu_);
    keys_[*id] = CachedKey{p, now_ns};
    *out = std::move(p);
  }
  const Principal* who = out->get();
  // Constant-time compare of the hashes, whether the record came from the cache or the store.
  if (!ApiKeyMatches(key, who->key.hash)) {
    *error = Error(401, "unauthorized", "unknown API key");
    return false;
  }
  if (who->key.revoked != 0) {
    *error = Error(401, "unauthorized", "the API key was revoked");
    return false;
  }
  return true;
}

ApiResponse Api::Handle(const ApiRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  int route = -1;
  ApiResponse r;
  // /healthz and /metrics take no compute slot, so they answer while every
  // slot is busy (the transport runs them on a thread of their own).
  const bool light = request.method == "GET" && (request.path == "/healthz" || request.path == "/metrics");
  if (!light) compute_.acquire();  // at most options.threads requests on the CPU at once
  try {
    r = Dispatch(request, &route);
  } catch (const std::exception& e) {
    r = Error(500, "internal", std::string("unexpected error: ") + e.what());
  } catch (...) {
    r = Error(500, "internal", "unexpected error");
  }
  if (!light) compute_.release();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (metrics_) metrics_->Record(route, r.status, seconds);
  return r;
}

ApiResponse Api::Dispatch(const ApiRequest& request, int* route_index) {
  // Match the path (at most a handful of segments) against the table.
  std::string_view path = request.path;
  std::string segs[8];
  size_t n = 0;
  for (size_t i = 0; i < path.size();) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (n == 8) return Error(404, "no_route", "no such route");
    segs[n++].assign(path.substr(i, j - i));
    i = j;
  }
  const Route* found = nullptr;
  bool other_method = false;
  std::string arg, arg2;
  for (size_t r = 0; r < routes_.size(); ++r) {
    const Route& route = routes_[r];
    if (route.segments.size() != n) continue;
    bool match = true;
    std::string captured, captured2;
    int captures = 0;
    for (size_t i = 0; i < n && match; ++i) {
      if (route.segments[i] == "{}") (captures++ == 0 ? captured : captured2) = segs[i];
      else match = route.segments[i] == segs[i];
    }
    if (!match) continue;
    if (route.method != request.method) {
      other_method = true;
      continue;
    }
    found = &route;
    arg = std::move(captured);
    arg2 = std::move(captured2);
    *route_index = static_cast<int>(r);
    break;
  }
  if (found == nullptr) {
    if (other_method)
      return Error(405, "method_not_allowed", std::string(request.method) + " is not allowed on " + std::string(path));
    return Error(404, "no_route", "no such route: " + std::string(request.method) + " " + std::string(path));
  }
  if (draining_.load(std::memory_order_relaxed) && found->handler != &Api::MetricsText)
    return Error(503, "shutting_down", "the server is shutting down");
  Ctx c{request, nullptr, std::move(arg), std::move(arg2), Now()};
  std::shared_ptr<const Principal> principal;
  if (found->roles != kPublic) {
    ApiResponse error;
    if (!Authenticate(request.authorization, &principal, &error)) return error;
    const Principal& who = *principal;
    if ((found->roles & (1u << static_cast<int>(who.role))) == 0)
      return Error(403, "forbidden", "a " + std::string(RoleName(who.role)) + " key may not use " +
                                         found->method + " " + std::string(path));
    int retry = 0;
    if (!limiter_.Allow(who.key.id, static_cast<int64_t>(SteadyNs()), &retry)) {
      ApiResponse r = Error(429, "rate_limited", "too many requests for this key; retry later");
      r.retry_after = retry;
      return r;
    }
    c.who = &who;
  }
  ApiResponse response = (this->*(found->handler))(c);
  // Writes audit themselves, with their subject; an answered read is audited
  // here, so every request with a key leaves its actor in the chain (who
  // looked at which orders, requests, queues and reports). A read that cannot
  // be audited is not answered.
  if (c.who != nullptr && request.method == "GET" && response.status < 400 && !response.audited) {
    const std::string what = "GET " + std::string(path);
    Status s = Write([&](Store& store) { return store.AppendAudit(c.who->actor, "api.read", what, ""); });
    if (!s.ok()) return FromStatus(s);
  }
  return response;
}

// ---- public routes and /v1/me

ApiResponse Api::Healthz(Ctx&) { return Json(200, {{"status", "ok"}}); }

ApiResponse Api::MetricsText(Ctx& c) {
  ApiResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = metrics_->Render() + OrderGauges(c.now) + PolicyGauges();
  return r;
}

ApiResponse Api::Me(Ctx& c) {
  nlohmann::ordered_json j;
  j["key"] = c.who->key.id;
  j["role"] = RoleName(c.who->role);
  j["name"] = c.who->key.name;
  j["person"] = {{"id", c.who->person.id}, {"name", c.who->person.name}, {"roles", c.who->person.roles}};
  if (c.who->role == Role::kAuthority) {
    const AuthorityRecord& a = c.who->authority;
    j["authority"] = {{"id", c.who->key.authority}, {"name", a.name}, {"jurisdiction", a.jurisdiction}, {"kind", a.kind}};
  } else {
    j["authority"] = nullptr;
  }
  j["fields"] = VisibleFields(c.who->role);  // what the dashboard may show this role
  Redact("me", c.who->role, &j);
  return Json(200, j);
}

}  // namespace evenhand::server
