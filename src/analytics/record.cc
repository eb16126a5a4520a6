#include "analytics/record.h"

#include <algorithm>
#include <unordered_map>

#include "cases/datareq_json.h"
#include "cases/notice_json.h"
#include "cases/order_json.h"

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
  explicit PostFacts(Store& store) : store_(store) {}
  void Fill(const std::string& item, CaseRow* row) {
    auto it = cache_.find(item);
    if (it == cache_.end()) {
      Facts f;
      if (auto post = store_.GetPost(item); post.ok()) f = {post->topic, post->lang, post->region};
      it = cache_.emplace(item, std::move(f)).first;
    }
    row->topic = it->second.topic;
    row->lang = it->second.lang;
    row->region = it->second.region;
  }

 private:
  struct Facts {
    std::string topic, lang, region;
  };
  Store& store_;
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

Status LoadDecisions(Store& store, const LoadOptions& options, Record* record) {
  return store.ForEachDecision("", [&](const StoredDecision& sd) {
    const Decision& d = sd.decision;
    if (d.action == Action::kAllow) return true;
    CaseRow row;
    row.source = Source::kOwnInitiative;
    row.id = d.item;
    row.category = d.category;
    row.authority = d.policy;
    row.received = sd.post.ts != 0 ? sd.post.ts : (d.ts != 0 ? d.ts : sd.stored_at);
    if (!InWindow(row.received, options)) return true;
    row.outcome = FromAction(d.action);
    if (row.outcome != Outcome::kOpen) row.acted = std::max(sd.stored_at, row.received);
    row.automated = !d.review && d.action != Action::kReview;
    row.topic = sd.post.topic;
    row.lang = !sd.post.lang.empty() ? sd.post.lang : d.lang;
    row.region = !sd.post.region.empty() ? sd.post.region : d.region;
    row.jurisdiction = row.region;
    record->cases.push_back(std::move(row));
    return true;
  });
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
    row.id = o.id;
    row.category = o.category;
    row.jurisdiction = o.jurisdiction;
    row.authority = o.authority;
    row.regime = o.regime;
    row.received = o.received;
    row.deadline = o.deadline;
    row.emergency = o.emergency;
    row.appealed = !o.appeal.empty();
    row.reversed = o.reversed_at != 0;
    row.appeal_open = o.state == OrderState::kReopened;
    row.reason = o.reason;
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
    row.id = n.id;
    row.category = n.category;
    row.jurisdiction = n.jurisdiction;
    row.authority = std::string(NotifierKindName(n.notifier.kind));
    row.regime = n.regime;
    row.received = n.received;
    row.deadline = n.deadline;
    row.reason = n.reason;
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
  PostFacts facts(store);
  if (options.decisions)
    if (Status s = LoadDecisions(store, options, &record); !s.ok()) return s;
  if (Status s = LoadOrders(store, options, facts, &record); !s.ok()) return s;
  if (Status s = LoadNotices(store, options, facts, &record); !s.ok()) return s;
  if (Status s = LoadDataRequests(store, options, &record); !s.ok()) return s;
  // What happened after the reference time had not happened yet.
  for (CaseRow& row : record.cases)
    if (row.acted > record.as_of) {
      row.acted = 0;
      row.outcome = Outcome::kOpen;
    }
  return record;
}

double HoursToAction(const CaseRow& row, int64_t as_of) {
  const int64_t end = row.acted != 0 ? row.acted : as_of;
  return end > row.received ? (end - row.received) / 3600.0 : 0.0;
}

}  // namespace evenhand::analytics
