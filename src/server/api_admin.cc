// Api: reports (read only), keys and the policy in force.
#include <cmath>

#include "analytics/consistency.h"
#include "analytics/labels.h"
#include "analytics/penalties.h"
#include "analytics/record.h"
#include "analytics/sla.h"
#include "analytics/times.h"
#include "analytics/transparency.h"
#include "model/prom_label.h"
#include "model/time.h"
#include "policy/loader.h"
#include "regimes/regime_loader.h"
#include "server/api.h"

namespace evenhand::server {

namespace {


nlohmann::ordered_json KeyView(const ApiKeyRecord& k) {
  nlohmann::ordered_json j;
  j["id"] = k.id;
  j["role"] = k.role;
  j["authority"] = k.authority.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(k.authority);
  j["name"] = k.name;
  j["person"] = k.person;
  j["created"] = FormatTimestamp(k.created);
  j["revoked"] = k.revoked != 0 ? nlohmann::ordered_json(FormatTimestamp(k.revoked)) : nlohmann::ordered_json(nullptr);
  return j;
}

// Words for people beside the ids of the SLA and times reports, as the
// transparency report has them (analytics/labels.h): the dashboard's
// charts show these, the ids stay for machines.
void AddSlaLabels(const analytics::Labels& labels, nlohmann::ordered_json* j) {
  auto add = [&](nlohmann::ordered_json& row) {
    if (!row.is_object()) return;
    if (row.contains("category") && row["category"].is_string())
      row["category_label"] = labels.Category(row["category"].get<std::string>());
    if (row.contains("source") && row["source"].is_string())
      row["source_label"] = analytics::SourceLabel(row["source"].get<std::string>());
  };
  if (j->contains("rows") && (*j)["rows"].is_array())
    for (auto& row : (*j)["rows"]) add(row);
}

void AddTimesLabels(const analytics::Labels& labels, analytics::Dimension by, nlohmann::ordered_json* j) {
  if (!j->contains("rows") || !(*j)["rows"].is_array()) return;
  for (auto& row : (*j)["rows"]) {
    if (!row.is_object()) continue;
    const std::string value = row.contains("value") && row["value"].is_string() ? row["value"].get<std::string>() : "";
    std::string label;
    switch (by) {
      case analytics::Dimension::kCategory: label = labels.Category(value); break;
      case analytics::Dimension::kAuthority: label = labels.Authority(value); break;
      default: label = value.empty() ? "(none)" : value; break;  // country and language codes, topics as given
    }
    row["value_label"] = label;
    if (row.contains("source") && row["source"].is_string())
      row["source_label"] = analytics::SourceLabel(row["source"].get<std::string>());
  }
}

}  // namespace

// ---- reports

bool Api::LoadReport(const Ctx& c, bool decisions, analytics::Record* record, int64_t* from, int64_t* to,
                     ApiResponse* error) {
  analytics::LoadOptions lo;
  lo.as_of = c.now;
  lo.decisions = decisions;
  *from = *to = 0;
  if (std::string f = c.Query("from"); !f.empty()) {
    auto t = ParseTimestamp(f);
    if (!t) return *error = Error(400, "bad_query", "from: \"" + f + "\" is not an RFC 3339 time"), false;
    *from = lo.from = *t;
  }
  if (std::string t_ = c.Query("to"); !t_.empty()) {
    auto t = ParseTimestamp(t_);
    if (!t) return *error = Error(400, "bad_query", "to: \"" + t_ + "\" is not an RFC 3339 time"), false;
    *to = lo.to = *t;
    if (lo.to < lo.as_of) lo.as_of = lo.to;  // the report looks at the period's end
  }
  ReadLease rd(this);
  auto r = analytics::LoadRecord(*rd->store, lo);
  if (!r.ok()) return *error = FromStatus(r.status()), false;
  *record = std::move(r).value();
  analytics::AddRegimeLabels(regimes_, &record->labels);
  return true;
}

ApiResponse Api::ReportSla(Ctx& c) {
  std::string within = c.Query("due_within");
  if (within.empty()) within = "6h";
  auto window = ParseDuration(within);
  if (!window) return Error(400, "bad_query", "due_within: \"" + within + "\" is not a duration such as 6h");
  analytics::Record record;
  int64_t from = 0, to = 0;
  ApiResponse error;
  if (!LoadReport(c, false, &record, &from, &to, &error)) return error;
  nlohmann::ordered_json j = analytics::SlaToJson(analytics::ComputeSla(record, *window));
  AddSlaLabels(record.labels, &j);
  return Json(200, std::move(j));
}

ApiResponse Api::ReportTransparency(Ctx& c) {
  analytics::Record record;
  int64_t from = 0, to = 0;
  ApiResponse error;
  if (!LoadReport(c, true, &record, &from, &to, &error)) return error;
  return Json(200, analytics::TransparencyToJson(analytics::BuildTransparencyReport(record, from, to)));
}

ApiResponse Api::ReportTimes(Ctx& c) {
  std::string by_name = c.Query("by");
  if (by_name.empty()) by_name = "category";
  auto by = analytics::ParseDimension(by_name);
  if (!by)
    return Error(400, "bad_query", "by: category, jurisdiction, authority, topic, language or region");
  analytics::Record record;
  int64_t from = 0, to = 0;
  ApiResponse error;
  if (!LoadReport(c, true, &record, &from, &to, &error)) return error;
  nlohmann::ordered_json j = analytics::TimeRowsToJson(analytics::TimeToActionBy(record, *by), *by);
  AddTimesLabels(record.labels, *by, &j);
  return Json(200, std::move(j));
}

ApiResponse Api::ReportPenalties(Ctx& c) {
  const std::string id = c.Query("regime");
  if (id.empty()) return Error(400, "bad_query", "regime: required (a regime id)");
  const Regime* regime = FindRegime(regimes_, id);
  if (regime == nullptr) return Error(404, "not_found", "no regime \"" + id + "\"");
  std::optional<analytics::Turnover> turnover;
  if (std::string t = c.Query("turnover"); !t.empty()) {
    char* end = nullptr;
    const double amount = std::strtod(t.c_str(), &end);
    const std::string currency = c.Query("currency");
    if (end == t.c_str() || *end != '\0' || !(amount >= 0) || !std::isfinite(amount) || currency.size() != 3)
      return Error(400, "bad_query", "turnover: a non-negative amount, with currency: a 3-letter code");
    turnover = analytics::Turnover{amount, currency};
  }
  analytics::Record record;
  int64_t from = 0, to = 0;
  ApiResponse error;
  if (!LoadReport(c, false, &record, &from, &to, &error)) return error;
  return Json(200, analytics::PenaltyExposureToJson(analytics::ComputePenaltyExposure(*regime, record, turnover)));
}

// ---- keys

ApiResponse Api::ListKeys(Ctx& c) {
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<ApiKeyRecord>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    all = rd->store->ListApiKeys();
  }
  if (!all.ok()) return FromStatus(all.status());
  // By creation time, then id.
  std::vector<std::pair<std::string, const ApiKeyRecord*>> keyed;
  for (const ApiKeyRecord& k : *all) keyed.emplace_back(KeyOf(k.created) + k.id, &k);
  std::string next;
  nlohmann::ordered_json j;
  j["keys"] = nlohmann::ordered_json::array();
  for (const ApiKeyRecord* k : TakePage(std::move(keyed), page, &next)) j["keys"].push_back(KeyView(*k));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::CreateKey(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string role_name, authority, name, person_name;
  auto str = [&](const char* field, std::string* out) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (!str("role", &role_name) || !str("authority", &authority) || !str("name", &name) || !str("person", &person_name))
    return Error(400, "invalid", "role, authority, name and person must be strings");
  auto role = ParseRole(role_name);
  if (!role) return Error(400, "invalid", "role: authority, moderator, auditor or admin");
  auto person_id = NormalizePersonId(person_name, "person");
  if (!person_id.ok()) return FromStatus(person_id.status());
  Result<PersonRecord> person = Status::Internal("not read");
  {
    ReadLease rd(this);
    person = rd->store->GetPerson(*person_id);
  }
  if (!person.ok())
    return person.status().code() == Status::Code::kNotFound ? Error(400, "invalid", "person: " + person.status().message())
                                                             : FromStatus(person.status());
  if (!authority.empty() && authority != person->authority)
    return Error(400, "invalid", "authority: person \"" + person->id + "\" does not work for \"" + authority + "\"");
  auto key = GenerateApiKeyFor(*person, *role, name, c.now);
  if (!key.ok()) return FromStatus(key.status());
  Status s = Write([&](Store& store) { return store.PutApiKey(key->record, c.who->actor); });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = KeyView(key->record);
  j["key"] = key->key;
  return Json(201, j);
}

// ---- people

namespace {

nlohmann::ordered_json PersonView(const PersonRecord& p) {
  nlohmann::ordered_json j;
  j["id"] = p.id;
  j["name"] = p.name;
  j["roles"] = p.roles;
  j["authority"] = p.authority.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(p.authority);
  j["added"] = FormatTimestamp(p.added);
  return j;
}

}  // namespace

ApiResponse Api::ListPeople(Ctx& c) {
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<PersonRecord>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    all = rd->store->ListPeople();
  }
  if (!all.ok()) return FromStatus(all.status());
  // By id.
  std::vector<std::pair<std::string, const PersonRecord*>> keyed;
  for (const PersonRecord& p : *all) keyed.emplace_back(p.id, &p);
  std::string next;
  nlohmann::ordered_json j;
  j["people"] = nlohmann::ordered_json::array();
  for (const PersonRecord* p : TakePage(std::move(keyed), page, &next)) j["people"].push_back(PersonView(*p));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::AddPerson(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  PersonRecord p;
  auto id = body.find("id");
  if (id == body.end() || !id->is_string()) return Error(400, "invalid", "id: required, a string");
  auto normal = NormalizePersonId(id->get<std::string>(), "id");
  if (!normal.ok()) return FromStatus(normal.status());
  p.id = *normal;
  if (auto it = body.find("name"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return Error(400, "invalid", "name: a string");
    p.name = it->get<std::string>();
  }
  if (auto it = body.find("authority"); it != body.end() && !it->is_null()) {
    if (!it->is_string()) return Error(400, "invalid", "authority: a string");
    p.authority = it->get<std::string>();
  }
  auto roles = body.find("roles");
  if (roles == body.end() || !roles->is_array() || roles->empty())
    return Error(400, "invalid", "roles: required, a non-empty array of admin, moderator, auditor, authority");
  for (const auto& r : *roles) {
    if (!r.is_string()) return Error(400, "invalid", "roles: each role is a string");
    p.roles.push_back(r.get<std::string>());
  }
  p.added = c.now;
  Status s = Write([&](Store& store) { return store.PutPerson(p, c.who->actor); });
  if (!s.ok()) return FromStatus(s);
  return Json(201, PersonView(p));
}

ApiResponse Api::RevokeKey(Ctx& c) {
  if (c.arg == c.who->key.id) return Error(409, "conflict", "a key cannot revoke itself");
  Status s = Write([&](Store& store) { return store.RevokeApiKey(c.arg, c.now, c.who->actor); });
  if (!s.ok()) return FromStatus(s);
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    keys_.erase(c.arg);
  }
  ReadLease rd(this);
  auto k = rd->store->GetApiKey(c.arg);
  if (!k.ok()) return FromStatus(k.status());
  return Json(200, KeyView(*k));
}

// ---- policy

ScanOptions Api::ScanOptionsOf(const ServerOptions& o) {
  ScanOptions so;
  so.media_dir = o.media_dir;
  so.max_media_bytes = o.max_media_bytes;
  if (o.ocr_budget_ms >= 0) so.ocr.budget_ms = o.ocr_budget_ms;
  return so;
}

ApiResponse Api::ShowPolicy(Ctx&) {
  std::shared_ptr<const Scanner> sc;
  int64_t loaded = 0;
  uint64_t revision = 0;
  {
    std::lock_guard<std::mutex> lock(scanner_mu_);
    sc = scanner_;
    loaded = policy_loaded_;
    revision = policy_revision_;
  }
  nlohmann::ordered_json j{{"id", sc->policy().id()}, {"path", options_.policy}, {"loaded", FormatTimestamp(loaded)}};
  if (!options_.policy_source.empty()) {
    j["path"] = nullptr;
    j["source"] = options_.policy_source;
    j["revision"] = revision;
  }
  return Json(200, j);
}

ApiResponse Api::ReloadPolicy(Ctx& c) {
  if (!options_.policy_source.empty())
    return Error(409, "conflict",
                 "this server follows the policy published at " + options_.policy_source +
                     ": publish the new version with `evenhand policy publish` and every server swaps to it");
  auto policy = PolicyLoader::Load(options_.policy);
  if (!policy.ok()) return Error(400, "invalid", policy.status().message());
  auto created = Scanner::Create(std::move(policy).value(), ScanOptionsOf(options_));
  if (!created.ok()) return Error(400, "invalid", created.status().message());
  std::shared_ptr<const Scanner> next(std::move(created).value());
  const std::string id = next->policy().id();
  Status s = Write([&](Store& store) {
    nlohmann::ordered_json payload;
    payload["path"] = options_.policy;
    return store.AppendAudit(c.who->actor, "policy.reload", id,
                             payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  });
  if (!s.ok()) return FromStatus(s);
  {
    std::lock_guard<std::mutex> lock(scanner_mu_);
    scanner_ = std::move(next);
    policy_loaded_ = c.now;
  }
  policy_swaps_.fetch_add(1, std::memory_order_relaxed);
  return ShowPolicy(c);
}

Status Api::InstallPolicy(std::shared_ptr<const Scanner> next, uint64_t revision, const std::string& actor) {
  const std::string id = next->policy().id();
  Status s = worker_->Run([&](Store& store) {
    nlohmann::ordered_json payload;
    payload["source"] = options_.policy_source;
    payload["revision"] = revision;
    return store.AppendAudit(actor, "policy.reload", id,
                             payload.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  });
  if (!s.ok()) return s;
  {
    std::lock_guard<std::mutex> lock(scanner_mu_);
    scanner_ = std::move(next);
    policy_loaded_ = Now();
    policy_revision_ = revision;
  }
  policy_swaps_.fetch_add(1, std::memory_order_relaxed);
  return Status::Ok();
}

std::string Api::PolicyGauges() const {
  std::string id;
  uint64_t revision = 0;
  {
    std::lock_guard<std::mutex> lock(scanner_mu_);
    id = scanner_->policy().id();
    revision = policy_revision_;
  }
  std::string out;
  out += "# HELP evenhand_policy_info The policy /v1/scan runs (revision: its key-value revision; 0: from a file).\n";
  out += "# TYPE evenhand_policy_info gauge\n";
  out += "evenhand_policy_info{policy=\"" + PromLabel(id) + "\",revision=\"" + std::to_string(revision) + "\"} 1\n";
  out += "# HELP evenhand_policy_swaps_total Policies swapped in while serving (reloads and published revisions).\n";
  out += "# TYPE evenhand_policy_swaps_total counter\n";
  out += "evenhand_policy_swaps_total " + std::to_string(policy_swaps_.load(std::memory_order_relaxed)) + "\n";
  out += "# HELP evenhand_policy_load_failures_total Published revisions that did not load (the old policy kept).\n";
  out += "# TYPE evenhand_policy_load_failures_total counter\n";
  out += "evenhand_policy_load_failures_total " + std::to_string(policy_load_failures_.load(std::memory_order_relaxed)) +
         "\n";
  return out;
}

}  // namespace evenhand::server
