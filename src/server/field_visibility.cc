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
    {"order.authority_label", kAll, false, "who sent it, by its registered name"},
    {"order.jurisdiction", kAll, false, "where it applies"},
    {"order.regime", kAll, false, "the law whose deadline runs"},
    {"order.legal_basis", kAll, false, "what the authority relied on"},
    {"order.legal_basis.instrument", kAll, false, "what the authority relied on"},
    {"order.legal_basis.provision", kAll, false, "what the authority relied on"},
    {"order.category", kAll, false, "what the authority said the content is"},
    {"order.category_label", kAll, false, "the category in words"},
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

    // ---- an item (GET /v1/items/{id}): an authority gets it for items its own orders name,
    // with its own cases only and visibility as visible/hidden per country (server/api_items.cc)
    {"item.id", kAll, false, "the item the authority named"},
    {"item.current_version", kAll, false, "its latest stored version"},
    {"item.versions", kAll, false, "what the authority's order may be about, version by version"},
    {"item.versions[].version", kAll, false, "the version number"},
    {"item.versions[].content_hash", kAll, false, "the hash the order's version can be checked against"},
    {"item.versions[].account", kStaff, false, "the author's account: a user's data, disclosed only on a data request"},
    {"item.versions[].ts", kAll, false, "when it was posted"},
    {"item.versions[].lang", kAll, false, "its language"},
    {"item.versions[].topic", kAll, false, "its topic"},
    {"item.versions[].region", kAll, false, "where it is published"},
    {"item.versions[].text", kAll, false, "the content the authority named"},
    {"item.versions[].media", kAll, false, "its media files' names"},
    {"item.versions[].stored_at", kAll, false, "when the version was stored"},
    {"item.versions[].superseded_at", kAll, false, "when a later version replaced it"},
    {"item.versions[].content_deleted_at", kAll, false, "when retention deleted it"},
    {"item.decisions", kAll, false, "the platform's decisions about it (members below)"},
    {"item.decisions[].version", kAll, false, "the version decided on"},
    {"item.decisions[].action", kAll, false, "what was done"},
    {"item.decisions[].scope", kAll, false, "where"},
    {"item.decisions[].category", kAll, false, "the statement-of-reasons category"},
    {"item.decisions[].stored_at", kAll, false, "when"},
    {"item.decisions[].policy", kStaff, false, "the platform's internal policy version"},
    {"item.decisions[].rule", kStaff, false, "the platform's internal rule"},
    {"item.decisions[].reason", kStaff, false, "the rule's internal wording"},
    {"item.decisions[].review", kStaff, false, "internal: whether a moderator must look"},
    {"item.decisions[].reviewed", kStaff, false, "a moderator's review: a staff identity and note"},
    {"item.decisions[].signals", kStaff, false, "the detectors' evidence: the platform's detection methods"},
    {"item.decisions[].reversed", kAll, false, "whether the decision was undone (members below)"},
    {"item.decisions[].reversed.how", kAll, false, "on review or on appeal"},
    {"item.decisions[].reversed.at", kAll, false, "when"},
    {"item.decisions[].reversed.by", kStaff, false, "a staff identity"},
    {"item.decisions[].reversed.reason", kStaff, false, "the reviewer's note"},
    {"item.decisions[].reversed.appeal", kStaff, false, "a user's appeal"},
    {"item.cases", kAll, false, "the authority's own orders naming the item (others' are left out)"},
    {"item.cases[].id", kAll, false, "the order"},
    {"item.cases[].kind", kAll, false, "order"},
    {"item.cases[].issuer", kAll, false, "the authority itself"},
    {"item.cases[].jurisdiction", kAll, false, "where it applies"},
    {"item.cases[].state", kAll, false, "where it stands"},
    {"item.cases[].version", kAll, false, "the version it is about"},
    {"item.cases[].received", kAll, false, "when it was received"},
    {"item.cases[].standing", kAll, false, "whether its action stands"},
    {"item.visibility", kAll, true, "visible or hidden, per country (the reasons are left out: they name others' "
                                   "orders and staff)"},
    {"item.sensitive", kAll, false, "whether the media are blurred"},
    {"item.sensitive.blur", kAll, false, "they are blurred; only staff may reveal them"},
    {"item.sensitive.because", kStaff, false, "the decisions and banks that made them so"},
    {"item.account", kStaff, false, "the author: a user's data, disclosed only on a data request"},

    // ---- a data request's audit entries (rows filtered by DataRequestHistoryActions). No answer
    // lists them yet; an authority sees them in the inclusion proofs of its request's entries.
    {"datarequest.history[].payload.authority", kAll, false, "who sent it"},
    {"datarequest.history[].payload.reference", kAll, false, "the authority's own reference"},
    {"datarequest.history[].payload.state", kAll, false, "accepted or rejected at intake"},
    {"datarequest.history[].payload.reason", kAll, false, "the reason addressed to the authority"},
    {"datarequest.history[].payload.regime", kAll, false, "the law whose deadline runs"},
    {"datarequest.history[].payload.deadline", kAll, false, "the deadline that applies"},
    {"datarequest.history[].payload.follow_up_due", kAll, false, "when the legal process must follow"},
    {"datarequest.history[].payload.cross_border", kStaff, false, "the platform's internal legal assessment"},
    {"datarequest.history[].payload.from", kAll, false, "the state before"},
    {"datarequest.history[].payload.to", kAll, false, "the state after"},
    {"datarequest.history[].payload.fields_disclosed", kAll, false, "what was disclosed"},
    {"datarequest.history[].payload.users_notified", kAll, false, "whether the users were told at disclosure"},
    {"datarequest.history[].payload.kind", kAll, false, "the legal process that followed"},
    {"datarequest.history[].payload.late", kAll, false, "whether it followed after its due time"},
    {"datarequest.history[].payload.gag_until", kAll, false, "the authority's own non-disclosure period"},
    {"datarequest.history[].payload.prepared_by", kStaff, false, "a staff identity"},
    {"datarequest.history[].payload.note", kStaff, false, "an internal note"},
    {"datarequest.history[].payload.target_countries", kStaff, false, "the users' countries"},
    {"datarequest.history[].payload.ip_addresses", kStaff, false, "user data, counted for the platform's records"},
    {"datarequest.history[].payload.ip_data", kStaff, false, "the platform's record of IP data disclosed"},

    // ---- an audit entry in an inclusion proof (GET /v1/audit/proof "entry"); an authority
    // gets it only for its own order's or request's entries whose action its history shows
    // (RedactAuditEntry), the payload's members by that history's payload rows above.
    {"proof.entry.seq", kAll, false, "the entry the caller asked for (the proof's leaf index + 1)"},
    {"proof.entry.ts", kAll, false, "when the step was taken"},
    {"proof.entry.actor", kStaff, false, "the person and key that took the step: a staff identity"},
    {"proof.entry.action", kAll, false, "the step"},
    {"proof.entry.subject", kAll, false, "the authority's own order or request"},
    {"proof.entry.payload", kAll, false, "the step's details, members as in the case's history"},
    {"proof.entry.prev_hash", kStaff, false, "the chain hash of the entry before: another entry's"},
    {"proof.entry.hash", kStaff, false, "the chain hash: with the fields shown, a test of a guessed actor"},
    {"proof.entry.actor_commit", kAll, false, "the salted commitment to the actor: binds it, reveals nothing"},
    {"proof.entry.payload_commit", kAll, false, "the salted commitment to the payload as stored"},
    {"proof.entry.prev_commit", kAll, false, "the salted commitment to the chain link"},
    {"proof.entry.salt_actor", kStaff, false, "opens actor_commit: with it a guessed actor could be tested"},
    {"proof.entry.salt_payload", kAll, false, "opens payload_commit; only when nothing in the payload is withheld"},
    {"proof.entry.salt_prev", kStaff, false, "opens prev_commit: with it the previous entry's hash"},

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

