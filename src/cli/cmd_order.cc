// `evenhand order submit|list|show|act|close`, `evenhand appeal file|decide`
// (appeals and counter-notices against actioned orders) and `evenhand
// authority add|list`: legal orders from authorities, JSON in and out.
#include <cstdio>
#include <memory>
#include <sstream>

#include "cases/order_desk.h"
#include "cases/order_json.h"
#include "cases/regime_lookup.h"
#include "cases/case_history.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "cli/decision_cli.h"
#include "model/person.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

using Common = CaseFlags;

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb, message.c_str());
  return 1;
}

bool ResolveNow(const Common& c, const char* verb, int64_t* now) {
  Result<int64_t> t = cli::ResolveNow(c);
  if (!t.ok()) {
    Fail(verb, t.status().message());
    return false;
  }
  *now = *t;
  return true;
}

// Opens the store and the desk (with the regimes) for a verb.
struct Desk {
  std::unique_ptr<Store> store;
  std::unique_ptr<OrderDesk> desk;
  std::string actor;  // --actor resolved (ResolveActor)
};

Result<Desk> OpenDesk(const Common& c, OpenMode mode) {
  auto regimes = LoadRegimes(c);
  if (!regimes.ok()) return regimes.status();
  auto store = OpenCaseStore(c, mode);
  if (!store.ok()) return store.status();
  Desk d;
  d.store = std::move(store).value();
  auto actor = ResolveActor(*d.store, c.actor);
  if (!actor.ok()) return actor.status();
  d.actor = std::move(actor).value();
  d.desk = std::make_unique<OrderDesk>(d.store.get(), MakeRegimeLookup(std::move(regimes).value()));
  return d;
}

int Submit(const Common& c, const std::string& path) {
  int64_t now = 0;
  if (!ResolveNow(c, "order submit", &now)) return 1;
  // Parse everything first: a malformed line stores nothing at all.
  std::vector<Order> orders;
  Result<int64_t> parsed = ParseEachLine(path, [&](std::string_view line) {
    auto order = ParseOrderSubmission(line, now);
    if (!order.ok()) return order.status();
    orders.push_back(std::move(order).value());
    return Status::Ok();
  });
  if (!parsed.ok()) return Fail("order submit", parsed.status().message());
  if (orders.empty()) return Fail("order submit", path + ": no orders");
  auto desk = OpenDesk(c, OpenMode::kCreate);
  if (!desk.ok()) return Fail("order submit", desk.status().message());
  for (Order& o : orders) {
    auto r = desk->desk->Submit(std::move(o), desk->actor);
    if (!r.ok()) return Fail("order submit", r.status().message());
    nlohmann::ordered_json j = OrderToJson(r->order);
    j["duplicate"] = r->duplicate;
    PrintJsonLine(j);  // printed only once durable
  }
  return 0;
}

int List(const Common& c, const std::string& state, const std::string& due_within) {
  int64_t now = 0;
  if (!ResolveNow(c, "order list", &now)) return 1;
  std::optional<OrderState> s;
  if (!state.empty()) {
    s = ParseOrderState(state);
    if (!s) return Fail("order list", "--state: unknown state \"" + state + "\"");
  }
  std::optional<int64_t> due;
  if (!due_within.empty()) {
    due = ParseDuration(due_within);
    if (!due) return Fail("order list", "--due-within: \"" + due_within + "\" is not a duration such as 6h");
  }
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("order list", desk.status().message());
  auto orders = desk->desk->List(s, due, now);
  if (!orders.ok()) return Fail("order list", orders.status().message());
  for (const Order& o : *orders) {
    nlohmann::ordered_json j = OrderToJson(o);
    if (o.deadline != 0) j["seconds_left"] = o.deadline - now;
    PrintJsonLine(j);
  }
  return 0;
}

int Show(const Common& c, const std::string& id) {
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail("order show", desk.status().message());
  auto o = desk->desk->Get(id);
  if (!o.ok()) return Fail("order show", o.status().message());
  nlohmann::ordered_json j = OrderToJson(*o);
  auto history = CaseHistoryJson(*desk->store, id);
  if (!history.ok()) return Fail("order show", history.status().message());
  j["history"] = std::move(history).value();
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

int Act(const Common& c, const char* verb, const std::string& id, const std::string& event_name,
        const std::string& outcome_name, const std::string& reason, const std::string& appeal) {
  int64_t now = 0;
  if (!ResolveNow(c, verb, &now)) return 1;
  auto event = ParseOrderEvent(event_name);
  if (!event) return Fail(verb, "--event: unknown event \"" + event_name + "\"");
  OrderEventArgs args;
  if (!outcome_name.empty()) {
    auto outcome = ParseOrderOutcome(outcome_name);
    if (!outcome || *outcome == OrderOutcome::kNone)
      return Fail(verb, "--outcome: \"" + outcome_name + "\" is not withheld, removed_globally or no_action");
    args.outcome = *outcome;
  }
  args.reason = reason;
  args.appeal = appeal;
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  auto o = desk->desk->Apply(id, *event, args, desk->actor, now);
  if (!o.ok()) return Fail(verb, o.status().message());
  PrintJsonLine(OrderToJson(*o));
  return 0;
}

void AddCommon(CLI::App* cmd, Common* c, bool actor) {
  AddCaseFlags(cmd, c, actor, "Directory of regime files (deadlines per jurisdiction and category)");
}

}  // namespace

