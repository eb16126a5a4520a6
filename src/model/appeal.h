// Appeals of own-initiative decisions (DSA Art. 20, internal complaint
// handling): a user contests a stored decision of the platform's own
// (ITEM@POLICY); a person other than the one who confirmed the decision
// decides it, upheld (the action stands) or reversed (the action is undone
// everywhere, see cases/standing.h); the user is told at filing and at
// decision through the appeal's outbox. Plain data; no I/O (cases/appeal_desk.h
// files and decides them). Appeals of orders are the order's own lifecycle
// (model/order.h: reopened -> upheld | reversed).
//
// Lifecycle: filed -> upheld | reversed. One appeal per decision: filing
// again returns the appeal on file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/notice.h"  // NoticeMessage: one message to a person, kept in an outbox

namespace evenhand {

enum class AppealState { kFiled, kUpheld, kReversed };

inline std::string_view AppealStateName(AppealState s) {
  switch (s) {
    case AppealState::kFiled: return "filed";
    case AppealState::kUpheld: return "upheld";
    case AppealState::kReversed: return "reversed";
  }
  return "?";
}

inline std::optional<AppealState> ParseAppealState(std::string_view name) {
  for (AppealState s : {AppealState::kFiled, AppealState::kUpheld, AppealState::kReversed})
    if (AppealStateName(s) == name) return s;
  return std::nullopt;
}

struct DecisionAppeal {
  std::string id;        // "apl-" + 16 hex of sha256(item + "@" + policy)
  std::string item;      // the decision appealed: (item, policy)
  std::string policy;    // "name@version"
  int64_t version = 0;   // the item version the decision was about (0 = unknown)
  std::string action;    // the decision's action when filed (remove, withhold, ...)
  std::string contact;   // where the user is answered (e-mail, or "account:ID")
  std::string text;      // the user's appeal, as received
  std::string filed_by;  // the audit actor who recorded it
  std::string confirmed_by;  // who confirmed the decision on review ("" when no one did): may not decide it
  int64_t filed_at = 0;  // unix seconds
  AppealState state = AppealState::kFiled;
  std::string reason;    // why upheld or reversed
  std::string decided_by;  // the audit actor who decided it
  int64_t decided_at = 0;
  std::vector<NoticeMessage> outbox;  // every message sent to the user, in order
};

}  // namespace evenhand
