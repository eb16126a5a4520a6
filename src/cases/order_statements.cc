#include "cases/order_statements.h"

#include "cases/order_json.h"
#include "cases/standing.h"
#include "model/category.h"

namespace evenhand {

namespace {

// The DSA short form for an order's category under its regime, or "".
std::string DsaCategoryOf(const Order& o, const std::vector<Regime>& regimes) {
  if (auto canonical = CanonicalCategory(o.category)) return std::string(*canonical);
  for (const Regime& r : regimes) {
    if (r.id != o.regime) continue;
    if (const RegimeCategory* c = r.FindCategory(o.category); c && !c->dsa_categories.empty())
      if (auto canonical = CanonicalCategory(c->dsa_categories.front())) return std::string(*canonical);
  }
  return "";
}

}  // namespace

Status ForEachOrderStatement(Store& store, const std::vector<Regime>& regimes, const StatementOptions& options,
                             const std::function<void(const Statement&)>& fn, int64_t* reversed_left_out) {
  CaseFilter filter;
  filter.kind = "order";
  Result<std::vector<CaseRecord>> records = store.ListCases(filter);
  if (!records.ok()) return records.status();
  for (const CaseRecord& rec : *records) {
    Result<Order> o = OrderFromJson(rec.body);
    if (!o.ok()) return o.status();
    const bool reversed = OrderStanding(*o) == "reversed";
    if (!o->InForce() && !reversed) continue;
    OrderFacts facts;
    facts.id = o->id;
    facts.authority = o->authority;
    facts.jurisdiction = o->jurisdiction;
    facts.instrument = o->legal_basis.instrument;
    facts.provision = o->legal_basis.provision;
    facts.received = o->received;
    // For a global removal the reason names the global policy also broken.
    if (o->outcome == OrderOutcome::kRemovedGlobally) facts.explanation = o->reason;
    Decision action;
    action.action = o->outcome == OrderOutcome::kRemovedGlobally ? Action::kRemove : Action::kWithhold;
    if (action.action == Action::kWithhold) action.scope = {o->jurisdiction};
    action.category = DsaCategoryOf(*o, regimes);
    std::vector<Post> posts;
    for (const OrderTarget& t : o->targets) {
      if (t.kind == "item") {
        Result<Post> p = store.GetPost(t.id);
        if (p.ok()) posts.push_back(std::move(p).value());
        else if (p.status().code() != Status::Code::kNotFound) return p.status();
      } else {
        Result<std::vector<Post>> by = store.PostsByAccount(t.id);
        if (!by.ok()) return by.status();
        for (Post& p : *by) posts.push_back(std::move(p));
      }
    }
    for (const Post& p : posts) {
      action.item = p.id;
      action.account = p.account;
      std::optional<Statement> st = BuildOrderStatement(facts, action, p, o->actioned_at, options);
      if (!st) continue;
      if (!reversed) fn(*st);
      else if (reversed_left_out != nullptr) ++*reversed_left_out;
    }
  }
  return Status::Ok();
}

}  // namespace evenhand
