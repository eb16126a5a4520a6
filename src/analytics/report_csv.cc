#include "analytics/report_csv.h"

#include <cmath>
#include <cstdio>

#include "analytics/labels.h"

namespace evenhand::analytics {

namespace {

std::string N(double v) {
  if (std::isnan(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string I(int64_t v) { return std::to_string(v); }

std::string Line(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + CsvField(cells[i]);
  return out + "\r\n";
}

std::vector<std::string> CountCells(const ComplianceCounts& c) {
  return {I(c.fully), I(c.partly), I(c.not_complied), I(c.reversed), I(c.rejected), I(c.pending), I(c.total())};
}

std::vector<std::string> Join(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::vector<std::pair<std::string, std::string>> TransparencyCsvFiles(const TransparencyReport& r) {
  const std::vector<std::string> outcome_cols = {"fully_complied", "partly_complied", "not_complied",
                                                 "reversed_on_appeal", "rejected", "pending", "total"};
  std::vector<std::pair<std::string, std::string>> files;
  std::string s = Line(Join({"country", "authority", "authority_name", "category", "category_label"}, outcome_cols));
  for (const OrdersRow& o : r.orders)
    s += Line(Join({o.country, o.authority, o.authority_label, o.category, o.category_label}, CountCells(o.counts)));
  files.emplace_back("orders.csv", s);
  s = Line({"outcome", "outcome_label", "reason", "count"});
  for (const ReasonRow& x : r.reasons) s += Line({x.outcome, x.outcome_label, x.reason, I(x.count)});
  files.emplace_back("order_reasons.csv", s);
  s = Line(Join({"notifier", "notifier_label", "category", "category_label"}, outcome_cols));
  for (const NoticesRow& n : r.notices)
    s += Line(Join({n.notifier, n.notifier_label, n.category, n.category_label}, CountCells(n.counts)));
  files.emplace_back("notices.csv", s);
  s = Line({"jurisdiction", "legal_process", "legal_process_label", "emergency", "granted", "partly_granted", "refused", "rejected",
            "pending", "total"});
  for (const DataRequestStatsRow& d : r.data_requests.rows) {
    const OutcomeCounts& c = d.counts;
    s += Line({d.jurisdiction, d.legal_process, LegalProcessLabel(d.legal_process), d.emergency ? "true" : "false", I(c.granted), I(c.partly_granted),
               I(c.refused), I(c.rejected), I(c.pending), I(c.total())});
  }
  files.emplace_back("data_requests.csv", s);
  {
    const DataRequestStats& d = r.data_requests;
    const OutcomeCounts& x = d.cross_border;
    s = Line({"requests", "granted", "partly_granted", "refused", "rejected", "pending", "legal_review_recorded"});
    s += Line({I(x.total()), I(x.granted), I(x.partly_granted), I(x.refused), I(x.rejected), I(x.pending),
               I(d.cross_border_reviewed)});
    files.emplace_back("data_requests_cross_border.csv", s);
    s = Line({"authority", "jurisdiction", "asked", "granted", "partly_granted", "withheld", "refused", "rejected",
              "pending", "addresses_disclosed"});
    for (const IpRequestCounts& c : d.ip_by_authority)
      s += Line({c.authority, c.jurisdiction, I(c.asked), I(c.granted), I(c.partly_granted), I(c.withheld),
                 I(c.refused), I(c.rejected), I(c.pending), I(c.addresses)});
    files.emplace_back("ip_requests.csv", s);
    s = Line({"reason", "requests"});
    for (const ReasonCount& w : d.ip_not_granted) s += Line({w.reason, I(w.requests)});
    files.emplace_back("ip_not_granted.csv", s);
    s = Line({"jurisdiction", "authority", "requests", "in_force", "extended", "expired", "released", "rejected"});
    for (const PreservationCounts& c : r.preservations.rows)
      s += Line({c.jurisdiction, c.authority, I(c.total), I(c.in_force), I(c.extended), I(c.expired), I(c.released),
                 I(c.rejected)});
    files.emplace_back("preservation_requests.csv", s);
  }
  s = Line({"category", "category_label", "action", "action_label", "automated", "human"});
  for (const OwnInitiativeRow& o : r.own_initiative)
    s += Line({o.category, o.category_label, o.action, o.action_label, I(o.automated), I(o.human)});
  files.emplace_back("own_initiative.csv", s);
  s = Line({"orders_actioned", "appealed", "upheld", "reversed", "pending"});
  s += Line({I(r.appeals.actioned), I(r.appeals.appealed), I(r.appeals.upheld()), I(r.appeals.reversed),
             I(r.appeals.pending)});
  files.emplace_back("appeals.csv", s);
  s = Line({"source", "complaints_received", "decided", "decisions_upheld", "decisions_reversed", "pending",
            "with_filing_time", "median_hours_to_decide", "median_ci_low", "median_ci_high"});
  for (const ComplaintsSummary& c : r.complaints)
    s += Line({c.source, I(c.received), I(c.decided), I(c.upheld()), I(c.reversed), I(c.pending()), I(c.timed),
               N(c.median_hours_to_decide.value), N(c.median_hours_to_decide.low), N(c.median_hours_to_decide.high)});
  files.emplace_back("complaints.csv", s);
  s = Line({"source", "source_label", "cases", "open", "median_hours", "median_ci_low", "median_ci_high", "p90_hours", "p90_ci_low",
            "p90_ci_high"});
  for (const TimeSummary& t : r.times)
    s += Line({t.source, t.source_label, I(t.cases), I(t.open), N(t.median.value), N(t.median.low), N(t.median.high), N(t.p90.value),
               N(t.p90.low), N(t.p90.high)});
  files.emplace_back("time_to_action.csv", s);
  s = Line({"member_state", "type_of_illegal_content", "type_of_illegal_content_label", "number_of_orders", "median_hours_to_confirm_receipt",
            "median_hours_to_give_effect"});
  for (const DsaOrdersRow& d : r.dsa_orders)
    s += Line({d.member_state, d.category, d.category_label, I(d.orders), N(d.median_hours_to_confirm), N(d.median_hours_to_effect.value)});
  files.emplace_back("dsa_orders_received.csv", s);
  return files;
}

}  // namespace evenhand::analytics
