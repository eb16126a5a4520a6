// The flat record every report reads: one row per case that asks for an
// action (own-initiative decision, user notice, authority order), with the
// dimensions the reports group by, and the data requests beside it.
//
// LoadRecord reads a Store once (decisions, orders, notices, data
// requests) and keeps only what the analytics need, so that every report
// of one run works from the same snapshot. Ownership: the record owns its
// rows; it holds no reference to the Store.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analytics/labels.h"
#include "analytics/symbols.h"
#include "model/data_request.h"
#include "model/preservation.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand::analytics {

enum class Source : uint8_t { kOwnInitiative, kNotice, kOrder };
std::string_view SourceName(Source s);  // "own_initiative", "notice", "order"

// How a case ended, for the reports. kRejected: refused at intake (never
// counts in time-to-action). kOpen: still waiting (right-censored).
enum class Outcome : uint8_t { kOpen, kRejected, kNoAction, kWithheld, kRemoved, kLabelled, kSuspended };
std::string_view OutcomeName(Outcome o);  // "open", "rejected", "no_action", "withheld", ...

inline constexpr uint32_t kNoId = UINT32_MAX;

// Dimension values are interned in the Record's symbol table
// (record.Name(row.topic) gives the text; kNoSym is ""). A row is kept
// small (millions of them): its id text lives in Record::ids.
struct CaseRow {
  Source source = Source::kOwnInitiative;
  uint32_t id = kNoId;    // notice or order id: index in Record::ids (record.Id(row)); kNoId for a decision
  Sym category = kNoSym;  // DSA short form or the regime's category id
  Sym jurisdiction = kNoSym;  // where the law applies (orders, notices); the post's region for decisions
  Sym authority = kNoSym;     // orders: authority id; notices: "user" | "trusted_flagger"; decisions: the policy
  Sym regime = kNoSym;        // regime whose deadline runs; kNoSym if none
  Sym topic = kNoSym, lang = kNoSym, region = kNoSym;  // of the (first) item concerned; kNoSym when unknown
  int64_t received = 0;      // unix seconds: when the clock starts
  int64_t acted = 0;         // unix seconds: when it was decided; 0 = still open
  int64_t deadline = 0;      // unix seconds; 0 = none
  Outcome outcome = Outcome::kOpen;
  // Own-initiative decisions: no person decided it (a decision merely
  // flagged for review is automated until a person reviews it).
  bool automated = false;
  bool emergency = false;
  bool appealed = false;     // orders: an appeal or counter-notice was filed
  bool reversed = false;     // orders: the action was reversed on appeal
  bool appeal_open = false;  // orders: reopened by an appeal not yet decided
  Sym reason = kNoSym;       // why rejected / why no action

  bool open() const { return outcome == Outcome::kOpen; }
  // Restricts the content (withheld, removed, suspended); labels do not.
  bool restricts() const {
    return outcome == Outcome::kWithheld || outcome == Outcome::kRemoved || outcome == Outcome::kSuspended;
  }
};

// What the reports group cases by. kCategory and kJurisdiction are for the
// time-to-action breakdown (times.h); within the audit's source x category
// strata, grouping by category compares nothing.
enum class Dimension { kTopic, kRegion, kLanguage, kAuthority, kCategory, kJurisdiction };

// The cases in the time order (Record::by_time), one column per field: the
// fields a report walking the cases by time reads, copied from their
// CaseRows, so that a walk by one dimension reads memory in order and only
// the columns it needs (13 bytes a case).
struct TimeColumns {
  static constexpr uint8_t kSourceMask = 3, kEvent = 4, kRestricts = 8;
  std::vector<double> hours;    // HoursToAction(row, as_of)
  std::vector<uint8_t> flags;   // Source (kSourceMask) | kEvent (acted on) | kRestricts (row.restricts())
  std::vector<Sym> category, jurisdiction, authority, topic, lang, region;

