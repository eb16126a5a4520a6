#include "cases/preservation_desk.h"

#include <cmath>
#include <cstdio>

#include "cases/authority_check.h"
#include "cases/preservation_json.h"
#include "model/person.h"
#include "model/time.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

constexpr const char* kKind = "preservation";
constexpr int64_t kDay = 86400;

using OJson = nlohmann::ordered_json;

std::string Dump(const OJson& j) { return j.dump(-1, ' ', false, OJson::error_handler_t::replace); }

CaseRecord ToRecord(const PreservationRequest& r) {
  CaseRecord c;
  c.id = r.id;
  c.kind = kKind;
  c.issuer = r.authority;
  c.reference = r.reference;
  c.jurisdiction = r.jurisdiction;
  c.state = std::string(PreservationStateName(r.state));
  c.received = r.received;
  c.deadline = r.until;  // the case list orders and shows it by when it lapses
  c.body = Dump(PreservationToJson(r, 0));
  return c;
}

std::string Days(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

}  // namespace

std::string PreservationDesk::RequestId(const std::string& authority, const std::string& reference) {
  return "pr-" + Sha256Hex(authority + "\n" + reference).substr(0, 16);
}

Result<std::string> PreservationDesk::RejectionReason(const PreservationRequest& r, const PreservationAnswer& regime) {
  if (IsBlank(r.legal_basis))
    return std::string("no legal basis: a preservation request must name the provision it relies on");
  Result<std::string> unregistered = AuthorityRegistrationProblem(*store_, r.authority, r.jurisdiction);
  if (!unregistered.ok() || !unregistered->empty()) return unregistered;
  if (r.targets.empty()) return std::string("names no target account");
  std::string unknown;
  for (const std::string& t : r.targets) {
    Result<bool> has = store_->HasAccount(t);
    if (!has.ok()) return has.status();
    if (!*has) unknown += (unknown.empty() ? "" : ", ") + ("account \"" + t + "\"");
  }
  if (!unknown.empty()) return "unknown targets: " + unknown;
  if (r.days != 0 && regime.days && static_cast<double>(r.days) > *regime.days)
    return "asks for " + std::to_string(r.days) + " days; " + regime.regime_id + " allows at most " +
           Days(*regime.days) + " (" + regime.source + ")";
  return std::string();
}

Result<PreservationSubmitResult> PreservationDesk::Submit(PreservationRequest r, const std::string& actor) {
  if (r.authority.empty() || r.reference.empty())
    return Status::Invalid("preservation request: authority and reference are required");
  r.id = RequestId(r.authority, r.reference);
  Result<CaseRecord> stored = store_->GetCase(r.id);
  if (stored.ok()) {
    Result<PreservationRequest> existing = PreservationFromJson(stored->body);
    if (!existing.ok()) return existing.status();
    return PreservationSubmitResult{std::move(existing).value(), true};
  }
  if (stored.status().code() != Status::Code::kNotFound) return stored.status();

  const PreservationAnswer regime = regimes_ ? regimes_(r.jurisdiction) : PreservationAnswer{};
  Result<std::string> reason = RejectionReason(r, regime);
  if (!reason.ok()) return reason.status();
  OJson payload;
  payload["authority"] = r.authority;
  payload["reference"] = r.reference;
  payload["targets"] = r.targets;
  if (!reason->empty()) {
    r.state = PreservationState::kRejected;
    r.reason = *reason;
    payload["state"] = "rejected";
    payload["reason"] = r.reason;
  } else {
    r.state = PreservationState::kActive;
    if (r.days != 0) {
      r.period_basis = "the period asked for" +
                       (regime.days ? " (" + regime.regime_id + " allows up to " + Days(*regime.days) + " days)" : "");
    } else if (regime.days) {
      r.days = static_cast<int64_t>(std::ceil(*regime.days));
      r.period_basis = regime.regime_id + ": " + regime.source;
    } else {
      r.days = options_.default_days;
      r.period_basis = "deployment default (" + std::to_string(options_.default_days) + " days" +
                       (regime.regime_id.empty() ? "" : "; " + regime.regime_id + " sets no period") + ")";
    }
    r.regime = regime.days ? regime.regime_id : "";
    r.until = r.received + r.days * kDay;
    payload["state"] = "active";
    payload["days"] = r.days;
    payload["until"] = FormatTimestamp(r.until);
    payload["period_basis"] = r.period_basis;
  }
  bool inserted = false;
  CaseRecord existing;
  if (Status s = store_->InsertCase(ToRecord(r), actor, "preservation.submit", Dump(payload), &inserted, &existing);
      !s.ok())
    return s;
  if (!inserted) {
    Result<PreservationRequest> e = PreservationFromJson(existing.body);
    if (!e.ok()) return e.status();
    return PreservationSubmitResult{std::move(e).value(), true};
  }
  return PreservationSubmitResult{std::move(r), false};
}

