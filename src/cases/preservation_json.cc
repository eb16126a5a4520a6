#include "cases/preservation_json.h"

#include "cases/json_fields.h"
#include "model/time.h"

namespace evenhand {

namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

OJson Time(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(); }

}  // namespace

Result<PreservationRequest> ParsePreservationSubmission(std::string_view text, int64_t now) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("not valid JSON");
  if (!j.is_object()) return Status::Invalid("a preservation request must be a JSON object");
  static const char* const kKnown[] = {"authority", "jurisdiction", "reference", "legal_basis",
                                       "targets",   "days",         "received"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return Status::Invalid(it.key() + ": unknown field");
  }
  PreservationRequest r;
  if (Status s = GetJsonString(j, "authority", &r.authority, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "jurisdiction", &r.jurisdiction, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "reference", &r.reference, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "legal_basis", &r.legal_basis, false); !s.ok()) return s;
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
  if (auto d = j.find("days"); d != j.end() && !d->is_null()) {
    if (!d->is_number_integer() || d->get<int64_t>() <= 0 || d->get<int64_t>() > 3650)
      return Status::Invalid("days: must be a whole number of days from 1 to 3650");
    r.days = d->get<int64_t>();
  }
  r.received = now;
  if (auto it = j.find("received"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::Invalid("received: must be an RFC 3339 time string");
    auto ts = ParseTimestamp(it->get<std::string>());
    if (!ts) return Status::Invalid("received: \"" + it->get<std::string>() + "\" is not an RFC 3339 time");
    r.received = *ts;
  }
  return r;
}

nlohmann::ordered_json PreservationToJson(const PreservationRequest& r, int64_t now) {
  OJson j;
  j["id"] = r.id;
  j["kind"] = "preservation";
  j["authority"] = r.authority;
  j["jurisdiction"] = r.jurisdiction;
  j["reference"] = r.reference;
  j["legal_basis"] = r.legal_basis;
  j["targets"] = r.targets;
  j["received"] = FormatTimestamp(r.received);
  j["state"] = std::string(PreservationStateName(r.state));
  if (now != 0) {
    j["state_now"] = std::string(r.StateAt(now));
    j["in_force"] = r.InForce(now);
  }
  j["days"] = r.days;
  j["period_basis"] = r.period_basis;
  j["regime"] = r.regime;
  j["until"] = Time(r.until);
  j["extension"] = r.extended_at != 0 ? OJson{{"days", r.extension_days},
                                              {"at", FormatTimestamp(r.extended_at)},
                                              {"by", r.extended_by},
                                              {"reason", r.extension_reason}}
                                      : OJson();
  j["reason"] = r.reason;
  j["closed_at"] = Time(r.closed_at);
  j["closed_by"] = r.closed_by;
  return j;
}

Result<PreservationRequest> PreservationFromJson(std::string_view text) {
  OJson j = OJson::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("stored preservation request is not a JSON object");
  PreservationRequest r;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  auto time = [&](const OJson& o, const char* k) -> int64_t {
    if (!o.contains(k) || !o[k].is_string()) return 0;
    return ParseTimestamp(o[k].get<std::string>()).value_or(0);
  };
  auto integer = [&](const OJson& o, const char* k) -> int64_t {
    return o.contains(k) && o[k].is_number_integer() ? o[k].get<int64_t>() : 0;
  };
  r.id = str("id");
  r.authority = str("authority");
  r.jurisdiction = str("jurisdiction");
  r.reference = str("reference");
  r.legal_basis = str("legal_basis");
  if (j.contains("targets") && j["targets"].is_array())
    for (const OJson& t : j["targets"])
      if (t.is_string()) r.targets.push_back(t.get<std::string>());
  r.received = time(j, "received");
  auto state = ParsePreservationState(str("state"));
  if (!state) return Status::Corrupt("stored preservation request \"" + r.id + "\": unknown state");
  r.state = *state;
  r.days = integer(j, "days");
  r.period_basis = str("period_basis");
  r.regime = str("regime");
  r.until = time(j, "until");
  if (j.contains("extension") && j["extension"].is_object()) {
    const OJson& e = j["extension"];
    r.extension_days = integer(e, "days");
    r.extended_at = time(e, "at");
    r.extended_by = e.value("by", "");
    r.extension_reason = e.value("reason", "");
  }
  r.reason = str("reason");
  r.closed_at = time(j, "closed_at");
  r.closed_by = str("closed_by");
  return r;
}

}  // namespace evenhand
