#include "cases/appeal_json.h"

#include "cases/notice_json.h"
#include "model/time.h"

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;
using Json = nlohmann::json;

OJson TimeOrNull(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(nullptr); }

}  // namespace

OJson AppealToJson(const DecisionAppeal& a) {
  OJson j;
  j["id"] = a.id;
  j["decision"] = {{"item", a.item}, {"policy", a.policy}, {"version", a.version}, {"action", a.action}};
  j["contact"] = a.contact;
  j["text"] = a.text;
  j["filed_by"] = a.filed_by;
  j["filed_at"] = TimeOrNull(a.filed_at);
  j["confirmed_by"] = a.confirmed_by;
  j["state"] = std::string(AppealStateName(a.state));
  j["reason"] = a.reason;
  j["decided_by"] = a.decided_by;
  j["decided_at"] = TimeOrNull(a.decided_at);
  OJson outbox = OJson::array();
  for (const NoticeMessage& m : a.outbox) outbox.push_back(NoticeMessageToJson(m));
  j["outbox"] = std::move(outbox);
  return j;
}

Result<DecisionAppeal> AppealFromJson(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("stored appeal is not a JSON object");
  auto str = [](const Json& o, const char* k) {
    return o.contains(k) && o[k].is_string() ? o[k].get<std::string>() : std::string();
  };
  auto time = [&](const Json& o, const char* k) -> int64_t {
    const std::string s = str(o, k);
    return s.empty() ? 0 : ParseTimestamp(s).value_or(0);
  };
  DecisionAppeal a;
  a.id = str(j, "id");
  if (j.contains("decision") && j["decision"].is_object()) {
    const Json& d = j["decision"];
    a.item = str(d, "item");
    a.policy = str(d, "policy");
    a.action = str(d, "action");
    if (d.contains("version") && d["version"].is_number_integer()) a.version = d["version"].get<int64_t>();
  }
  if (a.id.empty() || a.item.empty() || a.policy.empty())
    return Status::Corrupt("stored appeal \"" + a.id + "\": no id or decision");
  a.contact = str(j, "contact");
  a.text = str(j, "text");
  a.filed_by = str(j, "filed_by");
  a.filed_at = time(j, "filed_at");
  a.confirmed_by = str(j, "confirmed_by");
  auto state = ParseAppealState(str(j, "state"));
  if (!state) return Status::Corrupt("stored appeal \"" + a.id + "\": unknown state");
  a.state = *state;
  a.reason = str(j, "reason");
  a.decided_by = str(j, "decided_by");
  a.decided_at = time(j, "decided_at");
  if (j.contains("outbox") && j["outbox"].is_array())
    for (const Json& m : j["outbox"])
      if (m.is_object()) a.outbox.push_back({str(m, "to"), time(m, "at"), str(m, "text")});
  return a;
}

CaseRecord AppealToRecord(const DecisionAppeal& a) {
  CaseRecord c;
  c.id = a.id;
  c.kind = kAppealKind;
  c.issuer = "decision";
  c.reference = a.item + "@" + a.policy;
  c.state = std::string(AppealStateName(a.state));
  c.received = a.filed_at;
  c.body = AppealToJson(a).dump();
  return c;
}

}  // namespace evenhand
