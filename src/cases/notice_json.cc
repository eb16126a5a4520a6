#include "cases/notice_json.h"

#include "cases/json_fields.h"

#include "model/time.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

// Reads an optional string member; Invalid when present but not a string,
// or (when required) missing or empty.
Status CheckKnown(const Json& obj, const std::string& where, std::initializer_list<const char*> known) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool ok = false;
    for (const char* k : known) ok = ok || it.key() == k;
    if (!ok) return Status::Invalid(where + it.key() + ": unknown field");
  }
  return Status::Ok();
}

Status ParseNotifier(const Json& j, Notifier* n) {
  auto it = j.find("notifier");
  if (it == j.end() || !it->is_object())
    return Status::Invalid("notifier: must be an object {name, contact, kind, flagger_id}");
  const Json& o = *it;
  if (Status s = CheckKnown(o, "notifier.", {"name", "contact", "kind", "flagger_id"}); !s.ok()) return s;
  if (Status s = GetJsonString(o, "name", &n->name, false, "notifier."); !s.ok()) return s;
  if (Status s = GetJsonString(o, "contact", &n->contact, true, "notifier."); !s.ok()) return s;
  const size_t at = n->contact.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == n->contact.size() ||
      n->contact.find_first_of(" \t\r\n") != std::string::npos)
    return Status::Invalid("notifier.contact: \"" + n->contact + "\" is not an e-mail address");
  std::string kind = "user";
  if (Status s = GetJsonString(o, "kind", &kind, false, "notifier."); !s.ok()) return s;
  auto parsed = ParseNotifierKind(kind);
  if (!parsed) return Status::Invalid("notifier.kind: \"" + kind + "\" is not user or trusted_flagger");
  n->kind = *parsed;
  if (Status s = GetJsonString(o, "flagger_id", &n->flagger_id, n->kind == NotifierKind::kTrustedFlagger, "notifier.");
      !s.ok())
    return s;
  return Status::Ok();
}

OJson TimeOrNull(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(); }

}  // namespace

