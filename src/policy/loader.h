// Loading and checking policy files (YAML). Format:
//
//   policy: default          # name
//   version: 3               # integer, bump on every change
//   lists:
//     scam_terms:
//       files: [lists/scams.en.txt]   # relative to the policy file
//       terms: ["extra phrase"]       # optional inline terms
//   rules:
//     - id: scam-new-account
//       when: list.scam_terms and account.age_days < 7
//       action: withhold               # allow|label|review|withhold|remove|suspend_account
//       scope: [PK]                    # required for withhold
//       category: scams_and_fraud      # DSA category, short form or STATEMENT_CATEGORY_*
//       reason: "Scam terms from a new account"
//       review: true                   # optional: also queue for human review
//
// Every problem is reported as FILE:LINE:COLUMN: message, with positions in
// the policy file (for `when`, the column of the offending token).
#pragma once

#include <string>
#include <vector>

#include "model/status.h"
#include "policy/policy.h"

namespace evenhand {

struct PolicyDiagnostic {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string message;
  std::string ToString() const;  // "FILE:LINE:COLUMN: message"
};

class PolicyLoader {
 public:
  // Loads, checks and compiles. On failure the Status message holds every
  // diagnostic, one per line.
  static Result<std::shared_ptr<const Policy>> Load(const std::string& path);
  // Checks without keeping the result; empty when the policy is valid.
  static std::vector<PolicyDiagnostic> Check(const std::string& path);
  // Check of a policy whose text is `source` (already read): `path` names it
  // in diagnostics and anchors its relative files, as in Check. Check(path)
  // is CheckSource(path, the file's bytes).
  static std::vector<PolicyDiagnostic> CheckSource(const std::string& path, std::string source);
};

}  // namespace evenhand
