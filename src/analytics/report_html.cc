#include "analytics/report_html.h"

#include <cmath>
#include <cstdio>

#include "analytics/labels.h"
#include "analytics/svg.h"
#include "model/time.h"

namespace evenhand::analytics {

namespace {

const char kStyle[] =
    "<style>"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;max-width:980px;"
    "padding:12px;color:#1a1a1a;line-height:1.45}"
    "h1{font-size:1.5em;margin:.4em 0}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc}"
    ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;margin:.5em 0}"
    "table{border-collapse:collapse;font-size:.9em;min-width:100%}"
    "th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;white-space:nowrap}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f3f3f3}"
    ".cards{display:flex;flex-wrap:wrap;gap:8px}.card{flex:1 1 140px;border:1px solid #ddd;border-radius:6px;"
    "padding:8px}.card b{display:block;font-size:1.4em}.note{color:#555;font-size:.9em}"
    "figure{margin:.8em 0}svg{display:block}"
    "</style>";

std::string E(const std::string& s) { return HtmlEscape(s); }
std::string I(int64_t v) { return std::to_string(v); }

std::string H(double hours) {
  if (std::isnan(hours)) return "not reached";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f h", hours);
  return buf;
}

std::string Q(const QuantileEstimate& q) {
  if (!q.reached()) return "not reached";
  return H(q.value) + " (" + (std::isnan(q.low) ? std::string("?") : H(q.low)) + "–" +
         (std::isnan(q.high) ? std::string("not reached") : H(q.high)) + ")";
}

class Table {
 public:
  explicit Table(const std::vector<std::string>& head) {
    html_ = "<div class=\"scroll\"><table><thead><tr>";
    for (const auto& h : head) html_ += "<th>" + E(h) + "</th>";
    html_ += "</tr></thead><tbody>";
  }
  // Cells starting with '#' are numbers (right-aligned); the '#' is dropped.
  void Row(const std::vector<std::string>& cells) {
    html_ += "<tr>";
    for (const auto& c : cells)
      html_ += !c.empty() && c[0] == '#' ? "<td class=\"n\">" + E(c.substr(1)) + "</td>" : "<td>" + E(c) + "</td>";
    html_ += "</tr>";
    ++rows_;
  }
  std::string Done(const std::string& empty_text) const {
    if (rows_ == 0) return "<p class=\"note\">" + E(empty_text) + "</p>";
    return html_ + "</tbody></table></div>";
  }

