// Transparency counts of preservation requests (model/preservation.h):
// every request, by jurisdiction and authority, with how many are in force,
// were extended, expired, were released or rejected. Pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/preservation.h"

namespace evenhand {

// Counts of preservation requests received in [since, until) (0 = open
// end), as of `now`: by jurisdiction and authority, and in all.
struct PreservationCounts {
  std::string jurisdiction, authority;  // "" in the total
  int64_t total = 0, in_force = 0, extended = 0, expired = 0, released = 0, rejected = 0;
};
struct PreservationStats {
  PreservationCounts all;
  std::vector<PreservationCounts> rows;  // by jurisdiction, then authority
};
PreservationStats CountPreservations(const std::vector<PreservationRequest>& requests, int64_t now, int64_t since = 0,
                                     int64_t until = 0);
nlohmann::ordered_json PreservationStatsToJson(const PreservationStats& stats);

}  // namespace evenhand
