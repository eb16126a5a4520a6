#include "analytics/record.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <thread>
#include <unordered_map>

#include "analytics/time_order.h"
#include "cases/appeal_json.h"
#include "cases/datareq_json.h"
#include "cases/preservation_json.h"
#include "cases/notice_json.h"
#include "cases/order_json.h"
#include "cases/standing.h"

namespace evenhand::analytics {

namespace {

CaseFilter KindFilter(const char* kind) {
  CaseFilter f;
  f.kind = kind;
  return f;
}

bool InWindow(int64_t t, const LoadOptions& o) { return (o.from == 0 || t >= o.from) && (o.to == 0 || t < o.to); }

// Topic, language and region of a post, looked up once per id.
class PostFacts {
 public:
  PostFacts(Store& store, Symbols& symbols) : store_(store), symbols_(symbols) {}
  void Fill(const std::string& item, CaseRow* row) {
    auto it = cache_.find(item);
    if (it == cache_.end()) {
      Facts f;
      if (auto post = store_.GetPost(item); post.ok())
        f = {symbols_.Intern(post->topic), symbols_.Intern(post->lang), symbols_.Intern(post->region)};
      it = cache_.emplace(item, f).first;
    }
    row->topic = it->second.topic;
    row->lang = it->second.lang;
    row->region = it->second.region;
  }

