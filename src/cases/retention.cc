#include "cases/retention.h"

#include <cmath>
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

std::string Days(int64_t seconds) { return std::to_string(seconds / 86400) + " days"; }

// The login records' part of a run: per account with records older than
// the cutoff, delete them, keep them all (a hold), or keep those the law's
// minimum still covers and delete the older ones.
Status RetainLogins(Store& store, const RetentionOptions& o, const Holds& holds, RetentionReport* report) {
  const int64_t keep = o.keep_login_seconds > 0 ? o.keep_login_seconds : o.keep_seconds;
  report->login_cutoff = o.now - keep;
  auto old = store.LoginsOlderThan(report->login_cutoff);
  if (!old.ok()) return old.status();
  // Records older than a longer legal minimum, per account, read once per
  // distinct minimum (one per regime at most).
  std::map<int64_t, std::map<std::string, LoginAge>> older_than;
  auto older = [&](int64_t cutoff, const std::string& account) -> Result<LoginAge> {
    auto it = older_than.find(cutoff);
    if (it == older_than.end()) {
      auto rows = store.LoginsOlderThan(cutoff);
      if (!rows.ok()) return rows.status();
      std::map<std::string, LoginAge> by;
      for (LoginAge& a : *rows) by.emplace(a.account, std::move(a));
      it = older_than.emplace(cutoff, std::move(by)).first;
    }
    auto a = it->second.find(account);
    return a == it->second.end() ? LoginAge{account, 0, 0, 0} : a->second;
  };
  for (const LoginAge& a : *old) {
    if (auto h = holds.accounts.find(a.account); h != holds.accounts.end()) {
      report->logins_kept.push_back({a.account, a.count, a.oldest, a.newest, h->second});
      continue;
    }
    int64_t cutoff = report->login_cutoff;
    int64_t period = keep;
    LoginAge gone = a;
    std::optional<RetentionOptions::Minimum> minimum;
    if (o.login_minimum) minimum = o.login_minimum(a.account);
    if (minimum && minimum->seconds > keep) {
      period = minimum->seconds;
      cutoff = o.now - period;
      auto g = older(cutoff, a.account);
      if (!g.ok()) return g.status();
      gone = *g;
      if (gone.count < a.count) {
        // The younger records stay as long as the law asks.
        const int64_t from = gone.count == 0 ? a.oldest : cutoff;
        report->logins_kept.push_back({a.account, a.count - gone.count, from, a.newest, minimum->why});
      }
      if (gone.count == 0) continue;
    }
    const std::string reason = "retention: login records older than " + Days(period) +
                               (period != keep ? " (" + minimum->why + ")" : "") + ", before " +
                               FormatTimestamp(cutoff);
    if (!o.dry_run) {
      int64_t deleted = 0;
      if (Status s = store.DeleteLoginsOlderThan(a.account, cutoff, o.actor, reason, &deleted); !s.ok()) return s;
      gone.count = deleted;
    }
    report->logins_deleted.push_back({a.account, gone.count, gone.oldest, gone.newest, ""});
  }
  return Status::Ok();
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
  if (Status s = RetainLogins(store, o, *holds, &report); !s.ok()) return s;
  return report;
}

std::function<std::optional<RetentionOptions::Minimum>(const std::string& account)> LoginMinimumFromRegimes(
    Store* store, TrafficRetentionLookup traffic) {
  return [store, traffic = std::move(traffic)](const std::string& account) -> std::optional<RetentionOptions::Minimum> {
    auto a = store->GetAccount(account);
    if (!a.ok() || a->country.empty()) return std::nullopt;  // no stored country: no law to look up
    const TrafficRetentionAnswer t = traffic(a->country);
    if (!t.days) return std::nullopt;
    const auto days = static_cast<int64_t>(std::ceil(*t.days));
    return RetentionOptions::Minimum{days * 86400, t.regime_id + ": traffic data of accounts in " + a->country +
                                                       " kept at least " + std::to_string(days) + " days (" +
                                                       t.source + ")"};
  };
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
  // Login records: per account, how many and from when to when; never an address.
  auto logins = [](const std::vector<RetentionLogins>& rows, bool why) {
    OJson out = OJson::array();
    for (const RetentionLogins& l : rows) {
      OJson x{{"account", l.account}, {"records", l.records}, {"oldest", FormatTimestamp(l.oldest)},
              {"newest", FormatTimestamp(l.newest)}};
      if (why) x["why"] = l.why;
      out.push_back(std::move(x));
    }
    return out;
  };
  int64_t deleted_logins = 0, kept_logins = 0;
  for (const RetentionLogins& l : r.logins_deleted) deleted_logins += l.records;
  for (const RetentionLogins& l : r.logins_kept) kept_logins += l.records;
  j["logins"] = OJson{{"cutoff", FormatTimestamp(r.login_cutoff)},
                      {"deleted", deleted_logins},
                      {"kept", kept_logins},
                      {"deleted_accounts", logins(r.logins_deleted, false)},
                      {"kept_accounts", logins(r.logins_kept, true)}};
  return j;
}

}  // namespace evenhand
