#include "store/store_records.h"

#include "model/jurisdiction.h"
#include "model/time.h"
#include "store/audit.h"
#include "store/json_dump.h"

namespace evenhand::store_records {

std::string DumpJson(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string MediaJson(const Post& p) {
  if (p.media.empty()) return "[]";  // most posts: no JSON to build
  nlohmann::ordered_json media = nlohmann::ordered_json::array();
  for (const Media& m : p.media) media.push_back({{"path", m.path}});
  return DumpJson(media);
}

void ParseMediaJson(std::string_view text, Post* p) {
  if (text == "[]") return;
  nlohmann::json media = nlohmann::json::parse(text, nullptr, false);
  if (media.is_array())
    for (const auto& m : media)
      if (m.is_object()) p->media.push_back(Media{m.value("path", "")});
}

Status ParseDecisionColumns(std::string_view action, std::string_view scope, std::string_view signals,
                            const std::string& where, Decision* d) {
  std::optional<Action> a = ParseAction(action);
  if (!a)
    return Status::Corrupt(where + ": decision for \"" + d->item + "\": unknown action \"" + std::string(action) +
                           "\"");
  d->action = *a;
  d->scope.clear();
  if (scope != "[]") {
    nlohmann::json j = nlohmann::json::parse(scope, nullptr, false);
    if (!j.is_array()) return Status::Corrupt(where + ": decision for \"" + d->item + "\": scope is not a JSON array");
    for (const auto& c : j)
      if (c.is_string()) d->scope.push_back(c.get<std::string>());
  }
  d->signals.clear();
  if (signals == "[]") return Status::Ok();
  nlohmann::json j = nlohmann::json::parse(signals, nullptr, false);
  if (!j.is_array()) return Status::Ok();
  for (const auto& o : j) {
    if (!o.is_object()) continue;
    Signal sig;
    sig.detector = o.value("detector", "");
    sig.name = o.value("name", "");
    sig.score = o.value("score", 1.0);
    sig.evidence = o.value("evidence", "");
    d->signals.push_back(std::move(sig));
  }
  return Status::Ok();
}

void SetFactProfile(const FactValues& v, uint32_t profile, DecisionFacts* f) {
  f->profile = profile;
  f->action = v.action;
  f->policy = v.policy;
  f->category = v.category;
  f->review = v.review;
  f->topic = v.topic;
  f->lang = v.lang;
  f->region = v.region;
}

void DecisionPayloadHead(const Decision& d, std::string_view scope_json, std::string_view signals_json,
                         std::string* out) {
  out->assign("{\"action\":");
  DumpJsonString(out, ActionName(d.action));
  out->append(",\"scope\":").append(scope_json).append(",\"category\":");
  DumpJsonString(out, d.category);
  out->append(",\"rule\":");
  DumpJsonString(out, d.rule);
  out->append(",\"policy\":");
  DumpJsonString(out, d.policy);
  out->append(d.review ? ",\"review\":true,\"reason\":" : ",\"review\":false,\"reason\":");
  DumpJsonString(out, d.reason);
  out->append(",\"signals\":").append(signals_json);
}

void DecisionPayloadTail(int64_t version, std::string_view content_hash, std::string* out) {
  out->append(",\"version\":");
  DumpJsonInt(out, version);
  out->append(",\"content_hash\":");
  DumpJsonString(out, content_hash);
  out->push_back('}');
}

std::vector<std::string> ChangedFields(const Post& old, std::string_view old_media, bool old_deleted, const Post& p,
                                       std::string_view media_json) {
  std::vector<std::string> fields;
  if (old.account != p.account) fields.push_back("account");
  if (old.ts != p.ts) fields.push_back("ts");
  if (old.lang != p.lang) fields.push_back("lang");
  if (old.text != p.text && !old_deleted) fields.push_back("text");
  if (old.topic != p.topic) fields.push_back("topic");
  if (old.region != p.region) fields.push_back("region");
  if (old_media != media_json && !old_deleted) fields.push_back("media");
  return fields;
}

std::string VersionPayload(int64_t version, const std::string& hash, int64_t previous_version,
                           const std::string& previous_hash, const std::vector<std::string>& changed) {
  nlohmann::ordered_json payload;
  payload["version"] = version;
  payload["content_hash"] = hash;
  payload["previous_version"] = previous_version;
  payload["previous_hash"] = previous_hash;
  payload["changed"] = changed;
  return DumpJson(payload);
}

std::string ContentDeletedPayload(int64_t version, const std::string& hash, const std::string& reason) {
  nlohmann::ordered_json payload;
  payload["version"] = version;
  payload["content_hash"] = hash;
  payload["reason"] = reason;
  return DumpJson(payload);
}

std::string LoginsDeletedPayload(const LoginAge& age, int64_t cutoff, const std::string& reason) {
  nlohmann::ordered_json payload;
  payload["records"] = age.count;
  payload["oldest"] = FormatTimestamp(age.oldest);
  payload["newest"] = FormatTimestamp(age.newest);
  payload["cutoff"] = FormatTimestamp(cutoff);
  payload["reason"] = reason;
  return DumpJson(payload);
}

// ---- authorities

const char* AuthorityAction(const std::string* replace_reason) {
  return replace_reason != nullptr ? "authority.replace" : "authority.put";
}

Status CheckAuthority(const AuthorityRecord& a, const std::string& actor, const std::string* replace_reason) {
  if (IsBlank(a.id)) return Status::Invalid("authority: id is empty");
  if (replace_reason != nullptr && IsBlank(*replace_reason))
    return Status::Invalid("authority \"" + a.id + "\": replacing it needs a reason");
  if (a.jurisdiction.empty()) return Status::Invalid("authority \"" + a.id + "\": jurisdiction is empty");
  if (!IsJurisdiction(a.jurisdiction))
    return Status::Invalid("authority \"" + a.id + "\": jurisdiction: \"" + a.jurisdiction +
                           "\" is not an assigned ISO 3166-1 alpha-2 code (upper case) or EU");
  if (Status s = ValidateAuditFields(actor, AuthorityAction(replace_reason), a.id, ""); !s.ok())
    return Status::Invalid("authority \"" + a.id + "\": " + s.message());
  return Status::Ok();
}

Status PlanAuthorityWrite(const AuthorityRecord& a, const AuthorityRecord* stored, const std::string& actor,
                          const std::string* replace_reason, bool* unchanged, std::string* payload) {
  *unchanged = false;
  if (Status s = CheckAuthority(a, actor, replace_reason); !s.ok()) return s;
  nlohmann::ordered_json p;
  p["name"] = a.name;
  p["jurisdiction"] = a.jurisdiction;
  p["kind"] = a.kind;
  if (replace_reason != nullptr) {
    if (stored == nullptr) return Status::NotFound("authority \"" + a.id + "\" is not registered; nothing to replace");
    p["previous"] = {{"name", stored->name}, {"jurisdiction", stored->jurisdiction}, {"kind", stored->kind}};
    p["reason"] = *replace_reason;
  } else if (stored != nullptr) {
    if (stored->jurisdiction != a.jurisdiction)
      return Status::Conflict("authority \"" + a.id + "\" is registered for " + stored->jurisdiction + ", not " +
                              a.jurisdiction + "; replacing it takes an admin's explicit replace with a reason");
    if (stored->name == a.name && stored->kind == a.kind) {
      *unchanged = true;  // a repeat: nothing changes
      return Status::Ok();
    }
  }
  *payload = DumpJson(p);
  return Status::Ok();
}

// ---- cases

Status CheckCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                 const std::string& audit_payload) {
  if (c.id.empty() || c.kind.empty()) return Status::Invalid("case: id and kind are required");
  if (Status s = ValidateAuditFields(actor, audit_action, c.id, audit_payload); !s.ok())
    return Status::Invalid("case \"" + c.id + "\": " + s.message());
  return Status::Ok();
}

// ---- people, keys, reviews

std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const std::string& r : roles) {
    if (!out.empty()) out += ',';
    out += r;
  }
  return out;
}

