// The data-request state machine: which event moves a request from which
// state to which. Pure functions; the DataRequestDesk applies them and
// refuses the rest.
//
//   accept    received            -> accepted   (intake: valid)
//   reject    received            -> rejected   (intake: reason stored)
//   prepare   accepted            -> prepared   (the package is built)
//   approve   prepared            -> approved   (by another person than the preparer)
//   disclose  approved            -> disclosed  (the package goes out)
//   refuse    accepted | prepared -> refused    (reason required)
#pragma once

#include <optional>
#include <string_view>

#include "model/data_request.h"

namespace evenhand {

enum class DataRequestEvent { kAccept, kReject, kPrepare, kApprove, kDisclose, kRefuse };

std::string_view DataRequestEventName(DataRequestEvent event);
std::optional<DataRequestEvent> ParseDataRequestEvent(std::string_view name);

// The state `event` leads to from `from`, or nullopt when it is not allowed.
std::optional<DataRequestState> NextDataRequestState(DataRequestState from, DataRequestEvent event);

}  // namespace evenhand
