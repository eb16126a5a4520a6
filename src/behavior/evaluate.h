// Account-level evaluation of detected networks against a generator's
// ground truth (tools/behavior_gen: {"networks":[{"id","kind","accounts"}],
// "lookalike_accounts":[...]}). Flagged = every account in some detected
// network. precision = flagged planted / flagged; recall = flagged planted /
// planted; a planted network counts as found when at least half of its
// accounts are flagged; look-alike accounts (organic accounts that share
// the same headlines at different times) should never be flagged.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/status.h"

namespace evenhand::behavior {

// Per planted class (the ground truth's "kind"): recall over its accounts,
// the worst network's recall, networks found, and the smallest network of
// >= 19 accounts that was not found (0 = none).
struct ClassEvaluation {
  uint64_t networks = 0, found = 0, accounts = 0, flagged = 0;
  double recall = 0, worst_network_recall = 1;
  uint64_t missed_large = 0;  // networks of >= 19 accounts not found
};

struct EvaluationResult {
  std::map<std::string, ClassEvaluation> by_class;
  // Organic groups flagged (truth lists "lookalike_accounts", "heavy_accounts", "bot_accounts").
  uint64_t heavy_accounts = 0, heavy_flagged = 0, bot_accounts = 0, bots_flagged = 0;
  uint64_t missed_large_networks = 0;
  double worst_network_recall = 1;
  uint64_t planted_accounts = 0, flagged_accounts = 0, true_positives = 0;
  uint64_t planted_networks = 0, found_networks = 0, detected_networks = 0;
  uint64_t lookalike_accounts = 0, lookalikes_flagged = 0;
  double precision = 0, recall = 0;
  nlohmann::ordered_json ToJson() const;
};

// `truth` is the ground-truth document; `detected` the account lists of the detected networks.
Result<EvaluationResult> Evaluate(const nlohmann::json& truth, const std::vector<std::vector<std::string>>& detected);

}  // namespace evenhand::behavior
