#include "cases/notice_messages.h"

#include "model/time.h"

namespace evenhand {

namespace {

std::string Items(const Notice& n) {
  std::string out;
  for (size_t i = 0; i < n.location.size(); ++i) out += (i == 0 ? "" : ", ") + n.location[i];
  return out.empty() ? "no item" : (n.location.size() == 1 ? "item " : "items ") + out;
}

std::string Heading(const Notice& n) { return "your notice " + n.id + " (your reference " + n.reference + ")"; }

}  // namespace

std::string ReceiptText(const Notice& n) {
  std::string text = "We received " + Heading(n) + " about " + Items(n) + " on " + FormatTimestamp(n.received) + ".";
  if (n.priority)
    text += " As a notice from trusted flagger " + n.notifier.flagger_id + ", it will be processed with priority.";
  text += " We will review it and send you our decision and the reasons for it.";
  return text;
}

std::string RejectionText(const Notice& n) {
  return "We received " + Heading(n) + " on " + FormatTimestamp(n.received) +
         " but cannot act on it: " + n.reason + ". You may send a new notice with what is missing.";
}

std::string DecisionText(const Notice& n) {
  std::string what;
  if (n.outcome == NoticeOutcome::kNoAction) {
    what = "we took no action on " + Items(n);
  } else {
    switch (n.action) {
      case NoticeAction::kWithheld:
        what = Items(n) + " is withheld in " + n.jurisdiction + " and stays visible elsewhere";
        break;
      case NoticeAction::kRemoved:
        what = Items(n) + " has been removed";
        break;
      case NoticeAction::kLabelled:
        what = Items(n) + " stays available with a label";
        break;
      case NoticeAction::kNone:
        what = "action was taken on " + Items(n);
        break;
    }
  }
  return "Our decision on " + Heading(n) + ": " + what + ". Reason: " + n.reason +
         ". If you disagree you may ask us to review this decision through our internal complaint-handling "
         "system (DSA Art. 20), refer it to a certified out-of-court dispute settlement body (Art. 21), or "
         "bring it before a court.";
}

}  // namespace evenhand
