// Account behaviour signals as a scan reads them: the JSONL that
// `evenhand behavior --signals` writes (one object per networked or
// automated account: account, network_size, coordination_score,
// automation_score, cluster_size, ...). LoadAccountSignals is strict: a bad
// line is an Invalid Status naming FILE:LINE and the field. The map is
// immutable once loaded and may be shared by threads.
#pragma once

#include <string>
#include <unordered_map>

#include "model/status.h"

namespace evenhand::behavior {

struct AccountBehavior {
  double network_size = 0;
  double coordination_score = 0;
  double automation_score = 0;
  double cluster_size = 0;
};

using AccountBehaviorMap = std::unordered_map<std::string, AccountBehavior>;

Result<AccountBehaviorMap> LoadAccountSignals(const std::string& path);

}  // namespace evenhand::behavior
