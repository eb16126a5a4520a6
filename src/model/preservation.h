// Preservation requests (issue 14 point 10): an authority asks the platform
// to freeze an account's data pending legal process (Budapest Convention
// Art. 16; in Pakistan PECA 2016's expedited-preservation section). While a
// request is in force, `retention run` deletes nothing of the accounts it
// names (cases/retention.h reads the stored record). Plain data; no I/O
// (cases/preservation_desk.h does intake and the transitions).
//
// Lifecycle:
//   received -> rejected            (at intake, with the reason)
//   received -> active              (until = received + the period)
//   active   -> extended            (once: until moves on by the extension)
//   active | extended -> released   (the authority withdrew it, or the legal
//                                    process came and the data went to it)
//   active | extended -> expired    (recorded once `until` has passed; a
//                                    request past `until` is no longer in
//                                    force whether or not this is recorded)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

enum class PreservationState { kReceived, kRejected, kActive, kExtended, kReleased, kExpired };

std::string_view PreservationStateName(PreservationState s);  // "received", "rejected", "active", ...
std::optional<PreservationState> ParsePreservationState(std::string_view name);

struct PreservationRequest {
  std::string id;            // "pr-" + 16 hex of sha256(authority \n reference)
  std::string authority;
  std::string jurisdiction;
  std::string reference;     // the authority's own reference
  std::string legal_basis;   // the provision the authority relies on, e.g. "PECA 2016 s.31"
  std::vector<std::string> targets;  // account ids
  int64_t received = 0;      // unix seconds
  int64_t days = 0;          // the period granted, in days
  std::string period_basis;  // where the period came from (regime and source, or the deployment default)
  int64_t until = 0;         // unix seconds: in force before this time
  int64_t extension_days = 0;  // 0 = not extended
  int64_t extended_at = 0;
  std::string extended_by;
  std::string extension_reason;
  PreservationState state = PreservationState::kReceived;
  std::string reason;        // why rejected or released
  int64_t closed_at = 0;     // when released or its expiry was recorded
  std::string closed_by;
  std::string regime;        // regime the period came from; "" = deployment default

  // Active or extended, and now < until.
  bool InForce(int64_t now) const {
    return (state == PreservationState::kActive || state == PreservationState::kExtended) && now < until;
  }
  // The state as of `now`: "expired" for a request past `until` whose
  // expiry is not yet recorded, else the stored state.
  std::string_view StateAt(int64_t now) const {
    if ((state == PreservationState::kActive || state == PreservationState::kExtended) && now >= until)
      return PreservationStateName(PreservationState::kExpired);
    return PreservationStateName(state);
  }
};

}  // namespace evenhand
