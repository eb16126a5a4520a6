#include "cases/order_json.h"

#include "cases/json_fields.h"
#include "cases/standing.h"

#include "model/time.h"

namespace evenhand {

namespace {

using Json = nlohmann::json;

// Reads an optional string member; Invalid when present but not a string.
}  // namespace

Result<Order> ParseOrderSubmission(std::string_view text, int64_t now) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("not valid JSON");
  if (!j.is_object()) return Status::Invalid("an order must be a JSON object");
  static const char* const kKnown[] = {"authority", "jurisdiction", "legal_basis", "category", "emergency",
                                       "targets",   "reference",    "received", "authority_deadline"};
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for (const char* k : kKnown) known = known || it.key() == k;
    if (!known) return Status::Invalid(it.key() + ": unknown field");
  }
  Order o;
  if (Status s = GetJsonString(j, "authority", &o.authority, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "jurisdiction", &o.jurisdiction, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "category", &o.category, true); !s.ok()) return s;
  if (Status s = GetJsonString(j, "reference", &o.reference, true); !s.ok()) return s;
  if (auto it = j.find("legal_basis"); it != j.end() && !it->is_null()) {
    if (!it->is_object()) return Status::Invalid("legal_basis: must be an object {instrument, provision}");
    if (Status s = GetJsonString(*it, "instrument", &o.legal_basis.instrument, false); !s.ok())
      return Status::Invalid("legal_basis." + s.message());
    if (Status s = GetJsonString(*it, "provision", &o.legal_basis.provision, false); !s.ok())
      return Status::Invalid("legal_basis." + s.message());
  }
  if (auto it = j.find("emergency"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::Invalid("emergency: must be true or false");
    o.emergency = it->get<bool>();
  }
  auto targets = j.find("targets");
  if (targets == j.end() || !targets->is_array()) return Status::Invalid("targets: must be an array");
  if (targets->empty()) return Status::Invalid("targets: names no item or account");
  for (size_t i = 0; i < targets->size(); ++i) {
    const Json& t = (*targets)[i];
    const std::string where = "targets[" + std::to_string(i) + "]";
    if (!t.is_object() || t.size() != 1)
      return Status::Invalid(where + ": must be {\"item\": ID} or {\"account\": ID}");
    const std::string kind = t.begin().key();
    const Json& id = t.begin().value();
    if (kind != "item" && kind != "account")
      return Status::Invalid(where + ": must be {\"item\": ID} or {\"account\": ID}");
    if (!id.is_string() || id.get<std::string>().empty()) return Status::Invalid(where + "." + kind + ": must be a non-empty string");
    o.targets.push_back({kind, id.get<std::string>()});
  }
  o.received = now;
  if (auto it = j.find("received"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::Invalid("received: must be an RFC 3339 time string");
    auto ts = ParseTimestamp(it->get<std::string>());
    if (!ts) return Status::Invalid("received: \"" + it->get<std::string>() + "\" is not an RFC 3339 time");
    o.received = *ts;
  }
  if (auto it = j.find("authority_deadline"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::Invalid("authority_deadline: must be an RFC 3339 time string");
    auto ts = ParseTimestamp(it->get<std::string>());
    if (!ts) return Status::Invalid("authority_deadline: \"" + it->get<std::string>() + "\" is not an RFC 3339 time");
    if (*ts <= o.received) return Status::Invalid("authority_deadline: not after the order was received");
    o.authority_deadline = *ts;
  }
  return o;
}

nlohmann::ordered_json OrderToJson(const Order& o) {
  nlohmann::ordered_json j;
  j["id"] = o.id;
  j["authority"] = o.authority;
  j["jurisdiction"] = o.jurisdiction;
  j["regime"] = o.regime;
  j["legal_basis"] = {{"instrument", o.legal_basis.instrument}, {"provision", o.legal_basis.provision}};
  j["category"] = o.category;
  j["emergency"] = o.emergency;
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const OrderTarget& t : o.targets) {
    nlohmann::ordered_json target = {{t.kind, t.id}};
    if (t.version != 0) target["version"] = t.version;
    targets.push_back(std::move(target));
  }
  j["targets"] = std::move(targets);
  j["reference"] = o.reference;
  j["received"] = FormatTimestamp(o.received);
  j["deadline"] = o.deadline != 0 ? nlohmann::ordered_json(FormatTimestamp(o.deadline)) : nlohmann::ordered_json();
  // Both deadlines are shown; `deadline` is the stricter, the one that applies.
  j["regime_deadline"] =
      o.regime_deadline != 0 ? nlohmann::ordered_json(FormatTimestamp(o.regime_deadline)) : nlohmann::ordered_json();
  j["authority_deadline"] =
      o.authority_deadline != 0 ? nlohmann::ordered_json(FormatTimestamp(o.authority_deadline)) : nlohmann::ordered_json();
  j["state"] = std::string(OrderStateName(o.state));
  j["outcome"] = std::string(OrderOutcomeName(o.outcome));
  j["reason"] = o.reason;
  j["appeal"] = o.appeal;
  j["actioned_at"] = o.actioned_at != 0 ? nlohmann::ordered_json(FormatTimestamp(o.actioned_at)) : nlohmann::ordered_json();
  j["closed_at"] = o.closed_at != 0 ? nlohmann::ordered_json(FormatTimestamp(o.closed_at)) : nlohmann::ordered_json();
  j["reversed_at"] = o.reversed_at != 0 ? nlohmann::ordered_json(FormatTimestamp(o.reversed_at)) : nlohmann::ordered_json();
  j["appealed_at"] = o.appealed_at != 0 ? nlohmann::ordered_json(FormatTimestamp(o.appealed_at)) : nlohmann::ordered_json();
  j["appeal_decided_at"] =
      o.appeal_decided_at != 0 ? nlohmann::ordered_json(FormatTimestamp(o.appeal_decided_at)) : nlohmann::ordered_json();
  // Whether the action restricts its targets now (cases/standing.h): "in_force", "reversed" or "none".
  j["standing"] = std::string(OrderStanding(o));
  return j;
}

Result<Order> OrderFromJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("stored order is not a JSON object");
  Order o;
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  auto time = [&](const char* k) -> int64_t {
    if (!j.contains(k) || !j[k].is_string()) return 0;
    return ParseTimestamp(j[k].get<std::string>()).value_or(0);
  };
  o.id = str("id");
  o.authority = str("authority");
  o.jurisdiction = str("jurisdiction");
  o.regime = str("regime");
  if (j.contains("legal_basis") && j["legal_basis"].is_object()) {
    const Json& lb = j["legal_basis"];
    if (lb.contains("instrument") && lb["instrument"].is_string()) o.legal_basis.instrument = lb["instrument"];
    if (lb.contains("provision") && lb["provision"].is_string()) o.legal_basis.provision = lb["provision"];
  }
  o.category = str("category");
  o.emergency = j.contains("emergency") && j["emergency"].is_boolean() && j["emergency"].get<bool>();
  if (j.contains("targets") && j["targets"].is_array())
    for (const Json& t : j["targets"])
      for (const char* kind : {"item", "account"})
        if (t.is_object() && t.contains(kind) && t[kind].is_string())
          o.targets.push_back({kind, t[kind].get<std::string>(),
                               t.contains("version") && t["version"].is_number_integer() ? t["version"].get<int64_t>()
                                                                                          : 0});
  o.reference = str("reference");
  o.received = time("received");
  o.deadline = time("deadline");
  o.regime_deadline = j.contains("regime_deadline") ? time("regime_deadline") : o.deadline;
  o.authority_deadline = time("authority_deadline");
  auto state = ParseOrderState(str("state"));
  auto outcome = ParseOrderOutcome(str("outcome"));
  if (!state || !outcome) return Status::Corrupt("stored order \"" + o.id + "\": unknown state or outcome");
  o.state = *state;
  o.outcome = *outcome;
  o.reason = str("reason");
  o.appeal = str("appeal");
  o.actioned_at = time("actioned_at");
  o.closed_at = time("closed_at");
  o.reversed_at = time("reversed_at");
  o.appealed_at = time("appealed_at");
  o.appeal_decided_at = time("appeal_decided_at");
  return o;
}

}  // namespace evenhand
