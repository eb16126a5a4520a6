// The notice state machine: which event moves a notice from which state to
// which. Pure functions; the NoticeDesk applies them and refuses the rest.
//
//   confirm  received   -> confirmed  (intake: the receipt goes out)
//   reject   received   -> rejected   (intake: reason required; sent out)
//   review   confirmed  -> in_review
//   decide   in_review  -> decided    (outcome and reason required)
//   notify   decided    -> notified   (the decision goes out with redress)
#pragma once

#include <optional>
#include <string_view>

#include "model/notice.h"

namespace evenhand {

enum class NoticeEvent { kConfirm, kReject, kReview, kDecide, kNotify };

std::string_view NoticeEventName(NoticeEvent event);
std::optional<NoticeEvent> ParseNoticeEvent(std::string_view name);

// The state `event` leads to from `from`, or nullopt when it is not allowed.
std::optional<NoticeState> NextNoticeState(NoticeState from, NoticeEvent event);

// Whether a notice in `state` still waits for the platform (confirmed or
// in review): the ones a deadline applies to.
bool NoticeIsOpen(NoticeState state);

}  // namespace evenhand
