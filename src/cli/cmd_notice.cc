// `evenhand notice submit|list|show|review|decide|inform`: notices from
// users and trusted flaggers (DSA Art. 16 and 22), JSON in and out. Every
// notice is answered at intake (receipt or rejection) and every decision is
// sent back to the notifier; the messages are in each notice's outbox.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include "cases/notice_desk.h"
#include "cases/notice_json.h"
#include "cases/regime_lookup.h"
#include "cases/case_history.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

struct Common : CaseFlags {
  std::string flaggers;
};

int Fail(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb.c_str(), message.c_str());
  return 1;
}

bool ResolveNow(const Common& c, const std::string& verb, int64_t* now) {
  Result<int64_t> t = cli::ResolveNow(c);
  if (!t.ok()) {
    Fail(verb, t.status().message());
    return false;
  }
  *now = *t;
  return true;
}

// The registered trusted flaggers: one id a line; blank lines and lines
// starting with '#' are skipped.
Result<FlaggerCheck> LoadFlaggers(const std::string& path) {
  if (path.empty()) return FlaggerCheck();
  std::ifstream in(path);
  if (!in) return Status::Io(path + ": cannot open");
  auto ids = std::make_shared<std::set<std::string>>();
  std::string line;
  while (std::getline(in, line)) {
    const size_t b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const size_t e = line.find_last_not_of(" \t\r");
    ids->insert(line.substr(b, e - b + 1));
  }
  return FlaggerCheck([ids](const std::string& id) { return ids->count(id) > 0; });
}

struct Desk {
  std::unique_ptr<Store> store;
  std::unique_ptr<NoticeDesk> desk;
  std::string actor;  // --actor resolved (ResolveActor)
};

// Opens the store and the desk; the regimes and the flagger list are read
// only for intake (with_intake), where the deadline and priority are set.
Result<Desk> OpenDesk(const Common& c, OpenMode mode, bool with_intake) {
  RegimeLookup lookup;
  FlaggerCheck flaggers;
  if (with_intake) {
    auto loaded = LoadRegimes(c);
    if (!loaded.ok()) return loaded.status();
    lookup = MakeRegimeLookup(std::move(loaded).value(), CaseKind::kNotice);
    auto f = LoadFlaggers(c.flaggers);
    if (!f.ok()) return f.status();
    flaggers = std::move(f).value();
  }
  auto store = OpenCaseStore(c, mode);
  if (!store.ok()) return store.status();
  Desk d;
  d.store = std::move(store).value();
  auto actor = ResolveActor(*d.store, c.actor);
  if (!actor.ok()) return actor.status();
  d.actor = std::move(actor).value();
  d.desk = std::make_unique<NoticeDesk>(d.store.get(), std::move(lookup), std::move(flaggers));
  return d;
}

int Submit(const Common& c, const std::string& path) {
  const std::string verb = "notice submit";
  int64_t now = 0;
  if (!ResolveNow(c, verb, &now)) return 1;
  // Parse everything first: a malformed line stores nothing at all.
  std::vector<Notice> notices;
  Result<int64_t> parsed = ParseEachLine(path, [&](std::string_view line) {
    auto notice = ParseNoticeSubmission(line, now);
    if (!notice.ok()) return notice.status();
    notices.push_back(std::move(notice).value());
    return Status::Ok();
  });
  if (!parsed.ok()) return Fail(verb, parsed.status().message());
  if (notices.empty()) return Fail(verb, path + ": no notices");
  auto desk = OpenDesk(c, OpenMode::kCreate, true);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  for (Notice& n : notices) {
    auto r = desk->desk->Submit(std::move(n), desk->actor, now);
    if (!r.ok()) return Fail(verb, r.status().message());
    nlohmann::ordered_json j = NoticeToJson(r->notice);
    j["duplicate"] = r->duplicate;
    j["receipt"] = NoticeMessageToJson(r->receipt);
    PrintJsonLine(j);  // printed only once durable
  }
  return 0;
}

int List(const Common& c, const std::string& state, const std::string& due_within, bool trusted_only) {
  const std::string verb = "notice list";
  int64_t now = 0;
  if (!ResolveNow(c, verb, &now)) return 1;
  NoticeListFilter filter;
  filter.trusted_only = trusted_only;
  if (!state.empty()) {
    filter.state = ParseNoticeState(state);
    if (!filter.state) return Fail(verb, "--state: unknown state \"" + state + "\"");
  }
  if (!due_within.empty()) {
    filter.due_within = ParseDuration(due_within);
    if (!filter.due_within) return Fail(verb, "--due-within: \"" + due_within + "\" is not a duration such as 6h");
  }
  auto desk = OpenDesk(c, OpenMode::kMustExist, false);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  auto notices = desk->desk->List(filter, now);
  if (!notices.ok()) return Fail(verb, notices.status().message());
  for (const Notice& n : *notices) {
    nlohmann::ordered_json j = NoticeToJson(n);
    if (n.deadline != 0) j["seconds_left"] = n.deadline - now;
    PrintJsonLine(j);
  }
  return 0;
}

int Show(const Common& c, const std::string& id) {
  const std::string verb = "notice show";
  auto desk = OpenDesk(c, OpenMode::kMustExist, false);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  auto n = desk->desk->Get(id);
  if (!n.ok()) return Fail(verb, n.status().message());
  nlohmann::ordered_json j = NoticeToJson(*n);
  auto history = CaseHistoryJson(*desk->store, id);
  if (!history.ok()) return Fail(verb, history.status().message());
  j["history"] = std::move(history).value();
  std::printf("%s\n", j.dump(2).c_str());
  return 0;
}

struct DecideArgs {
  std::string outcome, action, reason;
};

