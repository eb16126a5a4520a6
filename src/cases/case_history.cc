#include "cases/case_history.h"

#include "model/time.h"

namespace evenhand {

Result<nlohmann::ordered_json> CaseHistoryJson(Store& store, const std::string& subject) {
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  Status s = store.ForEachAuditOf(subject, [&](const AuditEntry& e) {
    nlohmann::ordered_json h;
    h["seq"] = e.seq;
    h["ts"] = FormatTimestamp(e.ts);
    h["actor"] = e.actor;
    h["action"] = e.action;
    h["payload"] = nlohmann::ordered_json::parse(e.payload, nullptr, false);
    history.push_back(std::move(h));
  });
  if (!s.ok()) return s;
  return history;
}

}  // namespace evenhand