// The audit actions about a data request an authority sees: its intake,
// the answer, the follow-up it sent and the users' notice; not the
// platform's internal steps (prepare, approve, legal review).
constexpr HistoryRule kDataRequestHistory[] = {
    {"datareq.submit", kAll}, {"datareq.disclose", kAll}, {"datareq.refuse", kAll},
    {"datareq.follow_up", kAll}, {"datareq.notify", kAll},   {"datareq.prepare", kStaff},
    {"datareq.approve", kStaff}, {"datareq.legal_review", kStaff},
};

const FieldRule* Find(std::string_view path) {
  for (const FieldRule& r : kTable)
    if (r.path == path) return &r;
  return nullptr;
}

bool Sees(unsigned roles, Role role) { return (roles & RoleBit(role)) != 0; }

bool IsStaff(Role role) { return Sees(kStaff, role); }

bool SeesAction(std::span<const HistoryRule> rules, Role role, std::string_view action) {
  for (const HistoryRule& h : rules)
    if (h.action == action) return Sees(h.roles, role);
  return IsStaff(role);
}

bool SeesHistoryRow(Role role, const nlohmann::ordered_json& row) {
  if (!row.is_object() || !row.contains("action") || !row["action"].is_string()) return IsStaff(role);
  return SeesAction(kHistory, role, row["action"].get<std::string>());
}

