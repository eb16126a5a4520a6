// Transparency counts of data-disclosure requests: every request, granted
// or not, counted by jurisdiction x legal process kind (as the request
// arrived) x outcome, with emergency requests counted in rows of their
// own and in a separate summary. Pure functions over loaded requests.
//
// Outcomes: granted (disclosed, nothing withheld), partly_granted
// (disclosed with some requested field withheld), refused, rejected
// (at intake), pending (accepted, prepared or approved).
//
// Requests for IP data (asking for account.registration_ip or
// account.logins.ip) are also counted by authority, with their own
// outcome: granted (every IP field asked for was disclosed),
// partly_granted (some), withheld (the request was answered but its legal
// process covers none of the IP fields), refused, rejected, pending; and
// why IP data was not given: each reason (the refusal's or rejection's
// reason, or the withheld field's) with how many requests it applied to.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/data_request.h"

namespace evenhand {

enum class DataRequestOutcome { kGranted, kPartlyGranted, kRefused, kRejected, kPending };

std::string_view DataRequestOutcomeName(DataRequestOutcome outcome);  // "granted", "partly_granted", ...
DataRequestOutcome OutcomeOf(const DataRequest& request);

struct OutcomeCounts {
  int64_t granted = 0, partly_granted = 0, refused = 0, rejected = 0, pending = 0;
  int64_t total() const { return granted + partly_granted + refused + rejected + pending; }
  void Add(DataRequestOutcome o);
};

struct DataRequestStatsRow {
  std::string jurisdiction;
  std::string legal_process;  // kind name; "none" when the request named none
  bool emergency = false;
  OutcomeCounts counts;
};

struct IpRequestCounts {
  std::string authority;     // "" in the total
  std::string jurisdiction;  // "" in the total
  int64_t asked = 0, granted = 0, partly_granted = 0, withheld = 0, refused = 0, rejected = 0, pending = 0;
  int64_t addresses = 0;     // addresses disclosed
};

struct ReasonCount {
  std::string reason;
  int64_t requests = 0;
};

struct DataRequestStats {
  std::vector<DataRequestStatsRow> rows;  // ordered by jurisdiction, process, emergency
  OutcomeCounts all;
  OutcomeCounts emergency;           // the emergency requests only
  int64_t emergency_followed_up = 0;  // legal process recorded after the fact
  int64_t emergency_flagged = 0;      // follow-up overdue at `now`
  OutcomeCounts cross_border;         // requests for accounts outside the authority's jurisdiction
  int64_t cross_border_reviewed = 0;  // of those, with a legal review recorded
  IpRequestCounts ip;                       // every request for IP data
  std::vector<IpRequestCounts> ip_by_authority;  // by authority id
  std::vector<ReasonCount> ip_not_granted;  // most requests first, then by reason
};

// Counts `requests` received in [since, until) (0 = open end).
DataRequestStats CountDataRequests(const std::vector<DataRequest>& requests, int64_t now, int64_t since = 0,
                                   int64_t until = 0);
nlohmann::ordered_json DataRequestStatsToJson(const DataRequestStats& stats);

}  // namespace evenhand
