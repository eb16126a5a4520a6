// Api: users' appeals of own-initiative decisions (DSA Art. 20), filed and
// decided by staff on the user's behalf. cases/appeal_desk.h does all
// validation and state changes (the decider may not be the person who
// confirmed the decision; the user's answers go to the appeal's outbox,
// audited); this file maps HTTP to it.
#include "cases/appeal_desk.h"
#include "cases/appeal_json.h"
#include "cases/case_history.h"
#include "model/person.h"
#include "server/api.h"

namespace evenhand::server {

namespace {

// A string member (absent = empty); false when present but not a string.
bool Str(const nlohmann::json& body, const char* name, std::string* out) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return true;
  if (!it->is_string()) return false;
  *out = it->get<std::string>();
  return true;
}

}  // namespace

ApiResponse Api::FileDecisionAppeal(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string ref, text, contact;
  if (!Str(body, "decision", &ref)) return Error(400, "invalid", "decision: expected \"ITEM@POLICY@VERSION\"");
  auto decision = ParseDecisionRef(ref, "decision");
  if (!decision.ok()) return Error(400, "invalid", decision.status().message());
  if (!Str(body, "text", &text) || IsBlank(text)) return Error(400, "invalid", "text: the appeal is required");
  if (!Str(body, "contact", &contact)) return Error(400, "invalid", "contact: expected a string");
  Result<AppealFileResult> filed = Status::Internal("not run");
  Status s = Write([&](Store& store) {
    AppealDesk desk(&store);
    filed = desk.File(decision->first, decision->second, text, contact, c.who->actor, c.now);
    return filed.status();
  });
  if (!s.ok()) return FromStatus(s);
  nlohmann::ordered_json j = AppealToJson(filed->appeal);
  j["duplicate"] = filed->duplicate;
  return Json(filed->duplicate ? 200 : 201, j);
}

ApiResponse Api::ListDecisionAppeals(Ctx& c) {
  std::optional<AppealState> state;
  if (std::string st = c.Query("state"); !st.empty()) {
    state = ParseAppealState(st);
    if (!state) return Error(400, "bad_query", "state: filed, upheld or reversed");
  }
  PageRequest page;
  ApiResponse error;
  if (!ParsePage(c, &page, &error)) return error;
  Result<std::vector<DecisionAppeal>> all = Status::Internal("not run");
  {
    ReadLease rd(this);
    AppealDesk desk(rd->store.get());
    all = desk.List(state);
  }
  if (!all.ok()) return FromStatus(all.status());
  // By filing time, then id.
  std::vector<std::pair<std::string, const DecisionAppeal*>> keyed;
  for (const DecisionAppeal& a : *all) keyed.emplace_back(KeyOf(a.filed_at) + a.id, &a);
  std::string next;
  nlohmann::ordered_json j;
  j["appeals"] = nlohmann::ordered_json::array();
  for (const DecisionAppeal* a : TakePage(std::move(keyed), page, &next)) j["appeals"].push_back(AppealToJson(*a));
  j["next_cursor"] = next.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(next);
  return Json(200, j);
}

ApiResponse Api::ShowDecisionAppeal(Ctx& c) {
  ReadLease rd(this);
  AppealDesk desk(rd->store.get());
  auto a = desk.Get(c.arg);
  if (!a.ok()) return FromStatus(a.status());
  nlohmann::ordered_json j = AppealToJson(*a);
  auto history = CaseHistoryJson(*rd->store, c.arg);
  if (!history.ok()) return FromStatus(history.status());
  j["history"] = std::move(history).value();
  return Json(200, j);
}

ApiResponse Api::DecideDecisionAppeal(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  std::string outcome, reason;
  if (!Str(body, "outcome", &outcome) || (outcome != "upheld" && outcome != "reversed"))
    return Error(400, "invalid", "outcome: \"upheld\" or \"reversed\"");
  if (!Str(body, "reason", &reason) || IsBlank(reason))
    return Error(400, "invalid", "reason: required (it is sent to the user)");
  Result<DecisionAppeal> decided = Status::Internal("not run");
  Status s = Write([&](Store& store) {
    AppealDesk desk(&store);
    decided = desk.Decide(c.arg, outcome == "reversed" ? AppealState::kReversed : AppealState::kUpheld, reason,
                          c.who->actor, c.now);
    return decided.status();
  });
  if (!s.ok()) return FromStatus(s);
  return Json(200, AppealToJson(*decided));
}

}  // namespace evenhand::server
