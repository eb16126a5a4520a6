#include "cases/notice_desk.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "cases/case_history.h"
#include "cases/notice_json.h"
#include "cases/notice_messages.h"
#include "model/person.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

constexpr const char* kKind = "notice";

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

CaseRecord ToRecord(const Notice& n) {
  CaseRecord c;
  c.id = n.id;
  c.kind = kKind;
  c.issuer = n.notifier.contact;
  c.reference = n.reference;
  c.jurisdiction = n.jurisdiction;
  c.state = std::string(NoticeStateName(n.state));
  c.received = n.received;
  c.deadline = n.deadline;
  c.body = Dump(NoticeToJson(n));
  return c;
}

// The message an event sends to the notifier; empty text when it sends none.
std::string MessageFor(NoticeEvent event, const Notice& n) {
  switch (event) {
    case NoticeEvent::kConfirm:
      return ReceiptText(n);
    case NoticeEvent::kReject:
      return RejectionText(n);
    case NoticeEvent::kNotify:
      return DecisionText(n);
    default:
      return std::string();
  }
}

}  // namespace

std::string NoticeDesk::NoticeId(const std::string& contact, const std::string& reference) {
  return "ntc-" + Sha256Hex(contact + "\n" + reference).substr(0, 16);
}

Result<std::string> NoticeDesk::RejectionReason(const Notice& n) {
  if (n.explanation.find_first_not_of(" \t\r\n") == std::string::npos)
    return std::string(
        "no explanation: a notice must explain why the content is held to be illegal (DSA Art. 16(2)(a))");
  if (n.location.empty())
    return std::string("no location: a notice must name the exact items it is about (DSA Art. 16(2)(b))");
  if (!n.good_faith)
    return std::string(
        "no good-faith statement: the notifier must confirm that the notice is accurate and complete to the best "
        "of their knowledge (DSA Art. 16(2)(d))");
  std::string unknown;
  for (const std::string& item : n.location) {
    Result<bool> has = store_->HasPost(item);
    if (!has.ok()) return has.status();
    if (!*has) unknown += (unknown.empty() ? "\"" : ", \"") + item + "\"";
  }
  if (!unknown.empty()) return "unknown items: " + unknown;
  return std::string();
}

Result<NoticeSubmitResult> NoticeDesk::Submit(Notice n, const std::string& actor, int64_t now) {
  if (n.notifier.contact.empty() || n.reference.empty())
    return Status::Invalid("notice: the notifier's contact and a reference are required");
  n.id = NoticeId(n.notifier.contact, n.reference);

  // Idempotent intake: a repeat returns what is on file (finishing an
  // intake that was cut short).
  Result<CaseRecord> stored = store_->GetCase(n.id);
  if (!stored.ok() && stored.status().code() != Status::Code::kNotFound) return stored.status();
  bool duplicate = stored.ok();
  if (!duplicate) {
    n.state = NoticeState::kReceived;
    n.outcome = NoticeOutcome::kNone;
    n.action = NoticeAction::kNone;
    n.reason.clear();
    n.outbox.clear();
    n.decided_at = n.notified_at = 0;
    n.regime.clear();
    n.deadline = 0;
    n.priority = n.notifier.kind == NotifierKind::kTrustedFlagger && trusted_ && trusted_(n.notifier.flagger_id);
    if (!n.jurisdiction.empty() && regimes_) {
      const RegimeAnswer regime = regimes_(n.jurisdiction, n.category, /*emergency=*/false);
      if (regime.category_covered) {
        n.regime = regime.regime_id;
        if (regime.deadline_hours)
          n.deadline = n.received + static_cast<int64_t>(std::llround(*regime.deadline_hours * 3600.0));
      }
    }
    nlohmann::ordered_json payload;
    payload["notifier"] = n.notifier.contact;
    payload["notifier_kind"] = std::string(NotifierKindName(n.notifier.kind));
    payload["reference"] = n.reference;
    payload["priority"] = n.priority ? "high" : "normal";
    payload["regime"] = n.regime;
    payload["deadline"] = TimeJson(n.deadline);
    bool inserted = false;
    CaseRecord existing;
    if (Status s = store_->InsertCase(ToRecord(n), actor, "notice.submit", Dump(payload), &inserted, &existing);
        !s.ok())
      return s;
    if (!inserted) {  // raced with another intake of the same notice
      duplicate = true;
      stored = existing;
    }
  }
  if (duplicate) {
    if (stored->kind != kKind) return Status::Conflict("notice " + n.id + ": that id belongs to a " + stored->kind);
    Result<Notice> e = NoticeFromJson(stored->body);
    if (!e.ok()) return e.status();
    n = std::move(e).value();
  }
  if (n.state == NoticeState::kReceived) {
    Result<Notice> done = FinishIntake(n, actor, now);
    if (!done.ok()) return done.status();
    n = std::move(done).value();
  }
  NoticeSubmitResult r;
  if (!n.outbox.empty()) r.receipt = n.outbox.front();
  r.notice = std::move(n);
  r.duplicate = duplicate;
  return r;
}

Result<Notice> NoticeDesk::FinishIntake(const Notice& n, const std::string& actor, int64_t now) {
  Result<std::string> reason = RejectionReason(n);
  if (!reason.ok()) return reason.status();
  NoticeEventArgs args;
  args.reason = *reason;
  return Apply(n.id, reason->empty() ? NoticeEvent::kConfirm : NoticeEvent::kReject, args, actor, now);
}

