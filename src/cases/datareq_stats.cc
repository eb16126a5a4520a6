#include "cases/datareq_stats.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;

OJson CountsJson(const OutcomeCounts& c) {
  OJson j;
  j["granted"] = c.granted;
  j["partly_granted"] = c.partly_granted;
  j["refused"] = c.refused;
  j["rejected"] = c.rejected;
  j["pending"] = c.pending;
  j["total"] = c.total();
  return j;
}

OJson IpJson(const IpRequestCounts& c) {
  OJson j;
  if (!c.authority.empty()) {
    j["authority"] = c.authority;
    j["jurisdiction"] = c.jurisdiction;
  }
  j["asked"] = c.asked;
  j["granted"] = c.granted;
  j["partly_granted"] = c.partly_granted;
  j["withheld"] = c.withheld;
  j["refused"] = c.refused;
  j["rejected"] = c.rejected;
  j["pending"] = c.pending;
  j["addresses_disclosed"] = c.addresses;
  return j;
}

// Counts one request for IP data into `c`; adds why IP data was not given to `reasons`.
void CountIp(const DataRequest& r, IpRequestCounts* c, std::set<std::string>* reasons) {
  ++c->asked;
  switch (r.state) {
    case DataRequestState::kRefused: ++c->refused; reasons->insert(r.reason); return;
    case DataRequestState::kRejected: ++c->rejected; reasons->insert(r.reason); return;
    case DataRequestState::kDisclosed: break;
    default: ++c->pending; return;
  }
  int asked = 0, given = 0;
  for (const std::string& f : r.fields)
    if (IsIpField(f)) ++asked;
  for (const std::string& f : r.disclosed_fields)
    if (IsIpField(f)) ++given;
  for (const WithheldField& w : r.withheld_fields)
    if (IsIpField(w.field)) reasons->insert(w.field + ": " + w.reason);
  if (given == 0) ++c->withheld;
  else if (given < asked) ++c->partly_granted;
  else ++c->granted;
  c->addresses += r.ip_addresses;
}

}  // namespace

std::string_view DataRequestOutcomeName(DataRequestOutcome o) {
  switch (o) {
    case DataRequestOutcome::kGranted: return "granted";
    case DataRequestOutcome::kPartlyGranted: return "partly_granted";
    case DataRequestOutcome::kRefused: return "refused";
    case DataRequestOutcome::kRejected: return "rejected";
    case DataRequestOutcome::kPending: return "pending";
  }
  return "?";
}

DataRequestOutcome OutcomeOf(const DataRequest& r) {
  switch (r.state) {
    case DataRequestState::kDisclosed:
      return r.withheld_fields.empty() ? DataRequestOutcome::kGranted : DataRequestOutcome::kPartlyGranted;
    case DataRequestState::kRefused: return DataRequestOutcome::kRefused;
    case DataRequestState::kRejected: return DataRequestOutcome::kRejected;
    default: return DataRequestOutcome::kPending;
  }
}

void OutcomeCounts::Add(DataRequestOutcome o) {
  switch (o) {
    case DataRequestOutcome::kGranted: ++granted; break;
    case DataRequestOutcome::kPartlyGranted: ++partly_granted; break;
    case DataRequestOutcome::kRefused: ++refused; break;
    case DataRequestOutcome::kRejected: ++rejected; break;
    case DataRequestOutcome::kPending: ++pending; break;
  }
}

DataRequestStats CountDataRequests(const std::vector<DataRequest>& requests, int64_t now, int64_t since,
                                   int64_t until) {
  DataRequestStats stats;
  std::map<std::tuple<std::string, std::string, bool>, OutcomeCounts> rows;
  std::map<std::string, IpRequestCounts> ip_rows;
  std::map<std::string, int64_t> ip_reasons;
  for (const DataRequest& r : requests) {
    if (since != 0 && r.received < since) continue;
    if (until != 0 && r.received >= until) continue;
    const DataRequestOutcome o = OutcomeOf(r);
    std::string kind(LegalProcessKindName(r.legal_process.kind));
    if (kind.empty()) kind = "none";
    rows[{r.jurisdiction, kind, r.emergency}].Add(o);
    stats.all.Add(o);
    if (AsksForIp(r.fields)) {
      std::set<std::string> reasons, ignored;
      IpRequestCounts& row = ip_rows[r.authority];
      row.authority = r.authority;
      row.jurisdiction = r.jurisdiction;
      CountIp(r, &row, &reasons);
      CountIp(r, &stats.ip, &ignored);
      for (const std::string& why : reasons) ++ip_reasons[why.empty() ? "no reason recorded" : why];
    }
    if (r.cross_border) {
      stats.cross_border.Add(o);
      if (r.legal_review_at != 0) ++stats.cross_border_reviewed;
    }
    if (!r.emergency) continue;
    stats.emergency.Add(o);
    if (r.follow_up.kind != LegalProcessKind::kNone) ++stats.emergency_followed_up;
    if (r.FollowUpOverdue(now)) ++stats.emergency_flagged;
  }
  for (const auto& [key, counts] : rows)
    stats.rows.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), counts});
  for (auto& [authority, counts] : ip_rows) stats.ip_by_authority.push_back(std::move(counts));
  for (const auto& [why, n] : ip_reasons) stats.ip_not_granted.push_back({why, n});
  std::stable_sort(stats.ip_not_granted.begin(), stats.ip_not_granted.end(),
                   [](const ReasonCount& a, const ReasonCount& b) { return a.requests > b.requests; });
  return stats;
}

nlohmann::ordered_json DataRequestStatsToJson(const DataRequestStats& s) {
  OJson j;
  j["all"] = CountsJson(s.all);
  OJson e = CountsJson(s.emergency);
  e["followed_up"] = s.emergency_followed_up;
  e["flagged"] = s.emergency_flagged;
  j["emergency"] = std::move(e);
  OJson x = CountsJson(s.cross_border);
  x["legal_review_recorded"] = s.cross_border_reviewed;
  j["cross_border"] = std::move(x);
  OJson ip = IpJson(s.ip);
  OJson by = OJson::array();
  for (const IpRequestCounts& c : s.ip_by_authority) by.push_back(IpJson(c));
  ip["by_authority"] = std::move(by);
  OJson why = OJson::array();
  for (const ReasonCount& w : s.ip_not_granted) why.push_back({{"reason", w.reason}, {"requests", w.requests}});
  ip["not_granted_reasons"] = std::move(why);
  j["ip"] = std::move(ip);
  OJson rows = OJson::array();
  for (const DataRequestStatsRow& r : s.rows) {
    OJson row;
    row["jurisdiction"] = r.jurisdiction;
    row["legal_process"] = r.legal_process;
    row["emergency"] = r.emergency;
    const OJson counts = CountsJson(r.counts);
    for (auto it = counts.begin(); it != counts.end(); ++it) row[it.key()] = it.value();
    rows.push_back(std::move(row));
  }
  j["rows"] = std::move(rows);
  return j;
}

}  // namespace evenhand