void AddOrderCommand(CLI::App& app, int* exit_code) {
  auto* order = app.add_subcommand("order", "Legal orders from authorities: intake, deadlines, lifecycle");
  order->require_subcommand(1);
  auto c = std::make_shared<Common>();

  auto path = std::make_shared<std::string>();
  auto* submit = order->add_subcommand(
      "submit",
      "Take in orders (JSON Lines: authority, jurisdiction, legal_basis {instrument, provision}, category, "
      "emergency, targets [{item|account: ID}], reference, received). Each is stored accepted (with the regime's "
      "deadline) or rejected (with the reason) before it is printed; a repeat of (authority, reference) returns "
      "the order on file");
  AddCommon(submit, c.get(), true);
  submit->add_option("FILE", *path, "Orders, one JSON object a line; - for stdin")->required();
  submit->callback([c, path, exit_code] { *exit_code = Submit(*c, *path); });

  struct ListArgs {
    std::string state, due_within;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = order->add_subcommand("list", "List orders as JSON Lines, oldest first");
  AddCommon(list, c.get(), false);
  list->add_option("--state", la->state, "Only orders in this state (received, accepted, in_review, ...)");
  list->add_option("--due-within", la->due_within,
                   "Only open orders due within this time (6h, 90m, 2d; 0 = already overdue)");
  list->callback([c, la, exit_code] { *exit_code = List(*c, la->state, la->due_within); });

  auto id = std::make_shared<std::string>();
  auto* show = order->add_subcommand("show", "Show one order with its audit history");
  AddCommon(show, c.get(), false);
  show->add_option("ID", *id, "Order id (ord-...)")->required();
  show->callback([c, id, exit_code] { *exit_code = Show(*c, *id); });

  struct ActArgs {
    std::string event, outcome, reason, appeal;
  };
  auto aa = std::make_shared<ActArgs>();
  auto* act = order->add_subcommand(
      "act",
      "Move an order on: --event review | act --outcome withheld|removed_globally|no_action | reject | reopen "
      "--appeal TEXT | uphold | reverse");
  AddCommon(act, c.get(), true);
  act->add_option("ID", *id, "Order id")->required();
  act->add_option("--event", aa->event, "review, act, reject, reopen, uphold, reverse")->required();
  act->add_option("--outcome", aa->outcome, "For act: withheld (in the jurisdiction), removed_globally, no_action");
  act->add_option("--reason", aa->reason,
                  "Why (required to reject, for no_action, and for removed_globally: the global policy broken)");
  act->add_option("--appeal", aa->appeal, "For reopen: the appeal or counter-notice");
  act->callback([c, id, aa, exit_code] {
    *exit_code = Act(*c, "order act", *id, aa->event, aa->outcome, aa->reason, aa->appeal);
  });

  auto* close = order->add_subcommand("close", "Close an actioned, upheld or reversed order");
  AddCommon(close, c.get(), true);
  close->add_option("ID", *id, "Order id")->required();
  close->callback([c, id, exit_code] { *exit_code = Act(*c, "order close", *id, "close", "", "", ""); });
}

void AddAppealCommand(CLI::App& app, int* exit_code) {
  auto* appeal = app.add_subcommand(
      "appeal",
      "Appeals: of an actioned order (appeals and counter-notices: reopen the order) and of an own-initiative "
      "decision (DSA Art. 20: --decision ITEM@POLICY); file one, decide it, list and show decision appeals");
  appeal->require_subcommand(1);
  auto c = std::make_shared<Common>();
  struct Args {
    std::string order, decision, appeal, text, contact, outcome, reason, state, id;
  };
  auto a = std::make_shared<Args>();
  auto* file = appeal->add_subcommand(
      "file",
      "File an appeal: --order ID (the order goes back to reopened) or --decision ITEM@POLICY (the user's appeal "
      "of an own-initiative decision; the user gets a receipt in the appeal's outbox)");
  AddCommon(file, c.get(), true);
  auto* by_order = file->add_option("--order", a->order, "Order id");
  auto* by_decision =
      file->add_option("--decision", a->decision, "The decision appealed: ITEM@POLICY@VERSION (e.g. p0062@examples@1)");
  by_order->excludes(by_decision);
  file->add_option("--text", a->text, "The appeal or counter-notice, as received")->required();
  file->add_option("--contact", a->contact, "With --decision: where the user is answered (default: account:ID)");
  file->callback([c, a, exit_code] {
    if (a->order.empty() == a->decision.empty()) {
      *exit_code = Fail("appeal file", "give --order ID or --decision ITEM@POLICY");
      return;
    }
    *exit_code = !a->decision.empty() ? FileDecisionAppeal(*c, a->decision, a->text, a->contact)
                                      : Act(*c, "appeal file", a->order, "reopen", "", "", a->text);
  });

  auto* decide = appeal->add_subcommand(
      "decide",
      "Decide a filed appeal: upheld (the action stands) or reversed (the item is reinstated). A decision's "
      "appeal (--appeal) needs a reason, sent to the user, and a person other than the one who confirmed the "
      "decision");
  AddCommon(decide, c.get(), true);
  auto* d_order = decide->add_option("--order", a->order, "Order id");
  auto* d_appeal =
      decide->add_option("--appeal", a->appeal, "A decision's appeal: its id (apl-...) or ITEM@POLICY@VERSION");
  d_order->excludes(d_appeal);
  decide->add_option("--outcome", a->outcome, "upheld or reversed")
      ->check(CLI::IsMember({"upheld", "reversed"}))
      ->required();
  decide->add_option("--reason", a->reason, "Why");
  decide->callback([c, a, exit_code] {
    if (a->order.empty() == a->appeal.empty()) {
      *exit_code = Fail("appeal decide", "give --order ID or --appeal ID");
      return;
    }
    *exit_code = !a->appeal.empty() ? DecideDecisionAppeal(*c, a->appeal, a->outcome, a->reason)
                                    : Act(*c, "appeal decide", a->order, a->outcome == "upheld" ? "uphold" : "reverse",
                                          "", a->reason, "");
  });

  auto* list = appeal->add_subcommand("list", "List appeals of decisions as JSON Lines, oldest first");
  AddCommon(list, c.get(), false);
  list->add_option("--state", a->state, "Only appeals in this state: filed, upheld, reversed");
  list->callback([c, a, exit_code] { *exit_code = ListDecisionAppeals(*c, a->state); });

  auto* show = appeal->add_subcommand("show", "Show one appeal of a decision with its outbox and audit history");
  AddCommon(show, c.get(), false);
  show->add_option("ID", a->id, "Appeal id (apl-...)")->required();
  show->callback([c, a, exit_code] { *exit_code = ShowDecisionAppeal(*c, a->id); });
}

void AddAuthorityCommand(CLI::App& app, int* exit_code) {
  auto* authority = app.add_subcommand("authority", "Register the authorities that may issue orders");
  authority->require_subcommand(1);
  struct Args {
    std::string db, actor, reason;
    bool replace = false;
    AuthorityRecord record;
  };
  auto a = std::make_shared<Args>();
  auto* add = authority->add_subcommand("add", "Register (or update) an authority for one jurisdiction");
  add->add_option("--db", a->db, "Store URL")->required();
  add->add_option("--id", a->record.id, "Short id, used in orders")->required();
  add->add_option("--name", a->record.name, "Full name")->required();
  add->add_option("--jurisdiction", a->record.jurisdiction, "ISO 3166-1 alpha-2 code, or EU")->required();
  add->add_option("--kind", a->record.kind, "court, regulator, government, law_enforcement")
      ->check(CLI::IsMember({"court", "regulator", "government", "law_enforcement", "other"}))
      ->required();
  add->add_option("--actor", a->actor, "The registered person who registers it (audit log)")->required();
  add->add_flag("--replace", a->replace,
                "Replace the record of an id registered already, even for another jurisdiction (needs --reason)");
  add->add_option("--reason", a->reason, "Why the record is replaced (with --replace; audited)");
  add->callback([a, exit_code] {
    auto store = OpenStore(a->db);
    if (!store.ok()) {
      *exit_code = Fail("authority add", store.status().message());
      return;
    }
    auto actor = ResolveActor(**store, a->actor);
    if (!actor.ok()) {
      *exit_code = Fail("authority add", actor.status().message());
      return;
    }
    if (a->replace && IsBlank(a->reason)) {
      *exit_code = Fail("authority add", "--replace needs --reason");
      return;
    }
    if (Status s = a->replace ? (*store)->ReplaceAuthority(a->record, a->reason, *actor)
                              : (*store)->PutAuthority(a->record, *actor);
        !s.ok()) {
      *exit_code = Fail("authority add", s.message());
      return;
    }
    PrintJsonLine({{"id", a->record.id}, {"name", a->record.name}, {"jurisdiction", a->record.jurisdiction},
               {"kind", a->record.kind}});
    *exit_code = 0;
  });

  auto db = std::make_shared<std::string>();
  auto* list = authority->add_subcommand("list", "List registered authorities as JSON Lines");
  list->add_option("--db", *db, "Store URL")->required();
  list->callback([db, exit_code] {
    auto store = OpenStore(*db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("authority list", store.status().message());
      return;
    }
    auto all = (*store)->ListAuthorities();
    if (!all.ok()) {
      *exit_code = Fail("authority list", all.status().message());
      return;
    }
    for (const AuthorityRecord& r : *all)
      PrintJsonLine({{"id", r.id}, {"name", r.name}, {"jurisdiction", r.jurisdiction}, {"kind", r.kind},
                 {"added", FormatTimestamp(r.added)}});
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
