#include "cases/regime_lookup.h"

#include <memory>

namespace evenhand {

RegimeLookup MakeRegimeLookup(std::vector<Regime> regimes) {
  auto owned = std::make_shared<const std::vector<Regime>>(std::move(regimes));
  return [owned](const std::string& jurisdiction, const std::string& category, bool emergency) {
    RegimeAnswer answer;
    for (const Regime& r : *owned) {
      if (r.jurisdiction != jurisdiction) continue;
      // Until one covers the category, regime_id lists the jurisdiction's
      // regimes (named in the rejection).
      if (!answer.category_covered) answer.regime_id += (answer.regime_found ? ", " : "") + r.id;
      answer.regime_found = true;
      if (r.Resolve(category).empty()) continue;
      const std::optional<double> hours = r.DeadlineHours(category, emergency);
      const bool better = !answer.category_covered ||
                          (hours && (!answer.deadline_hours || *hours < *answer.deadline_hours));
      if (better) {
        answer.category_covered = true;
        answer.regime_id = r.id;
        answer.deadline_hours = hours;
      }
    }
    return answer;
  };
}

}  // namespace evenhand
