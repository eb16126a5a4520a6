// The transparency report: what a platform publishes about the orders,
// notices and data requests it received and the actions it took, for a
// period. Built from a Record; written out by report_html.h (a page with
// charts), report_csv.h (one CSV a table) and TransparencyToJson.
//
// Sections:
//   - government removal orders by country, authority and category, by
//     outcome: fully complied (removed globally), partly complied (withheld
//     in the issuing jurisdiction only), not complied (no action, with the
//     reason), reversed on appeal (acted, then the action was undone:
//     cases/standing.h; never counted as complied), rejected at intake
//     (with the reason), pending;
//   - notices from users and trusted flaggers, by kind, category, outcome;
//   - data requests by country, legal process and outcome, emergency
//     requests apart (cases/datareq_stats.h);
//   - own-initiative actions by category and action, automated vs. decided
//     by a person (a decision merely flagged for review is automated until
//     a person reviews it); decisions waiting for a person are counted
//     apart, not as actions;
//   - appeals of orders and reversals;
//   - complaints (DSA Art. 20 internal complaint handling, counted as the
//     harmonised template counts them): appeals of own-initiative
//     decisions and of orders received, decided, upheld, reversed,
//     pending, and the median time to decide (Kaplan-Meier, complaints
//     still open censored); decisions overturned on a moderator's review;
//   - time to action per source: Kaplan-Meier median and p90 with their
//     confidence intervals (open cases censored at the report's end);
//   - orders from EU Member States' authorities in the shape of the DSA
//     harmonised transparency template (Implementing Regulation (EU)
//     2024/2835, orders to act, Art. 9 / 15(1)(a)): per Member State and
//     type of illegal content, the number of orders, the median time to
//     confirm receipt and the median time to give effect.
// Every id a row holds has its label beside it (labels.h, from
// record.labels): the JSON and CSV carry both, the HTML page the labels.
// Pure function of a Record; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/record.h"
#include "analytics/survival.h"
#include "cases/datareq_stats.h"
#include "cases/preservation_stats.h"

namespace evenhand::analytics {

struct ComplianceCounts {
  int64_t fully = 0, partly = 0, not_complied = 0, rejected = 0, pending = 0;
  int64_t reversed = 0;  // acted on, then the action was reversed on appeal (in no other column)
  int64_t total() const { return fully + partly + not_complied + reversed + rejected + pending; }
  void Add(const CaseRow& row);
};

struct OrdersRow {
  std::string country, authority, category;
  std::string authority_label, category_label;
  ComplianceCounts counts;
};

struct ReasonRow {
  std::string outcome;  // "not_complied" | "rejected"
  std::string outcome_label;
  std::string reason;
  int64_t count = 0;
};

struct NoticesRow {
  std::string notifier, category;  // notifier: user | trusted_flagger
  std::string notifier_label, category_label;
  ComplianceCounts counts;         // fully: removed; partly: withheld or labelled
};

struct OwnInitiativeRow {
  std::string category, action;  // action: withheld, removed, labelled, suspended, no_action
  std::string category_label, action_label;
  int64_t automated = 0, human = 0;  // human: a person decided (reviewed) it
};

struct AppealsSummary {
  int64_t actioned = 0;  // orders acted on (appealable)
  int64_t appealed = 0, reversed = 0, pending = 0;
  int64_t upheld() const { return appealed - reversed - pending; }
};

// Complaints of one source (own_initiative: appeals of decisions; order:
// appeals and counter-notices against orders), or of all ("all").
struct ComplaintsSummary {
  std::string source;
  int64_t received = 0, decided = 0, reversed = 0;
  int64_t pending() const { return received - decided; }
  int64_t upheld() const { return decided - reversed; }
  int64_t timed = 0;                // complaints whose filing time is known (the time to decide is over these)
  QuantileEstimate median_hours_to_decide;
};

struct TimeSummary {
  std::string source;  // own_initiative | notice | order | all
  std::string source_label;
  int64_t cases = 0, open = 0;
  QuantileEstimate median, p90;  // hours
  KaplanMeier km;
};

struct DsaOrdersRow {
  std::string member_state, category;
  std::string category_label;
  int64_t orders = 0;
  double median_hours_to_confirm = 0;  // intake confirms receipt when it stores the order
  QuantileEstimate median_hours_to_effect;
};

struct TransparencyReport {
  int64_t from = 0, to = 0, as_of = 0;
  std::vector<OrdersRow> orders;
  ComplianceCounts orders_total;
  std::vector<std::pair<std::string, ComplianceCounts>> orders_by_country;
  std::vector<ReasonRow> reasons;
  std::vector<NoticesRow> notices;
  ComplianceCounts notices_total;
  DataRequestStats data_requests;
  PreservationStats preservations;
  std::vector<OwnInitiativeRow> own_initiative;
  int64_t own_automated = 0, own_human = 0;  // actions (and no-action decisions) taken
  int64_t own_awaiting_review = 0;           // open: sent to a person and not reviewed yet, or decided after as_of
  AppealsSummary appeals;
  std::vector<ComplaintsSummary> complaints;  // own_initiative, order, all
  int64_t overturned_on_review = 0;  // own-initiative decisions a moderator overturned (not on a complaint)
  std::vector<TimeSummary> times;
  std::vector<DsaOrdersRow> dsa_orders;
};

// `record` should hold the cases received in [from, to) (LoadOptions);
// open cases are censored at record.as_of.
TransparencyReport BuildTransparencyReport(const Record& record, int64_t from, int64_t to);
nlohmann::ordered_json TransparencyToJson(const TransparencyReport& report);
// True for the 27 EU Member States' ISO codes (and "EL" for Greece) and "EU".
bool IsEuMemberState(const std::string& code);

}  // namespace evenhand::analytics
