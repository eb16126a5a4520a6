#include "cases/standing.h"

#include "cases/appeal_json.h"

namespace evenhand {

Result<DecisionReversals> DecisionReversals::Load(Store& store) {
  DecisionReversals out;
  auto reviews = store.ListDecisionReviews();
  if (!reviews.ok()) return reviews.status();
  for (const DecisionReview& r : *reviews)
    if (r.verdict == "overturn") out.Add(r.item, r.policy, Reversal{"review", r.actor, r.reason, r.at, ""});
  CaseFilter filter;
  filter.kind = kAppealKind;
  filter.state = std::string(AppealStateName(AppealState::kReversed));
  auto appeals = store.ListCases(filter);
  if (!appeals.ok()) return appeals.status();
  for (const CaseRecord& c : *appeals) {
    auto a = AppealFromJson(c.body);
    if (!a.ok()) return a.status();
    out.Add(a->item, a->policy, Reversal{"appeal", a->decided_by, a->reason, a->decided_at, a->id});
  }
  return out;
}

const Reversal* DecisionReversals::Find(const std::string& item, const std::string& policy) const {
  auto it = by_decision_.find({item, policy});
  return it == by_decision_.end() ? nullptr : &it->second;
}

void DecisionReversals::Add(const std::string& item, const std::string& policy, Reversal reversal) {
  auto [it, inserted] = by_decision_.try_emplace({item, policy}, reversal);
  if (!inserted && reversal.at < it->second.at) it->second = std::move(reversal);
}

bool DecisionHides(const Decision& d) {
  return d.action == Action::kRemove || d.action == Action::kSuspendAccount || d.action == Action::kWithhold;
}

std::string_view OrderStanding(const Order& o) {
  if (o.InForce()) return "in_force";
  if (o.reversed_at != 0) return "reversed";
  return "none";
}

}  // namespace evenhand
