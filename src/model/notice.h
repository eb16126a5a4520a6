// Notices from users and trusted flaggers (DSA Art. 16 and 22; Brazil's
// Marco Civil as read by the STF in 2025, where a platform becomes liable
// once notified): the record a notice becomes, its lifecycle states and
// decision outcomes, and the messages sent back to the notifier. Plain
// data; no I/O (see cases/notice_* for intake, validation and transitions).
//
// Lifecycle: received -> confirmed (the receipt is sent, Art. 16(4)) ->
// in_review -> decided (action taken: withheld | removed | labelled; or no
// action, with a reason) -> notified (the decision, its reason and the
// redress options sent to the notifier, Art. 16(5)). A notice with no
// explanation, no location, unknown items or no good-faith statement goes
// received -> rejected, and the rejection is sent to the notifier.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

enum class NoticeState { kReceived, kRejected, kConfirmed, kInReview, kDecided, kNotified };
enum class NoticeOutcome { kNone, kActionTaken, kNoAction };
enum class NoticeAction { kNone, kWithheld, kRemoved, kLabelled };
enum class NotifierKind { kUser, kTrustedFlagger };

std::string_view NoticeStateName(NoticeState state);  // "received", "in_review", ...
std::optional<NoticeState> ParseNoticeState(std::string_view name);
std::string_view NoticeOutcomeName(NoticeOutcome outcome);  // "", "action_taken", "no_action"
std::optional<NoticeOutcome> ParseNoticeOutcome(std::string_view name);
std::string_view NoticeActionName(NoticeAction action);  // "", "withheld", "removed", "labelled"
std::optional<NoticeAction> ParseNoticeAction(std::string_view name);
std::string_view NotifierKindName(NotifierKind kind);  // "user", "trusted_flagger"
std::optional<NotifierKind> ParseNotifierKind(std::string_view name);

struct Notifier {
  std::string name;
  std::string contact;     // e-mail address; where receipts and decisions go
  NotifierKind kind = NotifierKind::kUser;
  std::string flagger_id;  // the trusted flagger's registered id (kind trusted_flagger)
};

// One message to the notifier (receipt, rejection or decision), as sent.
struct NoticeMessage {
  std::string to;  // the notifier's contact
  int64_t at = 0;  // unix seconds
  std::string text;
};

struct Notice {
  std::string id;  // "ntc-" + 16 hex of sha256(contact + "\n" + reference)
  Notifier notifier;
  std::string explanation;            // why the notifier holds it unlawful (Art. 16(2)(a))
  std::vector<std::string> location;  // the items notified (Art. 16(2)(b))
  std::string category;               // a regime category id or a DSA short form
  std::string jurisdiction;           // where it is said to be unlawful; empty: terms of service
  bool good_faith = false;            // the statement of good faith (Art. 16(2)(d))
  std::string reference;              // the notifier's own, or generated from the content
  std::string regime;                 // regime whose clock runs; empty if none
  int64_t received = 0;               // unix seconds
  int64_t deadline = 0;               // unix seconds; 0 when the law sets no hour figure
  // True for a notice from a trusted flagger whose id is registered: it is
  // processed with priority (Art. 22). A claim that is not registered is
  // handled as an ordinary notice.
  bool priority = false;
  NoticeState state = NoticeState::kReceived;
  NoticeOutcome outcome = NoticeOutcome::kNone;
  NoticeAction action = NoticeAction::kNone;
  std::string reason;  // why rejected / the reason for the decision
  int64_t decided_at = 0;
  int64_t notified_at = 0;
  std::vector<NoticeMessage> outbox;  // every message sent to the notifier, in order
};

}  // namespace evenhand
