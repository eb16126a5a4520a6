#include "cases/visibility.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "cases/notice_json.h"
#include "cases/notice_statements.h"
#include "cases/order_json.h"
#include "cases/standing.h"
#include "model/time.h"

namespace evenhand {

namespace {

constexpr std::array<std::string_view, 27> kEuMembers = {
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"};

}  // namespace

bool JurisdictionCovers(const std::string& jurisdiction, const std::string& country) {
  if (jurisdiction == country) return true;
  if (jurisdiction == "EU") return std::find(kEuMembers.begin(), kEuMembers.end(), country) != kEuMembers.end();
  return false;
}

Result<VisibilityAnswer> VisibleFrom(Store& store, const std::string& item, const std::string& country) {
  VisibilityAnswer answer;
  std::string account;
  Result<Post> post = store.GetPost(item);
  if (post.ok()) {
    answer.item_known = true;
    account = post->account;
  } else if (post.status().code() != Status::Code::kNotFound) {
    return post.status();
  }

  auto restrict = [&](bool applies, std::string why) {
    (applies ? answer.because : answer.elsewhere).push_back(std::move(why));
    if (applies) answer.visible = false;
  };

  Result<DecisionReversals> reversals = DecisionReversals::Load(store);
  if (!reversals.ok()) return reversals.status();
  auto reversal_text = [](const Reversal& r) {
    return std::string(r.how == "appeal" ? "reversed on appeal " + r.appeal : "overturned on review") + " by " +
           r.by + " at " + FormatTimestamp(r.at) + (r.reason.empty() ? "" : ": " + r.reason);
  };
  Status walked = store.ForEachDecisionOf(item, [&](const StoredDecision& sd) {
    const Decision& d = sd.decision;
    answer.item_known = true;
    const std::string who = "decision " + d.policy + (d.rule.empty() ? "" : " rule " + d.rule);
    if (const Reversal* r = reversals->Find(d); r != nullptr) {
      if (DecisionHides(d))
        answer.reversed.push_back(std::string(ActionName(d.action)) + " by " + who + " " + reversal_text(*r));
      return true;
    }
    switch (d.action) {
      case Action::kRemove:
        restrict(true, "removed everywhere by " + who);
        break;
      case Action::kSuspendAccount:
        restrict(true, "account suspended by " + who);
        break;
      case Action::kWithhold:
        if (d.scope.empty()) {
          restrict(true, "withheld everywhere by " + who);
        } else {
          for (const std::string& j : d.scope)
            restrict(JurisdictionCovers(j, country), "withheld in " + j + " by " + who);
        }
        break;
      default:
        break;
    }
    return true;
  });
  if (!walked.ok()) return walked;

  CaseFilter filter;
  filter.kind = "order";
  Result<std::vector<CaseRecord>> orders = store.ListCases(filter);
  if (!orders.ok()) return orders.status();
  for (const CaseRecord& c : *orders) {
    Result<Order> o = OrderFromJson(c.body);
    if (!o.ok()) return o.status();
    bool targets = false;
    for (const OrderTarget& t : o->targets)
      targets = targets || (t.kind == "item" && t.id == item) || (t.kind == "account" && !account.empty() && t.id == account);
    if (!targets) continue;
    answer.item_known = true;
    const std::string who = "order " + o->id + " (" + o->authority + ", " + o->legal_basis.instrument + " " +
                            o->legal_basis.provision + ")";
    if (OrderStanding(*o) == "reversed") {
      answer.reversed.push_back(std::string(OrderOutcomeName(o->outcome)) + " by " + who + " reversed on appeal at " +
                                FormatTimestamp(o->reversed_at));
      continue;
    }
    if (!o->InForce()) continue;
    if (o->outcome == OrderOutcome::kRemovedGlobally)
      restrict(true, "removed everywhere by " + who + ": " + o->reason);
    else
      restrict(JurisdictionCovers(o->jurisdiction, country), "withheld in " + o->jurisdiction + " by " + who);
  }

  filter.kind = "notice";
  Result<std::vector<CaseRecord>> notices = store.ListCases(filter);
  if (!notices.ok()) return notices.status();
  for (const CaseRecord& c : *notices) {
    Result<Notice> n = NoticeFromJson(c.body);
    if (!n.ok()) return n.status();
    bool names = false;
    for (const std::string& l : n->location) names = names || l == item;
    if (!names) continue;
    answer.item_known = true;
    if (!NoticeRestricts(*n)) continue;
    const std::string who = "notice " + n->id + (n->priority ? " (trusted flagger)" : "");
    if (n->action == NoticeAction::kRemoved)
      restrict(true, "removed everywhere on " + who + ": " + n->reason);
    else
      restrict(JurisdictionCovers(n->jurisdiction, country), "withheld in " + n->jurisdiction + " on " + who);
  }
  return answer;
}

}  // namespace evenhand