// review, decide or inform one notice.
int Move(const Common& c, const std::string& verb, const std::string& id, const DecideArgs* decide) {
  int64_t now = 0;
  if (!ResolveNow(c, verb, &now)) return 1;
  NoticeOutcome outcome = NoticeOutcome::kNone;
  NoticeAction action = NoticeAction::kNone;
  if (decide) {
    auto o = ParseNoticeOutcome(decide->outcome);
    if (!o || *o == NoticeOutcome::kNone)
      return Fail(verb, "--outcome: \"" + decide->outcome + "\" is not action_taken or no_action");
    outcome = *o;
    if (!decide->action.empty()) {
      auto a = ParseNoticeAction(decide->action);
      if (!a || *a == NoticeAction::kNone)
        return Fail(verb, "--action: \"" + decide->action + "\" is not withheld, removed or labelled");
      action = *a;
    }
  }
  auto desk = OpenDesk(c, OpenMode::kMustExist, false);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  Result<Notice> n = decide ? desk->desk->Decide(id, outcome, action, decide->reason, desk->actor, now)
                     : verb == "notice review" ? desk->desk->Review(id, desk->actor, now)
                                               : desk->desk->Inform(id, desk->actor, now);
  if (!n.ok()) return Fail(verb, n.status().message());
  PrintJsonLine(NoticeToJson(*n));
  return 0;
}

void AddCommon(CLI::App* cmd, Common* c, bool actor) { AddCaseFlags(cmd, c, actor); }

}  // namespace

void AddNoticeCommand(CLI::App& app, int* exit_code) {
  auto* notice = app.add_subcommand(
      "notice", "Notices from users and trusted flaggers (DSA Art. 16, 22): intake, receipt, decision, reply");
  notice->require_subcommand(1);
  auto c = std::make_shared<Common>();

  auto path = std::make_shared<std::string>();
  auto* submit = notice->add_subcommand(
      "submit",
      "Take in notices (JSON Lines: notifier {name, contact, kind: user|trusted_flagger, flagger_id}, "
      "explanation, location [ITEM, ...], category, jurisdiction, good_faith, reference, received). Each is "
      "stored confirmed (with the regime's deadline where the law starts a clock at notice) or rejected (no "
      "explanation, no location, unknown items, no good-faith statement) and answered before it is printed; "
      "a repeat of (contact, reference) returns the notice on file");
  AddCommon(submit, c.get(), true);
  submit->add_option("--regimes", c->regimes, "Directory of regime files")->capture_default_str();
  submit->add_option("--overrides", c->overrides, "Deployment overrides of regime deadlines (YAML)");
  submit->add_option("--trusted-flaggers", c->flaggers,
                     "File of registered trusted-flagger ids, one a line; only their notices get priority "
                     "(without it, no notice does)");
  submit->add_option("FILE", *path, "Notices, one JSON object a line; - for stdin")->required();
  submit->callback([c, path, exit_code] { *exit_code = Submit(*c, *path); });

  struct ListArgs {
    std::string state, due_within;
    bool trusted_only = false;
  };
  auto la = std::make_shared<ListArgs>();
  auto* list = notice->add_subcommand(
      "list", "List notices as JSON Lines: trusted flaggers first, then by deadline (none last), then received");
  AddCommon(list, c.get(), false);
  list->add_option("--state", la->state,
                   "Only notices in this state (received, rejected, confirmed, in_review, decided, notified)");
  list->add_option("--due-within", la->due_within,
                   "Only open notices due within this time (6h, 90m, 2d; 0 = already overdue)");
  list->add_flag("--trusted-only", la->trusted_only, "Only notices from registered trusted flaggers");
  list->callback([c, la, exit_code] { *exit_code = List(*c, la->state, la->due_within, la->trusted_only); });

  auto id = std::make_shared<std::string>();
  auto* show = notice->add_subcommand("show", "Show one notice with its outbox and audit history");
  AddCommon(show, c.get(), false);
  show->add_option("ID", *id, "Notice id (ntc-...)")->required();
  show->callback([c, id, exit_code] { *exit_code = Show(*c, *id); });

  auto* review = notice->add_subcommand("review", "Take a confirmed notice into review");
  AddCommon(review, c.get(), true);
  review->add_option("ID", *id, "Notice id")->required();
  review->callback([c, id, exit_code] { *exit_code = Move(*c, "notice review", *id, nullptr); });

  auto da = std::make_shared<DecideArgs>();
  auto* decide = notice->add_subcommand(
      "decide",
      "Decide a notice in review and send the decision, its reason and the redress options to the notifier");
  AddCommon(decide, c.get(), true);
  decide->add_option("ID", *id, "Notice id")->required();
  decide->add_option("--outcome", da->outcome, "action_taken or no_action")
      ->check(CLI::IsMember({"action_taken", "no_action"}))
      ->required();
  decide->add_option("--action", da->action,
                     "For action_taken: withheld (in the notice's jurisdiction), removed or labelled")
      ->check(CLI::IsMember({"withheld", "removed", "labelled"}));
  decide->add_option("--reason", da->reason, "Why (sent to the notifier)")->required();
  decide->callback([c, id, da, exit_code] { *exit_code = Move(*c, "notice decide", *id, da.get()); });

  auto* inform = notice->add_subcommand(
      "inform", "Send the decision of a decided notice to the notifier (if an earlier decide was cut short)");
  AddCommon(inform, c.get(), true);
  inform->add_option("ID", *id, "Notice id")->required();
  inform->callback([c, id, exit_code] { *exit_code = Move(*c, "notice inform", *id, nullptr); });
}

}  // namespace evenhand::cli
