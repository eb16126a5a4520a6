// The `evenhand` verbs. Each Add*Command registers a CLI11 subcommand whose
// callback stores its exit code in *exit_code (0 ok, 1 failure or bad input).
#pragma once

#include <CLI/CLI.hpp>

namespace evenhand::cli {

void AddScanCommand(CLI::App& app, int* exit_code);
void AddPolicyCommand(CLI::App& app, int* exit_code);
void AddAuditCommand(CLI::App& app, int* exit_code);
void AddOrderCommand(CLI::App& app, int* exit_code);
void AddNoticeCommand(CLI::App& app, int* exit_code);
void AddAuthorityCommand(CLI::App& app, int* exit_code);
void AddDataRequestCommand(CLI::App& app, int* exit_code);
void AddVisibleCommand(CLI::App& app, int* exit_code);
void AddAppealCommand(CLI::App& app, int* exit_code);
void AddDecisionCommand(CLI::App& app, int* exit_code);  // decision review
void AddSorCommand(CLI::App& app, int* exit_code);
void AddRegimeCommand(CLI::App& app, int* exit_code);
void AddHashCommand(CLI::App& app, int* exit_code);
void AddOcrCommand(CLI::App& app, int* exit_code);   // ocr: text in images (src/media/ocr)
void AddBankCommand(CLI::App& app, int* exit_code);
// `bank import-signals|export-signals|snapshot|verify|delta|apply` (hash exchange):
// called by AddBankCommand on its `bank` subcommand.
void AddBankExchangeCommands(CLI::App* bank, int* exit_code);
void AddClassifyCommands(CLI::App& app, int* exit_code);  // train, eval, calibrate, predict
void AddBehaviorCommands(CLI::App& app, int* exit_code);  // behavior, networks, evaluate
void AddReportCommand(CLI::App& app, int* exit_code);  // report transparency|sla|penalties
void AddServeCommand(CLI::App& app, int* exit_code);   // serve: HTTP API + dashboard
void AddKeysCommand(CLI::App& app, int* exit_code);    // keys create|list|revoke
void AddPeopleCommand(CLI::App& app, int* exit_code);  // people add|list
void AddItemCommands(CLI::App& app, int* exit_code);   // item show, retention run
// `retention partitions|detach` (cmd_partitions.cc): called by AddItemCommands on `retention`.
void AddPartitionCommands(CLI::App* retention, int* exit_code);
void AddLoginsCommand(CLI::App& app, int* exit_code);  // logins import
void AddPreserveCommand(CLI::App& app, int* exit_code);  // preserve submit|list|show|extend|release|expire-due|stats
// `policy check`'s check of one file: diagnostics to stderr, 0 when it checks.
int CheckPolicyFile(const std::string& path);
#ifdef EVENHAND_NATS
void AddPolicyPublishCommand(CLI::App& policy, int* exit_code);  // policy publish (cmd_stream.cc)
void AddIngestCommand(CLI::App& app, int* exit_code);  // ingest: posts to NATS JetStream
void AddWorkerCommand(CLI::App& app, int* exit_code);  // worker: decide posts from NATS JetStream
#endif
// `audit consistency`: called by AddAuditCommand on its `audit` subcommand.
void AddAuditConsistencyCommand(CLI::App& audit, int* exit_code);
// `audit keygen|checkpoint|proof` (the Merkle tree, issue 19): likewise.
void AddAuditTlogCommands(CLI::App& audit, int* exit_code);

}  // namespace evenhand::cli
