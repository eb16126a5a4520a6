#include "analytics/transparency.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "model/time.h"

namespace evenhand::analytics {

namespace {

TimeSummary Summarise(const std::string& source, const std::vector<const CaseRow*>& rows, int64_t as_of) {
  TimeSummary t;
  t.source = source;
  std::vector<Observation> obs;
  for (const CaseRow* r : rows) {
    obs.push_back({HoursToAction(*r, as_of), !r->open()});
    ++t.cases;
    t.open += r->open();
  }
  t.km = EstimateKaplanMeier(std::move(obs));
  t.median = KmQuantile(t.km, 0.5);
  t.p90 = KmQuantile(t.km, 0.9);
  return t;
}

nlohmann::ordered_json Num(double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

nlohmann::ordered_json Quantile(const QuantileEstimate& q) {
  return {{"hours", Num(q.value)}, {"ci_low", Num(q.low)}, {"ci_high", Num(q.high)}};
}

nlohmann::ordered_json Counts(const ComplianceCounts& c) {
  return {{"fully_complied", c.fully}, {"partly_complied", c.partly}, {"not_complied", c.not_complied},
          {"rejected", c.rejected},    {"pending", c.pending},       {"total", c.total()}};
}

}  // namespace

void ComplianceCounts::Add(const CaseRow& row) {
  switch (row.outcome) {
    case Outcome::kRemoved:
    case Outcome::kSuspended: ++fully; break;
    case Outcome::kWithheld:
    case Outcome::kLabelled: ++partly; break;
    case Outcome::kNoAction: ++not_complied; break;
    case Outcome::kRejected: ++rejected; break;
    case Outcome::kOpen: ++pending; break;
  }
}

bool IsEuMemberState(const std::string& code) {
  static const std::set<std::string> kStates = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR",
                                                "DE", "GR", "EL", "HU", "IE", "IT", "LV", "LT", "LU", "MT",
                                                "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE", "EU"};
  return kStates.count(code) > 0;
}

TransparencyReport BuildTransparencyReport(const Record& record, int64_t from, int64_t to) {
  TransparencyReport r;
  r.from = from;
  r.to = to;
  r.as_of = record.as_of;
  std::map<std::tuple<std::string, std::string, std::string>, ComplianceCounts> orders;
  std::map<std::string, ComplianceCounts> by_country;
  std::map<std::pair<std::string, std::string>, int64_t> reasons;
  std::map<std::pair<std::string, std::string>, ComplianceCounts> notices;
  std::map<std::pair<std::string, std::string>, OwnInitiativeRow> own;
  std::map<std::pair<std::string, std::string>, std::vector<const CaseRow*>> dsa;
  std::map<Source, std::vector<const CaseRow*>> timed;
  std::vector<const CaseRow*> all_timed;
  for (const CaseRow& c : record.cases) {
    if (c.outcome != Outcome::kRejected) {
      timed[c.source].push_back(&c);
      all_timed.push_back(&c);
    }
    switch (c.source) {
      case Source::kOrder: {
        orders[{c.jurisdiction, c.authority, c.category}].Add(c);
        by_country[c.jurisdiction].Add(c);
        r.orders_total.Add(c);
        if ((c.outcome == Outcome::kNoAction || c.outcome == Outcome::kRejected) && !c.reason.empty())
          ++reasons[{c.outcome == Outcome::kRejected ? "rejected" : "not_complied", c.reason}];
        if (!c.open() && c.outcome != Outcome::kRejected && c.outcome != Outcome::kNoAction) {
          ++r.appeals.actioned;
          r.appeals.appealed += c.appealed;
          r.appeals.reversed += c.reversed;
          r.appeals.pending += c.appeal_open;
        }
        if (IsEuMemberState(c.jurisdiction) && c.outcome != Outcome::kRejected)
          dsa[{c.jurisdiction, c.category}].push_back(&c);
        break;
      }
      case Source::kNotice:
        notices[{c.authority, c.category}].Add(c);
        r.notices_total.Add(c);
        break;
      case Source::kOwnInitiative: {
        OwnInitiativeRow& row = own[{c.category, std::string(OutcomeName(c.outcome))}];
        (c.automated ? row.automated : row.human) += 1;
        (c.automated ? r.own_automated : r.own_human) += 1;
        break;
      }
    }
  }
  for (auto& [k, v] : orders) r.orders.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), v});
  for (auto& [k, v] : by_country) r.orders_by_country.emplace_back(k, v);
  std::stable_sort(r.orders_by_country.begin(), r.orders_by_country.end(),
                   [](const auto& a, const auto& b) { return a.second.total() > b.second.total(); });
  for (auto& [k, v] : reasons) r.reasons.push_back({k.first, k.second, v});
  std::stable_sort(r.reasons.begin(), r.reasons.end(),
                   [](const ReasonRow& a, const ReasonRow& b) { return a.count > b.count; });
  for (auto& [k, v] : notices) r.notices.push_back({k.first, k.second, v});
  for (auto& [k, v] : own) {
    v.category = k.first;
    v.action = k.second;
    r.own_initiative.push_back(v);
  }
  r.data_requests = CountDataRequests(record.data_requests, record.as_of, from, to);
  for (Source s : {Source::kOwnInitiative, Source::kNotice, Source::kOrder})
    r.times.push_back(Summarise(std::string(SourceName(s)), timed[s], record.as_of));
  for (auto& [k, rows] : dsa) {
    DsaOrdersRow row;
    row.member_state = k.first;
    row.category = k.second;
    row.orders = static_cast<int64_t>(rows.size());
    row.median_hours_to_effect = Summarise("", rows, record.as_of).median;
    r.dsa_orders.push_back(row);
  }
  return r;
}

