// The bridge from loaded regimes to the DataRequestDesk (and the
// PreservationDesk, below): for a request's
// jurisdiction, the information-request deadline in hours (normal and
// emergency; Regime::DeadlineHours(kInfoRequestKey, ...)). When several
// regimes of the jurisdiction set a figure, the shortest wins: the
// platform must meet the strictest one that may apply. The lookup copies
// the regimes it is given; thread safe once built.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "regimes/regime.h"

namespace evenhand {

struct InfoRequestAnswer {
  bool regime_found = false;  // some regime covers the jurisdiction
  std::string regime_id;      // the regime a figure came from (else the first found)
  std::optional<double> normal_hours;     // nullopt: no hour figure in law or deployment
  std::optional<double> emergency_hours;  // likewise
};
using InfoRequestLookup = std::function<InfoRequestAnswer(const std::string& jurisdiction)>;

InfoRequestLookup MakeInfoRequestLookup(std::vector<Regime> regimes);

// For a preservation request's jurisdiction: the period and extension the
// regimes set (PreservationRules), the shortest when several do.
struct PreservationAnswer {
  std::string regime_id;   // the regime a figure came from; "" = none
  std::optional<double> days, extension_days;  // nullopt: no figure in law
  std::string source;      // the figure's URL
  std::string note;        // the regime's note (why a figure is null, ...)
};
using PreservationLookup = std::function<PreservationAnswer(const std::string& jurisdiction)>;

PreservationLookup MakePreservationLookup(std::vector<Regime> regimes);

// For an account's country: how long the regimes ask traffic data (login
// records: addresses, ports, times) to be kept
// (PreservationRules::traffic_retention_days); the LONGEST when several do,
// since retention must not delete what any of them still requires.
struct TrafficRetentionAnswer {
  std::string regime_id;      // "" = no regime sets a figure
  std::optional<double> days;
  std::string source;
};
using TrafficRetentionLookup = std::function<TrafficRetentionAnswer(const std::string& jurisdiction)>;

TrafficRetentionLookup MakeTrafficRetentionLookup(std::vector<Regime> regimes);

}  // namespace evenhand