Result<Notice> NoticeDesk::Review(const std::string& id, const std::string& actor, int64_t now) {
  return Apply(id, NoticeEvent::kReview, {}, actor, now);
}

Result<Notice> NoticeDesk::Decide(const std::string& id, NoticeOutcome outcome, NoticeAction action,
                                  const std::string& reason, const std::string& actor, int64_t now) {
  NoticeEventArgs args;
  args.outcome = outcome;
  args.action = action;
  args.reason = reason;
  Result<Notice> decided = Apply(id, NoticeEvent::kDecide, args, actor, now);
  if (!decided.ok()) return decided;
  return Inform(id, actor, now);
}

Result<Notice> NoticeDesk::Inform(const std::string& id, const std::string& actor, int64_t now) {
  return Apply(id, NoticeEvent::kNotify, {}, actor, now);
}

Result<Notice> NoticeDesk::Apply(const std::string& id, NoticeEvent event, const NoticeEventArgs& args,
                                 const std::string& actor, int64_t now) {
  Result<Notice> current = Get(id);
  if (!current.ok()) return current.status();
  Notice n = std::move(current).value();
  const NoticeState from = n.state;
  std::optional<NoticeState> to = NextNoticeState(from, event);
  if (!to)
    return Status::Conflict("notice " + id + ": cannot " + std::string(NoticeEventName(event)) +
                            " a notice that is " + std::string(NoticeStateName(from)));
  nlohmann::ordered_json payload;
  payload["event"] = std::string(NoticeEventName(event));
  payload["from"] = std::string(NoticeStateName(from));
  payload["to"] = std::string(NoticeStateName(*to));
  switch (event) {
    case NoticeEvent::kReject:
      if (IsBlank(args.reason)) return Status::Invalid("notice " + id + ": reject needs a reason");
      n.reason = args.reason;
      n.deadline = 0;  // nothing left for the platform to do
      payload["reason"] = n.reason;
      break;
    case NoticeEvent::kDecide:
      if (args.outcome == NoticeOutcome::kNone)
        return Status::Invalid("notice " + id + ": decide needs an outcome (action_taken or no_action)");
      if (args.outcome == NoticeOutcome::kActionTaken && args.action == NoticeAction::kNone)
        return Status::Invalid("notice " + id + ": action_taken needs the action (withheld, removed or labelled)");
      if (args.outcome == NoticeOutcome::kNoAction && args.action != NoticeAction::kNone)
        return Status::Invalid("notice " + id + ": no_action takes no action (got " +
                               std::string(NoticeActionName(args.action)) + ")");
      if (args.action == NoticeAction::kWithheld && n.jurisdiction.empty())
        return Status::Invalid("notice " + id +
                               ": withheld needs a jurisdiction to withhold in, and this notice names none; "
                               "use removed or labelled");
      if (IsBlank(args.reason)) return Status::Invalid("notice " + id + ": decide needs a reason");
      n.outcome = args.outcome;
      n.action = args.action;
      n.reason = args.reason;
      n.decided_at = now;
      payload["outcome"] = std::string(NoticeOutcomeName(n.outcome));
      payload["action"] = std::string(NoticeActionName(n.action));
      payload["reason"] = n.reason;
      break;
    case NoticeEvent::kNotify:
      n.notified_at = now;
      break;
    default:
      break;
  }
  n.state = *to;
  const std::string text = MessageFor(event, n);
  std::string action = "notice." + std::string(NoticeEventName(event));
  if (!text.empty()) {
    NoticeMessage m{n.notifier.contact, now, text};
    payload["message"] = NoticeMessageToJson(m);
    n.outbox.push_back(std::move(m));
    action = "notice.inform";
  }
  if (Status s = store_->UpdateCase(ToRecord(n), std::string(NoticeStateName(from)), actor, action, Dump(payload));
      !s.ok())
    return s;
  return n;
}

Result<Notice> NoticeDesk::Get(const std::string& id) {
  Result<CaseRecord> c = store_->GetCase(id);
  if (!c.ok()) return c.status().code() == Status::Code::kNotFound ? Status::NotFound("no notice " + id) : c.status();
  if (c->kind != kKind) return Status::NotFound("no notice " + id + " (that id is a " + c->kind + ")");
  return NoticeFromJson(c->body);
}

Result<std::vector<Notice>> NoticeDesk::List(const NoticeListFilter& filter, int64_t now) {
  CaseFilter cf;
  cf.kind = kKind;
  if (filter.state) cf.state = std::string(NoticeStateName(*filter.state));
  Result<std::vector<CaseRecord>> records = store_->ListCases(cf);
  if (!records.ok()) return records.status();
  std::vector<Notice> out;
  for (const CaseRecord& c : *records) {
    if (filter.due_within && (c.deadline == 0 || c.deadline > now + *filter.due_within)) continue;
    Result<Notice> n = NoticeFromJson(c.body);
    if (!n.ok()) return n.status();
    if (filter.due_within && !NoticeIsOpen(n->state)) continue;
    if (filter.trusted_only && !n->priority) continue;
    out.push_back(std::move(n).value());
  }
  auto key = [](const Notice& n) {
    return std::make_tuple(!n.priority, n.deadline == 0, n.deadline, n.received, std::cref(n.id));
  };
  std::sort(out.begin(), out.end(), [&](const Notice& a, const Notice& b) { return key(a) < key(b); });
  return out;
}

}  // namespace evenhand
