#include "cases/case_history.h"

#include "model/time.h"

namespace evenhand {

namespace {

bool IsTimeKey(const std::string& k) {
  auto ends = [&](const char* suffix) {
    const std::string s(suffix);
    return k.size() >= s.size() && k.compare(k.size() - s.size(), s.size(), s) == 0;
  };
  return k == "deadline" || k == "received" || ends("_deadline") || ends("_due") || ends("_until") || ends("_at");
}

// Rewrites integer values under time keys, at any depth, as RFC 3339.
void TimesAsText(nlohmann::ordered_json& j) {
  if (j.is_array()) {
    for (auto& v : j) TimesAsText(v);
    return;
  }
  if (!j.is_object()) return;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_number_integer() && IsTimeKey(it.key()))
      it.value() = TimeJson(it.value().get<int64_t>());
    else
      TimesAsText(it.value());
  }
}

}  // namespace

nlohmann::ordered_json TimeJson(int64_t t) {
  return t != 0 ? nlohmann::ordered_json(FormatTimestamp(t)) : nlohmann::ordered_json();
}

Result<nlohmann::ordered_json> CaseHistoryJson(Store& store, const std::string& subject) {
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  Status s = store.ForEachAuditOf(subject, [&](const AuditEntry& e) {
    nlohmann::ordered_json h;
    h["seq"] = e.seq;
    h["ts"] = FormatTimestamp(e.ts);
    h["actor"] = e.actor;
    h["action"] = e.action;
    h["payload"] = nlohmann::ordered_json::parse(e.payload, nullptr, false);
    TimesAsText(h["payload"]);
    history.push_back(std::move(h));
  });
  if (!s.ok()) return s;
  return history;
}

}  // namespace evenhand
