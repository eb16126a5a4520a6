#include "server/field_visibility.h"

#include <string>

namespace evenhand::server {

namespace {

constexpr unsigned kAuthorityBit = RoleBit(Role::kAuthority);
constexpr unsigned kStaff = RoleBit(Role::kModerator) | RoleBit(Role::kAuditor) | RoleBit(Role::kAdmin);
constexpr unsigned kAll = kAuthorityBit | kStaff;

// Every field of every answer an authority's key can get (docs/API.md,
// "What each role sees"). kAll: the authority sees it too; kStaff: only staff.
constexpr FieldRule kTable[] = {
    // ---- an order (POST /v1/orders, GET /v1/orders, GET /v1/orders/{id})
    {"order.id", kAll, false, "the platform's id of the request"},
    {"order.authority", kAll, false, "who sent it"},
    {"order.jurisdiction", kAll, false, "where it applies"},
    {"order.regime", kAll, false, "the law whose deadline runs"},
    {"order.legal_basis", kAll, false, "what the authority relied on"},
    {"order.legal_basis.instrument", kAll, false, "what the authority relied on"},
    {"order.legal_basis.provision", kAll, false, "what the authority relied on"},
    {"order.category", kAll, false, "what the authority said the content is"},
    {"order.emergency", kAll, false, "the authority's own flag"},
    {"order.targets", kAll, false, "what the authority named"},
    {"order.targets[].item", kAll, false, "a target item"},
    {"order.targets[].account", kAll, false, "a target account"},
    {"order.targets[].version", kAll, false, "the item's version the order is about"},
    {"order.targets[].outcome", kAll, false, "the outcome for this target"},
    {"order.reference", kAll, false, "the authority's own reference"},
    {"order.received", kAll, false, "when it was received"},
    {"order.deadline", kAll, false, "the deadline that applies"},
    {"order.regime_deadline", kAll, false, "the law's deadline"},
    {"order.authority_deadline", kAll, false, "the authority's own deadline"},
    {"order.seconds_left", kAll, false, "time to the deadline"},
    {"order.state", kAll, false, "where the request stands"},
    {"order.outcome", kAll, false, "what was done"},
    {"order.reason", kAll, false, "the reason addressed to the authority: rejection, no action, global removal, "
                                  "the appeal's decision"},
    {"order.appeal", kStaff, false, "the user's appeal or counter-notice text: the user's, not the authority's"},
    {"order.appeal_status", kAll, false, "whether an appeal was filed and decided"},
    {"order.appeal_status.filed", kAll, false, "an appeal was filed"},
    {"order.appeal_status.decided", kAll, false, "it was decided"},
    {"order.appeal_status.outcome", kAll, false, "upheld or reversed"},
    {"order.actioned_at", kAll, false, "when it was acted on"},
    {"order.closed_at", kAll, false, "when it was closed"},
    {"order.reversed_at", kAll, false, "when the action was reversed on appeal"},
    {"order.duplicate", kAll, false, "a repeat of a reference already on file"},
    {"order.standing", kAll, false, "whether the action still stands or was reversed on appeal"},
    {"order.appealed_at", kAll, false, "when an appeal was filed (not its text)"},
    {"order.appeal_decided_at", kAll, false, "when the appeal was decided"},
    {"order.audit", kAll, false, "the audit log's receipt for this answer (docs/AUDIT.md)"},
    {"order.audit.entry", kAll, false, "the last audit entry about this order: the authority may prove it"},
    {"order.audit.tree_size", kAll, false, "the signed checkpoint's tree size"},
    {"order.audit.checkpoint", kAll, false, "the signed checkpoint the authority keeps"},
    {"order.audit.checkpoint_error", kAll, false, "why no checkpoint came with the answer"},
    {"order.history", kAll, false, "the steps taken (rows filtered by OrderHistoryActions)"},
    {"order.history[].seq", kStaff, false, "the audit chain's sequence number: the platform's volume"},
    {"order.history[].ts", kAll, false, "when the step was taken"},
    {"order.history[].actor", kStaff, false, "the person and key that took the step: a staff identity"},
    {"order.history[].action", kAll, false, "the step"},
    {"order.history[].payload", kAll, false, "the step's details (members below)"},
    {"order.history[].payload.authority", kAll, false, "who sent it"},
    {"order.history[].payload.reference", kAll, false, "the authority's own reference"},
    {"order.history[].payload.state", kAll, false, "accepted or rejected at intake"},
    {"order.history[].payload.regime", kAll, false, "the law whose deadline runs"},
    {"order.history[].payload.deadline", kAll, false, "the deadline that applies"},
    {"order.history[].payload.regime_deadline", kAll, false, "the law's deadline"},
    {"order.history[].payload.authority_deadline", kAll, false, "the authority's own deadline"},
    {"order.history[].payload.from", kAll, false, "the state before"},
    {"order.history[].payload.to", kAll, false, "the state after"},
    {"order.history[].payload.outcome", kAll, false, "what was done"},
    {"order.history[].payload.reason", kAll, false, "the reason addressed to the authority"},
    {"order.history[].payload.appeal", kStaff, false, "the user's appeal text"},

    // ---- a data request (POST/GET /v1/datarequests, GET /v1/datarequests/{id})
    {"datarequest.id", kAll, false, "the platform's id of the request"},
    {"datarequest.authority", kAll, false, "who sent it"},
    {"datarequest.jurisdiction", kAll, false, "where it applies"},
    {"datarequest.regime", kAll, false, "the law whose deadline runs"},
    {"datarequest.reference", kAll, false, "the authority's own reference"},
    {"datarequest.legal_process", kAll, false, "the process the authority relied on"},
    {"datarequest.legal_process.kind", kAll, false, "the process the authority relied on"},
    {"datarequest.legal_process.reference", kAll, false, "the process the authority relied on"},
    {"datarequest.fields", kAll, false, "what the authority asked for"},
    {"datarequest.targets", kAll, false, "the accounts the authority named"},
    {"datarequest.emergency", kAll, false, "the authority's own flag"},
    {"datarequest.received", kAll, false, "when it was received"},
    {"datarequest.deadline", kAll, false, "the deadline that applies"},
    {"datarequest.follow_up_due", kAll, false, "when the legal process must follow an emergency request"},
    {"datarequest.follow_up", kAll, false, "the legal process that followed"},
    {"datarequest.follow_up.kind", kAll, false, "the legal process that followed"},
    {"datarequest.follow_up.reference", kAll, false, "the legal process that followed"},
    {"datarequest.follow_up_at", kAll, false, "when it followed"},
    {"datarequest.gag_until", kAll, false, "the authority's own non-disclosure period"},
    {"datarequest.state", kAll, false, "where the request stands"},
    {"datarequest.reason", kAll, false, "the reason addressed to the authority (a refusal's)"},
    {"datarequest.prepared_by", kStaff, false, "a staff identity"},
    {"datarequest.prepared_at", kStaff, false, "an internal step"},
    {"datarequest.approved_by", kStaff, false, "a staff identity"},
    {"datarequest.approved_at", kStaff, false, "an internal step"},
    {"datarequest.disclosed_by", kStaff, false, "a staff identity"},
    {"datarequest.disclosed_at", kAll, false, "when the data was disclosed"},
    {"datarequest.disclosed_fields", kAll, false, "what was disclosed (outcome per field)"},
    {"datarequest.withheld_fields", kAll, false, "what was withheld and why (outcome per field)"},
    {"datarequest.withheld_fields[].field", kAll, false, "a withheld field"},
    {"datarequest.withheld_fields[].reason", kAll, false, "why, addressed to the authority"},
    {"datarequest.user_notified_at", kAll, false, "when the users were told (after the authority's gag)"},
    {"datarequest.cross_border", kStaff, false, "the platform's internal legal assessment"},
    {"datarequest.target_countries", kStaff, false, "the users' countries: user data not disclosed"},
    {"datarequest.legal_review", kStaff, true, "an internal note and its author"},
    {"datarequest.package", kAll, true, "the disclosed package (only once disclosed): what the authority asked for"},
    {"datarequest.duplicate", kAll, false, "a repeat of a reference already on file"},
    {"datarequest.audit", kAll, false, "the audit log's receipt for this answer (docs/AUDIT.md)"},
    {"datarequest.audit.entry", kAll, false, "the last audit entry about this request: the authority may prove it"},
    {"datarequest.audit.tree_size", kAll, false, "the signed checkpoint's tree size"},
    {"datarequest.audit.checkpoint", kAll, false, "the signed checkpoint the authority keeps"},
    {"datarequest.audit.checkpoint_error", kAll, false, "why no checkpoint came with the answer"},

    // ---- GET /v1/me
    {"me.key", kAll, false, "the caller's own key id"},
    {"me.role", kAll, false, "the caller's own role"},
    {"me.name", kAll, false, "the key's own name"},
    {"me.person", kAll, false, "the caller's own person"},
    {"me.person.id", kAll, false, "the caller's own person"},
    {"me.person.name", kAll, false, "the caller's own person"},
    {"me.person.roles", kAll, false, "the caller's own person"},
    {"me.authority", kAll, false, "the caller's own authority"},
    {"me.authority.id", kAll, false, "the caller's own authority"},
    {"me.authority.name", kAll, false, "the caller's own authority"},
    {"me.authority.jurisdiction", kAll, false, "the caller's own authority"},
    {"me.authority.kind", kAll, false, "the caller's own authority"},
    {"me.fields", kAll, false, "the paths of this table the caller sees (for the dashboard)"},

    // ---- GET /v1/authorities (an authority: only its own record)
    {"authority.id", kAll, false, "the registration"},
    {"authority.name", kAll, false, "the registration"},
    {"authority.jurisdiction", kAll, false, "the registration"},
    {"authority.kind", kAll, false, "the registration"},
    {"authority.added", kAll, false, "the registration"},
};

// The audit actions about an order; an authority sees the steps of its
// request, not the platform's other entries about it.
constexpr HistoryRule kHistory[] = {
    {"order.submit", kAll},  {"order.accept", kAll}, {"order.reject", kAll},  {"order.review", kAll},
    {"order.act", kAll},     {"order.close", kAll},  {"order.reopen", kAll},  {"order.uphold", kAll},
    {"order.reverse", kAll},
};

const FieldRule* Find(std::string_view path) {
  for (const FieldRule& r : kTable)
    if (r.path == path) return &r;
  return nullptr;
}

bool Sees(unsigned roles, Role role) { return (roles & RoleBit(role)) != 0; }

bool IsStaff(Role role) { return Sees(kStaff, role); }

bool SeesHistoryRow(Role role, const nlohmann::ordered_json& row) {
  if (!row.is_object() || !row.contains("action") || !row["action"].is_string()) return IsStaff(role);
  const std::string action = row["action"].get<std::string>();
  for (const HistoryRule& h : kHistory)
    if (h.action == action) return Sees(h.roles, role);
  return IsStaff(role);
}

void RedactNode(const std::string& path, Role role, nlohmann::ordered_json& j) {
  if (j.is_array()) {
    if (path == "order.history") {
      nlohmann::ordered_json kept = nlohmann::ordered_json::array();
      for (auto& row : j)
        if (SeesHistoryRow(role, row)) kept.push_back(std::move(row));
      j = std::move(kept);
    }
    for (auto& e : j) RedactNode(path + "[]", role, e);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end();) {
    const std::string child = path + "." + it.key();
    const FieldRule* rule = Find(child);
    if (!(rule != nullptr ? Sees(rule->roles, role) : IsStaff(role))) {
      it = j.erase(it);
      continue;
    }
    if (rule == nullptr || !rule->subtree) RedactNode(child, role, it.value());
    ++it;
  }
}

}  // namespace

std::span<const FieldRule> FieldTable() { return kTable; }
std::span<const HistoryRule> OrderHistoryActions() { return kHistory; }

bool MaySee(Role role, std::string_view path) {
  const FieldRule* rule = Find(path);
  return rule != nullptr ? Sees(rule->roles, role) : IsStaff(role);
}

void Redact(std::string_view view, Role role, nlohmann::ordered_json* answer) {
  if (IsStaff(role)) return;  // staff see every field (and every field the table does not list)
  RedactNode(std::string(view), role, *answer);
}

nlohmann::ordered_json VisibleFields(Role role) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const FieldRule& r : kTable)
    if (Sees(r.roles, role)) out.push_back(std::string(r.path));
  return out;
}

}  // namespace evenhand::server
