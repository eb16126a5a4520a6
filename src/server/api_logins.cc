// Api: sign-up and login records (POST /v1/logins; model/login.h).
//
// Body {"logins": [{"account", "ts", "ip", "port", "device", "event"}, ...]}
// ("kind" may be left out; if given it must be "login"). Every entry is
// checked before anything is stored: one bad entry is a 400 naming
// logins[i].field and stores nothing. The records go in one transaction
// with one "login.intake" audit entry (how many, how many new; never the
// addresses: the audit log is read by auditors, and minimisation holds
// there too). A repeat of a stored record changes nothing.
#include <string>
#include <vector>

#include "model/jsonl_reader.h"
#include "server/api.h"

namespace evenhand::server {

ApiResponse Api::SubmitLogins(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  auto logins = body.find("logins");
  if (logins == body.end() || !logins->is_array())
    return Error(400, "invalid", "logins: an array of login records is required");
  if (logins->empty()) return Error(400, "invalid", "logins: empty");
  if (logins->size() > options_.max_batch)
    return Error(413, "body_too_large",
                 "logins: " + std::to_string(logins->size()) + " records; at most " + std::to_string(options_.max_batch));
  ItemParser parser;
  Post post;
  Account account;
  std::vector<LoginRecord> records;
  records.reserve(logins->size());
  for (size_t i = 0; i < logins->size(); ++i) {
    const std::string where = "logins[" + std::to_string(i) + "]";
    nlohmann::json entry = (*logins)[i];
    if (!entry.is_object()) return Error(400, "invalid", where + ": expected an object");
    if (!entry.contains("kind")) entry["kind"] = "login";
    ReadError e;
    ItemParser::Kind kind =
        parser.Parse(entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), &post, &account, &e);
    if (kind == ItemParser::Kind::kError) return Error(400, "invalid", where + "." + e.field + ": " + e.what);
    if (kind != ItemParser::Kind::kLogin) return Error(400, "invalid", where + ".kind: expected \"login\"");
    for (char ch : parser.login().account + parser.login().device)
      if (static_cast<unsigned char>(ch) < 0x20)
        return Error(400, "invalid", where + ": control characters are not allowed");
    records.push_back(parser.login());
  }
  int64_t added = 0;
  Status s = Write([&](Store& store) -> Status {
    added = 0;
    if (Status b = store.Begin(); !b.ok()) return b;
    Status st;
    for (const LoginRecord& l : records) {
      bool inserted = false;
      st = store.PutLogin(l, &inserted);
      if (!st.ok()) break;
      added += inserted ? 1 : 0;
    }
    if (st.ok()) {
      nlohmann::ordered_json payload{{"records", records.size()}, {"new", added}};
      st = store.AppendAudit(c.who->actor, "login.intake", "logins", payload.dump());
    }
    if (st.ok()) st = store.Commit();
    if (!st.ok()) store.Rollback();
    return st;
  });
  if (!s.ok()) return FromStatus(s);
  return Json(201, {{"received", records.size()}, {"stored", added}, {"repeats", static_cast<int64_t>(records.size()) - added}});
}

}  // namespace evenhand::server
