// Builds DSA Art. 17 statements of reasons from evenhand's decisions.
//
// Own-initiative decisions (a policy rule fired) give a statement on the
// contractual ground (DECISION_GROUND_INCOMPATIBLE_CONTENT, the rule's reason
// as the ground); actions taken on an authority's order give one on the legal
// ground (DECISION_GROUND_ILLEGAL_CONTENT, the order's instrument and
// provision). Actions map to restrictions as follows:
//   label           -> decision_visibility [CONTENT_LABELLED], whole EEA
//   withhold        -> decision_visibility [CONTENT_DISABLED], the scope's countries
//                      (own initiative: the decision's scope; order: its jurisdiction)
//   remove          -> decision_visibility [CONTENT_REMOVED], whole EEA
//   suspend_account -> decision_account SUSPENDED, whole EEA
//   allow, review   -> no statement (nullopt)
// Territorial scope is copied as given: a withhold outside the EEA keeps its
// non-EEA codes, which ValidateStatement reports, and RestrictToEea drops.
//
// puids are stable (the same decision always gives the same puid) and unique
// per (item, policy) for own-initiative statements and per (order, item)
// for ordered ones; they use only [A-Za-z0-9_-] as the database requires.
//
// Pure functions of their arguments; thread-safe. No text of the post and
// no signal evidence goes into a statement (statements are published).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "model/item.h"
#include "model/statement.h"

namespace evenhand {

struct StatementOptions {
  std::string platform_name;
  // Where the terms of service (own initiative) can be read; written as
  // decision_ground_reference_url when set.
  std::string terms_url;
};

// What evenhand knows of an authority's order when it acts on it. Defined
// here so that statements do not depend on the orders module.
struct OrderFacts {
  std::string id;            // the platform's order id (the puid derives from it)
  std::string authority;     // issuing authority, as it is to be named
  std::string jurisdiction;  // ISO 3166-1 alpha-2, or "EU" / "EEA" for Union-wide orders
  std::string instrument;    // e.g. "Regulation (EU) 2021/784"
  std::string provision;     // e.g. "Art. 3(1)"
  int64_t received = 0;      // unix seconds
  std::string explanation;   // why the content is illegal, as the order states; optional
};

// Statement for an own-initiative decision on `post` (its ts gives
// content_date; a zero ts falls back to decision.ts). `decided_at` (unix
// seconds) gives application_date. automated_detection is "Yes" when a rule
// or detector signal produced the decision; automated_decision is FULLY
// unless the decision was queued for human review (PARTIALLY).
std::optional<Statement> BuildStatement(const Decision& decision, const Post& post, int64_t decided_at,
                                        const StatementOptions& options);

// Statement for `action` (item, action, scope, category) taken on `order`.
// Source is SOURCE_TYPE_OTHER_NOTIFICATION with the authority as identity;
// detection and decision are not automated.
std::optional<Statement> BuildOrderStatement(const OrderFacts& order, const Decision& action, const Post& post,
                                             int64_t acted_at, const StatementOptions& options);

// The territorial scope an order's jurisdiction stands for: the whole EEA for
// "EU"/"EEA", else the (upper-cased) code itself.
std::vector<std::string> JurisdictionScope(const std::string& jurisdiction);

// Keeps only EEA codes in territorial_scope; false when none is left (the
// decision restricts nothing in the EEA and is not a DSA statement).
bool RestrictToEea(Statement* statement);

// "YYYY-MM-DD" (UTC) of a unix time.
std::string DsaDate(int64_t unix_seconds);

// Encodes `part` into puid characters injectively: letters and digits stay,
// every other byte becomes "_XX" (upper-case hex). '-' never appears, so
// parts joined with '-' stay distinguishable.
std::string PuidPart(const std::string& part);

}  // namespace evenhand
