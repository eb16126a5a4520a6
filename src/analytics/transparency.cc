#include "analytics/transparency.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "analytics/time_order.h"
#include "model/time.h"

namespace evenhand::analytics {

namespace {

// `sorted`: by time, ascending.
TimeSummary Summarise(const std::string& source, const std::vector<Observation>& sorted) {
  TimeSummary t;
  t.source = source;
  t.cases = static_cast<int64_t>(sorted.size());
  for (const Observation& o : sorted) t.open += !o.event;
  t.km = EstimateKaplanMeierSorted(sorted);
  t.median = KmQuantile(t.km, 0.5);
  t.p90 = KmQuantile(t.km, 0.9);
  return t;
}

// The time summary of each source, from one walk of the time order that
// tallies each source's observations.
std::vector<TimeSummary> SummariseSources(const TimeColumns& order) {
  std::vector<TimeSummary> t(3);
  std::vector<std::vector<TimeTally>> tallies(3);
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = static_cast<size_t>(order.source(k));
    const bool event = order.event(k);
    ++t[i].cases;
    t[i].open += !event;
    AddToTallies(&tallies[i], order.hours[k], event);
  }
  for (size_t i = 0; i < t.size(); ++i) {
    t[i].source = std::string(SourceName(static_cast<Source>(i)));
    t[i].km = EstimateKaplanMeierTallies(tallies[i]);
    t[i].median = KmQuantile(t[i].km, 0.5);
    t[i].p90 = KmQuantile(t[i].km, 0.9);
  }
  return t;
}

nlohmann::ordered_json Num(double v) { return std::isnan(v) ? nlohmann::ordered_json() : nlohmann::ordered_json(v); }

nlohmann::ordered_json Quantile(const QuantileEstimate& q) {
  return {{"hours", Num(q.value)}, {"ci_low", Num(q.low)}, {"ci_high", Num(q.high)}};
}

nlohmann::ordered_json Counts(const ComplianceCounts& c) {
  return {{"fully_complied", c.fully}, {"partly_complied", c.partly}, {"not_complied", c.not_complied},
          {"reversed_on_appeal", c.reversed}, {"rejected", c.rejected}, {"pending", c.pending},
          {"total", c.total()}};
}

// Complaints by source (own_initiative, order) and in all, with the median
// time to decide over those whose filing time is known (still pending:
// censored at as_of).
std::vector<ComplaintsSummary> SummariseComplaints(const Record& record) {
  std::vector<ComplaintsSummary> out(3);
  std::vector<std::vector<Observation>> obs(3);
  out[0].source = "own_initiative";
  out[1].source = "order";
  out[2].source = "all";
  for (const ComplaintRow& c : record.complaints) {
    for (size_t i : {c.source == Source::kOrder ? size_t{1} : size_t{0}, size_t{2}}) {
      ComplaintsSummary& s = out[i];
      ++s.received;
      s.decided += c.decided != 0;
      s.reversed += c.reversed;
      if (c.filed == 0) continue;
      ++s.timed;
      const int64_t end = c.decided != 0 ? c.decided : record.as_of;
      obs[i].push_back({end > c.filed ? (end - c.filed) / 3600.0 : 0.0, c.decided != 0});
    }
  }
  for (size_t i = 0; i < out.size(); ++i)
    out[i].median_hours_to_decide = KmQuantile(EstimateKaplanMeier(std::move(obs[i])), 0.5);
  return out;
}

}  // namespace

