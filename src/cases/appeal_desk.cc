#include "cases/appeal_desk.h"

#include <nlohmann/json.hpp>

#include "cases/appeal_json.h"
#include "cases/notice_json.h"
#include "cases/standing.h"
#include "model/person.h"
#include "model/time.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

std::string ReceiptText(const DecisionAppeal& a) {
  return "We received your appeal " + a.id + " of our decision to " + a.action + " item " + a.item + " (policy " +
         a.policy + "). A person who did not take part in the decision will review it and tell you the outcome "
         "and the reason.";
}

std::string OutcomeText(const DecisionAppeal& a) {
  const std::string head =
      a.state == AppealState::kReversed
          ? "Your appeal " + a.id + " succeeded: we reversed our decision to " + a.action + " item " + a.item +
                ", and it is restored wherever that decision restricted it."
          : "Your appeal " + a.id + " was not upheld: our decision to " + a.action + " item " + a.item + " stands.";
  return head + " Reason: " + a.reason +
         " If you disagree you may refer the decision to a certified out-of-court dispute settlement body "
         "(DSA Art. 21) or go to court.";
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseDecisionRef(std::string_view ref, std::string_view field) {
  const std::string f(field);
  const size_t last = ref.rfind('@');
  const size_t at = last == std::string_view::npos || last == 0 ? std::string_view::npos : ref.rfind('@', last - 1);
  if (at == std::string_view::npos || at == 0 || last + 1 == ref.size() || last == at + 1)
    return Status::Invalid(f + ": \"" + std::string(ref) + "\" is not ITEM@POLICY@VERSION (e.g. p0062@examples@1)");
  return std::make_pair(std::string(ref.substr(0, at)), std::string(ref.substr(at + 1)));
}

std::string AppealDesk::AppealId(const std::string& item, const std::string& policy) {
  return "apl-" + Sha256Hex(item + "@" + policy).substr(0, 16);
}

Result<AppealFileResult> AppealDesk::File(const std::string& item, const std::string& policy, const std::string& text,
                                          const std::string& contact, const std::string& actor, int64_t now) {
  if (IsBlank(text)) return Status::Invalid("text: the appeal is required");
  const std::string id = AppealId(item, policy);
  if (Result<CaseRecord> on_file = store_->GetCase(id); on_file.ok()) {
    auto a = AppealFromJson(on_file->body);
    if (!a.ok()) return a.status();
    return AppealFileResult{std::move(a).value(), true};
  } else if (on_file.status().code() != Status::Code::kNotFound) {
    return on_file.status();
  }
  // The decision about the item's current version, else the latest one.
  int64_t current = 0;
  if (Result<Post> p = store_->GetPost(item); p.ok()) current = p->version;
  std::optional<StoredDecision> found;
  Status walked = store_->ForEachDecisionOf(item, [&](const StoredDecision& sd) {
    if (sd.decision.policy != policy) return true;
    if (!found || found->decision.version != current) found = sd;
    return true;
  });
  if (!walked.ok()) return walked;
  if (!found) return Status::NotFound("no decision on item \"" + item + "\" under " + policy);
  const Decision& d = found->decision;
  if (d.action == Action::kAllow || d.action == Action::kReview)
    return Status::Conflict("decision " + item + "@" + policy + " is \"" + std::string(ActionName(d.action)) +
                            "\": it restricts nothing, so there is nothing to appeal");
  auto reviews = store_->ListDecisionReviews();
  if (!reviews.ok()) return reviews.status();
  DecisionAppeal a;
  for (const DecisionReview& r : *reviews) {
    if (r.item != item || r.policy != policy) continue;
    if (r.verdict == "overturn")
      return Status::Conflict("decision " + item + "@" + policy + " was already overturned on review");
    a.confirmed_by = r.actor;
  }
  a.id = id;
  a.item = item;
  a.policy = policy;
  a.version = d.version;
  a.action = std::string(ActionName(d.action));
  a.contact = !IsBlank(contact) ? std::string(TrimSpace(contact))
              : !found->post.account.empty() ? "account:" + found->post.account
              : !d.account.empty()           ? "account:" + d.account
                                             : "account:unknown";
  a.text = text;
  a.filed_by = actor;
  a.filed_at = now;
  a.outbox.push_back({a.contact, now, ReceiptText(a)});
  nlohmann::ordered_json payload;
  payload["item"] = a.item;
  payload["policy"] = a.policy;
  payload["version"] = a.version;
  payload["text"] = a.text;
  payload["message"] = NoticeMessageToJson(a.outbox.back());
  bool inserted = false;
  CaseRecord existing;
  if (Status s = store_->InsertCase(AppealToRecord(a), actor, "appeal.file", payload.dump(), &inserted, &existing);
      !s.ok())
    return s;
  if (!inserted) {
    auto on_file = AppealFromJson(existing.body);
    if (!on_file.ok()) return on_file.status();
    return AppealFileResult{std::move(on_file).value(), true};
  }
  return AppealFileResult{std::move(a), false};
}

Result<DecisionAppeal> AppealDesk::Decide(const std::string& id, AppealState outcome, const std::string& reason,
                                          const std::string& actor, int64_t now) {
  if (outcome == AppealState::kFiled) return Status::Invalid("outcome: \"upheld\" or \"reversed\"");
  if (IsBlank(reason)) return Status::Invalid("reason: required to decide an appeal (it is sent to the user)");
  auto loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  DecisionAppeal a = std::move(loaded).value();
  if (a.state != AppealState::kFiled)
    return Status::Conflict("appeal " + id + " was decided already (" + std::string(AppealStateName(a.state)) + ")");
  if (SamePerson(actor, a.confirmed_by))
    return Status::Conflict("appeal " + id + ": \"" + std::string(ActorPerson(actor)) +
                            "\" confirmed the decision on review and cannot also decide its appeal");
  a.state = outcome;
  a.reason = reason;
  a.decided_by = actor;
  a.decided_at = now;
  a.outbox.push_back({a.contact, now, OutcomeText(a)});
  nlohmann::ordered_json payload;
  payload["item"] = a.item;
  payload["policy"] = a.policy;
  payload["outcome"] = std::string(AppealStateName(a.state));
  payload["reason"] = a.reason;
  payload["message"] = NoticeMessageToJson(a.outbox.back());
  if (Status s = store_->UpdateCase(AppealToRecord(a), std::string(AppealStateName(AppealState::kFiled)), actor,
                                    "appeal.decide", payload.dump());
      !s.ok())
    return s;
  return a;
}

Result<DecisionAppeal> AppealDesk::Get(const std::string& id) {
  Result<CaseRecord> c = store_->GetCase(id);
  if (!c.ok()) return c.status().code() == Status::Code::kNotFound ? Status::NotFound("no appeal " + id) : c.status();
  if (c->kind != kAppealKind) return Status::NotFound("no appeal " + id + " (that id is a " + c->kind + ")");
  return AppealFromJson(c->body);
}

Result<std::vector<DecisionAppeal>> AppealDesk::List(std::optional<AppealState> state) {
  CaseFilter filter;
  filter.kind = kAppealKind;
  if (state) filter.state = std::string(AppealStateName(*state));
  auto records = store_->ListCases(filter);
  if (!records.ok()) return records.status();
  std::vector<DecisionAppeal> out;
  for (const CaseRecord& c : *records) {
    auto a = AppealFromJson(c.body);
    if (!a.ok()) return a.status();
    out.push_back(std::move(a).value());
  }
  return out;
}

}  // namespace evenhand
