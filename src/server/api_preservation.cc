// Api: preservation requests (cases/preservation_desk.h).
//   POST /v1/preservations              authority, admin: a request (an
//        authority key submits for its own authority and jurisdiction)
//   GET  /v1/preservations[?state=S]    everyone; an authority sees its own
//   GET  /v1/preservations/{id}         likewise, with the audit history
//   POST /v1/preservations/{id}/events  moderator, admin:
//        {"event":"extend","days":N?,"reason":"..."} | {"event":"release","reason":"..."}
// Records carry "state_now" and "in_force" as of the request's time.
#include <string>

#include "cases/case_history.h"
#include "cases/preservation_desk.h"
#include "cases/preservation_json.h"
#include "server/api.h"

namespace evenhand::server {

ApiResponse Api::SubmitPreservation(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  if (!BindSubmission(c, &body, &error)) return error;
  auto request = ParsePreservationSubmission(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), c.now);
  if (!request.ok()) return Error(400, "invalid", request.status().message());
  Result<PreservationSubmitResult> result = Status::Internal("not run");
  Status s = Write([&](Store& store) {
    PreservationDesk desk(&store, preservation_lookup_);
    result = desk.Submit(std::move(request).value(), c.who->actor);
    return result.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = PreservationToJson(result->request, c.now);
  j["duplicate"] = result->duplicate;
  return Json(result->duplicate ? 200 : 201, j);
}

ApiResponse Api::ListPreservations(Ctx& c) {
  const std::string state = c.Query("state");
  if (!state.empty() && !ParsePreservationState(state))
    return Error(400, "bad_query", "state: one of rejected, active, extended, released, expired");
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<PreservationRequest>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    PreservationDesk desk(rd->store.get(), preservation_lookup_);
    all = desk.List(state, c.now);
  }
  if (!all.ok()) return FromStatus(all.status());
  // By received time, then id.
  std::vector<std::pair<std::string, const PreservationRequest*>> visible;
  for (const PreservationRequest& r : *all)
    if (CanSee(*c.who, r.authority)) visible.emplace_back(KeyOf(r.received) + r.id, &r);
  std::string next;
  nlohmann::ordered_json j;
  j["preservations"] = nlohmann::ordered_json::array();
  for (const PreservationRequest* r : TakePage(std::move(visible), page, &next))
    j["preservations"].push_back(PreservationToJson(*r, c.now));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::ShowPreservation(Ctx& c) {
  Result<PreservationRequest> r = Status::Internal("not run");
  Result<nlohmann::ordered_json> history = Status::Internal("not run");
  {
    ReadLease rd(this);
    PreservationDesk desk(rd->store.get(), preservation_lookup_);
    r = desk.Get(c.arg);
    if (r.ok() && c.who->role != Role::kAuthority) history = CaseHistoryJson(*rd->store, c.arg);
  }
  if (!r.ok() || !CanSee(*c.who, r->authority)) {
    if (!r.ok() && r.status().code() != Status::Code::kNotFound) return FromStatus(r.status());
    return Error(404, "not_found", "no preservation request \"" + c.arg + "\"");
  }
  nlohmann::ordered_json j = PreservationToJson(*r, c.now);
  if (c.who->role == Role::kAuthority) {
    j.erase("extension");  // who on the staff extended it is not the authority's to see
    j["extended"] = r->extended_at != 0;
    j.erase("closed_by");
  } else if (history.ok()) {
    j["history"] = std::move(history).value();
  }
  return Json(200, j);
}

ApiResponse Api::PreservationEvent(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  auto text = [&](const char* name, std::string* out) {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  std::string event, reason;
  if (!text("event", &event)) return Error(400, "invalid", "event: expected a string");
  if (!text("reason", &reason)) return Error(400, "invalid", "reason: expected a string");
  int64_t days = 0;
  if (auto it = body.find("days"); it != body.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() <= 0) return Error(400, "invalid", "days: a whole number > 0");
    days = it->get<int64_t>();
  }
  if (event != "extend" && event != "release") return Error(400, "invalid", "event: extend or release");
  Result<PreservationRequest> r = Status::Internal("not run");
  Status s = Write([&](Store& store) {
    PreservationDesk desk(&store, preservation_lookup_);
    r = event == "extend" ? desk.Extend(c.arg, days, reason, c.who->actor, c.now)
                          : desk.Release(c.arg, reason, c.who->actor, c.now);
    return r.status();
  });
  if (!s.ok()) return FromStatus(s);
  return Json(200, PreservationToJson(*r, c.now));
}

}  // namespace evenhand::server
