#include "cases/datareq_json.h"

#include "cases/json_fields.h"

#include "model/time.h"

namespace evenhand {

namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

Status GetTime(const Json& obj, const char* field, int64_t* out) {
  auto it = obj.find(field);
  if (it == obj.end() || it->is_null()) return Status::Ok();
  if (!it->is_string()) return Status::Invalid(std::string(field) + ": must be an RFC 3339 time string");
  auto ts = ParseTimestamp(it->get<std::string>());
  if (!ts) return Status::Invalid(std::string(field) + ": \"" + it->get<std::string>() + "\" is not an RFC 3339 time");
  *out = *ts;
  return Status::Ok();
}

Status ParseProcess(const Json& j, const std::string& where, LegalProcess* out) {
  if (!j.is_object()) return Status::Invalid(where + ": must be an object {kind, reference}");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (it.key() != "kind" && it.key() != "reference") return Status::Invalid(where + "." + it.key() + ": unknown field");
  std::string kind;
  if (Status s = GetJsonString(j, "kind", &kind, false); !s.ok()) return Status::Invalid(where + "." + s.message());
  auto k = ParseLegalProcessKind(kind);
  if (!k)
    return Status::Invalid(where + ".kind: \"" + kind +
                           "\" is not court_order, warrant, subpoena, statutory_notice or emergency_none");
  out->kind = *k;
  if (Status s = GetJsonString(j, "reference", &out->reference, false); !s.ok())
    return Status::Invalid(where + "." + s.message());
  return Status::Ok();
}

OJson Time(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(); }

OJson ProcessJson(const LegalProcess& p) {
  return {{"kind", std::string(LegalProcessKindName(p.kind))}, {"reference", p.reference}};
}

LegalProcess ProcessFrom(const OJson& j) {
  LegalProcess p;
  if (!j.is_object()) return p;
  if (j.contains("kind") && j["kind"].is_string())
    p.kind = ParseLegalProcessKind(j["kind"].get<std::string>()).value_or(LegalProcessKind::kNone);
  if (j.contains("reference") && j["reference"].is_string()) p.reference = j["reference"];
  return p;
}

}  // namespace

Result<DataRequest> ParseDataRequestSubmission(std::string_view text, int64_t now) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("not valid JSON");
  if (!j.is_object()) return Status::Invalid("a data request must be a JSON object");
  static const char* const kKnown[] = {"authority", "jurisdiction", "reference", "legal_process", "fields",
                                       "targets",   "emergency",    "received",  "gag_until"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return Status::Invalid(it.key() + ": unknown field");
  }
  DataRequest r;
  if (Status s = GetJsonString(j, "authority", &r.authority, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "jurisdiction", &r.jurisdiction, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "reference", &r.reference, true); !s.ok()) return s;
  if (auto it = j.find("legal_process"); it != j.end() && !it->is_null())
    if (Status s = ParseProcess(*it, "legal_process", &r.legal_process); !s.ok()) return s;
  if (auto it = j.find("emergency"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::Invalid("emergency: must be true or false");
    r.emergency = it->get<bool>();
  }
  auto fields = j.find("fields");
  if (fields == j.end() || !fields->is_array()) return Status::Invalid("fields: must be an array of field names");
  for (size_t i = 0; i < fields->size(); ++i) {
    const Json& f = (*fields)[i];
    if (!f.is_string()) return Status::Invalid("fields[" + std::to_string(i) + "]: must be a string");
    r.fields.push_back(f.get<std::string>());
  }
  auto targets = j.find("targets");
  if (targets == j.end() || !targets->is_array()) return Status::Invalid("targets: must be an array of account ids");
  for (size_t i = 0; i < targets->size(); ++i) {
    const Json& t = (*targets)[i];
    const std::string where = "targets[" + std::to_string(i) + "]";
    const Json* id = &t;
    if (t.is_object()) {
      if (t.size() != 1 || !t.contains("account")) return Status::Invalid(where + ": must be an ID or {\"account\": ID}");
      id = &t["account"];
    }
    if (!id->is_string() || id->get<std::string>().empty())
      return Status::Invalid(where + ": must be a non-empty account id");
    r.targets.push_back(id->get<std::string>());
  }
  r.received = now;
  if (Status s = GetTime(j, "received", &r.received); !s.ok()) return s;
  if (Status s = GetTime(j, "gag_until", &r.gag_until); !s.ok()) return s;
  return r;
}