std::vector<std::string> SplitRoles(std::string_view joined) {
  std::vector<std::string> out;
  while (!joined.empty()) {
    const size_t comma = joined.find(',');
    std::string_view part = joined.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    joined.remove_prefix(comma + 1);
  }
  return out;
}

Status CheckPerson(const PersonRecord& p) {
  Result<std::string> id = NormalizePersonId(p.id, "person id");
  if (!id.ok()) return id.status();
  if (*id != p.id) return Status::Invalid("person id: \"" + p.id + "\" is not normalised (it reads \"" + *id + "\")");
  if (p.roles.empty()) return Status::Invalid("person \"" + p.id + "\": at least one role is needed");
  bool authority = false, staff = false;
  for (const std::string& r : p.roles) {
    if (!IsPersonRole(r))
      return Status::Invalid("person \"" + p.id + "\": role \"" + r +
                             "\" is not one of admin, moderator, auditor, authority");
    (r == "authority" ? authority : staff) = true;
  }
  if (authority && staff)
    return Status::Invalid("person \"" + p.id + "\": an authority's officer cannot also hold a staff role");
  if (authority && p.authority.empty())
    return Status::Invalid("person \"" + p.id + "\": role authority needs the authority they work for");
  if (!authority && !p.authority.empty())
    return Status::Invalid("person \"" + p.id + "\": only a person with role authority works for an authority");
  return Status::Ok();
}