// Removes what `role` may not see below `path`; each member removed is
// added to `removed` (when given) by its path.
void RedactNode(const std::string& path, Role role, nlohmann::ordered_json& j,
                std::vector<std::string>* removed = nullptr) {
  if (j.is_array()) {
    if (path == "order.history") {
      nlohmann::ordered_json kept = nlohmann::ordered_json::array();
      for (auto& row : j)
        if (SeesHistoryRow(role, row)) kept.push_back(std::move(row));
      j = std::move(kept);
    }
    for (auto& e : j) RedactNode(path + "[]", role, e, removed);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end();) {
    const std::string child = path + "." + it.key();
    const FieldRule* rule = Find(child);
    if (!(rule != nullptr ? Sees(rule->roles, role) : IsStaff(role))) {
      if (removed != nullptr) removed->push_back(child);
      it = j.erase(it);
      continue;
    }
    if (rule == nullptr || !rule->subtree) RedactNode(child, role, it.value(), removed);
    ++it;
  }
}

}  // namespace

std::span<const FieldRule> FieldTable() { return kTable; }
std::span<const HistoryRule> OrderHistoryActions() { return kHistory; }
std::span<const HistoryRule> DataRequestHistoryActions() { return kDataRequestHistory; }

bool MaySee(Role role, std::string_view path) {
  const FieldRule* rule = Find(path);
  return rule != nullptr ? Sees(rule->roles, role) : IsStaff(role);
}

void Redact(std::string_view view, Role role, nlohmann::ordered_json* answer) {
  if (IsStaff(role)) return;  // staff see every field (and every field the table does not list)
  RedactNode(std::string(view), role, *answer);
}

bool RedactAuditEntry(Role role, std::string_view case_kind, nlohmann::ordered_json* entry,
                      std::vector<std::string>* withheld) {
  if (IsStaff(role)) return true;
  std::span<const HistoryRule> actions;
  std::string history;
  if (case_kind == "order") {
    actions = kHistory;
    history = "order.history[]";
  } else if (case_kind == "datareq") {
    actions = kDataRequestHistory;
    history = "datarequest.history[]";
  } else {
    return false;
  }
  if (!entry->is_object() || !entry->contains("action") || !(*entry)["action"].is_string() ||
      !SeesAction(actions, role, (*entry)["action"].get<std::string>()))
    return false;
  bool payload_redacted = false;
  for (auto it = entry->begin(); it != entry->end();) {
    if (!MaySee(role, "proof.entry." + it.key())) {
      // A salt is not the entry's content: left out without a mention.
      if (it.key().rfind("salt_", 0) != 0) withheld->push_back(it.key());
      it = entry->erase(it);
      continue;
    }
    if (it.key() == "payload") {
      // The payload is the stored JSON text: shown as stored when every member
      // may be seen, else as the text of what remains.
      const std::string text = it.value().is_string() ? it.value().get<std::string>() : std::string();
      nlohmann::ordered_json p = nlohmann::ordered_json::parse(text, nullptr, false);
      if (!p.is_object()) {
        withheld->push_back("payload");
        payload_redacted = true;
        it = entry->erase(it);
        continue;
      }
      std::vector<std::string> removed;
      RedactNode(history + ".payload", role, p, &removed);
      if (!removed.empty()) {
        for (const std::string& r : removed) withheld->push_back(r.substr(history.size() + 1));
        it.value() = p.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        payload_redacted = true;
      }
    }
    ++it;
  }
  // The payload's salt would let a redacted member be tested by guessing;
  // only payload_commit goes with a redacted payload.
  if (payload_redacted) entry->erase("salt_payload");
  return true;
}

nlohmann::ordered_json VisibleFields(Role role) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const FieldRule& r : kTable)
    if (Sees(r.roles, role)) out.push_back(std::string(r.path));
  return out;
}

}  // namespace evenhand::server
