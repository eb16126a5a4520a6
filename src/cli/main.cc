// evenhand: the command-line face of the engine. `evenhand --help` lists
// the verbs; `evenhand VERB --help` explains each flag.
#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "cli/commands.h"
#include "model/limits.h"
#include "store/sqlite/sqlite_store.h"

int main(int argc, char** argv) {
  CLI::App app{
      "evenhand: content-governance engine. Detects harmful content with term lists, decides with\n"
      "versioned policies and keeps every decision in a tamper-evident audit log."};
  app.set_version_flag("--version", std::string("evenhand ") + EVENHAND_VERSION);
  app.require_subcommand(1);
  // Every verb that opens a store: how long to wait for another process
  // (a running `serve`, another scan) before a clear "busy" error.
  app.add_option_function<int>(
         "--busy-timeout-ms", [](const int& ms) { evenhand::SetStoreBusyTimeoutMs(ms); },
         "How long a store operation waits for another process's lock before it fails as busy (default " +
             std::to_string(evenhand::kDefaultBusyTimeoutMs) + "; any verb, before or after it)")
      ->trigger_on_parse();
  app.fallthrough();
  int exit_code = 0;
  evenhand::cli::AddScanCommand(app, &exit_code);
#ifdef EVENHAND_NATS
  evenhand::cli::AddIngestCommand(app, &exit_code);
  evenhand::cli::AddWorkerCommand(app, &exit_code);
#endif
  evenhand::cli::AddPolicyCommand(app, &exit_code);
  evenhand::cli::AddAuditCommand(app, &exit_code);
  evenhand::cli::AddOrderCommand(app, &exit_code);
  evenhand::cli::AddNoticeCommand(app, &exit_code);
  evenhand::cli::AddAuthorityCommand(app, &exit_code);
  evenhand::cli::AddDataRequestCommand(app, &exit_code);
  evenhand::cli::AddVisibleCommand(app, &exit_code);
  evenhand::cli::AddAppealCommand(app, &exit_code);
  evenhand::cli::AddDecisionCommand(app, &exit_code);
  evenhand::cli::AddSorCommand(app, &exit_code);
  evenhand::cli::AddRegimeCommand(app, &exit_code);
  evenhand::cli::AddHashCommand(app, &exit_code);
  evenhand::cli::AddOcrCommand(app, &exit_code);
  evenhand::cli::AddBankCommand(app, &exit_code);
  evenhand::cli::AddClassifyCommands(app, &exit_code);
  evenhand::cli::AddBehaviorCommands(app, &exit_code);
  evenhand::cli::AddReportCommand(app, &exit_code);
  evenhand::cli::AddServeCommand(app, &exit_code);
  evenhand::cli::AddKeysCommand(app, &exit_code);
  evenhand::cli::AddPeopleCommand(app, &exit_code);
  evenhand::cli::AddItemCommands(app, &exit_code);
  evenhand::cli::AddLoginsCommand(app, &exit_code);
  evenhand::cli::AddPreserveCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  // What any verb wrote to standard output is flushed here: a write that
  // failed (a full disk, a closed file) makes a verb that succeeded exit 1
  // naming the OS reason, never exit 0 with its output lost. (A verb that
  // failed has said why already.)
  std::cout.flush();
  errno = 0;
  const bool flushed = std::fflush(stdout) == 0;
  if (exit_code == 0 && (!flushed || std::ferror(stdout) || !std::cout.good())) {
    std::fprintf(stderr, "evenhand: writing to standard output failed: %s\n",
                 errno != 0 ? std::strerror(errno) : "an earlier write failed");
    return 1;
  }
  return exit_code;
}