Result<Notice> ParseNoticeSubmission(std::string_view text, int64_t now) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Invalid("not valid JSON");
  if (!j.is_object()) return Status::Invalid("a notice must be a JSON object");
  if (Status s = CheckKnown(j, "", {"notifier", "explanation", "location", "category", "jurisdiction", "good_faith",
                                    "reference", "received"});
      !s.ok())
    return s;
  Notice n;
  if (Status s = ParseNotifier(j, &n.notifier); !s.ok()) return s;
  if (Status s = GetJsonString(j, "explanation", &n.explanation, false); !s.ok()) return s;
  n.category = "not_specified_notice";
  if (Status s = GetJsonString(j, "category", &n.category, false); !s.ok()) return s;
  if (n.category.empty()) n.category = "not_specified_notice";
  if (Status s = GetJsonString(j, "jurisdiction", &n.jurisdiction, false); !s.ok()) return s;
  if (Status s = GetJsonString(j, "reference", &n.reference, false); !s.ok()) return s;
  if (auto it = j.find("location"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return Status::Invalid("location: must be an array of item ids");
    for (size_t i = 0; i < it->size(); ++i) {
      const Json& v = (*it)[i];
      if (!v.is_string() || v.get<std::string>().empty())
        return Status::Invalid("location[" + std::to_string(i) + "]: must be a non-empty item id");
      n.location.push_back(v.get<std::string>());
    }
  }
  if (auto it = j.find("good_faith"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return Status::Invalid("good_faith: must be true or false");
    n.good_faith = it->get<bool>();
  }
  n.received = now;
  if (auto it = j.find("received"); it != j.end() && !it->is_null()) {
    if (!it->is_string()) return Status::Invalid("received: must be an RFC 3339 time string");
    auto ts = ParseTimestamp(it->get<std::string>());
    if (!ts) return Status::Invalid("received: \"" + it->get<std::string>() + "\" is not an RFC 3339 time");
    n.received = *ts;
  }
  if (n.reference.empty()) {
    // Same notifier, same content: same reference, so a resent notice is
    // recognised as a repeat (the received time is left out on purpose).
    std::string key = std::string(NotifierKindName(n.notifier.kind)) + "\n" + n.notifier.flagger_id + "\n" +
                      n.category + "\n" + n.jurisdiction + "\n" + n.explanation + "\n";
    for (const std::string& item : n.location) key += item + "\t";
    n.reference = "gen-" + Sha256Hex(key).substr(0, 16);
  }
  return n;
}

OJson NoticeMessageToJson(const NoticeMessage& m) {
  OJson j;
  j["to"] = m.to;
  j["at"] = FormatTimestamp(m.at);
  j["text"] = m.text;
  return j;
}

OJson NoticeToJson(const Notice& n) {
  OJson j;
  j["id"] = n.id;
  OJson notifier;
  notifier["name"] = n.notifier.name;
  notifier["contact"] = n.notifier.contact;
  notifier["kind"] = std::string(NotifierKindName(n.notifier.kind));
  notifier["flagger_id"] = n.notifier.flagger_id;
  j["notifier"] = std::move(notifier);
  j["explanation"] = n.explanation;
  j["location"] = n.location;
  j["category"] = n.category;
  j["jurisdiction"] = n.jurisdiction;
  j["good_faith"] = n.good_faith;
  j["reference"] = n.reference;
  j["regime"] = n.regime;
  j["received"] = FormatTimestamp(n.received);
  j["deadline"] = TimeOrNull(n.deadline);
  j["priority"] = n.priority ? "high" : "normal";
  j["state"] = std::string(NoticeStateName(n.state));
  j["outcome"] = std::string(NoticeOutcomeName(n.outcome));
  j["action"] = std::string(NoticeActionName(n.action));
  j["reason"] = n.reason;
  j["decided_at"] = TimeOrNull(n.decided_at);
  j["notified_at"] = TimeOrNull(n.notified_at);
  OJson outbox = OJson::array();
  for (const NoticeMessage& m : n.outbox) outbox.push_back(NoticeMessageToJson(m));
  j["outbox"] = std::move(outbox);
  return j;
}

Result<Notice> NoticeFromJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("stored notice is not a JSON object");
  auto str_of = [](const Json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  auto str = [&](const char* k) { return str_of(j, k); };
  auto time = [&](const Json& o, const char* k) -> int64_t {
    if (!o.contains(k) || !o[k].is_string()) return 0;
    return ParseTimestamp(o[k].get<std::string>()).value_or(0);
  };
  Notice n;
  n.id = str("id");
  if (j.contains("notifier") && j["notifier"].is_object()) {
    const Json& o = j["notifier"];
    n.notifier.name = str_of(o, "name");
    n.notifier.contact = str_of(o, "contact");
    auto kind = ParseNotifierKind(str_of(o, "kind"));
    if (!kind) return Status::Corrupt("stored notice \"" + n.id + "\": unknown notifier kind");
    n.notifier.kind = *kind;
    n.notifier.flagger_id = str_of(o, "flagger_id");
  }
  n.explanation = str("explanation");
  if (j.contains("location") && j["location"].is_array())
    for (const Json& v : j["location"])
      if (v.is_string()) n.location.push_back(v.get<std::string>());
  n.category = str("category");
  n.jurisdiction = str("jurisdiction");
  n.good_faith = j.contains("good_faith") && j["good_faith"].is_boolean() && j["good_faith"].get<bool>();
  n.reference = str("reference");
  n.regime = str("regime");
  n.received = time(j, "received");
  n.deadline = time(j, "deadline");
  n.priority = str("priority") == "high";
  auto state = ParseNoticeState(str("state"));
  auto outcome = ParseNoticeOutcome(str("outcome"));
  auto action = ParseNoticeAction(str("action"));
  if (!state || !outcome || !action)
    return Status::Corrupt("stored notice \"" + n.id + "\": unknown state, outcome or action");
  n.state = *state;
  n.outcome = *outcome;
  n.action = *action;
  n.reason = str("reason");
  n.decided_at = time(j, "decided_at");
  n.notified_at = time(j, "notified_at");
  if (j.contains("outbox") && j["outbox"].is_array())
    for (const Json& m : j["outbox"])
      if (m.is_object()) n.outbox.push_back({str_of(m, "to"), time(m, "at"), str_of(m, "text")});
  return n;
}

}  // namespace evenhand
