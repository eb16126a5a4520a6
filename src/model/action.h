// The actions a policy rule can take, from least to most severe.
// Names are the stable strings used in policy files, decisions and the store.
#pragma once

#include <optional>
#include <string_view>

namespace evenhand {

enum class Action : int {
  kAllow = 0,
  kLabel,
  kReview,
  kWithhold,        // geo-scoped: hidden only in the listed jurisdictions
  kRemove,          // global removal
  kSuspendAccount,  // acts on the account, not just the item
};
inline constexpr int kActionCount = 6;

std::string_view ActionName(Action a);
std::optional<Action> ParseAction(std::string_view name);

}  // namespace evenhand
