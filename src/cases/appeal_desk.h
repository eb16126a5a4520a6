// AppealDesk: users' appeals of own-initiative decisions (DSA Art. 20
// internal complaint handling), on top of a Store. See model/appeal.h.
//
// File records an appeal of the decision (item, policy) stored for the
// item's current version (the latest one otherwise) and answers the user
// at once with a receipt; one appeal per decision: a repeat returns the
// appeal on file. Refused: a blank text (Invalid); no such decision
// (NotFound); a decision that restricts nothing (allow, review) or that is
// already reversed (Conflict). The person who confirmed the decision on
// review is recorded: they may not decide the appeal.
//
// Decide records upheld (the action stands) or reversed (the decision is
// undone everywhere: cases/standing.h) with its reason and sends the user
// the outcome, the reason and the redress left (out-of-court dispute
// settlement, Art. 21; the courts). Refused: a blank reason (Invalid); an
// appeal decided already, or a decider who is the same person
// (SamePerson) as the one who confirmed the decision (Conflict).
//
// Every message to the user is appended to the appeal's outbox and is in
// the audit entry ("appeal.file", "appeal.decide") written in the same
// transaction as the change; every call returns only once durable.
// Not thread safe (a Store is used by one thread at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/appeal.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

// "ITEM@NAME@VERSION" -> (ITEM, "NAME@VERSION"): the policy is the part
// after the second-to-last '@'. Invalid (naming `field`) when either part
// is missing.
Result<std::pair<std::string, std::string>> ParseDecisionRef(std::string_view ref, std::string_view field);

struct AppealFileResult {
  DecisionAppeal appeal;
  bool duplicate = false;  // the decision was appealed already: the appeal on file
};

class AppealDesk {
 public:
  explicit AppealDesk(Store* store) : store_(store) {}

  static std::string AppealId(const std::string& item, const std::string& policy);

  // `contact`: where the user is answered; empty = "account:" + the post's account.
  Result<AppealFileResult> File(const std::string& item, const std::string& policy, const std::string& text,
                                const std::string& contact, const std::string& actor, int64_t now);
  // `outcome`: kUpheld or kReversed.
  Result<DecisionAppeal> Decide(const std::string& id, AppealState outcome, const std::string& reason,
                                const std::string& actor, int64_t now);
  Result<DecisionAppeal> Get(const std::string& id);
  // Oldest first; only those in `state` when given.
  Result<std::vector<DecisionAppeal>> List(std::optional<AppealState> state);

 private:
  Store* store_;
};

}  // namespace evenhand
