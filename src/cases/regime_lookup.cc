#include "cases/regime_lookup.h"

#include <memory>

namespace evenhand {

RegimeLookup MakeRegimeLookup(std::vector<Regime> regimes, CaseKind kind) {
  auto owned = std::make_shared<const std::vector<Regime>>(std::move(regimes));
  return [owned, kind](const std::string& jurisdiction, const std::string& category, bool emergency) {
    RegimeAnswer answer;
    for (const Regime& r : *owned) {
      if (r.jurisdiction != jurisdiction) continue;
      // Until one covers the category, regime_id lists the jurisdiction's
      // regimes (named in the rejection).
      if (!answer.category_covered) answer.regime_id += (answer.regime_found ? ", " : "") + r.id;
      answer.regime_found = true;
      // The shortest figure among the categories that bind this kind of case.
      bool covered = false;
      std::optional<double> hours;
      for (const RegimeCategory* c : r.Resolve(category)) {
        if (!c->For(kind)) continue;
        const std::optional<double>& h = (emergency ? c->deadline.emergency : c->deadline.normal).value;
        if (!covered || (h && (!hours || *h < *hours))) hours = h;
        covered = true;
      }
      if (!covered) continue;
      const bool better = !answer.category_covered || (hours && (!answer.deadline_hours || *hours < *answer.deadline_hours));
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
