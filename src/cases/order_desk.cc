#include "cases/order_desk.h"

#include <cmath>

#include "cases/authority_check.h"
#include "cases/case_history.h"
#include "cases/order_json.h"
#include "model/person.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

constexpr const char* kKind = "order";

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

CaseRecord ToRecord(const Order& o) {
  CaseRecord c;
  c.id = o.id;
  c.kind = kKind;
  c.issuer = o.authority;
  c.reference = o.reference;
  c.jurisdiction = o.jurisdiction;
  c.state = std::string(OrderStateName(o.state));
  c.received = o.received;
  c.deadline = o.deadline;
  c.body = Dump(OrderToJson(o));
  return c;
}

bool IsOpen(OrderState s) { return s == OrderState::kAccepted || s == OrderState::kInReview; }

}  // namespace

std::string OrderDesk::OrderId(const std::string& authority, const std::string& reference) {
  return "ord-" + Sha256Hex(authority + "\n" + reference).substr(0, 16);
}

Result<std::string> OrderDesk::RejectionReason(const Order& o, RegimeAnswer* regime) {
  if (IsBlank(o.legal_basis.instrument) || IsBlank(o.legal_basis.provision))
    return std::string("no legal basis: the order must name the instrument and the provision it relies on");
  Result<std::string> unregistered = AuthorityRegistrationProblem(*store_, o.authority, o.jurisdiction);
  if (!unregistered.ok() || !unregistered->empty()) return unregistered;
  *regime = regimes_ ? regimes_(o.jurisdiction, o.category, o.emergency) : RegimeAnswer{};
  if (!regime->regime_found) return "no regime is configured for jurisdiction " + o.jurisdiction;
  if (!regime->category_covered)
    return "category \"" + o.category + "\" is not covered by the regimes of " + o.jurisdiction + " (" +
           regime->regime_id + ")";
  std::string unknown;
  for (const OrderTarget& t : o.targets) {
    Result<bool> has = t.kind == "item" ? store_->HasPost(t.id) : store_->HasAccount(t.id);
    if (!has.ok()) return has.status();
    if (!*has) unknown += (unknown.empty() ? "" : ", ") + t.kind + " \"" + t.id + "\"";
  }
  if (!unknown.empty()) return "unknown targets: " + unknown;
  return std::string();
}

Result<SubmitResult> OrderDesk::Submit(Order o, const std::string& actor) {
  if (o.authority.empty() || o.reference.empty()) return Status::Invalid("order: authority and reference are required");
  o.id = OrderId(o.authority, o.reference);
  o.state = OrderState::kReceived;
  o.outcome = OrderOutcome::kNone;

  // Idempotent intake: a repeat returns what is on file.
  Result<CaseRecord> stored = store_->GetCase(o.id);
  if (stored.ok()) {
    Result<Order> existing = OrderFromJson(stored->body);
    if (!existing.ok()) return existing.status();
    return SubmitResult{std::move(existing).value(), true};
  }
  if (stored.status().code() != Status::Code::kNotFound) return stored.status();

  RegimeAnswer regime;
  Result<std::string> reason = RejectionReason(o, &regime);
  if (!reason.ok()) return reason.status();
  nlohmann::ordered_json payload;
  payload["authority"] = o.authority;
  payload["reference"] = o.reference;
  if (!reason->empty()) {
    o.state = OrderState::kRejected;
    o.reason = *reason;
    payload["state"] = "rejected";
    payload["reason"] = o.reason;
  } else {
    o.state = OrderState::kAccepted;
    o.regime = regime.regime_id;
    // The order is about the content as it is now: name the version.
    for (OrderTarget& t : o.targets) {
      if (t.kind != "item") continue;
      Result<Post> post = store_->GetPost(t.id);
      if (!post.ok()) return post.status();
      t.version = post->version;
    }
    if (regime.deadline_hours)
      o.regime_deadline = o.received + static_cast<int64_t>(std::llround(*regime.deadline_hours * 3600.0));
    // The stricter of the regime's and the authority's own deadline applies.
    o.deadline = o.regime_deadline;
    if (o.authority_deadline != 0 && (o.deadline == 0 || o.authority_deadline < o.deadline))
      o.deadline = o.authority_deadline;
    payload["state"] = "accepted";
    payload["regime"] = o.regime;
    payload["deadline"] = TimeJson(o.deadline);
    payload["regime_deadline"] = TimeJson(o.regime_deadline);
    payload["authority_deadline"] = TimeJson(o.authority_deadline);
  }
  bool inserted = false;
  CaseRecord existing;
  if (Status s = store_->InsertCase(ToRecord(o), actor, "order.submit", Dump(payload), &inserted, &existing); !s.ok())
    return s;
  if (!inserted) {  // raced with another intake of the same order
    Result<Order> e = OrderFromJson(existing.body);
    if (!e.ok()) return e.status();
    return SubmitResult{std::move(e).value(), true};
  }
  return SubmitResult{std::move(o), false};
}

