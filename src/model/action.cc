#include "model/action.h"

namespace evenhand {

namespace {
constexpr std::string_view kNames[kActionCount] = {"allow",    "label",  "review",
                                                   "withhold", "remove", "suspend_account"};
}

std::string_view ActionName(Action a) { return kNames[static_cast<int>(a)]; }

std::optional<Action> ParseAction(std::string_view name) {
  for (int i = 0; i < kActionCount; ++i)
    if (kNames[i] == name) return static_cast<Action>(i);
  return std::nullopt;
}

}  // namespace evenhand