 private:
  struct Facts {
    Sym topic = kNoSym, lang = kNoSym, region = kNoSym;
  };
  Store& store_;
  Symbols& symbols_;
  std::unordered_map<std::string, Facts> cache_;
};

Outcome FromAction(Action a) {
  switch (a) {
    case Action::kLabel: return Outcome::kLabelled;
    case Action::kWithhold: return Outcome::kWithheld;
    case Action::kRemove: return Outcome::kRemoved;
    case Action::kSuspendAccount: return Outcome::kSuspended;
    default: return Outcome::kOpen;  // review: waits for a human
  }
}

// The own-initiative decisions of one slice of the decisions table, into
// `out` (its own symbols, as_of and window as in `options`). Each of the
// store's fact profiles is turned into symbols (and an action) once, not
// once per row.
Status LoadDecisionSlice(Store& store, const ScanSlice& slice, const LoadOptions& options,
                         const std::vector<ReviewedDecision>& reviewed, Record* out) {
  struct Mapped {
    bool known = false;
    Action action = Action::kAllow;
    Sym category = kNoSym, policy = kNoSym, topic = kNoSym, lang = kNoSym, region = kNoSym;
  };
  std::vector<Mapped> mapped;  // by DecisionFacts::profile
  Status failed = Status::Ok();
  Symbols& symbols = out->symbols;
  size_t next_review = 0;  // facts come by ascending id, as `reviewed` does
  Status s = store.ScanDecisionFacts(slice, [&](const DecisionFacts& f) {
    if (f.profile >= mapped.size()) mapped.resize(f.profile + 1);
    Mapped& m = mapped[f.profile];
    if (!m.known) {
      const std::optional<Action> action = ParseAction(f.action);
      if (!action) {
        failed = Status::Corrupt("a stored decision has an unknown action \"" + std::string(f.action) + "\"");
        return false;
      }
      m = {true, *action, symbols.Intern(f.category), symbols.Intern(f.policy), symbols.Intern(f.topic),
           symbols.Intern(f.lang), symbols.Intern(f.region)};
    }
    if (m.action == Action::kAllow) return true;
    if (!InWindow(f.received, options)) return true;
    CaseRow& row = out->cases.emplace_back();
    row.source = Source::kOwnInitiative;
    row.category = m.category;
    row.authority = m.policy;
    row.received = f.received;
    row.outcome = FromAction(m.action);
    // What happened after the reference time had not happened yet.
    if (row.outcome != Outcome::kOpen) row.acted = std::max(f.stored_at, row.received);
    if (row.acted > options.as_of) {
      row.acted = 0;
      row.outcome = Outcome::kOpen;
    }
    row.automated = true;
    while (next_review < reviewed.size() && reviewed[next_review].decision < f.id) ++next_review;
    if (next_review < reviewed.size() && reviewed[next_review].decision == f.id &&
        reviewed[next_review].at <= options.as_of) {
      const ReviewedDecision& r = reviewed[next_review];
      row.automated = false;
      if (r.overturned || m.action == Action::kReview) {
        row.outcome = Outcome::kNoAction;
        row.acted = std::max(r.at, row.received);
      }
    }
    row.topic = m.topic;
    row.lang = m.lang;
    row.region = m.region;
    row.jurisdiction = row.region;
    return true;
  });
  return s.ok() ? failed : s;
}

// Moves the rows of `part` to the end of `record`, re-interning their values.
void Append(Record&& part, Record* record) {
  std::vector<Sym> map(part.symbols.size());
  for (Sym i = 0; i < map.size(); ++i) map[i] = record->Intern(part.Name(i));
  record->cases.reserve(record->cases.size() + part.cases.size());
  for (CaseRow& row : part.cases) {
    for (Sym* s : {&row.category, &row.jurisdiction, &row.authority, &row.regime, &row.topic, &row.lang, &row.region,
                   &row.reason})
      *s = map[*s];
    if (row.id != kNoId) row.id = record->AddId(std::move(part.ids[row.id]));
    record->cases.push_back(std::move(row));
  }
}

Status LoadDecisions(Store& store, const LoadOptions& options, Record* record) {
  Result<int64_t> count = store.CountDecisionFacts();
  if (!count.ok()) return count.status();
  const size_t expected = static_cast<size_t>(*count);  // at most this many cases ("allow" and the window drop some)
  Result<std::vector<ReviewedDecision>> reviewed = store.ListReviewedDecisions();
  if (!reviewed.ok()) return reviewed.status();
  record->cases.reserve(record->cases.size() + expected);
  if (options.readers.empty()) return LoadDecisionSlice(store, ScanSlice{}, options, *reviewed, record);
  // Slice 0 goes straight into `record` on this thread; the others into
  // records of their own, appended after.
  const int parts = static_cast<int>(options.readers.size()) + 1;
  std::vector<Record> slices(parts);
  for (int k = 1; k < parts; ++k) slices[k].cases.reserve(expected / parts + (size_t{1} << 16));
  std::vector<Status> status(parts, Status::Ok());
  std::vector<std::thread> threads;
  for (int k = 1; k < parts; ++k)
    threads.emplace_back([&, k] {
      status[k] = LoadDecisionSlice(*options.readers[k - 1], ScanSlice{k, parts}, options, *reviewed, &slices[k]);
    });
  status[0] = LoadDecisionSlice(store, ScanSlice{0, parts}, options, *reviewed, record);
  for (std::thread& t : threads) t.join();
  for (const Status& s : status)
    if (!s.ok()) return s;
  for (int k = 1; k < parts; ++k) Append(std::move(slices[k]), record);
  return Status::Ok();
}

Status LoadOrders(Store& store, const LoadOptions& options, PostFacts& facts, Record* record) {
  auto cases = store.ListCases(KindFilter("order"));
  if (!cases.ok()) return cases.status();
  for (const CaseRecord& c : *cases) {
    if (!InWindow(c.received, options)) continue;
    auto parsed = OrderFromJson(c.body);
    if (!parsed.ok()) return Status::Corrupt("case " + c.id + ": " + parsed.status().message());
    const Order& o = *parsed;
    CaseRow row;
    row.source = Source::kOrder;
    row.id = record->AddId(o.id);
    row.category = record->Intern(o.category);
    row.jurisdiction = record->Intern(o.jurisdiction);
    row.authority = record->Intern(o.authority);
    row.regime = record->Intern(o.regime);
    row.received = o.received;
    row.deadline = o.deadline;
    row.emergency = o.emergency;
    row.appealed = !o.appeal.empty();
    row.reversed = OrderStanding(o) == "reversed" && o.reversed_at <= options.as_of;
    if (row.appealed)
      record->complaints.push_back({Source::kOrder, o.appealed_at,
                                    o.appeal_decided_at != 0 ? o.appeal_decided_at : o.reversed_at, row.reversed});
    row.appeal_open = o.state == OrderState::kReopened;
    row.reason = record->Intern(o.reason);
    if (o.state == OrderState::kRejected) {
      row.outcome = Outcome::kRejected;
    } else if (o.actioned_at != 0) {
      row.acted = o.actioned_at;
      row.outcome = o.outcome == OrderOutcome::kWithheld        ? Outcome::kWithheld
                    : o.outcome == OrderOutcome::kRemovedGlobally ? Outcome::kRemoved
                                                                  : Outcome::kNoAction;
    }
    for (const OrderTarget& t : o.targets)
      if (t.kind == "item") {
        facts.Fill(t.id, &row);
        break;
      }
    record->cases.push_back(std::move(row));
  }
  return Status::Ok();
}

Status LoadNotices(Store& store, const LoadOptions& options, PostFacts& facts, Record* record) {
  auto cases = store.ListCases(KindFilter("notice"));
  if (!cases.ok()) return cases.status();
  for (const CaseRecord& c : *cases) {
    if (!InWindow(c.received, options)) continue;
    auto parsed = NoticeFromJson(c.body);
    if (!parsed.ok()) return Status::Corrupt("case " + c.id + ": " + parsed.status().message());
    const Notice& n = *parsed;
    CaseRow row;
    row.source = Source::kNotice;
    row.id = record->AddId(n.id);
    row.category = record->Intern(n.category);
    row.jurisdiction = record->Intern(n.jurisdiction);
    row.authority = record->Intern(NotifierKindName(n.notifier.kind));
    row.regime = record->Intern(n.regime);
    row.received = n.received;
    row.deadline = n.deadline;
    row.reason = record->Intern(n.reason);
    if (n.state == NoticeState::kRejected) {
      row.outcome = Outcome::kRejected;
    } else if (n.decided_at != 0) {
      row.acted = n.decided_at;
      row.outcome = n.outcome == NoticeOutcome::kNoAction  ? Outcome::kNoAction
                    : n.action == NoticeAction::kWithheld ? Outcome::kWithheld
                    : n.action == NoticeAction::kRemoved  ? Outcome::kRemoved
                    : n.action == NoticeAction::kLabelled ? Outcome::kLabelled
                                                          : Outcome::kNoAction;
    }
    if (!n.location.empty()) facts.Fill(n.location.front(), &row);
    record->cases.push_back(std::move(row));
  }
  return Status::Ok();
}

// Appeals of own-initiative decisions (cases/appeal_desk.h) filed in the
// window, and overturning reviews made in it.
Status LoadComplaints(Store& store, const LoadOptions& options, Record* record) {
  auto cases = store.ListCases(KindFilter(kAppealKind));
  if (!cases.ok()) return cases.status();
  for (const CaseRecord& c : *cases) {
    if (!InWindow(c.received, options)) continue;
    auto a = AppealFromJson(c.body);
    if (!a.ok()) return Status::Corrupt("case " + c.id + ": " + a.status().message());
    record->complaints.push_back(
        {Source::kOwnInitiative, a->filed_at, a->decided_at, a->state == AppealState::kReversed});
  }
  auto reviews = store.ListDecisionReviews();
  if (!reviews.ok()) return reviews.status();
  for (const DecisionReview& r : *reviews)
    record->overturned_on_review += r.verdict == "overturn" && InWindow(r.at, options) && r.at <= options.as_of;
  return Status::Ok();
}

Status LoadDataRequests(Store& store, const LoadOptions& options, Record* record) {
  auto cases = store.ListCases(KindFilter("datareq"));
  if (!cases.ok()) return cases.status();
  for (const CaseRecord& c : *cases) {
    if (!InWindow(c.received, options)) continue;
    auto parsed = DataRequestFromJson(c.body);
    if (!parsed.ok()) return Status::Corrupt("case " + c.id + ": " + parsed.status().message());
    record->data_requests.push_back(std::move(parsed).value());
    record->data_requests.back().package.clear();  // user data: never needed here
  }
  auto holds = store.ListCases(KindFilter("preservation"));
  if (!holds.ok()) return holds.status();
  for (const CaseRecord& c : *holds) {
    if (!InWindow(c.received, options)) continue;
    auto parsed = PreservationFromJson(c.body);
    if (!parsed.ok()) return Status::Corrupt("case " + c.id + ": " + parsed.status().message());
    record->preservations.push_back(std::move(parsed).value());
  }
  return Status::Ok();
}

}  // namespace

std::string_view SourceName(Source s) {
  switch (s) {
    case Source::kOwnInitiative: return "own_initiative";
    case Source::kNotice: return "notice";
    case Source::kOrder: return "order";
  }
  return "?";
}

std::string_view OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kOpen: return "open";
    case Outcome::kRejected: return "rejected";
    case Outcome::kNoAction: return "no_action";
    case Outcome::kWithheld: return "withheld";
    case Outcome::kRemoved: return "removed";
    case Outcome::kLabelled: return "labelled";
    case Outcome::kSuspended: return "suspended";
  }
  return "?";
}

