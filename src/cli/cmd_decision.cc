// `evenhand decision review ITEM --policy P --verdict confirm|overturn`
// (the CLI's POST /v1/decisions/{item}/review) and the appeals of
// own-initiative decisions behind `evenhand appeal ... --decision`
// (cli/decision_cli.h). An overturn undoes the decision everywhere
// (cases/standing.h).
#include <cstdio>
#include <memory>

#include "cases/appeal_desk.h"
#include "cases/appeal_json.h"
#include "cases/case_history.h"
#include "cli/commands.h"
#include "cli/decision_cli.h"
#include "model/person.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb, message.c_str());
  return 1;
}

struct Opened {
  std::unique_ptr<Store> store;
  std::string actor;
  int64_t now = 0;
};

Result<Opened> Open(const CaseFlags& c, OpenMode mode) {
  auto now = ResolveNow(c);
  if (!now.ok()) return now.status();
  auto store = OpenStore(c.db, mode);
  if (!store.ok()) return store.status();
  Opened o;
  o.store = std::move(store).value();
  o.now = *now;
  auto actor = ResolveActor(*o.store, c.actor);
  if (!actor.ok()) return actor.status();
  o.actor = std::move(actor).value();
  return o;
}

int Review(const CaseFlags& c, const std::string& item, const std::string& policy, const std::string& verdict,
           const std::string& reason) {
  const char* verb = "decision review";
  if (verdict == "overturn" && IsBlank(reason)) return Fail(verb, "--reason: required to overturn a decision");
  auto o = Open(c, OpenMode::kMustExist);
  if (!o.ok()) return Fail(verb, o.status().message());
  bool found = false;
  Status walked = o->store->ForEachDecisionOf(item, [&](const StoredDecision& sd) {
    found = found || sd.decision.policy == policy;
    return !found;
  });
  if (!walked.ok()) return Fail(verb, walked.message());
  if (!found) return Fail(verb, "no decision on item \"" + item + "\" under " + policy);
  DecisionReview r{item, policy, verdict, reason, o->actor, o->now};
  if (Status s = o->store->PutDecisionReview(r); !s.ok()) return Fail(verb, s.message());
  PrintJsonLine({{"item", item}, {"policy", policy}, {"verdict", verdict}, {"reason", reason}, {"by", o->actor},
                 {"at", FormatTimestamp(o->now)}});
  return 0;
}

}  // namespace

int FileDecisionAppeal(const CaseFlags& c, const std::string& ref, const std::string& text,
                       const std::string& contact) {
  const char* verb = "appeal file";
  auto decision = ParseDecisionRef(ref, "--decision");
  if (!decision.ok()) return Fail(verb, decision.status().message());
  if (IsBlank(text)) return Fail(verb, "--text: the appeal is required");
  auto o = Open(c, OpenMode::kMustExist);
  if (!o.ok()) return Fail(verb, o.status().message());
  AppealDesk desk(o->store.get());
  auto filed = desk.File(decision->first, decision->second, text, contact, o->actor, o->now);
  if (!filed.ok()) return Fail(verb, filed.status().message());
  nlohmann::ordered_json j = AppealToJson(filed->appeal);
  j["duplicate"] = filed->duplicate;
  PrintJsonLine(j);
  return 0;
}

int DecideDecisionAppeal(const CaseFlags& c, const std::string& appeal, const std::string& outcome,
                         const std::string& reason) {
  const char* verb = "appeal decide";
  std::string id = appeal;
  if (appeal.rfind("apl-", 0) != 0) {
    auto decision = ParseDecisionRef(appeal, "--appeal");
    if (!decision.ok()) return Fail(verb, decision.status().message());
    id = AppealDesk::AppealId(decision->first, decision->second);
  }
  auto o = Open(c, OpenMode::kMustExist);
  if (!o.ok()) return Fail(verb, o.status().message());
  AppealDesk desk(o->store.get());
  auto decided = desk.Decide(id, outcome == "reversed" ? AppealState::kReversed : AppealState::kUpheld, reason,
                             o->actor, o->now);
  if (!decided.ok()) return Fail(verb, decided.status().message());
  PrintJsonLine(AppealToJson(*decided));
  return 0;
}

int ListDecisionAppeals(const CaseFlags& c, const std::string& state) {
  const char* verb = "appeal list";
  std::optional<AppealState> s;
  if (!state.empty()) {
    s = ParseAppealState(state);
    if (!s) return Fail(verb, "--state: \"" + state + "\" is not filed, upheld or reversed");
  }
  auto store = OpenStore(c.db, OpenMode::kMustExist);
  if (!store.ok()) return Fail(verb, store.status().message());
  AppealDesk desk(store->get());
  auto all = desk.List(s);
  if (!all.ok()) return Fail(verb, all.status().message());
  for (const DecisionAppeal& a : *all) PrintJsonLine(AppealToJson(a));
  return 0;
}

int ShowDecisionAppeal(const CaseFlags& c, const std::string& id) {
  const char* verb = "appeal show";
  auto store = OpenStore(c.db, OpenMode::kMustExist);
  if (!store.ok()) return Fail(verb, store.status().message());
  AppealDesk desk(store->get());
  auto a = desk.Get(id);
  if (!a.ok()) return Fail(verb, a.status().message());
  nlohmann::ordered_json j = AppealToJson(*a);
  auto history = CaseHistoryJson(**store, id);
  if (!history.ok()) return Fail(verb, history.status().message());
  j["history"] = std::move(history).value();
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

void AddDecisionCommand(CLI::App& app, int* exit_code) {
  auto* decision = app.add_subcommand("decision", "Own-initiative decisions after the scan: a moderator's review");
  decision->require_subcommand(1);
  struct Args {
    CaseFlags c;
    std::string item, policy, verdict, reason;
  };
  auto a = std::make_shared<Args>();
  auto* review = decision->add_subcommand(
      "review",
      "Confirm or overturn a stored decision (audited as decision.review). An overturn undoes the decision "
      "everywhere: `visible`, `item show`, `sor export` and the reports no longer count it as a restriction");
  AddCaseFlags(review, &a->c, true);
  review->add_option("ITEM", a->item, "Item (post) id")->required();
  review->add_option("--policy", a->policy, "The decision's policy, name@version (e.g. examples@1)")->required();
  review->add_option("--verdict", a->verdict, "confirm or overturn")
      ->check(CLI::IsMember({"confirm", "overturn"}))
      ->required();
  review->add_option("--reason", a->reason, "Why (required to overturn)");
  review->callback([a, exit_code] { *exit_code = Review(a->c, a->item, a->policy, a->verdict, a->reason); });
}

}  // namespace evenhand::cli
