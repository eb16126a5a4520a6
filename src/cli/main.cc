// evenhand: the command-line face of the engine. `evenhand --help` lists
// the verbs; `evenhand VERB --help` explains each flag.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "evenhand: content-governance engine. Detects harmful content with term lists, decides with\n"
      "versioned policies and keeps every decision in a tamper-evident audit log."};
  app.set_version_flag("--version", std::string("evenhand ") + EVENHAND_VERSION);
  app.require_subcommand(1);
  int exit_code = 0;
  evenhand::cli::AddScanCommand(app, &exit_code);
  evenhand::cli::AddPolicyCommand(app, &exit_code);
  evenhand::cli::AddAuditCommand(app, &exit_code);
  evenhand::cli::AddOrderCommand(app, &exit_code);
  evenhand::cli::AddNoticeCommand(app, &exit_code);
  evenhand::cli::AddAuthorityCommand(app, &exit_code);
  evenhand::cli::AddDataRequestCommand(app, &exit_code);
  evenhand::cli::AddVisibleCommand(app, &exit_code);
  evenhand::cli::AddAppealCommand(app, &exit_code);
  evenhand::cli::AddSorCommand(app, &exit_code);
  evenhand::cli::AddRegimeCommand(app, &exit_code);
  evenhand::cli::AddHashCommand(app, &exit_code);
  evenhand::cli::AddBankCommand(app, &exit_code);
  evenhand::cli::AddClassifyCommands(app, &exit_code);
  evenhand::cli::AddBehaviorCommands(app, &exit_code);
  evenhand::cli::AddReportCommand(app, &exit_code);
  evenhand::cli::AddServeCommand(app, &exit_code);
  evenhand::cli::AddKeysCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return exit_code;
}
