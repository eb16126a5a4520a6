// `evenhand item show ID`: everything held about one item (versions,
// decisions, cases, visibility per country); `evenhand retention run`:
// delete content older than a period unless a case or legal hold needs it.
#include <cstdio>
#include <memory>
#include <optional>

#include "cases/datareq_regimes.h"
#include "cases/item_view.h"
#include "cases/retention.h"
#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand %s: %s\n", verb, message.c_str());
  return 1;
}

}  // namespace

void AddItemCommands(CLI::App& app, int* exit_code) {
  auto* item = app.add_subcommand("item", "One stored item: its versions, decisions, cases and visibility");
  item->require_subcommand(1);
  struct ShowArgs {
    std::string db, id;
  };
  auto s = std::make_shared<ShowArgs>();
  auto* show = item->add_subcommand(
      "show", "Every version (content hash, when stored, replaced, deleted), decision, case and per-country visibility");
  show->add_option("--db", s->db, "Store URL")->required();
  show->add_option("ID", s->id, "Item id")->required();
  show->callback([s, exit_code] {
    auto store = OpenStore(s->db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("item show", store.status().message());
      return;
    }
    auto view = ItemViewJson(**store, s->id);
    if (!view.ok()) {
      *exit_code = Fail("item show", view.status().message());
      return;
    }
    std::printf("%s\n", view->dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
    *exit_code = 0;
  });

  auto* retention = app.add_subcommand("retention", "Delete stored content older than a period (hash and metadata kept)");
  retention->require_subcommand(1);
  AddPartitionCommands(retention, exit_code);
  struct RunArgs {
    CaseFlags flags;
    std::string keep, keep_logins;
    bool dry_run = false;
  };
  auto r = std::make_shared<RunArgs>();
  auto* run = retention->add_subcommand(
      "run", "Delete the text and media of versions older than --keep, unless an order, a notice, an open data "
             "request or a preservation request in force needs them; each deletion is audited");
  AddCaseFlags(run, &r->flags, true,
               "Regime files: how long the law of an account's country asks its login records (traffic data) to be "
               "kept");
  run->add_option("--keep", r->keep, "How long content is kept, e.g. 180d")->required();
  run->add_option("--keep-logins", r->keep_logins,
                  "How long login records (IP addresses, ports, devices) are kept, e.g. 90d (default: --keep); "
                  "longer where the law of the account's country asks (e.g. PECA 2016 s.32: one year)");
  run->add_flag("--dry-run", r->dry_run, "Report what would be deleted; delete nothing");
  run->callback([r, exit_code] {
    auto keep = ParseDuration(r->keep);
    if (!keep || *keep <= 0) {
      *exit_code = Fail("retention run", "--keep: \"" + r->keep + "\" is not a duration such as 180d");
      return;
    }
    std::optional<int64_t> keep_logins;
    if (!r->keep_logins.empty()) {
      keep_logins = ParseDuration(r->keep_logins);
      if (!keep_logins || *keep_logins <= 0) {
        *exit_code = Fail("retention run", "--keep-logins: \"" + r->keep_logins + "\" is not a duration such as 90d");
        return;
      }
    }
    auto regimes = LoadRegimes(r->flags);
    if (!regimes.ok()) {
      *exit_code = Fail("retention run", regimes.status().message());
      return;
    }
    auto now = ResolveNow(r->flags);
    if (!now.ok()) {
      *exit_code = Fail("retention run", now.status().message());
      return;
    }
    auto store = OpenCaseStore(r->flags, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("retention run", store.status().message());
      return;
    }
    auto actor = ResolveActor(**store, r->flags.actor);
    if (!actor.ok()) {
      *exit_code = Fail("retention run", actor.status().message());
      return;
    }
    RetentionOptions o;
    o.keep_seconds = *keep;
    o.now = *now;
    o.actor = *actor;
    o.dry_run = r->dry_run;
    o.keep_login_seconds = keep_logins.value_or(0);
    o.login_minimum = LoginMinimumFromRegimes(store->get(), MakeTrafficRetentionLookup(std::move(regimes).value()));
    auto report = ApplyRetention(**store, o);
    if (!report.ok()) {
      *exit_code = Fail("retention run", report.status().message());
      return;
    }
    PrintJsonLine(RetentionReportJson(*report));
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
