// `evenhand preserve submit|list|show|extend|release|expire-due|stats`:
// preservation requests (model/preservation.h): an authority asks that an
// account's data be kept pending legal process. Writes go through the
// PreservationDesk, so every change is durable and audited before anything
// is printed. While a request is in force `retention run` deletes nothing
// of its accounts.
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "cases/case_history.h"
#include "cases/datareq_regimes.h"
#include "cases/preservation_desk.h"
#include "cases/preservation_json.h"
#include "cases/preservation_stats.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

using OJson = nlohmann::ordered_json;

struct Common : CaseFlags {
  int64_t default_days = 90;
  int64_t default_extension_days = 90;
};

int Fail(const std::string& verb, const std::string& message) {
  std::fprintf(stderr, "evenhand preserve %s: %s\n", verb.c_str(), message.c_str());
  return 1;
}

struct Desk {
  std::unique_ptr<Store> store;
  std::unique_ptr<PreservationDesk> desk;
  std::string actor;
  int64_t now = 0;
};

Result<Desk> OpenDesk(const Common& c, OpenMode mode) {
  if (c.default_days <= 0 || c.default_extension_days <= 0)
    return Status::Invalid("--default-days and --default-extension-days must be more than 0");
  auto now = ResolveNow(c);
  if (!now.ok()) return now.status();
  auto loaded = LoadRegimes(c);
  if (!loaded.ok()) return loaded.status();
  auto store = OpenStore(c.db, mode);
  if (!store.ok()) return store.status();
  Desk d;
  d.now = *now;
  d.store = std::move(store).value();
  auto actor = ResolveActor(*d.store, c.actor);
  if (!actor.ok()) return actor.status();
  d.actor = std::move(actor).value();
  PreservationDeskOptions options;
  options.default_days = c.default_days;
  options.default_extension_days = c.default_extension_days;
  d.desk = std::make_unique<PreservationDesk>(d.store.get(), MakePreservationLookup(std::move(loaded).value()), options);
  return d;
}

int Submit(const Common& c, const std::string& path) {
  auto now = ResolveNow(c);
  if (!now.ok()) return Fail("submit", now.status().message());
  std::vector<PreservationRequest> requests;
  Result<int64_t> parsed = ParseEachLine(path, [&](std::string_view line) {
    auto r = ParsePreservationSubmission(line, *now);
    if (!r.ok()) return r.status();
    requests.push_back(std::move(r).value());
    return Status::Ok();
  });
  if (!parsed.ok()) return Fail("submit", parsed.status().message());
  if (requests.empty()) return Fail("submit", path + ": no preservation requests");
  auto desk = OpenDesk(c, OpenMode::kCreate);
  if (!desk.ok()) return Fail("submit", desk.status().message());
  for (PreservationRequest& r : requests) {
    auto res = desk->desk->Submit(std::move(r), desk->actor);
    if (!res.ok()) return Fail("submit", res.status().message());
    OJson j = PreservationToJson(res->request, desk->now);
    j["duplicate"] = res->duplicate;
    PrintJsonLine(j);
  }
  return 0;
}

int Step(const Common& c, const std::string& verb,
         const std::function<Result<PreservationRequest>(PreservationDesk&, const std::string&, int64_t)>& op) {
  auto desk = OpenDesk(c, OpenMode::kMustExist);
  if (!desk.ok()) return Fail(verb, desk.status().message());
  auto r = op(*desk->desk, desk->actor, desk->now);
  if (!r.ok()) return Fail(verb, r.status().message());
  PrintJsonLine(PreservationToJson(*r, desk->now));
  return 0;
}

void AddCommon(CLI::App* cmd, Common* c, bool actor) {
  AddCaseFlags(cmd, c, actor, "Directory of regime files (preservation periods)");
}

}  // namespace

