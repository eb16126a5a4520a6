// The disclosure package of a data request: what the platform hands over.
//
// Minimisation is the promise: the package holds, for each target account,
// ONLY the fields the request asked for AND its governing legal process
// covers (cases/datareq_coverage.h). A field asked for but not covered is
// withheld and listed, with the reason, under "fields_withheld"; a field
// not asked for appears nowhere. Shape (one JSON object):
//
//   {"request": ID, "authority": ..., "jurisdiction": ..., "reference": ...,
//    "legal_process": {"kind", "reference"}, "prepared_at": RFC 3339,
//    "fields_requested": [...], "fields_disclosed": [...],
//    "fields_withheld": [{"field", "reason"}],
//    "records": [{"target": ACCOUNT,              -- as the request named it
//                 "account.id": ..., "account.created": ..., "account.country": ...,
//                 "account.registration_ip": {"ip", "port", "ts"} | null,
//                 "account.logins": [{"ts", "ip", "port", "device"}],
//                 "account.posts": [{"id", "ts", "text", "region", "lang"}]}]}
//
// Within a record only disclosed fields are keys; "account.posts" is there
// only when some account.posts.* field is disclosed, and each post object
// holds only the disclosed ones (account.posts.ids -> "id", .ts -> "ts",
// .text -> "text", .region -> "region", .lang -> "lang"); likewise
// "account.logins" and its account.logins.* fields (.ts, .ip, .port,
// .device), one object per login record (sign-ups included), oldest first.
// account.registration_ip is the sign-up record's address with its source
// port and time (null when no sign-up record is stored). Unknown values
// (no account record, a post without a time, no port) are null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/data_request.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct DisclosurePackage {
  std::string json;  // one line
  std::vector<std::string> disclosed;    // fields, request order, no repeats
  std::vector<WithheldField> withheld;   // fields, request order, no repeats
  int64_t ip_addresses = 0;  // network addresses the package holds (each value counted)
};

// Splits the requested fields into disclosed and withheld under the
// request's effective legal process (no store access).
void SplitFields(const DataRequest& request, std::vector<std::string>* disclosed,
                 std::vector<WithheldField>* withheld);

// Reads the targets' data from `store` and builds the package.
Result<DisclosurePackage> BuildDisclosurePackage(Store& store, const DataRequest& request, int64_t now);

// The key a post field has inside a post object ("id" for
// account.posts.ids, ...); empty for a field that is not a post field.
std::string_view PostFieldKey(std::string_view field);
// Likewise for login fields ("ts" for account.logins.ts, ...).
std::string_view LoginFieldKey(std::string_view field);

}  // namespace evenhand