Result<Record> LoadRecord(Store& store, const LoadOptions& options) {
  if (options.as_of == 0) return Status::Invalid("LoadRecord: as_of is required");
  Record record;
  record.as_of = options.as_of;
  PostFacts facts(store, record.symbols);
  auto authorities = store.ListAuthorities();
  if (!authorities.ok()) return authorities.status();
  for (const AuthorityRecord& a : *authorities) record.labels.authorities[a.id] = a.name;
  // Orders and notices first (few), so that the decisions (millions) are
  // read into room reserved once for all of them.
  if (Status s = LoadOrders(store, options, facts, &record); !s.ok()) return s;
  if (Status s = LoadNotices(store, options, facts, &record); !s.ok()) return s;
  // What happened after the reference time had not happened yet (the
  // decisions are cut there as they are read).
  for (CaseRow& row : record.cases)
    if (row.acted > record.as_of) {
      row.acted = 0;
      row.outcome = Outcome::kOpen;
    }
  if (options.decisions)
    if (Status s = LoadDecisions(store, options, &record); !s.ok()) return s;
  if (Status s = LoadDataRequests(store, options, &record); !s.ok()) return s;
  if (Status s = LoadComplaints(store, options, &record); !s.ok()) return s;
  // Complaints decided after the reference time were pending then.
  for (ComplaintRow& c : record.complaints)
    if (c.decided > record.as_of) {
      c.decided = 0;
      c.reversed = false;
    }
  if (record.cases.size() > UINT32_MAX) return Status::Invalid("LoadRecord: more than 2^32 cases");
  IndexByTime(&record);
  return record;
}

double HoursToAction(const CaseRow& row, int64_t as_of) {
  const int64_t end = row.acted != 0 ? row.acted : as_of;
  return end > row.received ? (end - row.received) / 3600.0 : 0.0;
}

}  // namespace evenhand::analytics
