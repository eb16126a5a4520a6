// The CLI's side of own-initiative decisions after the scan: a moderator's
// review (`evenhand decision review`: confirm or overturn) and the user's
// appeal (`evenhand appeal file --decision ITEM@POLICY`, `appeal decide
// --appeal ID`, `appeal list|show`; cases/appeal_desk.h). Each returns the
// process exit code (0 ok, 1 failure, the message on stderr) and prints
// what was stored, once durable, as JSON.
#pragma once

#include <string>

#include "cli/case_cli.h"

namespace evenhand::cli {

int FileDecisionAppeal(const CaseFlags& c, const std::string& ref, const std::string& text,
                       const std::string& contact);
// `appeal`: an appeal id (apl-...) or the decision ITEM@POLICY it is about.
int DecideDecisionAppeal(const CaseFlags& c, const std::string& appeal, const std::string& outcome,
                         const std::string& reason);
int ListDecisionAppeals(const CaseFlags& c, const std::string& state);
int ShowDecisionAppeal(const CaseFlags& c, const std::string& id);

}  // namespace evenhand::cli
