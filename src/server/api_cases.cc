// Api: orders, appeals, data requests and authorities. The desks
// (cases/order_desk.h, cases/datareq_desk.h) do all validation and state
// changes; this file maps HTTP to them and enforces who sees what.
#include <algorithm>

#include "analytics/labels.h"
#include "cases/datareq_json.h"
#include "cases/order_json.h"
#include "cases/case_history.h"
#include "model/person.h"
#include "model/prom_label.h"
#include "model/time.h"
#include "server/api.h"
#include "server/field_visibility.h"

namespace evenhand::server {

namespace {


bool IsOpen(OrderState s) {
  return s == OrderState::kAccepted || s == OrderState::kInReview || s == OrderState::kReopened;
}

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

// Whether an appeal was filed and decided, and how: what an authority may
// know of an appeal (never its text).
nlohmann::ordered_json AppealStatus(const Order& o) {
  const bool filed = !o.appeal.empty();
  nlohmann::ordered_json outcome;
  if (o.state == OrderState::kUpheld) outcome = "upheld";
  else if (o.state == OrderState::kReversed) outcome = "reversed";
  else if (filed && o.state == OrderState::kClosed) outcome = o.reversed_at != 0 ? "reversed" : "upheld";
  return {{"filed", filed}, {"decided", !outcome.is_null()}, {"outcome", outcome}};
}

// The outcome for each target: what was done to it, "reinstated" once the
// action was reversed on appeal, null before the order was acted on.
nlohmann::ordered_json TargetOutcome(const Order& o) {
  if (o.reversed_at != 0 && o.outcome != OrderOutcome::kNoAction) return "reinstated";
  if (o.outcome == OrderOutcome::kNone) return nullptr;
  return std::string(OrderOutcomeName(o.outcome));
}

// An order as the caller's role may see it (server/field_visibility.h).
nlohmann::ordered_json OrderView(const Order& o, int64_t now, const analytics::Labels& labels) {
  nlohmann::ordered_json j = OrderToJson(o);
  // Words for people beside the ids (the reports' labels, analytics/labels.h).
  j["authority_label"] = labels.Authority(o.authority);
  j["category_label"] = labels.Category(o.category);
  if (o.deadline != 0) j["seconds_left"] = o.deadline - now;
  j["appeal_status"] = AppealStatus(o);
  for (auto& t : j["targets"]) t["outcome"] = TargetOutcome(o);
  return j;
}

nlohmann::ordered_json Seen(Role role, const char* view, nlohmann::ordered_json j) {
  Redact(view, role, &j);
  return j;
}

// A string member (absent = empty); false when present but not a string.
bool StringField(const nlohmann::json& body, const char* name, std::string* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

}  // namespace

analytics::Labels Api::OrderLabels(Store& store) const {
  analytics::Labels labels = regime_labels_;
  if (auto authorities = store.ListAuthorities(); authorities.ok())
    for (const AuthorityRecord& a : *authorities) labels.authorities[a.id] = a.name;
  return labels;  // without the store's names an authority reads as its id
}

bool Api::BindSubmission(const Ctx& c, nlohmann::json* body, ApiResponse* error) const {
  if (c.who->role != Role::kAuthority) return true;
  const std::string& own = c.who->key.authority;
  const std::string& where = c.who->authority.jurisdiction;
  if (where.empty()) {
    *error = Error(403, "wrong_authority", "this key's authority \"" + own + "\" is not registered");
    return false;
  }
  auto a = body->find("authority");
  if (a == body->end() || a->is_null()) {
    (*body)["authority"] = own;
  } else if (!a->is_string() || a->get<std::string>() != own) {
    *error = Error(403, "wrong_authority", "this key submits only for authority \"" + own + "\"");
    return false;
  }
  auto j = body->find("jurisdiction");
  if (j == body->end() || j->is_null()) {
    (*body)["jurisdiction"] = where;
  } else if (!j->is_string() || j->get<std::string>() != where) {
    *error = Error(403, "wrong_authority", "authority \"" + own + "\" submits only in its jurisdiction " + where);
    return false;
  }
  return true;
}

// ---- orders

ApiResponse Api::SubmitOrder(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  if (!BindSubmission(c, &body, &error)) return error;
  auto order = ParseOrderSubmission(Dump(body), c.now);
  if (!order.ok()) return Error(400, "invalid", order.status().message());
  Result<SubmitResult> result = Status::Internal("not run");
  Status s = Write([&](Store&) {
    result = write_orders_->Submit(std::move(order).value(), c.who->actor);
    return result.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j;
  {
    ReadLease rd(this);
    j = OrderView(result->order, c.now, OrderLabels(*rd->store));
  }
  j["duplicate"] = result->duplicate;
  AttachCheckpoint(&j, result->order.id);
  return Json(result->duplicate ? 200 : 201, Seen(c.who->role, "order", std::move(j)));
}

ApiResponse Api::ListOrders(Ctx& c) {
  std::optional<OrderState> state;
  if (std::string st = c.Query("state"); !st.empty()) {
    state = ParseOrderState(st);
    if (!state) return Error(400, "bad_query", "state: unknown order state \"" + st + "\"");
  }
  std::optional<int64_t> due;
  if (std::string d = c.Query("due_within"); !d.empty()) {
    due = ParseDuration(d);
    if (!due) return Error(400, "bad_query", "due_within: \"" + d + "\" is not a duration such as 6h");
  }
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<Order>> orders = Status::Internal("not run");
  analytics::Labels labels;
  {
    ReadLease rd(this);
    orders = rd->orders->List(state, due, c.now);
    labels = OrderLabels(*rd->store);
  }
  if (!orders.ok()) return FromStatus(orders.status());
  // Most urgent first: open orders with a deadline by deadline, then the
  // rest; then by received time and id.
  std::vector<std::pair<std::string, const Order*>> visible;
  for (const Order& o : *orders) {
    if (!CanSee(*c.who, o.authority)) continue;
    const bool urgent = IsOpen(o.state) && o.deadline != 0;
    visible.emplace_back((urgent ? "0" + KeyOf(o.deadline) : "1" + KeyOf(0)) + KeyOf(o.received) + o.id, &o);
  }
  std::string next;
  nlohmann::ordered_json j;
  j["orders"] = nlohmann::ordered_json::array();
  for (const Order* o : TakePage(std::move(visible), page, &next))
    j["orders"].push_back(Seen(c.who->role, "order", OrderView(*o, c.now, labels)));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  j["now"] = FormatTimestamp(c.now);
  return Json(200, j);
}

ApiResponse Api::ShowOrder(Ctx& c) {
  ReadLease rd(this);
  auto o = rd->orders->Get(c.arg);
  if (!o.ok() || !CanSee(*c.who, o->authority)) {
    if (!o.ok() && o.status().code() != Status::Code::kNotFound) return FromStatus(o.status());
    return Error(404, "not_found", "no order \"" + c.arg + "\"");
  }
  nlohmann::ordered_json j = OrderView(*o, c.now, OrderLabels(*rd->store));
  auto history = CaseHistoryJson(*rd->store, c.arg);
  if (!history.ok()) return FromStatus(history.status());
  j["history"] = std::move(history).value();
  // The order's last audit entry, so that its viewer can ask for the proof
  // (GET /v1/audit/proof); no checkpoint is issued for a read.
  int64_t last = 0;
  if (rd->store->ForEachAuditOf(c.arg, [&](const AuditEntry& e) { last = e.seq; }).ok() && last > 0)
    j["audit"] = {{"entry", last}};
  return Json(200, Seen(c.who->role, "order", std::move(j)));
}

ApiResponse Api::ApplyOrderEvent(Ctx& c, evenhand::OrderEvent event, const OrderEventArgs& args) {
  Result<Order> order = Status::Internal("not run");
  Status s = Write([&](Store&) {
    order = write_orders_->Apply(c.arg, event, args, c.who->actor, c.now);
    return order.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j;
  {
    ReadLease rd(this);
    j = OrderView(*order, c.now, OrderLabels(*rd->store));
  }
  AttachCheckpoint(&j, order->id);
  return Json(200, Seen(c.who->role, "order", std::move(j)));
}

ApiResponse Api::OrderEvent(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string event_name, outcome_name;
  OrderEventArgs args;
  if (!StringField(body, "event", &event_name)) return Error(400, "invalid", "event: expected a string");
  if (!StringField(body, "outcome", &outcome_name)) return Error(400, "invalid", "outcome: expected a string");
  if (!StringField(body, "reason", &args.reason)) return Error(400, "invalid", "reason: expected a string");
  auto event = ParseOrderEvent(event_name);
  if (!event || (*event != OrderEvent::kReview && *event != OrderEvent::kAct && *event != OrderEvent::kReject &&
                 *event != OrderEvent::kClose))
    return Error(400, "invalid", "event: one of review, act, reject, close (appeals have their own routes)");
  if (!outcome_name.empty()) {
    auto outcome = ParseOrderOutcome(outcome_name);
    if (!outcome || *outcome == OrderOutcome::kNone)
      return Error(400, "invalid", "outcome: withheld, removed_globally or no_action");
    args.outcome = *outcome;
  }
  return ApplyOrderEvent(c, *event, args);
}

ApiResponse Api::FileAppeal(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  OrderEventArgs args;
  if (!StringField(body, "text", &args.appeal) || IsBlank(args.appeal))
    return Error(400, "invalid", "text: the appeal or counter-notice is required");
  return ApplyOrderEvent(c, OrderEvent::kReopen, args);
}

ApiResponse Api::DecideAppeal(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string outcome;
  OrderEventArgs args;
  if (!StringField(body, "outcome", &outcome) || (outcome != "upheld" && outcome != "reversed"))
    return Error(400, "invalid", "outcome: \"upheld\" or \"reversed\"");
  if (!StringField(body, "reason", &args.reason)) return Error(400, "invalid", "reason: expected a string");
  return ApplyOrderEvent(c, outcome == "upheld" ? OrderEvent::kUphold : OrderEvent::kReverse, args);
}

// ---- data requests

ApiResponse Api::SubmitDataRequest(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  if (!BindSubmission(c, &body, &error)) return error;
  auto request = ParseDataRequestSubmission(Dump(body), c.now);
  if (!request.ok()) return Error(400, "invalid", request.status().message());
  Result<DataRequestSubmitResult> result = Status::Internal("not run");
  Status s = Write([&](Store&) {
    result = write_requests_->Submit(std::move(request).value(), c.who->actor);
    return result.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = DataRequestToJson(result->request, false);
  j["duplicate"] = result->duplicate;
  AttachCheckpoint(&j, result->request.id);
  return Json(result->duplicate ? 200 : 201, Seen(c.who->role, "datarequest", std::move(j)));
}

ApiResponse Api::ListDataRequests(Ctx& c) {
  std::optional<DataRequestState> state;
  if (std::string st = c.Query("state"); !st.empty()) {
    state = ParseDataRequestState(st);
    if (!state) return Error(400, "bad_query", "state: unknown data-request state \"" + st + "\"");
  }
  const std::string flagged = c.Query("flagged");
  if (!flagged.empty() && flagged != "0" && flagged != "1") return Error(400, "bad_query", "flagged: 0 or 1");
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<DataRequest>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    all = rd->requests->List(state, flagged == "1", c.now);
  }
  if (!all.ok()) return FromStatus(all.status());
  // By received time, then id.
  std::vector<std::pair<std::string, const DataRequest*>> visible;
  for (const DataRequest& r : *all)
    if (CanSee(*c.who, r.authority)) visible.emplace_back(KeyOf(r.received) + r.id, &r);
  std::string next;
  nlohmann::ordered_json j;
  j["requests"] = nlohmann::ordered_json::array();
  for (const DataRequest* r : TakePage(std::move(visible), page, &next))
    j["requests"].push_back(Seen(c.who->role, "datarequest", DataRequestToJson(*r, false)));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::ShowDataRequest(Ctx& c) {
  Result<DataRequest> r = Status::Internal("not run");
  {
    ReadLease rd(this);
    r = rd->requests->Get(c.arg);
  }
  if (!r.ok() || !CanSee(*c.who, r->authority)) {
    if (!r.ok() && r.status().code() != Status::Code::kNotFound) return FromStatus(r.status());
    return Error(404, "not_found", "no data request \"" + c.arg + "\"");
  }
  const bool package = !r->package.empty() &&
                       (c.who->role == Role::kModerator || c.who->role == Role::kAdmin ||
                        (c.who->role == Role::kAuthority && r->state == DataRequestState::kDisclosed));
  if (package) {
    // Reading user data is itself audited: who saw which package, when.
    Status s = Write([&](Store& store) {
      return store.AppendAudit(c.who->actor, "datareq.view", r->id, "");
    });
    if (!s.ok()) return FromStatus(s);
  }
  ApiResponse response = Json(200, Seen(c.who->role, "datarequest", DataRequestToJson(*r, package)));
  response.audited = package;
  return response;
}

ApiResponse Api::DataRequestEvent(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string event, reason;
  if (!StringField(body, "event", &event)) return Error(400, "invalid", "event: expected a string");
  if (!StringField(body, "reason", &reason)) return Error(400, "invalid", "reason: expected a string");
  LegalProcess process;
  if (event == "follow_up") {
    auto lp = body.find("legal_process");
    std::string kind, reference;
    if (lp == body.end() || !lp->is_object() || !StringField(*lp, "kind", &kind) ||
        !StringField(*lp, "reference", &reference))
      return Error(400, "invalid", "legal_process: {\"kind\": ..., \"reference\": ...} is required for follow_up");
    auto k = ParseLegalProcessKind(kind);
    if (!k || !IsLegalProcess(*k))
      return Error(400, "invalid", "legal_process.kind: court_order, warrant, subpoena or statutory_notice");
    process.kind = *k;
    process.reference = reference;
  }
  std::function<Result<DataRequest>()> op;
  const std::string& id = c.arg;
  const std::string& actor = c.who->actor;
  const int64_t now = c.now;
  DataRequestDesk* desk = write_requests_.get();
  if (event == "prepare") op = [&] { return desk->Prepare(id, actor, now); };
  else if (event == "approve") op = [&] { return desk->Approve(id, actor, now); };
  else if (event == "disclose") op = [&] { return desk->Disclose(id, actor, now); };
  else if (event == "refuse") op = [&] { return desk->Refuse(id, reason, actor, now); };
  else if (event == "follow_up") op = [&] { return desk->RecordFollowUp(id, process, actor, now); };
  else if (event == "notify") op = [&] { return desk->MarkNotified(id, actor, now); };
  else if (event == "legal_review") op = [&] { return desk->RecordLegalReview(id, reason, actor, now); };
  else return Error(400, "invalid", "event: one of prepare, approve, disclose, refuse, follow_up, notify, legal_review");
  Result<DataRequest> r = Status::Internal("not run");
  Status s = Write([&](Store&) {
    r = op();
    return r.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = DataRequestToJson(*r, true);
  AttachCheckpoint(&j, r->id);
  return Json(200, Seen(c.who->role, "datarequest", std::move(j)));
}

// ---- authorities

ApiResponse Api::ListAuthorities(Ctx& c) {
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<AuthorityRecord>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    all = rd->store->ListAuthorities();
  }
  if (!all.ok()) return FromStatus(all.status());
  // By id.
  std::vector<std::pair<std::string, const AuthorityRecord*>> visible;
  for (const AuthorityRecord& a : *all)
    if (CanSee(*c.who, a.id)) visible.emplace_back(a.id, &a);
  std::string next;
  nlohmann::ordered_json j;
  j["authorities"] = nlohmann::ordered_json::array();
  for (const AuthorityRecord* a : TakePage(std::move(visible), page, &next))
    j["authorities"].push_back(Seen(c.who->role, "authority",
                                    {{"id", a->id},
                                     {"name", a->name},
                                     {"jurisdiction", a->jurisdiction},
                                     {"kind", a->kind},
                                     {"added", FormatTimestamp(a->added)}}));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::PutAuthority(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  AuthorityRecord a;
  for (auto [name, out] : {std::pair<const char*, std::string*>{"id", &a.id},
                           {"name", &a.name},
                           {"jurisdiction", &a.jurisdiction},
                           {"kind", &a.kind}}) {
    if (!StringField(body, name, out) || out->empty())
      return Error(400, "invalid", std::string(name) + ": a non-empty string is required");
    for (char ch : *out)
      if (static_cast<unsigned char>(ch) < 0x20)
        return Error(400, "invalid", std::string(name) + ": control characters are not allowed");
  }
  static const char* const kKinds[] = {"court", "regulator", "government", "law_enforcement", "other"};
  if (std::none_of(std::begin(kKinds), std::end(kKinds), [&](const char* k) { return a.kind == k; }))
    return Error(400, "invalid", "kind: court, regulator, government, law_enforcement or other");
  a.added = c.now;
  // Re-registering an id for another jurisdiction is 409 unless the admin
  // replaces it explicitly, with a reason ({"replace":true,"reason":"..."}).
  bool replace = false;
  if (auto it = body.find("replace"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return Error(400, "invalid", "replace: true or false");
    replace = it->get<bool>();
  }
  std::string reason;
  if (!StringField(body, "reason", &reason)) return Error(400, "invalid", "reason: a string");
  if (replace && IsBlank(reason)) return Error(400, "invalid", "reason: replacing an authority needs a reason");
  Status s = Write([&](Store& store) {
    return replace ? store.ReplaceAuthority(a, reason, c.who->actor) : store.PutAuthority(a, c.who->actor);
  });
  if (!s.ok()) return FromStatus(s);
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    keys_.clear();  // authority keys pick up the new record
  }
  return Json(201, {{"id", a.id}, {"name", a.name}, {"jurisdiction", a.jurisdiction}, {"kind", a.kind},
                    {"added", FormatTimestamp(a.added)}});
}

// ---- /metrics gauges over the orders

std::string Api::OrderGauges(int64_t now) {
  std::map<std::string, std::array<int64_t, 3>> by_regime;  // open, due within 6 h, overdue
  {
    ReadLease rd(this);
    auto orders = rd->orders->List(std::nullopt, std::nullopt, now);
    if (!orders.ok()) return "# orders unavailable: " + orders.status().message() + "\n";
    for (const Order& o : *orders) {
      if (!IsOpen(o.state)) continue;
      auto& g = by_regime[o.regime.empty() ? "none" : o.regime];
      ++g[0];
      if (o.deadline != 0 && o.deadline <= now) ++g[2];
      else if (o.deadline != 0 && o.deadline <= now + 6 * 3600) ++g[1];
    }
  }
  static const char* const kNames[3][2] = {
      {"evenhand_orders_open", "Open orders (accepted, in review, reopened) by regime."},
      {"evenhand_orders_due_within_6h", "Open orders due within 6 hours (not yet overdue) by regime."},
      {"evenhand_orders_overdue", "Open orders past their deadline by regime."}};
  std::string out;
  for (int k = 0; k < 3; ++k) {
    out += std::string("# HELP ") + kNames[k][0] + " " + kNames[k][1] + "\n";
    out += std::string("# TYPE ") + kNames[k][0] + " gauge\n";
    for (const auto& [regime, g] : by_regime)
      out += std::string(kNames[k][0]) + "{regime=\"" + PromLabel(regime) + "\"} " + std::to_string(g[k]) + "\n";
  }
  return out;
}

}  // namespace evenhand::server
