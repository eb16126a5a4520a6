// Backend-neutral pieces of the Store, used by every backend (sqlite/,
// postgres/) so that a record is checked, stored and audited the same way
// whatever the database: the JSON text of stored columns (media, scope,
// signals), the audit payload of each kind of write, and the checks a
// record must pass before anything is written. The SQL stays in the
// backends.
//
// Promises: pure functions, thread safe, no I/O; nothing throws (invalid
// UTF-8 in user text is replaced in JSON output, unparsable stored JSON is
// skipped or reported as Corrupt). A check returns Invalid / Conflict /
// NotFound with the message the Store interface documents (store/store.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "model/item.h"
#include "model/login.h"
#include "model/person.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand::store_records {

// Compact JSON text; invalid UTF-8 in user text is replaced instead of throwing.
std::string DumpJson(const nlohmann::ordered_json& j);

// ---- columns

// A post's media as stored: a JSON array of {"path": ...}; "[]" without media.
std::string MediaJson(const Post& p);
// Appends the media of a stored `media` column to p->media (entries that are
// not objects are skipped).
void ParseMediaJson(std::string_view text, Post* p);
// Fills d->action, d->scope and d->signals from their stored columns.
// Corrupt (naming `where` and the item) when the action is unknown or the
// scope is not a JSON array.
Status ParseDecisionColumns(std::string_view action, std::string_view scope, std::string_view signals,
                            const std::string& where, Decision* d);

// ---- the analytics facts

// The values one profile of DecisionFacts stands for, owned (a backend
// keeps one per profile met in a scan).
struct FactValues {
  std::string action, policy, category, topic, lang, region;
  bool review = false;
};
// Points the views of *f at `v`, profile number `profile`.
void SetFactProfile(const FactValues& v, uint32_t profile, DecisionFacts* f);

// ---- audit payloads

// The "decision" entry's payload, written into *out (store/json_dump.h: the
// bytes nlohmann's dump gave): the decision, with `scope_json` and
// `signals_json` as DumpScopeJson / DumpSignalsJson wrote them, then the
// version decided on and its content hash. DecisionPayloadHead writes it up
// to the signals, DecisionPayloadTail the rest, for a backend that learns the
// version only when the decision is stored.
void DecisionPayloadHead(const Decision& d, std::string_view scope_json, std::string_view signals_json,
                         std::string* out);
void DecisionPayloadTail(int64_t version, std::string_view content_hash, std::string* out);
// The fields `p` changes against the stored version `old` (whose media
// column is `old_media`; when its content was deleted by retention, text and
// media do not count), in the order the "item.version" entry lists them.
std::vector<std::string> ChangedFields(const Post& old, std::string_view old_media, bool old_deleted, const Post& p,
                                       std::string_view media_json);
std::string VersionPayload(int64_t version, const std::string& hash, int64_t previous_version,
                           const std::string& previous_hash, const std::vector<std::string>& changed);
std::string ContentDeletedPayload(int64_t version, const std::string& hash, const std::string& reason);
// "login.deleted": how many, the oldest and newest, the cutoff and why:
// never an address, a port or a device.
std::string LoginsDeletedPayload(const LoginAge& age, int64_t cutoff, const std::string& reason);

// ---- authorities

// What writing authority `a` does given what is stored (`stored` null when
// it is not registered): PutAuthority when `replace_reason` is null,
// ReplaceAuthority otherwise. Checks the record and actor (Invalid), then
// NotFound (replace of nothing) or Conflict (another jurisdiction); sets
// *unchanged when a PutAuthority repeats what is on file, else *payload to
// the entry's payload (the entry's action is AuthorityAction()).
Status PlanAuthorityWrite(const AuthorityRecord& a, const AuthorityRecord* stored, const std::string& actor,
                          const std::string* replace_reason, bool* unchanged, std::string* payload);
// The checks of PlanAuthorityWrite that need nothing stored (done before a
// transaction starts).
Status CheckAuthority(const AuthorityRecord& a, const std::string& actor, const std::string* replace_reason);
// "authority.put" or "authority.replace".
const char* AuthorityAction(const std::string* replace_reason);

// ---- cases

Status CheckCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                 const std::string& audit_payload);

// ---- people, keys, reviews

// The roles of a person as stored ("admin,moderator") and back.
std::string JoinRoles(const std::vector<std::string>& roles);
std::vector<std::string> SplitRoles(std::string_view joined);
// Everything PutPerson checks but whether the authority is registered.
Status CheckPerson(const PersonRecord& p);
Status AuthorityNotRegistered(const PersonRecord& p);  // the Invalid for that last check
std::string PersonPayload(const PersonRecord& p);
Status PersonExists(const PersonRecord& p);  // the Conflict of a second PutPerson
Status PersonNotFound(const std::string& id);

// Key id, hash and role are present.
Status CheckApiKey(const ApiKeyRecord& k);
std::string KeyPayload(const ApiKeyRecord& k);
// Whether `key` may be stored, given the lookup of its holder
// (key.person): registered, holds the key's role, and for role "authority"
// works for the key's authority.
Status CheckKeyHolder(const ApiKeyRecord& key, const Result<PersonRecord>& holder);

Status CheckReview(const DecisionReview& r);
std::string ReviewPayload(const DecisionReview& r);

}  // namespace evenhand::store_records