void ComplianceCounts::Add(const CaseRow& row) {
  if (row.reversed && !row.open()) {  // the action was undone: not complied with (cases/standing.h)
    ++reversed;
    return;
  }
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
  // Own-initiative actions: many, so counted in a flat table by category
  // Sym x outcome, named afterwards.
  constexpr size_t kOutcomes = static_cast<size_t>(Outcome::kSuspended) + 1;
  std::vector<std::array<int64_t, 2>> own_counts(record.symbols.size() * kOutcomes, {0, 0});  // human, automated
  for (const CaseRow& c : record.cases) {
    switch (c.source) {
      case Source::kOrder: {
        const std::string& country = record.Name(c.jurisdiction);
        orders[{country, record.Name(c.authority), record.Name(c.category)}].Add(c);
        by_country[country].Add(c);
        r.orders_total.Add(c);
        if ((c.outcome == Outcome::kNoAction || c.outcome == Outcome::kRejected) && c.reason != kNoSym)
          ++reasons[{c.outcome == Outcome::kRejected ? "rejected" : "not_complied", record.Name(c.reason)}];
        if (!c.open() && c.outcome != Outcome::kRejected && c.outcome != Outcome::kNoAction) {
          ++r.appeals.actioned;
          r.appeals.appealed += c.appealed;
          r.appeals.reversed += c.reversed;
          r.appeals.pending += c.appeal_open;
        }
        break;
      }
      case Source::kNotice:
        notices[{record.Name(c.authority), record.Name(c.category)}].Add(c);
        r.notices_total.Add(c);
        break;
      case Source::kOwnInitiative:
        if (c.open()) {  // waiting for a person: not an action yet
          ++r.own_awaiting_review;
          break;
        }
        ++own_counts[c.category * kOutcomes + static_cast<size_t>(c.outcome)][c.automated];
        (c.automated ? r.own_automated : r.own_human) += 1;
        break;
    }
  }
  std::map<std::pair<std::string, std::string>, OwnInitiativeRow> own;
  for (size_t i = 0; i < own_counts.size(); ++i) {
    const auto [human, automated] = own_counts[i];
    if (human == 0 && automated == 0) continue;
    const std::string& category = record.Name(static_cast<Sym>(i / kOutcomes));
    const std::string outcome(OutcomeName(static_cast<Outcome>(i % kOutcomes)));
    own[{category, outcome}] =
        OwnInitiativeRow{category, outcome, record.labels.Category(category), OutcomeLabel(outcome), automated, human};
  }
  // Times: walks in time order, so every sample comes out sorted.
  TimeColumns scratch;
  const TimeColumns& order = TimeOrder(record, &scratch);  // no rejected case
  std::map<std::pair<std::string, std::string>, std::vector<Observation>> dsa;
  for (size_t k = 0; k < order.size(); ++k)
    if (order.source(k) == Source::kOrder && IsEuMemberState(record.Name(order.jurisdiction[k])))
      dsa[{record.Name(order.jurisdiction[k]), record.Name(order.category[k])}].push_back(
          {order.hours[k], order.event(k)});
  const Labels& labels = record.labels;
  for (auto& [k, v] : orders)
    r.orders.push_back({std::get<0>(k), std::get<1>(k), std::get<2>(k), labels.Authority(std::get<1>(k)),
                        labels.Category(std::get<2>(k)), v});
  for (auto& [k, v] : by_country) r.orders_by_country.emplace_back(k, v);
  std::stable_sort(r.orders_by_country.begin(), r.orders_by_country.end(),
                   [](const auto& a, const auto& b) { return a.second.total() > b.second.total(); });
  for (auto& [k, v] : reasons) r.reasons.push_back({k.first, ReasonOutcomeLabel(k.first), k.second, v});
  std::stable_sort(r.reasons.begin(), r.reasons.end(),
                   [](const ReasonRow& a, const ReasonRow& b) { return a.count > b.count; });
  for (auto& [k, v] : notices)
    r.notices.push_back({k.first, k.second, NotifierLabel(k.first), labels.Category(k.second), v});
  for (auto& [k, v] : own) r.own_initiative.push_back(v);
  r.data_requests = CountDataRequests(record.data_requests, record.as_of, from, to);
  r.preservations = CountPreservations(record.preservations, record.as_of, from, to);
  r.times = SummariseSources(order);  // own initiative, notices, orders
  for (TimeSummary& t : r.times) t.source_label = SourceLabel(t.source);
  r.complaints = SummariseComplaints(record);
  r.overturned_on_review = record.overturned_on_review;
  for (auto& [k, obs] : dsa) {
    DsaOrdersRow row;
    row.member_state = k.first;
    row.category = k.second;
    row.category_label = labels.Category(k.second);
    row.orders = static_cast<int64_t>(obs.size());
    row.median_hours_to_effect = Summarise("", obs).median;
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
    orders.push_back({{"country", o.country}, {"authority", o.authority}, {"authority_name", o.authority_label},
                      {"category", o.category}, {"category_label", o.category_label}, {"outcomes", Counts(o.counts)}});
  J reasons = J::array();
  for (const ReasonRow& x : r.reasons)
    reasons.push_back({{"outcome", x.outcome}, {"outcome_label", x.outcome_label}, {"reason", x.reason},
                       {"count", x.count}});
  j["government_orders"] = {{"total", Counts(r.orders_total)}, {"rows", orders}, {"reasons", reasons}};
  J notices = J::array();
  for (const NoticesRow& n : r.notices)
    notices.push_back({{"notifier", n.notifier}, {"notifier_label", n.notifier_label}, {"category", n.category},
                       {"category_label", n.category_label}, {"outcomes", Counts(n.counts)}});
  j["notices"] = {{"total", Counts(r.notices_total)}, {"rows", notices}};
  j["data_requests"] = DataRequestStatsToJson(r.data_requests);
  j["preservation_requests"] = PreservationStatsToJson(r.preservations);
  if (j["data_requests"].contains("rows"))
    for (auto& row : j["data_requests"]["rows"])
      if (row.contains("legal_process") && row["legal_process"].is_string())
        row["legal_process_label"] = LegalProcessLabel(row["legal_process"].get<std::string>());
  J own = J::array();
  for (const OwnInitiativeRow& o : r.own_initiative)
    own.push_back({{"category", o.category}, {"category_label", o.category_label}, {"action", o.action},
                   {"action_label", o.action_label}, {"automated", o.automated}, {"human", o.human}});
  j["own_initiative"] = {{"automated", r.own_automated},
                         {"human", r.own_human},
                         {"awaiting_review", r.own_awaiting_review},
                         {"rows", own}};
  j["appeals"] = {{"orders_actioned", r.appeals.actioned}, {"appealed", r.appeals.appealed},
                  {"upheld", r.appeals.upheld()},          {"reversed", r.appeals.reversed},
                  {"pending", r.appeals.pending}};
  J complaints = J::array();
  for (const ComplaintsSummary& c : r.complaints)
    complaints.push_back({{"source", c.source},
                          {"complaints_received", c.received},
                          {"decided", c.decided},
                          {"decisions_upheld", c.upheld()},
                          {"decisions_reversed", c.reversed},
                          {"pending", c.pending()},
                          {"with_filing_time", c.timed},
                          {"median_hours_to_decide", Quantile(c.median_hours_to_decide)}});
  j["complaints"] = {{"rows", complaints}, {"decisions_overturned_on_review", r.overturned_on_review}};
  J times = J::array();
  for (const TimeSummary& t : r.times)
    times.push_back({{"source", t.source}, {"source_label", t.source_label}, {"cases", t.cases}, {"open", t.open}, {"median", Quantile(t.median)},
                     {"p90", Quantile(t.p90)}});
  j["time_to_action_hours"] = times;
  J dsa = J::array();
  for (const DsaOrdersRow& d : r.dsa_orders)
    dsa.push_back({{"member_state", d.member_state}, {"type_of_illegal_content", d.category},
                   {"type_of_illegal_content_label", d.category_label},
                   {"number_of_orders", d.orders}, {"median_hours_to_confirm_receipt", d.median_hours_to_confirm},
                   {"median_hours_to_give_effect", Quantile(d.median_hours_to_effect)}});
  j["dsa_template_orders_received"] = dsa;
  return j;
}

}  // namespace evenhand::analytics
