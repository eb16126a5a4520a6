// Data-disclosure requests from authorities: the record a request becomes,
// its legal process, the catalogue of data fields that may be asked for,
// and its states. Plain data; no I/O (cases/datareq_* does intake,
// validation, the disclosure package and the transitions).
//
// Lifecycle:
//   received -> rejected                  (at intake, with the reason)
//   received -> accepted -> prepared -> approved -> disclosed
//   accepted | prepared  -> refused       (with the reason)
// An emergency request may be answered before any legal process exists; it
// then carries follow_up_due, by when the legal process must follow.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

enum class DataRequestState { kReceived, kRejected, kAccepted, kPrepared, kApproved, kDisclosed, kRefused };

std::string_view DataRequestStateName(DataRequestState state);  // "received", "accepted", ...
std::optional<DataRequestState> ParseDataRequestState(std::string_view name);

// The legal process a request relies on. kNone: the request names none.
// kEmergencyNone: an emergency request sent before any legal process.
enum class LegalProcessKind { kNone, kCourtOrder, kWarrant, kSubpoena, kStatutoryNotice, kEmergencyNone };

// "", "court_order", "warrant", "subpoena", "statutory_notice", "emergency_none".
std::string_view LegalProcessKindName(LegalProcessKind kind);
std::optional<LegalProcessKind> ParseLegalProcessKind(std::string_view name);
// True for the kinds that are an actual legal process (not kNone or
// kEmergencyNone).
bool IsLegalProcess(LegalProcessKind kind);

struct LegalProcess {
  LegalProcessKind kind = LegalProcessKind::kNone;
  std::string reference;  // the court's / agency's reference of the process
};

// The fixed catalogue of data fields a request may ask for. Subscriber
// fields describe the account; the account.posts.* fields describe each of
// its posts. Which legal process covers which field: cases/datareq_coverage.h.
inline constexpr std::string_view kFieldAccountId = "account.id";
inline constexpr std::string_view kFieldAccountCreated = "account.created";
inline constexpr std::string_view kFieldAccountCountry = "account.country";
inline constexpr std::string_view kFieldPostIds = "account.posts.ids";
inline constexpr std::string_view kFieldPostText = "account.posts.text";
inline constexpr std::string_view kFieldPostTs = "account.posts.ts";
inline constexpr std::string_view kFieldPostRegion = "account.posts.region";
inline constexpr std::string_view kFieldPostLang = "account.posts.lang";
// Sign-up and login records (model/login.h): the address, source port and
// time the account was registered from, and each login's time, address,
// source port and device.
inline constexpr std::string_view kFieldRegistrationIp = "account.registration_ip";
inline constexpr std::string_view kFieldLoginTs = "account.logins.ts";
inline constexpr std::string_view kFieldLoginIp = "account.logins.ip";
inline constexpr std::string_view kFieldLoginPort = "account.logins.port";
inline constexpr std::string_view kFieldLoginDevice = "account.logins.device";

// Every field of the catalogue, in catalogue order.
std::span<const std::string_view> DataFieldCatalogue();
bool IsKnownDataField(std::string_view field);
// The fields that disclose a network address (account.registration_ip,
// account.logins.ip): their disclosure is audited and counted apart.
bool IsIpField(std::string_view field);
// Whether any of `fields` is an IP field.
bool AsksForIp(const std::vector<std::string>& fields);

// A field the package withholds, and why.
struct WithheldField {
  std::string field;
  std::string reason;
};

struct DataRequest {
  std::string id;            // "dr-" + 16 hex of sha256(authority \n reference)
  std::string authority;     // registered authority id
  std::string jurisdiction;  // ISO 3166-1 alpha-2, or "EU"
  std::string regime;        // regime the deadline came from; empty if none
  LegalProcess legal_process;            // as the request arrived
  std::vector<std::string> fields;       // asked for, in the request's order
  std::vector<std::string> targets;      // account ids
  bool emergency = false;
  std::string reference;     // the authority's own reference
  int64_t received = 0;      // unix seconds
  int64_t deadline = 0;      // unix seconds; 0 when no hour figure applies
  // Emergency requests without legal process: by when it must follow (0:
  // not needed), and the process once recorded (follow-up).
  int64_t follow_up_due = 0;
  LegalProcess follow_up;
  int64_t follow_up_at = 0;  // when the follow-up was recorded; 0 = not yet
  int64_t gag_until = 0;     // delayed notice: users may not be told before; 0 = no gag
  DataRequestState state = DataRequestState::kReceived;
  std::string reason;        // why rejected or refused
  std::string prepared_by;
  int64_t prepared_at = 0;
  std::string approved_by;
  int64_t approved_at = 0;
  int64_t disclosed_at = 0;
  std::string disclosed_by;
  std::vector<std::string> disclosed_fields;  // set when prepared
  std::vector<WithheldField> withheld_fields;  // set when prepared
  std::string package;       // the disclosure package as JSON text; set when prepared
  int64_t ip_addresses = 0;  // network addresses the package holds; set when prepared
  int64_t user_notified_at = 0;  // 0 = the affected users are not yet notified
  // Cross-border: a target account's country is not covered by the
  // authority's jurisdiction. Such a request needs a recorded legal review
  // before it may be approved.
  bool cross_border = false;
  std::vector<std::string> target_countries;  // the targets' countries, as stored at intake
  std::string legal_review;      // the review's conclusion; "" = none recorded
  std::string legal_review_by;
  int64_t legal_review_at = 0;

  // The process that now governs the request: the follow-up once recorded,
  // else the one it arrived with.
  const LegalProcess& EffectiveProcess() const {
    return follow_up.kind != LegalProcessKind::kNone ? follow_up : legal_process;
  }
  // An emergency request answered without legal process whose process did
  // not follow in time: still missing after follow_up_due, or recorded
  // after it. Rejected and refused requests are never flagged (nothing
  // was disclosed on them).
  bool FollowUpOverdue(int64_t now) const;
  // A disclosed request whose users are not yet notified and whose gag
  // period (if any) has ended at `now` (now >= gag_until).
  bool UserNotificationDue(int64_t now) const;
};

}  // namespace evenhand
