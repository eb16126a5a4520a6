// `evenhand audit verify|head`: check the hash chain of a store's audit log.
#include <cstdio>

#include "cli/commands.h"
#include "store/audit_proof.h"
#include "store/audit_tree.h"
#include "store/store.h"
#include "tlog/checkpoint.h"

namespace evenhand::cli {

namespace {

// Opens an existing store and walks its chain; prints why on failure.
bool OpenAndVerify(const std::string& db, const char* verb, AuditVerifyReport* report) {
  auto store = OpenStore(db, OpenMode::kMustExist);
  if (!store.ok()) {
    std::fprintf(stderr, "evenhand audit %s: %s\n", verb, store.status().message().c_str());
    return false;
  }
  auto verified = VerifyAudit(**store);
  if (!verified.ok()) {
    std::fprintf(stderr, "evenhand audit %s: %s\n", verb, verified.status().message().c_str());
    return false;
  }
  *report = std::move(verified).value();
  return true;
}

// The tree (schema v9; leaf data v2 from v10): every leaf against its entry, the root against the
// entries, every stored checkpoint's root against the tree at its size.
// Prints what it finds; false when something does not hold.
bool VerifyTree(const std::string& db) {
  auto store = OpenStore(db, OpenMode::kMustExist);
  if (!store.ok()) {
    std::fprintf(stderr, "evenhand audit verify: %s\n", store.status().message().c_str());
    return false;
  }
  auto report = VerifyAuditTree(**store);
  if (!report.ok()) {
    std::fprintf(stderr, "evenhand audit verify: %s\n", report.status().message().c_str());
    return false;
  }
  for (const std::string& p : report->problems) std::printf("%s\n", p.c_str());
  size_t bad_checkpoints = 0, checkpoints = 0;
  auto tree = AuditTreeOf(**store);
  if (!tree.ok()) {
    std::fprintf(stderr, "evenhand audit verify: %s\n", tree.status().message().c_str());
    return false;
  }
  auto stored = (*tree)->ListCheckpoints(1000000);
  if (!stored.ok()) {
    std::fprintf(stderr, "evenhand audit verify: %s\n", stored.status().message().c_str());
    return false;
  }
  for (const StoredCheckpoint& c : *stored) {
    ++checkpoints;
    auto body = tlog::NoteBody(c.note);
    auto parsed = body.ok() ? tlog::ParseCheckpoint(*body) : Result<tlog::Checkpoint>(body.status());
    if (!parsed.ok()) {
      ++bad_checkpoints;
      std::printf("checkpoint %lld: %s\n", static_cast<long long>(c.id), parsed.status().message().c_str());
      continue;
    }
    auto root = AuditTreeRoot(**store, parsed->size);
    if (!root.ok() || *root != parsed->root) {
      ++bad_checkpoints;
      std::printf("checkpoint %lld (tree size %llu): its root is not the tree's at that size (the log was rewritten "
                  "after it was issued)\n",
                  static_cast<long long>(c.id), static_cast<unsigned long long>(parsed->size));
    }
  }
  if (report->ok() && bad_checkpoints == 0) {
    std::printf("audit tree ok: %llu entries, root %s, %zu checkpoint(s) match\n",
                static_cast<unsigned long long>(report->tree_size), tlog::ToHex(report->root).c_str(), checkpoints);
    return true;
  }
  std::printf("audit tree BROKEN: %zu problem(s)\n", report->problems.size() + bad_checkpoints);
  return false;
}

int Verify(const std::string& db, const std::string& expect_head) {
  AuditVerifyReport report;
  if (!OpenAndVerify(db, "verify", &report)) return 1;
  for (const auto& p : report.problems) std::printf("%s\n", p.what.c_str());
  if (report.problems_not_listed > 0)
    std::printf("... and %lld more problems not listed\n", static_cast<long long>(report.problems_not_listed));
  bool head_ok = expect_head.empty() || expect_head == report.head_hash;
  if (!head_ok)
    std::printf("head %s does not match the expected %s (entries were added or cut at the end)\n",
                report.head_hash.c_str(), expect_head.c_str());
  bool chain_ok = report.ok() && head_ok;
  if (chain_ok) {
    std::printf("audit chain ok: %lld entries, head %s\n", static_cast<long long>(report.entries),
                report.head_hash.c_str());
  } else {
    std::printf("audit chain BROKEN: %lld problem(s) in %lld entries\n",
                static_cast<long long>(report.problems.size() + report.problems_not_listed + !head_ok),
                static_cast<long long>(report.entries));
  }
  const bool tree_ok = VerifyTree(db);
  return chain_ok && tree_ok ? 0 : 1;
}

int Head(const std::string& db) {
  AuditVerifyReport report;
  if (!OpenAndVerify(db, "head", &report)) return 1;
  std::printf("%s %lld\n", report.head_hash.c_str(), static_cast<long long>(report.entries));
  if (!report.ok()) std::fprintf(stderr, "evenhand audit head: the chain is broken; run `audit verify`\n");
  return report.ok() ? 0 : 1;
}

}  // namespace

void AddAuditCommand(CLI::App& app, int* exit_code) {
  auto* audit = app.add_subcommand("audit", "Inspect the tamper-evident audit log");
  audit->require_subcommand(1);

  struct Args {
    std::string db;
    std::string expect_head;
  };
  auto args = std::make_shared<Args>();
  auto* verify = audit->add_subcommand(
      "verify", "Recompute the audit hash chain; report every edited, removed or reordered entry");
  verify->add_option("--db", args->db, "Store URL: sqlite:PATH, a path to an SQLite file, or postgres://USER@HOST:PORT/DB")->required();
  verify->add_option("--expect-head", args->expect_head,
                     "Hash of the last entry as published earlier; detects entries cut from the end");
  verify->callback([args, exit_code] { *exit_code = Verify(args->db, args->expect_head); });

  auto head_db = std::make_shared<std::string>();
  auto* head = audit->add_subcommand("head", "Print the hash of the last audit entry (publish it to pin the log)");
  head->add_option("--db", *head_db, "Store URL")->required();
  head->callback([head_db, exit_code] { *exit_code = Head(*head_db); });

  AddAuditConsistencyCommand(*audit, exit_code);
  AddAuditTlogCommands(*audit, exit_code);
}

}  // namespace evenhand::cli
