// NoticeDesk: intake and lifecycle of notices from users and trusted
// flaggers (DSA Art. 16 and 22), on top of a Store.
//
// Submit stores a parsed notice (kind "notice") and answers it at once:
// valid notices are confirmed with a receipt (Art. 16(4)); a notice with no
// explanation, no location, unknown items or no good-faith statement is
// stored as rejected with the reason, and the rejection is what the
// notifier receives. Intake is idempotent by (notifier contact, reference):
// a repeat returns the notice on file and its first message; a repeat of a
// notice whose intake was cut short (still "received") completes it.
//
// The regime's clock starts at the notice where the law starts one: the
// deadline is received + the regime's hours for the notice's jurisdiction
// and category, and none when no regime covers them or the law sets no hour
// figure (the notice is still stored, confirmed and listed). A notice from
// a trusted flagger whose id the FlaggerCheck recognises gets priority
// (Art. 22); an unrecognised claim is handled as an ordinary notice.
//
// Decide records the decision (action taken: withheld in the notice's
// jurisdiction | removed | labelled; or no action) with its reason, then
// sends the notifier the decision, the reason and the redress options
// (Art. 16(5)). Every message to the notifier is appended to the notice's
// outbox and audited as "notice.inform"; other changes as "notice.submit",
// "notice.review", "notice.decide". Each change and its audit entry are
// written in one transaction, and every call returns only once durable.
// Illegal transitions (cases/notice_lifecycle.h) are refused (Conflict).
//
// Not thread safe (a Store is used by one thread at a time).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cases/notice_lifecycle.h"
#include "cases/order_desk.h"  // RegimeLookup
#include "model/notice.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// Whether `flagger_id` is a registered trusted flagger.
using FlaggerCheck = std::function<bool(const std::string& flagger_id)>;

struct NoticeSubmitResult {
  Notice notice;
  NoticeMessage receipt;   // the confirmation of receipt, or the rejection
  bool duplicate = false;  // (contact, reference) was already on file
};

// Arguments of an event: the reason (reject; decide), the outcome and the
// action (decide).
struct NoticeEventArgs {
  NoticeOutcome outcome = NoticeOutcome::kNone;
  NoticeAction action = NoticeAction::kNone;
  std::string reason;
};

struct NoticeListFilter {
  std::optional<NoticeState> state;         // any when nullopt
  std::optional<int64_t> due_within;        // only open notices due by now + this
  bool trusted_only = false;                // only notices with trusted-flagger priority
};

class NoticeDesk {
 public:
  // `trusted` may be empty: then no notice gets trusted-flagger priority.
  NoticeDesk(Store* store, RegimeLookup regimes, FlaggerCheck trusted = nullptr)
      : store_(store), regimes_(std::move(regimes)), trusted_(std::move(trusted)) {}

  // The platform id of the notice (contact, reference) gets.
  static std::string NoticeId(const std::string& contact, const std::string& reference);

  // Stores and answers one notice at time `now` (the receipt's time).
  Result<NoticeSubmitResult> Submit(Notice notice, const std::string& actor, int64_t now);
  // confirmed -> in_review.
  Result<Notice> Review(const std::string& id, const std::string& actor, int64_t now);
  // in_review -> decided -> notified. action_taken needs an action (withheld
  // needs the notice's jurisdiction); no_action takes none; both a reason.
  Result<Notice> Decide(const std::string& id, NoticeOutcome outcome, NoticeAction action, const std::string& reason,
                        const std::string& actor, int64_t now);
  // decided -> notified: sends the decision (Decide does this; call it to
  // finish a decision whose message was not recorded).
  Result<Notice> Inform(const std::string& id, const std::string& actor, int64_t now);
  // Any one event, checked against the lifecycle.
  Result<Notice> Apply(const std::string& id, NoticeEvent event, const NoticeEventArgs& args, const std::string& actor,
                       int64_t now);

  Result<Notice> Get(const std::string& id);
  // Notices sorted by priority (trusted flaggers first), then deadline
  // (earliest first, none last), then received time, then id.
  Result<std::vector<Notice>> List(const NoticeListFilter& filter, int64_t now);

 private:
  // Why the notice must be rejected, or empty when it is valid.
  Result<std::string> RejectionReason(const Notice& notice);
  // Confirms or rejects a notice still in "received".
  Result<Notice> FinishIntake(const Notice& notice, const std::string& actor, int64_t now);

  Store* store_;
  RegimeLookup regimes_;
  FlaggerCheck trusted_;
};

}  // namespace evenhand
