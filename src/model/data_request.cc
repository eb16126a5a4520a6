#include "model/data_request.h"

#include <array>
#include <utility>

namespace evenhand {

namespace {

constexpr std::array<std::pair<DataRequestState, std::string_view>, 7> kStates = {{
    {DataRequestState::kReceived, "received"},
    {DataRequestState::kRejected, "rejected"},
    {DataRequestState::kAccepted, "accepted"},
    {DataRequestState::kPrepared, "prepared"},
    {DataRequestState::kApproved, "approved"},
    {DataRequestState::kDisclosed, "disclosed"},
    {DataRequestState::kRefused, "refused"},
}};

constexpr std::array<std::pair<LegalProcessKind, std::string_view>, 6> kKinds = {{
    {LegalProcessKind::kNone, ""},
    {LegalProcessKind::kCourtOrder, "court_order"},
    {LegalProcessKind::kWarrant, "warrant"},
    {LegalProcessKind::kSubpoena, "subpoena"},
    {LegalProcessKind::kStatutoryNotice, "statutory_notice"},
    {LegalProcessKind::kEmergencyNone, "emergency_none"},
}};

constexpr std::array<std::string_view, 13> kFields = {
    kFieldAccountId,       kFieldAccountCreated, kFieldAccountCountry, kFieldPostIds,
    kFieldPostText,        kFieldPostTs,         kFieldPostRegion,     kFieldPostLang,
    kFieldRegistrationIp,  kFieldLoginTs,        kFieldLoginIp,        kFieldLoginPort,
    kFieldLoginDevice,
};

}  // namespace

std::string_view DataRequestStateName(DataRequestState state) {
  for (const auto& [s, name] : kStates)
    if (s == state) return name;
  return "?";
}

std::optional<DataRequestState> ParseDataRequestState(std::string_view name) {
  for (const auto& [s, n] : kStates)
    if (n == name) return s;
  return std::nullopt;
}

std::string_view LegalProcessKindName(LegalProcessKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "?";
}

std::optional<LegalProcessKind> ParseLegalProcessKind(std::string_view name) {
  for (const auto& [k, n] : kKinds)
    if (n == name) return k;
  return std::nullopt;
}

bool IsLegalProcess(LegalProcessKind kind) {
  return kind != LegalProcessKind::kNone && kind != LegalProcessKind::kEmergencyNone;
}

std::span<const std::string_view> DataFieldCatalogue() { return kFields; }

bool IsKnownDataField(std::string_view field) {
  for (std::string_view f : kFields)
    if (f == field) return true;
  return false;
}

bool DataRequest::FollowUpOverdue(int64_t now) const {
  if (follow_up_due == 0) return false;
  if (state == DataRequestState::kReceived || state == DataRequestState::kRejected ||
      state == DataRequestState::kRefused)
    return false;
  if (follow_up_at != 0) return follow_up_at > follow_up_due;
  return now > follow_up_due;
}

bool DataRequest::UserNotificationDue(int64_t now) const {
  return state == DataRequestState::kDisclosed && user_notified_at == 0 && now >= gag_until;
}

bool IsIpField(std::string_view field) { return field == kFieldRegistrationIp || field == kFieldLoginIp; }

bool AsksForIp(const std::vector<std::string>& fields) {
  for (const std::string& f : fields)
    if (IsIpField(f)) return true;
  return false;
}

}  // namespace evenhand