Result<Order> OrderDesk::Apply(const std::string& id, OrderEvent event, const OrderEventArgs& args,
                               const std::string& actor, int64_t now) {
  Result<Order> current = Get(id);
  if (!current.ok()) return current.status();
  Order o = std::move(current).value();
  const OrderState from = o.state;
  std::optional<OrderState> to = NextOrderState(from, event);
  if (!to)
    return Status::Conflict("order " + id + ": cannot " + std::string(OrderEventName(event)) + " an order that is " +
                            std::string(OrderStateName(from)));
  nlohmann::ordered_json payload;
  payload["from"] = std::string(OrderStateName(from));
  payload["to"] = std::string(OrderStateName(*to));
  switch (event) {
    case OrderEvent::kReject:
      if (IsBlank(args.reason)) return Status::Invalid("order " + id + ": reject needs a reason");
      o.reason = args.reason;
      break;
    case OrderEvent::kAct:
      if (args.outcome == OrderOutcome::kNone)
        return Status::Invalid("order " + id + ": act needs an outcome (withheld, removed_globally, no_action)");
      if ((args.outcome == OrderOutcome::kNoAction || args.outcome == OrderOutcome::kRemovedGlobally) &&
          IsBlank(args.reason))
        return Status::Invalid("order " + id + ": " + std::string(OrderOutcomeName(args.outcome)) +
                               " needs a reason (for removed_globally: the global policy also broken)");
      o.outcome = args.outcome;
      o.reason = args.reason;
      o.actioned_at = now;
      payload["outcome"] = std::string(OrderOutcomeName(o.outcome));
      break;
    case OrderEvent::kReopen:
      if (IsBlank(args.appeal)) return Status::Invalid("order " + id + ": reopen needs the appeal or counter-notice");
      o.appeal = args.appeal;
      o.closed_at = 0;
      o.appealed_at = now;
      o.appeal_decided_at = 0;
      break;
    case OrderEvent::kClose:
      o.closed_at = now;
      break;
    case OrderEvent::kReverse:
      o.reversed_at = now;
      o.appeal_decided_at = now;
      if (!args.reason.empty()) o.reason = args.reason;
      break;
    case OrderEvent::kUphold:
      o.appeal_decided_at = now;
      if (!args.reason.empty()) o.reason = args.reason;
      break;
    default:
      if (!args.reason.empty()) o.reason = args.reason;
      break;
  }
  if (!args.reason.empty()) payload["reason"] = args.reason;
  if (!args.appeal.empty()) payload["appeal"] = args.appeal;
  o.state = *to;
  if (Status s = store_->UpdateCase(ToRecord(o), std::string(OrderStateName(from)), actor,
                                    "order." + std::string(OrderEventName(event)), Dump(payload));
      !s.ok())
    return s;
  return o;
}

Result<Order> OrderDesk::Get(const std::string& id) {
  Result<CaseRecord> c = store_->GetCase(id);
  if (!c.ok()) return c.status().code() == Status::Code::kNotFound ? Status::NotFound("no order " + id) : c.status();
  if (c->kind != kKind) return Status::NotFound("no order " + id + " (that id is a " + c->kind + ")");
  return OrderFromJson(c->body);
}

Result<std::vector<Order>> OrderDesk::List(std::optional<OrderState> state, std::optional<int64_t> due_within,
                                           int64_t now) {
  CaseFilter filter;
  filter.kind = kKind;
  if (state) filter.state = std::string(OrderStateName(*state));
  Result<std::vector<CaseRecord>> records = store_->ListCases(filter);
  if (!records.ok()) return records.status();
  std::vector<Order> out;
  for (const CaseRecord& c : *records) {
    if (due_within && (c.deadline == 0 || c.deadline > now + *due_within)) continue;
    Result<Order> o = OrderFromJson(c.body);
    if (!o.ok()) return o.status();
    if (due_within && !IsOpen(o->state)) continue;
    out.push_back(std::move(o).value());
  }
  return out;
}

}  // namespace evenhand
