// Timestamps: seconds since the Unix epoch, UTC. Parsing accepts RFC 3339
// ("2026-11-01T10:00:00Z", fractional seconds and +hh:mm offsets allowed);
// formatting always writes "YYYY-MM-DDThh:mm:ssZ".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evenhand {

std::optional<int64_t> ParseTimestamp(std::string_view text);
std::string FormatTimestamp(int64_t unix_seconds);
int64_t NowUnixSeconds();

// A duration as "6h", "90m", "2d", "30s" or plain seconds, in seconds;
// nullopt for anything else.
std::optional<int64_t> ParseDuration(std::string_view text);

}  // namespace evenhand
