// Api: retention (cases/retention.h), the API form of `evenhand retention run`.
//   POST /v1/retention/run   admin only
//        {"keep":"180d", "keep_logins":"90d"?, "dry_run":false?}
// Deletes the text and media of versions older than `keep` and login
// records (IP addresses, ports, devices) older than `keep_logins` (default
// `keep`), unless a case or hold needs them or the law of the account's
// country asks login records kept longer (the regimes' traffic-data
// retention, e.g. PECA 2016 s.32); each deletion audited under the caller's
// person and key. 200 with the report (counts, never an address); a bad
// field is 400 naming it and nothing is deleted.
#include <optional>
#include <string>

#include "cases/retention.h"
#include "model/time.h"
#include "server/api.h"

namespace evenhand::server {

ApiResponse Api::RunRetention(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;  // a JSON object, or 400 bad_json
  // A duration field: "180d", "12h", ...; absent or null = nullopt.
  auto duration = [&](const char* name, std::optional<int64_t>* out) -> bool {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    *out = ParseDuration(it->get<std::string>());
    return out->has_value() && **out > 0;
  };
  std::optional<int64_t> keep, keep_logins;
  if (!duration("keep", &keep) || !keep)
    return Error(400, "invalid", "keep: a duration such as \"180d\" is required (how long content is kept)");
  if (!duration("keep_logins", &keep_logins))
    return Error(400, "invalid", "keep_logins: a duration such as \"90d\" (how long login records are kept)");
  bool dry_run = false;
  if (auto it = body.find("dry_run"); it != body.end() && !it->is_null()) {
    if (!it->is_boolean()) return Error(400, "invalid", "dry_run: true or false");
    dry_run = it->get<bool>();
  }
  RetentionOptions o;
  o.keep_seconds = *keep;
  o.keep_login_seconds = keep_logins.value_or(0);
  o.now = c.now;
  o.actor = c.who->actor;
  o.dry_run = dry_run;
  Result<RetentionReport> report = Status::Internal("not run");
  Status s = Write([&](Store& store) {
    o.login_minimum = LoginMinimumFromRegimes(&store, traffic_lookup_);
    report = ApplyRetention(store, o);
    return report.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = RetentionReportJson(*report);
  j["dry_run"] = dry_run;
  return Json(200, j);
}

}  // namespace evenhand::server
