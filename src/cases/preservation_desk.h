// PreservationDesk: intake and lifecycle of preservation requests
// (model/preservation.h), on top of a Store, as generic cases of kind
// "preservation".
//
// Submit validates a parsed request and stores it, active or rejected with
// a stated reason: no legal basis (blank after trimming), an authority not
// registered (for the jurisdiction), no target or an unknown target
// account, or a period longer than the law allows. The period: the days
// asked for, else the regime's figure (PreservationRules::days, with its
// regime and source), else the deployment's default
// (options.default_days: 90, the maximum of Budapest Convention Art.
// 16(2), used because most regimes on file set no figure); a period asked
// for above the regime's figure is rejected. Intake is idempotent by
// (authority, reference).
//
// Extend moves `until` on by the regime's extension figure (else
// options.default_extension_days, or the days asked for when fewer), once:
// a second extension is Conflict, as is extending a request no longer in
// force. Release (the authority withdrew it, or the data went out under the
// legal process) needs a reason. ExpireDue records the expiry of every
// request past `until` ("preservation.expire"); a request past `until` is
// out of force whether or not that is recorded. Every change is one store
// transaction with its audit entry ("preservation.submit", ".extend",
// ".release", ".expire"); illegal transitions change nothing.
// Not thread safe (a Store is used by one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/datareq_regimes.h"
#include "model/preservation.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct PreservationDeskOptions {
  int64_t default_days = 90;            // deployment default when the regime sets no period
  int64_t default_extension_days = 90;  // likewise for the one extension
};

struct PreservationSubmitResult {
  PreservationRequest request;
  bool duplicate = false;
};

class PreservationDesk {
 public:
  PreservationDesk(Store* store, PreservationLookup regimes, PreservationDeskOptions options = {})
      : store_(store), regimes_(std::move(regimes)), options_(options) {}

  // "pr-" + 16 hex of sha256(authority \n reference).
  static std::string RequestId(const std::string& authority, const std::string& reference);

  Result<PreservationSubmitResult> Submit(PreservationRequest request, const std::string& actor);
  // `days` 0: the regime's (or default) extension figure.
  Result<PreservationRequest> Extend(const std::string& id, int64_t days, const std::string& reason,
                                     const std::string& actor, int64_t now);
  Result<PreservationRequest> Release(const std::string& id, const std::string& reason, const std::string& actor,
                                      int64_t now);
  // Records the expiry of every active or extended request with until <= now.
  Result<std::vector<PreservationRequest>> ExpireDue(const std::string& actor, int64_t now);

  Result<PreservationRequest> Get(const std::string& id);
  // Oldest first; `state` filters by the state as of `now` (StateAt), so
  // "expired" lists those past `until` whether or not recorded.
  Result<std::vector<PreservationRequest>> List(const std::string& state, int64_t now);

 private:
  Result<std::string> RejectionReason(const PreservationRequest& r, const PreservationAnswer& regime);
  Status Save(const PreservationRequest& r, PreservationState from, const std::string& actor, const std::string& action,
              const nlohmann::ordered_json& payload);

  Store* store_;
  PreservationLookup regimes_;
  PreservationDeskOptions options_;
};

}  // namespace evenhand
