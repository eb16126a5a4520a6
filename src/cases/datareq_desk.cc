#include "cases/datareq_desk.h"

#include <cmath>

#include <nlohmann/json.hpp>

#include "cases/authority_check.h"
#include "cases/case_history.h"
#include "cases/datareq_json.h"
#include "cases/datareq_package.h"
#include "cases/visibility.h"
#include "model/person.h"
#include "model/time.h"
#include "store/sha256.h"

namespace evenhand {

namespace {

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + (s.empty() ? std::string("unknown") : s);
  return out;
}

constexpr const char* kKind = "datareq";

using OJson = nlohmann::ordered_json;

std::string Dump(const OJson& j) { return j.dump(-1, ' ', false, OJson::error_handler_t::replace); }

int64_t HoursToSeconds(double h) { return static_cast<int64_t>(std::llround(h * 3600.0)); }

CaseRecord ToRecord(const DataRequest& r) {
  CaseRecord c;
  c.id = r.id;
  c.kind = kKind;
  c.issuer = r.authority;
  c.reference = r.reference;
  c.jurisdiction = r.jurisdiction;
  c.state = std::string(DataRequestStateName(r.state));
  c.received = r.received;
  c.deadline = r.deadline;
  c.body = Dump(DataRequestToJson(r, /*with_package=*/true));
  return c;
}

std::string Joined(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string CatalogueText() {
  std::string out;
  for (std::string_view f : DataFieldCatalogue()) out += (out.empty() ? "" : ", ") + std::string(f);
  return out;
}

}  // namespace

std::string DataRequestDesk::RequestId(const std::string& authority, const std::string& reference) {
  return "dr-" + Sha256Hex(authority + "\n" + reference).substr(0, 16);
}

Result<std::string> DataRequestDesk::RejectionReason(const DataRequest& r) {
  const LegalProcess& p = r.legal_process;
  if (!IsLegalProcess(p.kind) && !r.emergency)
    return std::string(
        "no legal process: a request that is not an emergency must rely on a court order, warrant, subpoena or "
        "statutory notice");
  if (IsLegalProcess(p.kind) && IsBlank(p.reference))
    return "no legal process reference: the " + std::string(LegalProcessKindName(p.kind)) +
           " must be identified by its reference";
  Result<std::string> unregistered = AuthorityRegistrationProblem(*store_, r.authority, r.jurisdiction);
  if (!unregistered.ok() || !unregistered->empty()) return unregistered;
  if (r.fields.empty()) return std::string("names no data fields: a request must name the fields it asks for");
  std::vector<std::string> unknown_fields;
  for (const std::string& f : r.fields)
    if (!IsKnownDataField(f)) unknown_fields.push_back("\"" + f + "\"");
  if (!unknown_fields.empty())
    return "unknown fields: " + Joined(unknown_fields) + " (the catalogue: " + CatalogueText() + ")";
  if (r.targets.empty()) return std::string("names no target account");
  std::vector<std::string> unknown_targets;
  for (const std::string& t : r.targets) {
    Result<bool> has = store_->HasAccount(t);
    if (!has.ok()) return has.status();
    if (!*has) unknown_targets.push_back("account \"" + t + "\"");
  }
  if (!unknown_targets.empty()) return "unknown targets: " + Joined(unknown_targets);
  return std::string();
}

Result<DataRequestSubmitResult> DataRequestDesk::Submit(DataRequest r, const std::string& actor) {
  if (r.authority.empty() || r.reference.empty())
    return Status::Invalid("data request: authority and reference are required");
  r.id = RequestId(r.authority, r.reference);
  r.state = DataRequestState::kReceived;

  Result<CaseRecord> stored = store_->GetCase(r.id);
  if (stored.ok()) {
    Result<DataRequest> existing = DataRequestFromJson(stored->body);
    if (!existing.ok()) return existing.status();
    return DataRequestSubmitResult{std::move(existing).value(), true};
  }
  if (stored.status().code() != Status::Code::kNotFound) return stored.status();

  // An emergency request that names no process is answered "before legal
  // process": say so explicitly.
  if (r.emergency && r.legal_process.kind == LegalProcessKind::kNone)
    r.legal_process.kind = LegalProcessKind::kEmergencyNone;

  Result<std::string> reason = RejectionReason(r);
  if (!reason.ok()) return reason.status();
  OJson payload;
  payload["authority"] = r.authority;
  payload["reference"] = r.reference;
  if (!reason->empty()) {
    r.state = DataRequestState::kRejected;
    r.reason = *reason;
    payload["state"] = "rejected";
    payload["reason"] = r.reason;
  } else {
    r.state = DataRequestState::kAccepted;
    // Cross-border: an account whose country the authority's jurisdiction does not cover.
    for (const std::string& target : r.targets) {
      Result<Account> account = store_->GetAccount(target);
      if (!account.ok() && account.status().code() != Status::Code::kNotFound) return account.status();
      const std::string country = account.ok() ? account->country : "";
      r.target_countries.push_back(country);
      if (!country.empty() && !JurisdictionCovers(r.jurisdiction, country)) r.cross_border = true;
    }
    payload["cross_border"] = r.cross_border;
    const InfoRequestAnswer regime = regimes_ ? regimes_(r.jurisdiction) : InfoRequestAnswer{};
    r.regime = regime.regime_id;
    const std::optional<double> hours = r.emergency ? regime.emergency_hours : regime.normal_hours;
    if (hours) r.deadline = r.received + HoursToSeconds(*hours);
    if (r.emergency && !IsLegalProcess(r.legal_process.kind))
      r.follow_up_due = r.received + HoursToSeconds(regime.emergency_hours.value_or(options_.follow_up_default_hours));
    payload["state"] = "accepted";
    payload["regime"] = r.regime;
    payload["deadline"] = TimeJson(r.deadline);
    payload["follow_up_due"] = TimeJson(r.follow_up_due);
  }
  bool inserted = false;
  CaseRecord existing;
  if (Status s = store_->InsertCase(ToRecord(r), actor, "datareq.submit", Dump(payload), &inserted, &existing);
      !s.ok())
    return s;
  if (!inserted) {  // raced with another intake of the same request
    Result<DataRequest> e = DataRequestFromJson(existing.body);
    if (!e.ok()) return e.status();
    return DataRequestSubmitResult{std::move(e).value(), true};
  }
  return DataRequestSubmitResult{std::move(r), false};
}

Result<DataRequest> DataRequestDesk::LoadFor(const std::string& id, DataRequestEvent event, DataRequestState* to) {
  Result<DataRequest> r = Get(id);
  if (!r.ok()) return r.status();
  std::optional<DataRequestState> next = NextDataRequestState(r->state, event);
  if (!next)
    return Status::Conflict("data request " + id + ": cannot " + std::string(DataRequestEventName(event)) +
                            " a request that is " + std::string(DataRequestStateName(r->state)));
  *to = *next;
  return r;
}

Status DataRequestDesk::Save(const DataRequest& r, DataRequestState from, const std::string& actor,
                             const std::string& action, const std::string& payload) {
  return store_->UpdateCase(ToRecord(r), std::string(DataRequestStateName(from)), actor, action, payload);
}

Result<DataRequest> DataRequestDesk::Prepare(const std::string& id, const std::string& actor, int64_t now) {
  if (actor.empty()) return Status::Invalid("data request " + id + ": prepare needs the actor who prepares it");
  DataRequestState to;
  Result<DataRequest> loaded = LoadFor(id, DataRequestEvent::kPrepare, &to);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  Result<DisclosurePackage> pkg = BuildDisclosurePackage(*store_, r, now);
  if (!pkg.ok()) return pkg.status();
  if (pkg->disclosed.empty())
    return Status::Invalid("data request " + id + ": its legal process (" +
                           std::string(LegalProcessKindName(r.EffectiveProcess().kind)) +
                           ") covers none of the fields asked for; refuse it instead");
  const DataRequestState from = r.state;
  r.state = to;
  r.prepared_by = actor;
  r.prepared_at = now;
  r.disclosed_fields = pkg->disclosed;
  r.withheld_fields = pkg->withheld;
  r.package = pkg->json;
  r.ip_addresses = pkg->ip_addresses;
  OJson payload;
  payload["from"] = std::string(DataRequestStateName(from));
  payload["to"] = std::string(DataRequestStateName(to));
  payload["fields_disclosed"] = r.disclosed_fields;
  OJson withheld = OJson::array();
  for (const WithheldField& w : r.withheld_fields) withheld.push_back(w.field);
  payload["fields_withheld"] = std::move(withheld);
  payload["package_sha256"] = Sha256Hex(r.package);
  payload["ip_addresses"] = r.ip_addresses;
  if (Status s = Save(r, from, actor, "datareq.prepare", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::Approve(const std::string& id, const std::string& actor, int64_t now) {
  if (actor.empty()) return Status::Invalid("data request " + id + ": approve needs the actor who approves it");
  DataRequestState to;
  Result<DataRequest> loaded = LoadFor(id, DataRequestEvent::kApprove, &to);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  if (SamePerson(actor, r.prepared_by))
    return Status::Conflict("data request " + id + ": four-eyes rule: \"" + actor +
                            "\" prepared the package and cannot also approve it");
  if (r.cross_border && r.legal_review_at == 0)
    return Status::Conflict("data request " + id + ": cross-border (accounts in " + Join(r.target_countries) +
                            ", authority of " + r.jurisdiction + "): a legal review must be recorded before approval");
  const DataRequestState from = r.state;
  r.state = to;
  r.approved_by = actor;
  r.approved_at = now;
  OJson payload;
  payload["from"] = std::string(DataRequestStateName(from));
  payload["to"] = std::string(DataRequestStateName(to));
  payload["prepared_by"] = r.prepared_by;
  payload["package_sha256"] = Sha256Hex(r.package);
  if (Status s = Save(r, from, actor, "datareq.approve", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::Disclose(const std::string& id, const std::string& actor, int64_t now) {
  DataRequestState to;
  Result<DataRequest> loaded = LoadFor(id, DataRequestEvent::kDisclose, &to);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  if (r.package.empty() || r.approved_by.empty() || SamePerson(r.approved_by, r.prepared_by))
    return Status::Conflict("data request " + id + ": no package approved by a second person");
  const DataRequestState from = r.state;
  r.state = to;
  r.disclosed_by = actor;
  r.disclosed_at = now;
  if (r.gag_until <= now) r.user_notified_at = now;  // no gag (or it already ended): notify now
  OJson payload;
  payload["from"] = std::string(DataRequestStateName(from));
  payload["to"] = std::string(DataRequestStateName(to));
  payload["fields_disclosed"] = r.disclosed_fields;
  payload["package_sha256"] = Sha256Hex(r.package);
  payload["users_notified"] = r.user_notified_at != 0;
  // IP data: which address fields went to which authority, how many
  // addresses, for which accounts and under which process.
  std::vector<std::string> ip_fields;
  for (const std::string& f : r.disclosed_fields)
    if (IsIpField(f)) ip_fields.push_back(f);
  if (!ip_fields.empty())
    payload["ip_data"] = {{"authority", r.authority},
                          {"fields", ip_fields},
                          {"addresses", r.ip_addresses},
                          {"accounts", r.targets},
                          {"legal_process", std::string(LegalProcessKindName(r.EffectiveProcess().kind))}};
  if (Status s = Save(r, from, actor, "datareq.disclose", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::Refuse(const std::string& id, const std::string& reason, const std::string& actor,
                                            int64_t now) {
  (void)now;
  DataRequestState to;
  Result<DataRequest> loaded = LoadFor(id, DataRequestEvent::kRefuse, &to);
  if (!loaded.ok()) return loaded.status();
  if (IsBlank(reason)) return Status::Invalid("data request " + id + ": refuse needs a reason");
  DataRequest r = std::move(loaded).value();
  const DataRequestState from = r.state;
  r.state = to;
  r.reason = reason;
  OJson payload;
  payload["from"] = std::string(DataRequestStateName(from));
  payload["to"] = std::string(DataRequestStateName(to));
  payload["reason"] = reason;
  if (Status s = Save(r, from, actor, "datareq.refuse", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::RecordFollowUp(const std::string& id, const LegalProcess& process,
                                                    const std::string& actor, int64_t now) {
  Result<DataRequest> loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  if (r.follow_up_due == 0)
    return Status::Conflict("data request " + id + ": not an emergency request answered before legal process");
  if (r.state == DataRequestState::kRejected)
    return Status::Conflict("data request " + id + ": it was rejected at intake");
  if (r.follow_up.kind != LegalProcessKind::kNone)
    return Status::Conflict("data request " + id + ": its follow-up (" +
                            std::string(LegalProcessKindName(r.follow_up.kind)) + " " + r.follow_up.reference +
                            ") is already recorded");
  if (!IsLegalProcess(process.kind))
    return Status::Invalid("data request " + id +
                           ": the follow-up must be a court_order, warrant, subpoena or statutory_notice");
  if (IsBlank(process.reference)) return Status::Invalid("data request " + id + ": the follow-up needs its reference");
  r.follow_up = process;
  r.follow_up_at = now;
  OJson payload;
  payload["kind"] = std::string(LegalProcessKindName(process.kind));
  payload["reference"] = process.reference;
  payload["late"] = now > r.follow_up_due;
  if (Status s = Save(r, r.state, actor, "datareq.follow_up", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::RecordLegalReview(const std::string& id, const std::string& note,
                                                      const std::string& actor, int64_t now) {
  Result<DataRequest> loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  if (!r.cross_border) return Status::Conflict("data request " + id + ": not cross-border; no legal review is needed");
  if (r.state != DataRequestState::kAccepted && r.state != DataRequestState::kPrepared)
    return Status::Conflict("data request " + id + ": a legal review is recorded before approval, and it is " +
                            std::string(DataRequestStateName(r.state)));
  if (IsBlank(note)) return Status::Invalid("data request " + id + ": the legal review needs its conclusion");
  r.legal_review = note;
  r.legal_review_by = actor;
  r.legal_review_at = now;
  OJson payload;
  payload["note"] = note;
  payload["target_countries"] = r.target_countries;
  if (Status s = Save(r, r.state, actor, "datareq.legal_review", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::MarkNotified(const std::string& id, const std::string& actor, int64_t now) {
  Result<DataRequest> loaded = Get(id);
  if (!loaded.ok()) return loaded.status();
  DataRequest r = std::move(loaded).value();
  if (!r.UserNotificationDue(now)) {
    if (r.user_notified_at != 0) return Status::Conflict("data request " + id + ": users already notified");
    if (r.state != DataRequestState::kDisclosed) return Status::Conflict("data request " + id + ": not disclosed");
    return Status::Conflict("data request " + id + ": its gag period runs until " + FormatTimestamp(r.gag_until));
  }
  r.user_notified_at = now;
  OJson payload;
  payload["users"] = r.targets;
  payload["gag_until"] = TimeJson(r.gag_until);
  if (Status s = Save(r, r.state, actor, "datareq.notify", Dump(payload)); !s.ok()) return s;
  return r;
}

Result<DataRequest> DataRequestDesk::Get(const std::string& id) {
  Result<CaseRecord> c = store_->GetCase(id);
  if (!c.ok())
    return c.status().code() == Status::Code::kNotFound ? Status::NotFound("no data request " + id) : c.status();
  if (c->kind != kKind) return Status::NotFound("no data request " + id + " (that id is a " + c->kind + ")");
  return DataRequestFromJson(c->body);
}

Result<std::vector<DataRequest>> DataRequestDesk::List(std::optional<DataRequestState> state, bool flagged_only,
                                                       int64_t now) {
  CaseFilter filter;
  filter.kind = kKind;
  if (state) filter.state = std::string(DataRequestStateName(*state));
  Result<std::vector<CaseRecord>> records = store_->ListCases(filter);
  if (!records.ok()) return records.status();
  std::vector<DataRequest> out;
  for (const CaseRecord& c : *records) {
    Result<DataRequest> r = DataRequestFromJson(c.body);
    if (!r.ok()) return r.status();
    if (flagged_only && !r->FollowUpOverdue(now)) continue;
    out.push_back(std::move(r).value());
  }
  return out;
}

Result<std::vector<DataRequest>> DataRequestDesk::NotifyDue(int64_t now) {
  Result<std::vector<DataRequest>> all = List(DataRequestState::kDisclosed, false, now);
  if (!all.ok()) return all.status();
  std::vector<DataRequest> out;
  for (DataRequest& r : *all)
    if (r.UserNotificationDue(now)) out.push_back(std::move(r));
  return out;
}

}  // namespace evenhand