nlohmann::ordered_json DataRequestToJson(const DataRequest& r, bool with_package) {
  OJson j;
  j["id"] = r.id;
  j["authority"] = r.authority;
  j["jurisdiction"] = r.jurisdiction;
  j["regime"] = r.regime;
  j["reference"] = r.reference;
  j["legal_process"] = ProcessJson(r.legal_process);
  j["fields"] = r.fields;
  j["targets"] = r.targets;
  j["emergency"] = r.emergency;
  j["received"] = FormatTimestamp(r.received);
  j["deadline"] = Time(r.deadline);
  j["follow_up_due"] = Time(r.follow_up_due);
  j["follow_up"] = r.follow_up.kind != LegalProcessKind::kNone ? ProcessJson(r.follow_up) : OJson();
  j["follow_up_at"] = Time(r.follow_up_at);
  j["gag_until"] = Time(r.gag_until);
  j["state"] = std::string(DataRequestStateName(r.state));
  j["reason"] = r.reason;
  j["prepared_by"] = r.prepared_by;
  j["prepared_at"] = Time(r.prepared_at);
  j["approved_by"] = r.approved_by;
  j["approved_at"] = Time(r.approved_at);
  j["disclosed_by"] = r.disclosed_by;
  j["disclosed_at"] = Time(r.disclosed_at);
  j["disclosed_fields"] = r.disclosed_fields;
  OJson withheld = OJson::array();
  for (const WithheldField& w : r.withheld_fields) withheld.push_back({{"field", w.field}, {"reason", w.reason}});
  j["withheld_fields"] = std::move(withheld);
  j["ip_addresses"] = r.ip_addresses;
  j["user_notified_at"] = Time(r.user_notified_at);
  j["cross_border"] = r.cross_border;
  j["target_countries"] = r.target_countries;
  j["legal_review"] = r.legal_review_at != 0
                          ? OJson{{"note", r.legal_review}, {"by", r.legal_review_by}, {"at", FormatTimestamp(r.legal_review_at)}}
                          : OJson();
  if (with_package) {
    OJson package = r.package.empty() ? OJson() : OJson::parse(r.package, nullptr, false);
    j["package"] = package.is_discarded() ? OJson() : std::move(package);
  }
  return j;
}

Result<DataRequest> DataRequestFromJson(std::string_view text) {
  OJson j = OJson::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("stored data request is not a JSON object");
  DataRequest r;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  auto time = [&](const char* k) -> int64_t {
    if (!j.contains(k) || !j[k].is_string()) return 0;
    return ParseTimestamp(j[k].get<std::string>()).value_or(0);
  };
  auto strings = [&](const char* k) {
    std::vector<std::string> out;
    if (j.contains(k) && j[k].is_array())
      for (const OJson& v : j[k])
        if (v.is_string()) out.push_back(v.get<std::string>());
    return out;
  };
  r.id = str("id");
  r.authority = str("authority");
  r.jurisdiction = str("jurisdiction");
  r.regime = str("regime");
  r.reference = str("reference");
  if (j.contains("legal_process")) r.legal_process = ProcessFrom(j["legal_process"]);
  r.fields = strings("fields");
  r.targets = strings("targets");
  r.emergency = j.contains("emergency") && j["emergency"].is_boolean() && j["emergency"].get<bool>();
  r.received = time("received");
  r.deadline = time("deadline");
  r.follow_up_due = time("follow_up_due");
  if (j.contains("follow_up")) r.follow_up = ProcessFrom(j["follow_up"]);
  r.follow_up_at = time("follow_up_at");
  r.gag_until = time("gag_until");
  auto state = ParseDataRequestState(str("state"));
  if (!state) return Status::Corrupt("stored data request \"" + r.id + "\": unknown state");
  r.state = *state;
  r.reason = str("reason");
  r.prepared_by = str("prepared_by");
  r.prepared_at = time("prepared_at");
  r.approved_by = str("approved_by");
  r.approved_at = time("approved_at");
  r.disclosed_by = str("disclosed_by");
  r.disclosed_at = time("disclosed_at");
  r.disclosed_fields = strings("disclosed_fields");
  if (j.contains("withheld_fields") && j["withheld_fields"].is_array())
    for (const OJson& w : j["withheld_fields"])
      if (w.is_object()) r.withheld_fields.push_back({w.value("field", ""), w.value("reason", "")});
  if (j.contains("ip_addresses") && j["ip_addresses"].is_number_integer()) r.ip_addresses = j["ip_addresses"].get<int64_t>();
  r.user_notified_at = time("user_notified_at");
  r.cross_border = j.contains("cross_border") && j["cross_border"].is_boolean() && j["cross_border"].get<bool>();
  r.target_countries = strings("target_countries");
  if (j.contains("legal_review") && j["legal_review"].is_object()) {
    const OJson& lr = j["legal_review"];
    r.legal_review = lr.value("note", "");
    r.legal_review_by = lr.value("by", "");
    if (lr.contains("at") && lr["at"].is_string()) r.legal_review_at = ParseTimestamp(lr["at"].get<std::string>()).value_or(0);
  }
  if (j.contains("package") && j["package"].is_object())
    r.package = j["package"].dump(-1, ' ', false, OJson::error_handler_t::replace);
  return r;
}

}  // namespace evenhand
