#include "cases/preservation_stats.h"

#include <map>
#include <utility>

namespace evenhand {

namespace {

void Count(const PreservationRequest& r, int64_t now, PreservationCounts* c) {
  ++c->total;
  if (r.InForce(now)) ++c->in_force;
  if (r.extended_at != 0) ++c->extended;
  if (r.StateAt(now) == PreservationStateName(PreservationState::kExpired)) ++c->expired;
  if (r.state == PreservationState::kReleased) ++c->released;
  if (r.state == PreservationState::kRejected) ++c->rejected;
}

nlohmann::ordered_json CountsJson(const PreservationCounts& c) {
  nlohmann::ordered_json j;
  if (!c.authority.empty()) {
    j["jurisdiction"] = c.jurisdiction;
    j["authority"] = c.authority;
  }
  j["total"] = c.total;
  j["in_force"] = c.in_force;
  j["extended"] = c.extended;
  j["expired"] = c.expired;
  j["released"] = c.released;
  j["rejected"] = c.rejected;
  return j;
}

}  // namespace

PreservationStats CountPreservations(const std::vector<PreservationRequest>& requests, int64_t now, int64_t since,
                                     int64_t until) {
  PreservationStats s;
  std::map<std::pair<std::string, std::string>, PreservationCounts> rows;
  for (const PreservationRequest& r : requests) {
    if (since != 0 && r.received < since) continue;
    if (until != 0 && r.received >= until) continue;
    PreservationCounts& row = rows[{r.jurisdiction, r.authority}];
    row.jurisdiction = r.jurisdiction;
    row.authority = r.authority;
    Count(r, now, &row);
    Count(r, now, &s.all);
  }
  for (auto& [key, c] : rows) s.rows.push_back(std::move(c));
  return s;
}

nlohmann::ordered_json PreservationStatsToJson(const PreservationStats& s) {
  nlohmann::ordered_json j = CountsJson(s.all);
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const PreservationCounts& c : s.rows) rows.push_back(CountsJson(c));
  j["rows"] = std::move(rows);
  return j;
}

}  // namespace evenhand
