// `evenhand retention partitions` and `evenhand retention detach` (issue
// 18): a PostgreSQL store keeps decisions in one partition per month of
// the time they were stored (store.h DecisionPartitions); old months leave
// the live tables whole, by DETACH (the table kept for an archive) or by
// DROP (--drop), each audited by the acting person. An SQLite store has no
// partitions: both verbs say so and exit 1.
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand retention %s: %s\n", verb, message.c_str());
  return 1;
}

nlohmann::ordered_json PartitionJson(const StorePartition& p) {
  return {{"partition", p.name}, {"from", FormatTimestamp(p.from)}, {"to", FormatTimestamp(p.to)}, {"rows", p.rows}};
}

// "YYYY-MM" as the unix second its month starts (UTC); nullopt otherwise.
std::optional<int64_t> ParseMonth(const std::string& text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  return ParseTimestamp(text + "-01T00:00:00Z");
}

}  // namespace

void AddPartitionCommands(CLI::App* retention, int* exit_code) {
  auto list_db = std::make_shared<std::string>();
  auto* list = retention->add_subcommand(
      "partitions", "PostgreSQL: the months of decisions (partitions by when they were stored) with their rows");
  list->add_option("--db", *list_db, "Store URL (postgres://...)")->required();
  list->callback([list_db, exit_code] {
    auto store = OpenStore(*list_db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("partitions", store.status().message());
      return;
    }
    auto parts = (*store)->DecisionPartitions();
    if (!parts.ok()) {
      *exit_code = Fail("partitions", parts.status().message());
      return;
    }
    for (const StorePartition& p : *parts) PrintJsonLine(PartitionJson(p));
    *exit_code = 0;
  });

  struct DetachArgs {
    CaseFlags flags;
    std::string before;
    bool drop = false;
  };
  auto d = std::make_shared<DetachArgs>();
  auto* detach = retention->add_subcommand(
      "detach", "PostgreSQL: take every month of decisions before --before out of the store (kept as a table of "
                "its own, or dropped with --drop), each audited");
  AddCaseFlags(detach, &d->flags, true);
  detach->add_option("--before", d->before, "First month kept, YYYY-MM (UTC): earlier months are detached")
      ->required();
  detach->add_flag("--drop", d->drop, "Drop the detached months' tables (their decisions are gone for good)");
  detach->callback([d, exit_code] {
    auto before = ParseMonth(d->before);
    if (!before) {
      *exit_code = Fail("detach", "--before: \"" + d->before + "\" is not a month such as 2026-01");
      return;
    }
    auto store = OpenCaseStore(d->flags, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("detach", store.status().message());
      return;
    }
    auto actor = ResolveActor(**store, d->flags.actor);
    if (!actor.ok()) {
      *exit_code = Fail("detach", actor.status().message());
      return;
    }
    std::vector<StorePartition> detached;
    if (Status s = (*store)->DetachDecisionPartitions(*before, d->drop, *actor, &detached); !s.ok()) {
      *exit_code = Fail("detach", s.message());
      return;
    }
    for (const StorePartition& p : detached) {
      nlohmann::ordered_json j = PartitionJson(p);
      j["dropped"] = d->drop;
      PrintJsonLine(j);
    }
    std::fprintf(stderr, "evenhand retention detach: %zu month(s) %s\n", detached.size(),
                 d->drop ? "detached and dropped" : "detached (their tables kept)");
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