nlohmann::ordered_json TransparencyToJson(const TransparencyReport& r) {
  using J = nlohmann::ordered_json;
  J j;
  j["period"] = {{"from", r.from ? J(FormatTimestamp(r.from)) : J()},
                 {"to", r.to ? J(FormatTimestamp(r.to)) : J()},
                 {"as_of", FormatTimestamp(r.as_of)}};
  J orders = J::array();
  for (const OrdersRow& o : r.orders)
    orders.push_back({{"country", o.country}, {"authority", o.authority}, {"category", o.category},
                      {"outcomes", Counts(o.counts)}});
  J reasons = J::array();
  for (const ReasonRow& x : r.reasons)
    reasons.push_back({{"outcome", x.outcome}, {"reason", x.reason}, {"count", x.count}});
  j["government_orders"] = {{"total", Counts(r.orders_total)}, {"rows", orders}, {"reasons", reasons}};
  J notices = J::array();
  for (const NoticesRow& n : r.notices)
    notices.push_back({{"notifier", n.notifier}, {"category", n.category}, {"outcomes", Counts(n.counts)}});
  j["notices"] = {{"total", Counts(r.notices_total)}, {"rows", notices}};
  j["data_requests"] = DataRequestStatsToJson(r.data_requests);
  J own = J::array();
  for (const OwnInitiativeRow& o : r.own_initiative)
    own.push_back({{"category", o.category}, {"action", o.action}, {"automated", o.automated}, {"human", o.human}});
  j["own_initiative"] = {{"automated", r.own_automated}, {"human", r.own_human}, {"rows", own}};
  j["appeals"] = {{"orders_actioned", r.appeals.actioned}, {"appealed", r.appeals.appealed},
                  {"upheld", r.appeals.upheld()},          {"reversed", r.appeals.reversed},
                  {"pending", r.appeals.pending}};
  J times = J::array();
  for (const TimeSummary& t : r.times)
    times.push_back({{"source", t.source}, {"cases", t.cases}, {"open", t.open}, {"median", Quantile(t.median)},
                     {"p90", Quantile(t.p90)}});
  j["time_to_action_hours"] = times;
  J dsa = J::array();
  for (const DsaOrdersRow& d : r.dsa_orders)
    dsa.push_back({{"member_state", d.member_state}, {"type_of_illegal_content", d.category},
                   {"number_of_orders", d.orders}, {"median_hours_to_confirm_receipt", d.median_hours_to_confirm},
                   {"median_hours_to_give_effect", Quantile(d.median_hours_to_effect)}});
  j["dsa_template_orders_received"] = dsa;
  return j;
}

}  // namespace evenhand::analytics