Status PreservationDesk::Save(const PreservationRequest& r, PreservationState from, const std::string& actor,
                              const std::string& action, const OJson& payload) {
  return store_->UpdateCase(ToRecord(r), std::string(PreservationStateName(from)), actor, action, Dump(payload));
}

Result<PreservationRequest> PreservationDesk::Extend(const std::string& id, int64_t days, const std::string& reason,
                                                     const std::string& actor, int64_t now) {
  Result<PreservationRequest> loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  PreservationRequest r = std::move(loaded).value();
  if (r.state == PreservationState::kExtended || r.extended_at != 0)
    return Status::Conflict("preservation " + id + ": already extended once (until " + FormatTimestamp(r.until) +
                            "); it may be extended only once");
  if (!r.InForce(now))
    return Status::Conflict("preservation " + id + ": cannot extend a request that is " + std::string(r.StateAt(now)));
  if (IsBlank(reason)) return Status::Invalid("preservation " + id + ": an extension needs a reason");
  if (days < 0) return Status::Invalid("preservation " + id + ": days must be positive");
  const PreservationAnswer regime = regimes_ ? regimes_(r.jurisdiction) : PreservationAnswer{};
  const int64_t allowed = regime.extension_days ? static_cast<int64_t>(std::ceil(*regime.extension_days))
                                                : options_.default_extension_days;
  if (days > allowed)
    return Status::Invalid("preservation " + id + ": asks to extend by " + std::to_string(days) + " days; at most " +
                           std::to_string(allowed) +
                           (regime.extension_days ? " (" + regime.regime_id + ")" : " (deployment default)"));
  const int64_t add = days != 0 ? days : allowed;
  const PreservationState from = r.state;
  r.state = PreservationState::kExtended;
  r.extension_days = add;
  r.extended_at = now;
  r.extended_by = actor;
  r.extension_reason = reason;
  const int64_t before = r.until;
  r.until += add * kDay;
  OJson payload{{"days", add}, {"from", FormatTimestamp(before)}, {"until", FormatTimestamp(r.until)},
                {"reason", reason}};
  if (Status s = Save(r, from, actor, "preservation.extend", payload); !s.ok()) return s;
  return r;
}

Result<PreservationRequest> PreservationDesk::Release(const std::string& id, const std::string& reason,
                                                      const std::string& actor, int64_t now) {
  Result<PreservationRequest> loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  PreservationRequest r = std::move(loaded).value();
  if (r.state != PreservationState::kActive && r.state != PreservationState::kExtended)
    return Status::Conflict("preservation " + id + ": cannot release a request that is " +
                            std::string(PreservationStateName(r.state)));
  if (IsBlank(reason)) return Status::Invalid("preservation " + id + ": a release needs a reason");
  const PreservationState from = r.state;
  r.state = PreservationState::kReleased;
  r.reason = reason;
  r.closed_at = now;
  r.closed_by = actor;
  OJson payload{{"reason", reason}, {"was_in_force", r.until > now}};
  if (Status s = Save(r, from, actor, "preservation.release", payload); !s.ok()) return s;
  return r;
}

Result<std::vector<PreservationRequest>> PreservationDesk::ExpireDue(const std::string& actor, int64_t now) {
  Result<std::vector<PreservationRequest>> all = List("", now);
  if (!all.ok()) return all.status();
  std::vector<PreservationRequest> out;
  for (PreservationRequest& r : *all) {
    if (r.state != PreservationState::kActive && r.state != PreservationState::kExtended) continue;
    if (r.until > now) continue;
    const PreservationState from = r.state;
    r.state = PreservationState::kExpired;
    r.closed_at = now;
    r.closed_by = actor;
    OJson payload{{"until", FormatTimestamp(r.until)}, {"extended", r.extended_at != 0}};
    if (Status s = Save(r, from, actor, "preservation.expire", payload); !s.ok()) return s;
    out.push_back(std::move(r));
  }
  return out;
}

Result<PreservationRequest> PreservationDesk::Get(const std::string& id) {
  Result<CaseRecord> c = store_->GetCase(id);
  if (!c.ok())
    return c.status().code() == Status::Code::kNotFound ? Status::NotFound("no preservation request " + id)
                                                          : c.status();
  if (c->kind != kKind) return Status::NotFound("no preservation request " + id + " (that id is a " + c->kind + ")");
  return PreservationFromJson(c->body);
}

Result<std::vector<PreservationRequest>> PreservationDesk::List(const std::string& state, int64_t now) {
  CaseFilter filter;
  filter.kind = kKind;
  Result<std::vector<CaseRecord>> records = store_->ListCases(filter);
  if (!records.ok()) return records.status();
  std::vector<PreservationRequest> out;
  for (const CaseRecord& c : *records) {
    Result<PreservationRequest> r = PreservationFromJson(c.body);
    if (!r.ok()) return r.status();
    if (!state.empty() && r->StateAt(now) != state) continue;
    out.push_back(std::move(r).value());
  }
  return out;
}

}  // namespace evenhand