  size_t size() const { return hours.size(); }
  Source source(size_t i) const { return static_cast<Source>(flags[i] & kSourceMask); }
  bool event(size_t i) const { return (flags[i] & kEvent) != 0; }
  bool restricts(size_t i) const { return (flags[i] & kRestricts) != 0; }
  const std::vector<Sym>& Column(Dimension d) const {
    switch (d) {
      case Dimension::kTopic: return topic;
      case Dimension::kRegion: return region;
      case Dimension::kLanguage: return lang;
      case Dimension::kAuthority: return authority;
      case Dimension::kCategory: return category;
      case Dimension::kJurisdiction: return jurisdiction;
    }
    return topic;
  }
};

// One complaint (an appeal of an own-initiative decision, or an appeal or
// counter-notice against an order), for the complaints section.
struct ComplaintRow {
  Source source = Source::kOwnInitiative;
  int64_t filed = 0;    // unix seconds; 0 = not recorded (orders appealed before it was)
  int64_t decided = 0;  // unix seconds; 0 = pending
  bool reversed = false;
};

struct Record {
  int64_t as_of = 0;  // the reference time: open cases are censored here
  Symbols symbols;    // the text of every Sym in `cases`
  std::vector<CaseRow> cases;
  std::vector<DataRequest> data_requests;
  std::vector<PreservationRequest> preservations;  // loaded with the data requests
  std::vector<ComplaintRow> complaints;  // filed in the window (orders: the order received in it)
  int64_t overturned_on_review = 0;      // decisions overturned on review in the window
  // The cases that count in time to action (all but rejected ones), by
  // ascending HoursToAction, with what the reports group them by: sorted
  // once for every report of a run. Set by IndexByTime() (time_order.h),
  // which LoadRecord and GenerateRecord call; reports sort for themselves
  // when it is not current (TimeOrder). Call IndexByTime() again after
  // changing `cases`.
  TimeColumns by_time;
  size_t by_time_cases = 0;   // cases.size() when by_time was made
  int64_t by_time_as_of = 0;  // as_of when by_time was made

  // The ids of the rows that have one (orders, notices), by CaseRow::id.
  std::vector<std::string> ids;
  // What the reports show people instead of ids (LoadRecord fills the
  // authorities' names; AddRegimeLabels the regimes' category names).
  Labels labels;

  Sym Intern(std::string_view value) { return symbols.Intern(value); }
  const std::string& Name(Sym id) const { return symbols.Name(id); }
  uint32_t AddId(std::string id) {
    ids.push_back(std::move(id));
    return static_cast<uint32_t>(ids.size() - 1);
  }
  // The row's id; "" when it has none.
  const std::string& Id(const CaseRow& row) const { return row.id == kNoId ? symbols.Name(kNoSym) : ids[row.id]; }
};

struct LoadOptions {
  int64_t as_of = 0;   // required
  int64_t from = 0;    // keep cases received in [from, to); 0 = open end
  int64_t to = 0;
  bool decisions = true;  // own-initiative decisions (the largest table) can be skipped
  // More Store objects open on the same database, one per extra thread: the
  // decisions are then read in 1 + readers.size() slices at once (see
  // Store::ScanDecisionFacts). Each is used by its own thread only while
  // LoadRecord runs. The record holds the same cases as with none (the
  // decisions' order among themselves may differ; no report depends on it).
  // On this project's 2-core machine it did not pay (docs/PERFORMANCE.md).
  std::vector<Store*> readers;
};

// Reads every case of `store` and indexes it by time (IndexByTime): orders,
// then notices, then own-initiative decisions (read with
// Store::ScanDecisionFacts: no JSON, no text). Own-initiative decisions with action
// "allow" are not cases (nothing was asked of anyone) and are skipped; a
// decision's clock starts at the post's time (or when it was stored, if the
// post has none) and stops when it was stored; "review" decisions are open
// until a human decides. Orders and notices take topic, language and region
// from their first item target. A case acted on after `as_of` counts as
// open at `as_of`. A decision a person reviewed (Store::
// ListReviewedDecisions) by `as_of` is not automated; an overturned one, or
// a confirmed "review" decision, ends in no action when the person decided.
Result<Record> LoadRecord(Store& store, const LoadOptions& options);

// Hours from receipt to action (or to `as_of` for open cases). Rejected
// cases are not observations (callers skip them).
double HoursToAction(const CaseRow& row, int64_t as_of);

}  // namespace evenhand::analytics
