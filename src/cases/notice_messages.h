// The words a notifier receives: the confirmation of receipt (DSA Art.
// 16(4)), the rejection of an invalid notice, and the decision with its
// reason and the redress options (Art. 16(5); Arts. 20 and 21). Pure
// functions of the notice; the desk stamps the time and the address.
#pragma once

#include <string>

#include "model/notice.h"

namespace evenhand {

std::string ReceiptText(const Notice& notice);
std::string RejectionText(const Notice& notice);  // uses notice.reason
std::string DecisionText(const Notice& notice);   // uses outcome, action, reason

}  // namespace evenhand
