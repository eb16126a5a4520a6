// Fixtures the store tests share (store_sqlite_test, store_conformance_test):
// a typical decision, the audit chain verified, five decisions stored.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "store/store.h"

namespace evenhand::store_test {

inline Decision MakeDecision(const std::string& item, const std::string& policy = "default@3",
                             Action action = Action::kRemove, const std::string& category = "scams_and_fraud") {
  Decision d;
  d.item = item;
  d.account = "a1";
  d.action = action;
  d.category = category;
  d.rule = "scam-terms";
  d.policy = policy;
  d.reason = "matched scam terms";
  d.review = true;
  d.lang = "ur";
  d.region = "PK";
  d.ts = 1793527200;
  if (action == Action::kWithhold) d.scope = {"PK"};
  d.signals.push_back(Signal{"terms", "scam_terms", 1.0, "free money @ 10..21"});
  return d;
}

inline AuditVerifyReport MustVerify(Store& store) {
  auto r = VerifyAudit(store);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? r.value() : AuditVerifyReport{};
}

inline std::string Describe(const AuditVerifyReport& r) {
  std::string out;
  for (const AuditProblem& p : r.problems) out += "[" + std::to_string(p.seq) + "] " + p.what + "\n";
  return out;
}

// Five decisions -> audit entries 1..5.
inline void FillFive(Store& store) {
  for (int i = 1; i <= 5; ++i) {
    bool inserted = false;
    ASSERT_TRUE(store.PutDecision(MakeDecision("p" + std::to_string(i)), "scan", &inserted).ok());
    ASSERT_TRUE(inserted);
  }
}

}  // namespace evenhand::store_test