 private:
  std::string html_;
  int rows_ = 0;
};

std::vector<std::string> CountCells(const ComplianceCounts& c) {
  return {"#" + I(c.fully),    "#" + I(c.partly),  "#" + I(c.not_complied), "#" + I(c.reversed),
          "#" + I(c.rejected), "#" + I(c.pending), "#" + I(c.total())};
}

std::vector<std::string> Join(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<std::string>& OutcomeNames() {
  static const std::vector<std::string> k = {"fully complied", "partly complied", "not complied",
                                             "reversed on appeal", "rejected", "pending"};
  return k;
}

std::vector<double> CountValues(const ComplianceCounts& c) {
  return {double(c.fully),    double(c.partly),  double(c.not_complied), double(c.reversed),
          double(c.rejected), double(c.pending)};
}

std::string Card(const std::string& label, const std::string& value) {
  return "<div class=\"card\"><b>" + E(value) + "</b>" + E(label) + "</div>";
}

std::string OrdersSection(const TransparencyReport& r) {
  std::string out = "<h2>Government removal orders</h2>";
  std::vector<std::string> labels;
  std::vector<std::vector<double>> values;
  for (const auto& [country, counts] : r.orders_by_country) {
    labels.push_back(country);
    values.push_back(CountValues(counts));
  }
  out += "<figure>" + StackedBarsSvg("Orders by country and outcome", labels, OutcomeNames(), values) + "</figure>";
  out += "<p class=\"note\">Fully complied: removed globally. Partly complied: withheld in the issuing "
         "jurisdiction only. Not complied: no action, with the reason below. Rejected: refused at intake "
         "(no legal basis, unregistered authority, ...).</p>";
  Table t(Join({"country", "authority", "category"}, Join(OutcomeNames(), {"total"})));
  for (const OrdersRow& o : r.orders)
    t.Row(Join({o.country, o.authority_label, o.category_label}, CountCells(o.counts)));
  if (!r.orders.empty()) t.Row(Join({"all", "", ""}, CountCells(r.orders_total)));
  out += t.Done("No orders in this period.");
  Table reasons({"outcome", "reason", "orders"});
  for (const ReasonRow& x : r.reasons) reasons.Row({x.outcome_label, x.reason, "#" + I(x.count)});
  return out + "<h3>Reasons for not complying or rejecting</h3>" + reasons.Done("None.");
}

std::string NoticesSection(const TransparencyReport& r) {
  std::string out = "<h2>Notices from users and trusted flaggers</h2>";
  Table t(Join({"notifier", "category"}, Join(OutcomeNames(), {"total"})));
  for (const NoticesRow& n : r.notices) t.Row(Join({n.notifier_label, n.category_label}, CountCells(n.counts)));
  return out + t.Done("No notices in this period.") +
         "<p class=\"note\">Fully: removed; partly: withheld or labelled; not complied: no action.</p>";
}

std::string DataRequestsSection(const TransparencyReport& r) {
  const DataRequestStats& d = r.data_requests;
  std::string out = "<h2>Data-disclosure requests</h2><div class=\"cards\">" + Card("requests", I(d.all.total())) +
                    Card("granted", I(d.all.granted)) + Card("partly granted", I(d.all.partly_granted)) +
                    Card("refused or rejected", I(d.all.refused + d.all.rejected)) +
                    Card("emergency requests", I(d.emergency.total())) + "</div>";
  std::vector<std::string> labels;
  std::vector<std::vector<double>> values;
  for (const DataRequestStatsRow& row : d.rows) {
    labels.push_back(row.jurisdiction + ", " + LegalProcessLabel(row.legal_process) + (row.emergency ? ", emergency" : ""));
    const OutcomeCounts& c = row.counts;
    values.push_back({double(c.granted), double(c.partly_granted), double(c.refused), double(c.rejected),
                      double(c.pending)});
  }
  out += "<figure>" +
         StackedBarsSvg("Data requests by country, legal process and outcome", labels,
                        {"granted", "partly granted", "refused", "rejected", "pending"}, values) +
         "</figure>";
  Table t({"country", "legal process", "emergency", "granted", "partly", "refused", "rejected", "pending", "total"});
  for (const DataRequestStatsRow& row : d.rows) {
    const OutcomeCounts& c = row.counts;
    t.Row({row.jurisdiction, LegalProcessLabel(row.legal_process), row.emergency ? "yes" : "no", "#" + I(c.granted),
           "#" + I(c.partly_granted), "#" + I(c.refused), "#" + I(c.rejected), "#" + I(c.pending), "#" + I(c.total())});
  }
  out += t.Done("No data requests in this period.");
  return out + "<p class=\"note\">Emergency requests: " + I(d.emergency.total()) + "; legal process followed up: " +
         I(d.emergency_followed_up) + "; follow-up overdue: " + I(d.emergency_flagged) + ".</p>";
}

// Cross-border requests (accounts outside the authority's jurisdiction)
// and requests for IP data, each counted apart (issue 14 points 6 and 10).
std::string DataRequestsApartSection(const TransparencyReport& r) {
  const DataRequestStats& d = r.data_requests;
  std::string out = "<h3>Cross-border requests</h3>";
  const OutcomeCounts& x = d.cross_border;
  Table cb({"requests", "granted", "partly", "refused", "rejected", "pending", "legal review recorded"});
  if (x.total() > 0)
    cb.Row({"#" + I(x.total()), "#" + I(x.granted), "#" + I(x.partly_granted), "#" + I(x.refused),
            "#" + I(x.rejected), "#" + I(x.pending), "#" + I(d.cross_border_reviewed)});
  out += cb.Done("No cross-border requests in this period.");
  out += "<p class=\"note\">Cross-border: a target account's country is not covered by the requesting "
         "authority's jurisdiction; such a request is approved only after a recorded legal review.</p>";
  out += "<h3>Requests for IP addresses</h3><div class=\"cards\">" + Card("asked for IP data", I(d.ip.asked)) +
         Card("IP data granted", I(d.ip.granted + d.ip.partly_granted)) +
         Card("not granted", I(d.ip.withheld + d.ip.refused + d.ip.rejected)) +
         Card("addresses disclosed", I(d.ip.addresses)) + "</div>";
  Table t({"authority", "country", "asked", "granted", "partly", "withheld", "refused", "rejected", "pending",
           "addresses disclosed"});
  for (const IpRequestCounts& c : d.ip_by_authority)
    t.Row({c.authority, c.jurisdiction, "#" + I(c.asked), "#" + I(c.granted), "#" + I(c.partly_granted),
           "#" + I(c.withheld), "#" + I(c.refused), "#" + I(c.rejected), "#" + I(c.pending), "#" + I(c.addresses)});
  out += t.Done("No requests for IP data in this period.");
  out += "<p class=\"note\">IP data: the address an account was registered from (subscriber data) and its login "
         "addresses with times and source ports (traffic data). Withheld: the request was answered but its legal "
         "process does not cover the IP data asked for.</p>";
  Table why({"why IP data was not given", "requests"});
  for (const ReasonCount& w : d.ip_not_granted) why.Row({w.reason, "#" + I(w.requests)});
  out += why.Done("None.");
  const PreservationStats& p = r.preservations;
  out += "<h3>Preservation requests</h3>";
  Table pt({"country", "authority", "requests", "in force", "extended", "expired", "released", "rejected"});
  for (const PreservationCounts& c : p.rows)
    pt.Row({c.jurisdiction, c.authority, "#" + I(c.total), "#" + I(c.in_force), "#" + I(c.extended),
            "#" + I(c.expired), "#" + I(c.released), "#" + I(c.rejected)});
  out += pt.Done("No preservation requests in this period.");
  return out + "<p class=\"note\">A preservation request freezes an account's data pending legal process: nothing "
               "of it is deleted while the request is in force. It may be extended once and lapses at its end.</p>";
}

std::string OwnInitiativeSection(const TransparencyReport& r) {
  std::string out = "<h2>Own-initiative actions</h2><div class=\"cards\">" +
                    Card("decided automatically", I(r.own_automated)) + Card("decided by a person", I(r.own_human)) +
                    Card("awaiting a decision", I(r.own_awaiting_review)) + "</div>";
  std::vector<std::string> labels;
  std::vector<std::vector<double>> values;
  std::vector<std::string> cats;
  for (const OwnInitiativeRow& o : r.own_initiative) {
    if (cats.empty() || cats.back() != o.category) {
      cats.push_back(o.category);
      labels.push_back(o.category_label);
      values.push_back({0, 0});
    }
    values.back()[0] += o.automated;
    values.back()[1] += o.human;
  }
  out += "<figure>" +
         StackedBarsSvg("Own-initiative actions by category", labels, {"decided automatically", "decided by a person"},
                        values) +
         "</figure>";
  Table t({"category", "action", "decided automatically", "decided by a person"});
  for (const OwnInitiativeRow& o : r.own_initiative)
    t.Row({o.category_label, o.action_label, "#" + I(o.automated), "#" + I(o.human)});
  return out + t.Done("No own-initiative actions in this period.") +
         "<p class=\"note\">\"Decided by a person\": a moderator confirmed or overturned the decision. A decision "
         "the policy only flagged for review counts as automated until a person reviews it. \"Awaiting a "
         "decision\" (" + I(r.own_awaiting_review) + "): sent to a person and not reviewed yet, or decided only after "
         "the period's end; these are not counted as actions.</p>";
}

std::string TimesSection(const TransparencyReport& r) {
  std::string out = "<h2>Time to action</h2>";
  std::vector<StepSeries> series;
  for (const TimeSummary& t : r.times) {
    StepSeries s;
    s.name = t.source_label;
    s.points.push_back({0, 0});
    for (const KmStep& k : t.km.steps) s.points.push_back({k.time, 1 - k.survival});
    if (t.cases > 0) series.push_back(std::move(s));
  }
  out += "<figure>" + StepChartSvg("Share acted on, by hours since receipt", "hours since receipt", "acted on", series) +
         "</figure>";
  Table t({"source", "cases", "still open", "median (95% CI)", "p90 (95% CI)"});
  for (const TimeSummary& s : r.times) t.Row({s.source_label, "#" + I(s.cases), "#" + I(s.open), Q(s.median), Q(s.p90)});
  return out + t.Done("No cases.") +
         "<p class=\"note\">Kaplan–Meier estimates: cases still open count as taking at least as long as they "
         "have been open (right-censored), so the figures are not flattered by leaving slow cases out. "
         "\"Not reached\": too few cases were closed to tell.</p>";
}

// DSA Art. 20 complaints, as the harmonised template counts them.
std::string ComplaintsSection(const TransparencyReport& r) {
  std::string out = "<h3>Complaints (internal complaint handling, DSA Art. 20)</h3>";
  Table t({"complaints about", "received", "decided", "upheld", "reversed", "pending", "median time to decide"});
  for (const ComplaintsSummary& c : r.complaints)
    t.Row({c.source == "own_initiative" ? "own-initiative decisions" : c.source == "order" ? "orders" : "all",
           "#" + I(c.received), "#" + I(c.decided), "#" + I(c.upheld()), "#" + I(c.reversed), "#" + I(c.pending()),
           Q(c.median_hours_to_decide)});
  return out + t.Done("No complaints.") + "<p class=\"note\">Decisions overturned on a moderator's review (not on a "
         "complaint): " + I(r.overturned_on_review) + ". A reversed decision or order no longer restricts the "
         "content and is counted as reversed, never as complied with.</p>";
}

std::string AppealsSection(const TransparencyReport& r) {
  const AppealsSummary& a = r.appeals;
  return "<h2>Appeals and reversals</h2><div class=\"cards\">" + Card("orders acted on", I(a.actioned)) +
         Card("appealed", I(a.appealed)) + Card("upheld", I(a.upheld())) + Card("reversed", I(a.reversed)) +
         Card("pending", I(a.pending)) + "</div>" + ComplaintsSection(r);
}

std::string DsaSection(const TransparencyReport& r) {
  std::string out =
      "<h2>DSA harmonised template: orders received from Member States' authorities</h2>"
      "<p class=\"note\">In the shape of the orders-to-act table of the harmonised transparency templates "
      "(Implementing Regulation (EU) 2024/2835; DSA Art. 9 and 15(1)(a)). Receipt is confirmed when the "
      "order is stored at intake.</p>";
  Table t({"Member State", "type of illegal content", "number of orders", "median time to confirm receipt",
           "median time to give effect"});
  for (const DsaOrdersRow& d : r.dsa_orders)
    t.Row({d.member_state, d.category_label, "#" + I(d.orders), H(d.median_hours_to_confirm),
           H(d.median_hours_to_effect.value)});
  return out + t.Done("No orders from EU Member States in this period.");
}

}  // namespace

std::string RenderTransparencyHtml(const TransparencyReport& r, const std::string& title) {
  std::string period = (r.from ? FormatTimestamp(r.from) : std::string("the beginning")) + " to " +
                       (r.to ? FormatTimestamp(r.to) : std::string("now"));
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>" +
      E(title) + "</title>" + kStyle + "</head><body><h1>" + E(title) + "</h1><p class=\"note\">Period: " +
      E(period) + ". Open cases counted as of " + E(FormatTimestamp(r.as_of)) + ".</p>";
  out += "<div class=\"cards\">" + Card("government orders", I(r.orders_total.total())) +
         Card("notices", I(r.notices_total.total())) + Card("data requests", I(r.data_requests.all.total())) +
         Card("own-initiative decisions", I(r.own_automated + r.own_human)) + "</div>";
  out += OrdersSection(r) + NoticesSection(r) + DataRequestsSection(r) + DataRequestsApartSection(r) +
         OwnInitiativeSection(r) + AppealsSection(r) +
         TimesSection(r) + DsaSection(r);
  out += "<p class=\"note\">Generated by evenhand " EVENHAND_VERSION ".</p></body></html>\n";
  return out;
}

}  // namespace evenhand::analytics
