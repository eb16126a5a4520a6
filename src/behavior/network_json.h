// JSON form of a detected network (what `evenhand behavior` writes, one a
// line, and stores as a case of kind "network"), and of account signals.
// NetworkFromJson is strict: a missing or mistyped field is an Invalid
// Status naming it.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "behavior/detector.h"
#include "model/status.h"

namespace evenhand::behavior {

nlohmann::ordered_json NetworkToJson(const Network& n);
Result<Network> NetworkFromJson(const nlohmann::json& j);
nlohmann::ordered_json ClusterToJson(const ClusterReport& c);
nlohmann::ordered_json AccountSignalsToJson(const AccountSignals& s, const BehaviorResult& r);

}  // namespace evenhand::behavior
