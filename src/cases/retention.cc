#include "cases/retention.h"

#include <map>

#include "model/time.h"

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;

bool OpenDataRequestState(const std::string& s) {
  return s == "received" || s == "accepted" || s == "prepared" || s == "approved";
}

// Why each item / account must be kept, from the cases on file.
struct Holds {
  std::map<std::string, std::string> items, accounts;
};

Result<Holds> LoadHolds(Store& store, int64_t now) {
  auto cases = store.ListCases({});
  if (!cases.ok()) return cases.status();
  Holds h;
  for (const CaseRecord& c : *cases) {
    OJson body = OJson::parse(c.body, nullptr, false);
    if (!body.is_object()) continue;
    if ((c.kind == "order" || c.kind == "notice") && c.state != "rejected") {
      const char* list = c.kind == "order" ? "targets" : "location";
      if (!body.contains(list) || !body[list].is_array()) continue;
      for (const OJson& t : body[list]) {
        if (t.is_string()) h.items.emplace(t.get<std::string>(), c.kind + " " + c.id);
        if (t.is_object() && t.contains("item") && t["item"].is_string())
          h.items.emplace(t["item"].get<std::string>(), c.kind + " " + c.id);
        if (t.is_object() && t.contains("account") && t["account"].is_string())
          h.accounts.emplace(t["account"].get<std::string>(), c.kind + " " + c.id);
      }
    } else if (c.kind == "datareq" && OpenDataRequestState(c.state)) {
      if (body.contains("targets") && body["targets"].is_array())
        for (const OJson& t : body["targets"])
          if (t.is_string()) h.accounts.emplace(t.get<std::string>(), "data request " + c.id);
    } else if (c.kind == "preservation" && (c.state == "active" || c.state == "extended")) {
      auto until = body.contains("until") && body["until"].is_string()
                       ? ParseTimestamp(body["until"].get<std::string>())
                       : std::nullopt;
      if (until && *until <= now) continue;  // expired, whether or not marked so yet
      const std::string why = "preservation " + c.id + (until ? " until " + FormatTimestamp(*until) : "");
      if (body.contains("targets") && body["targets"].is_array())
        for (const OJson& t : body["targets"])
          if (t.is_string()) h.accounts.emplace(t.get<std::string>(), why);
    }
  }
  return h;
}

}  // namespace

Result<RetentionReport> ApplyRetention(Store& store, const RetentionOptions& o) {
  if (o.keep_seconds <= 0) return Status::Invalid("retention: the period to keep content must be more than 0");
  if (o.actor.empty() && !o.dry_run) return Status::Invalid("retention: an actor is needed");
  RetentionReport report;
  report.cutoff = o.now - o.keep_seconds;
  auto holds = LoadHolds(store, o.now);
  if (!holds.ok()) return holds.status();
  auto old = store.ContentOlderThan(report.cutoff, o.limit);
  if (!old.ok()) return old.status();
  for (const PostVersion& v : *old) {
    ++report.examined;
    const std::string& item = v.post.id;
    std::string why;
    if (auto it = holds->items.find(item); it != holds->items.end()) why = it->second;
    else if (auto a = holds->accounts.find(v.post.account); a != holds->accounts.end()) why = a->second;
    if (!why.empty()) {
      report.kept.push_back({item, v.version, why});
      continue;
    }
    if (!o.dry_run) {
      const std::string reason = "retention: older than " + std::to_string(o.keep_seconds / 86400) +
                                 " days (stored content before " + FormatTimestamp(report.cutoff) + ")";
      if (Status s = store.DeleteContent(item, v.version, o.now, o.actor, reason); !s.ok()) return s;
    }
    report.deleted.emplace_back(item, v.version);
  }
  return report;
}

OJson RetentionReportJson(const RetentionReport& r) {
  OJson j;
  j["cutoff"] = FormatTimestamp(r.cutoff);
  j["examined"] = r.examined;
  j["deleted"] = static_cast<int64_t>(r.deleted.size());
  j["kept"] = static_cast<int64_t>(r.kept.size());
  OJson deleted = OJson::array();
  for (const auto& [item, version] : r.deleted) deleted.push_back({{"item", item}, {"version", version}});
  j["deleted_versions"] = std::move(deleted);
  OJson kept = OJson::array();
  for (const RetentionKept& k : r.kept) kept.push_back({{"item", k.item}, {"version", k.version}, {"why", k.why}});
  j["kept_versions"] = std::move(kept);
  return j;
}

}  // namespace evenhand
