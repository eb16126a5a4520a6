// What each role sees of the API's answers (issue 14 point 5), in one
// table: every field of every answer an authority's key can get, with the
// roles that see it and why. The API applies it to each answer (Redact) and
// hands the caller's visible paths to the dashboard (/v1/me "fields"), which
// shows only those.
//
// Staff (moderator, auditor, admin) see every field. An authority sees its
// own requests' state, deadlines, outcome per target, the reasons addressed
// to it and whether an appeal was filed and decided -- never staff
// identities (history actors, prepared_by, ...), internal notes (a data
// request's legal review) or a user's appeal text. Default deny: a field
// the table does not list (one added later) is shown to staff and hidden
// from an authority until a row here says it may see it. Likewise an order
// history row is shown to an authority only when its action is listed.
//
// Paths: VIEW.FIELD, a nested object's members with ".", an array's
// elements with "[]": "order.legal_basis.instrument",
// "order.history[].payload.reason". Views: order, datarequest, me,
// authority, proof (an audit entry in an inclusion proof). A row with `subtree` covers everything below it (a disclosed
// package, whose fields are the ones the authority asked for).
//
// Pure functions over a static table; thread safe.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/api_key.h"

namespace evenhand::server {

struct FieldRule {
  std::string_view path;
  unsigned roles;         // bit per Role (1u << Role)
  bool subtree;           // everything below `path` goes with it
  std::string_view why;   // for the reader and docs/API.md
};

// The table (in field order per view).
std::span<const FieldRule> FieldTable();
// The order-history actions (audit actions about an order) and who sees the row.
struct HistoryRule {
  std::string_view action;
  unsigned roles;
};
std::span<const HistoryRule> OrderHistoryActions();
// The same for a data request's audit entries (shown in inclusion proofs).
std::span<const HistoryRule> DataRequestHistoryActions();

inline constexpr unsigned RoleBit(Role r) { return 1u << static_cast<int>(r); }

// Whether `role` sees `path` (a field missing from the table: staff yes,
// an authority no).
bool MaySee(Role role, std::string_view path);

// Removes from `answer` (one object of `view`) every member `role` may not
// see, at every depth, and the order-history rows it may not see. A no-op
// for staff.
void Redact(std::string_view view, Role role, nlohmann::ordered_json* answer);

// An audit entry ({seq, ts, actor, action, subject, payload, prev_hash,
// hash} and for leaf v2 the commitments and salts, payload as its stored
// JSON text) about a case of `case_kind`
// ("order", "datareq") in an inclusion proof. False when `role` may not see
// the entry at all (an authority: an action its history of that case does
// not show, or another kind of case): the caller then gives the leaf hash
// only. Else removes what `role` may not see ("proof.entry.*" rows; the
// payload's members by the case's "*.history[].payload.*" rows, the
// payload then the text of what remains, without its salt) and appends
// each path removed to `withheld` ("actor", "payload.appeal"; salts left
// out are not listed). A no-op for staff. The caller
// checks that the case is the authority's own.
bool RedactAuditEntry(Role role, std::string_view case_kind, nlohmann::ordered_json* entry,
                      std::vector<std::string>* withheld);

// The paths of the table `role` sees, for the dashboard.
nlohmann::ordered_json VisibleFields(Role role);

}  // namespace evenhand::server
