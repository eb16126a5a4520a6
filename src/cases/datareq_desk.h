// DataRequestDesk: intake and lifecycle of data-disclosure requests, on top
// of a Store.
//
// Submit validates a parsed request and stores it — accepted, or rejected
// with a stated reason: no legal process (and not an emergency), a legal
// process without its reference, an authority not registered (for the
// jurisdiction), no field asked for or one not in the catalogue, no target
// or an unknown target account. Intake is idempotent by (authority,
// reference): a repeat returns the stored request untouched. The deadline
// is received + the regime's information-request figure (the emergency one
// for an emergency request; none when no figure applies). An emergency
// request without legal process may be answered, but gets follow_up_due =
// received + the regime's emergency information-request figure, or
// options.follow_up_default_hours (a deployment default, 48 h) when the
// law sets none; RecordFollowUp records the process once it arrives.
//
// Prepare builds the disclosure package (cases/datareq_package.h: only the
// requested fields the legal process covers) and records who prepared it;
// Approve needs another person than the preparer (four-eyes; Conflict
// otherwise); Disclose releases the approved package. Refuse (accepted or
// prepared) needs a reason. Illegal transitions are Conflict and change
// nothing. Gag periods: a disclosed request notifies its users at once
// unless gag_until lies ahead; NotifyDue lists those whose gag has ended
// and MarkNotified records the notification.
//
// Every stored change appends an audit entry with the actor in the same
// transaction (actions "datareq.submit", ".prepare", ".approve",
// ".disclose", ".refuse", ".follow_up", ".notify"; packages appear there by
// SHA-256 only), and every call returns only once the change is durable.
// Not thread safe (a Store is used by one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cases/datareq_lifecycle.h"
#include "cases/datareq_regimes.h"
#include "model/data_request.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct DataRequestDeskOptions {
  // Follow-up window for emergency requests answered before legal process,
  // used when the regime sets no emergency information-request figure (or
  // no regime covers the jurisdiction). A deployment default, not law.
  double follow_up_default_hours = 48.0;
};

struct DataRequestSubmitResult {
  DataRequest request;
  bool duplicate = false;  // (authority, reference) was already on file
};

class DataRequestDesk {
 public:
  DataRequestDesk(Store* store, InfoRequestLookup regimes, DataRequestDeskOptions options = {})
      : store_(store), regimes_(std::move(regimes)), options_(options) {}

  // "dr-" + 16 hex of sha256(authority \n reference).
  static std::string RequestId(const std::string& authority, const std::string& reference);

  Result<DataRequestSubmitResult> Submit(DataRequest request, const std::string& actor);
  Result<DataRequest> Prepare(const std::string& id, const std::string& actor, int64_t now);
  Result<DataRequest> Approve(const std::string& id, const std::string& actor, int64_t now);
  Result<DataRequest> Disclose(const std::string& id, const std::string& actor, int64_t now);
  Result<DataRequest> Refuse(const std::string& id, const std::string& reason, const std::string& actor, int64_t now);
  // Records the legal process that followed an emergency request.
  Result<DataRequest> RecordFollowUp(const std::string& id, const LegalProcess& process, const std::string& actor,
                                     int64_t now);
  // Records that the users of a request whose notice is due were notified.
  // Records the legal review a cross-border request needs before approval
  // (its conclusion in `note`, which must not be blank); Conflict when the
  // request is not cross-border or is past approval.
  Result<DataRequest> RecordLegalReview(const std::string& id, const std::string& note, const std::string& actor,
                                        int64_t now);
  Result<DataRequest> MarkNotified(const std::string& id, const std::string& actor, int64_t now);

  Result<DataRequest> Get(const std::string& id);
  // Requests in `state` (any when nullopt), oldest first; with flagged_only,
  // only those whose follow-up is overdue at `now`.
  Result<std::vector<DataRequest>> List(std::optional<DataRequestState> state, bool flagged_only, int64_t now);
  // Disclosed requests whose users must now be notified.
  Result<std::vector<DataRequest>> NotifyDue(int64_t now);

 private:
  // Why the request must be rejected, or empty when it is valid.
  Result<std::string> RejectionReason(const DataRequest& request);
  // Stores `r` (now in r.state) if the stored one is still in `from`.
  Status Save(const DataRequest& r, DataRequestState from, const std::string& actor, const std::string& action,
              const std::string& payload);
  // Loads `id` and checks that `event` may move it on; *to is where.
  Result<DataRequest> LoadFor(const std::string& id, DataRequestEvent event, DataRequestState* to);

  Store* store_;
  InfoRequestLookup regimes_;
  DataRequestDeskOptions options_;
};

}  // namespace evenhand