void AddPreserveCommand(CLI::App& app, int* exit_code) {
  auto* pr = app.add_subcommand(
      "preserve",
      "Preservation requests: an authority asks that an account's data be kept pending legal process (retention "
      "deletes nothing of it while in force); extended once; expires visibly; counted");
  pr->require_subcommand(1);
  auto c = std::make_shared<Common>();
  auto id = std::make_shared<std::string>();

  auto path = std::make_shared<std::string>();
  auto* submit = pr->add_subcommand(
      "submit",
      "Take in preservation requests (JSON Lines: authority, jurisdiction, reference, legal_basis, targets [account "
      "ids], days, received). Each is stored active (until = received + the period: the days asked for, else the "
      "regime's figure, else --default-days) or rejected with the reason; a repeat of (authority, reference) "
      "returns the request on file");
  AddCommon(submit, c.get(), true);
  submit->add_option("--default-days", c->default_days,
                     "Period when the request names none and the regime sets none (a deployment default; 90 is the "
                     "Budapest Convention Art. 16(2) maximum)")
      ->capture_default_str();
  submit->add_option("FILE", *path, "Requests, one JSON object a line; - for stdin")->required();
  submit->callback([c, path, exit_code] { *exit_code = Submit(*c, *path); });

  auto state = std::make_shared<std::string>();
  auto* list = pr->add_subcommand(
      "list", "List preservation requests as JSON Lines, oldest first, with their state as of --now (\"expired\" "
              "once past their end, recorded or not) and whether they are in force");
  AddCommon(list, c.get(), false);
  list->add_option("--state", *state, "Only requests in this state as of --now")
      ->check(CLI::IsMember({"rejected", "active", "extended", "released", "expired"}));
  list->callback([c, state, exit_code] {
    auto desk = OpenDesk(*c, OpenMode::kMustExist);
    if (!desk.ok()) {
      *exit_code = Fail("list", desk.status().message());
      return;
    }
    auto all = desk->desk->List(*state, desk->now);
    if (!all.ok()) {
      *exit_code = Fail("list", all.status().message());
      return;
    }
    for (const PreservationRequest& r : *all) PrintJsonLine(PreservationToJson(r, desk->now));
    *exit_code = 0;
  });

  auto* show = pr->add_subcommand("show", "Show one preservation request with its audit history");
  AddCommon(show, c.get(), false);
  show->add_option("ID", *id, "Request id (pr-...)")->required();
  show->callback([c, id, exit_code] {
    auto desk = OpenDesk(*c, OpenMode::kMustExist);
    if (!desk.ok()) {
      *exit_code = Fail("show", desk.status().message());
      return;
    }
    auto r = desk->desk->Get(*id);
    if (!r.ok()) {
      *exit_code = Fail("show", r.status().message());
      return;
    }
    OJson j = PreservationToJson(*r, desk->now);
    auto history = CaseHistoryJson(*desk->store, *id);
    if (history.ok()) j["history"] = std::move(history).value();
    std::printf("%s\n", j.dump(2, ' ', false, OJson::error_handler_t::replace).c_str());
    *exit_code = 0;
  });

  struct ExtendArgs {
    int64_t days = 0;
    std::string reason;
  };
  auto ea = std::make_shared<ExtendArgs>();
  auto* extend = pr->add_subcommand(
      "extend", "Extend a request in force, once, by the regime's extension figure (else --default-extension-days), "
                "or by --days when fewer");
  AddCommon(extend, c.get(), true);
  extend->add_option("ID", *id, "Request id")->required();
  extend->add_option("--days", ea->days, "Days to extend by (default: the whole extension allowed)");
  extend->add_option("--reason", ea->reason, "Why (e.g. the legal process is on its way; audited)")->required();
  extend->add_option("--default-extension-days", c->default_extension_days,
                     "The extension when the regime sets none (a deployment default)")
      ->capture_default_str();
  extend->callback([c, id, ea, exit_code] {
    *exit_code = Step(*c, "extend", [&](PreservationDesk& d, const std::string& actor, int64_t now) {
      return d.Extend(*id, ea->days, ea->reason, actor, now);
    });
  });

  auto reason = std::make_shared<std::string>();
  auto* release = pr->add_subcommand(
      "release", "End a request before its term: the authority withdrew it, or the data went out under the legal "
                 "process");
  AddCommon(release, c.get(), true);
  release->add_option("ID", *id, "Request id")->required();
  release->add_option("--reason", *reason, "Why (audited, counted)")->required();
  release->callback([c, id, reason, exit_code] {
    *exit_code = Step(*c, "release", [&](PreservationDesk& d, const std::string& actor, int64_t now) {
      return d.Release(*id, *reason, actor, now);
    });
  });

  auto* expire = pr->add_subcommand(
      "expire-due", "Record the expiry of every request past its end (audited, one entry each); prints them");
  AddCommon(expire, c.get(), true);
  expire->callback([c, exit_code] {
    auto desk = OpenDesk(*c, OpenMode::kMustExist);
    if (!desk.ok()) {
      *exit_code = Fail("expire-due", desk.status().message());
      return;
    }
    auto done = desk->desk->ExpireDue(desk->actor, desk->now);
    if (!done.ok()) {
      *exit_code = Fail("expire-due", done.status().message());
      return;
    }
    for (const PreservationRequest& r : *done) PrintJsonLine(PreservationToJson(r, desk->now));
    *exit_code = 0;
  });

  struct StatsArgs {
    std::string since, until;
  };
  auto sa = std::make_shared<StatsArgs>();
  auto* stats = pr->add_subcommand(
      "stats", "Count preservation requests by jurisdiction and authority: in force, extended, expired, released, "
               "rejected (as of --now)");
  AddCommon(stats, c.get(), false);
  stats->add_option("--since", sa->since, "Only requests received at or after this time (RFC 3339)");
  stats->add_option("--until", sa->until, "Only requests received before this time (RFC 3339)");
  stats->callback([c, sa, exit_code] {
    int64_t since = 0, until = 0;
    for (auto [text, out, flag] : {std::tuple{&sa->since, &since, "--since"}, std::tuple{&sa->until, &until, "--until"}}) {
      if (text->empty()) continue;
      auto t = ParseTimestamp(*text);
      if (!t) {
        *exit_code = Fail("stats", std::string(flag) + ": \"" + *text + "\" is not an RFC 3339 time");
        return;
      }
      *out = *t;
    }
    auto desk = OpenDesk(*c, OpenMode::kMustExist);
    if (!desk.ok()) {
      *exit_code = Fail("stats", desk.status().message());
      return;
    }
    auto all = desk->desk->List("", desk->now);
    if (!all.ok()) {
      *exit_code = Fail("stats", all.status().message());
      return;
    }
    std::printf("%s\n", PreservationStatsToJson(CountPreservations(*all, desk->now, since, until)).dump(2).c_str());
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