Status AuthorityNotRegistered(const PersonRecord& p) {
  return Status::Invalid("person \"" + p.id + "\": authority \"" + p.authority + "\" is not registered");
}

Status PersonExists(const PersonRecord& p) { return Status::Conflict("person \"" + p.id + "\" is registered already"); }

Status PersonNotFound(const std::string& id) {
  return Status::NotFound("\"" + id + "\" is not a registered person (evenhand people add)");
}

std::string PersonPayload(const PersonRecord& person) {
  nlohmann::ordered_json payload;
  payload["name"] = person.name;
  payload["roles"] = person.roles;
  payload["authority"] = person.authority;
  return DumpJson(payload);
}

Status CheckApiKey(const ApiKeyRecord& k) {
  if (k.id.empty() || k.hash.empty() || k.role.empty()) return Status::Invalid("api key: id, hash and role are required");
  return Status::Ok();
}

std::string KeyPayload(const ApiKeyRecord& k) {
  nlohmann::ordered_json payload;
  payload["role"] = k.role;
  payload["authority"] = k.authority;
  payload["name"] = k.name;
  payload["person"] = k.person;
  return DumpJson(payload);
}

Status CheckKeyHolder(const ApiKeyRecord& key, const Result<PersonRecord>& p) {
  if (key.person.empty())
    return Status::Invalid("API key \"" + key.id + "\": a key belongs to a registered person (person is empty)");
  if (!p.ok()) {
    if (p.status().code() == Status::Code::kNotFound) return Status::Invalid("API key: person: " + p.status().message());
    return p.status();
  }
  if (!HasRole(p.value(), key.role))
    return Status::Invalid("API key: person \"" + p->id + "\" does not hold role " + key.role + " (roles: " +
                           JoinRoles(p->roles) + ")");
  if (key.role == "authority" && key.authority != p->authority)
    return Status::Invalid("API key: person \"" + p->id + "\" works for authority \"" + p->authority + "\", not \"" +
                           key.authority + "\"");
  return Status::Ok();
}

Status CheckReview(const DecisionReview& r) {
  if (r.item.empty() || r.policy.empty() || r.verdict.empty())
    return Status::Invalid("decision review: item, policy and verdict are required");
  return Status::Ok();
}

std::string ReviewPayload(const DecisionReview& r) {
  nlohmann::ordered_json payload;
  payload["policy"] = r.policy;
  payload["verdict"] = r.verdict;
  payload["reason"] = r.reason;
  return DumpJson(payload);
}

}  // namespace evenhand::store_records
