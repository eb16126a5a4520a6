#include "cases/datareq_regimes.h"

#include <memory>

namespace evenhand {

namespace {

// Keeps the shorter of two optional figures; true when `candidate` won.
bool KeepShorter(std::optional<double>* best, std::optional<double> candidate) {
  if (!candidate || (*best && **best <= *candidate)) return false;
  *best = candidate;
  return true;
}

}  // namespace

InfoRequestLookup MakeInfoRequestLookup(std::vector<Regime> regimes) {
  auto owned = std::make_shared<const std::vector<Regime>>(std::move(regimes));
  return [owned](const std::string& jurisdiction) {
    InfoRequestAnswer answer;
    bool normal_from_regime = false;
    for (const Regime& r : *owned) {
      if (r.jurisdiction != jurisdiction) continue;
      if (!answer.regime_found) answer.regime_id = r.id;
      answer.regime_found = true;
      if (KeepShorter(&answer.normal_hours, r.DeadlineHours(kInfoRequestKey, false))) {
        answer.regime_id = r.id;
        normal_from_regime = true;
      }
      if (KeepShorter(&answer.emergency_hours, r.DeadlineHours(kInfoRequestKey, true)) && !normal_from_regime)
        answer.regime_id = r.id;
    }
    return answer;
  };
}

PreservationLookup MakePreservationLookup(std::vector<Regime> regimes) {
  auto owned = std::make_shared<const std::vector<Regime>>(std::move(regimes));
  return [owned](const std::string& jurisdiction) {
    PreservationAnswer answer;
    for (const Regime& r : *owned) {
      if (r.jurisdiction != jurisdiction || !r.preservation.present) continue;
      if (answer.regime_id.empty()) {
        answer.regime_id = r.id;
        answer.note = r.preservation.note;
        answer.source = r.preservation.source;
      }
      if (KeepShorter(&answer.days, r.preservation.days)) {
        answer.regime_id = r.id;
        answer.note = r.preservation.note;
        answer.source = r.preservation.source;
      }
      KeepShorter(&answer.extension_days, r.preservation.extension_days);
    }
    return answer;
  };
}

TrafficRetentionLookup MakeTrafficRetentionLookup(std::vector<Regime> regimes) {
  auto owned = std::make_shared<const std::vector<Regime>>(std::move(regimes));
  return [owned](const std::string& jurisdiction) {
    TrafficRetentionAnswer answer;
    for (const Regime& r : *owned) {
      const std::optional<double>& days = r.preservation.traffic_retention_days;
      if (r.jurisdiction != jurisdiction || !r.preservation.present || !days) continue;
      if (answer.days && *answer.days >= *days) continue;
      answer.days = days;
      answer.regime_id = r.id;
      answer.source = r.preservation.source;
    }
    return answer;
  };
}

}  // namespace evenhand
