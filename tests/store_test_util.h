// Fixtures the store tests share (store_sqlite_test, store_conformance_test):
// a typical decision, the audit chain verified, five decisions stored, and
// the analytics facts of a store as text rows (what ScanDecisionFacts says,
// and what it must say according to the full decision walk).
#pragma once

#include <map>
#include <string>
#include <vector>

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

// One row per decision, "policy|action|category|review|received|stored_at|
// topic|lang|region", from the full decision walk and the facts' rules
// (store.h DecisionFacts): what ScanDecisionFacts must report, in order.
inline std::vector<std::string> ExpectedFacts(Store& store) {
  std::vector<std::string> out;
  EXPECT_TRUE(store
                  .ForEachDecision("", [&](const StoredDecision& sd) {
                    const Decision& d = sd.decision;
                    const Post& p = sd.post;
                    const int64_t received = sd.post_found && p.ts != 0 ? p.ts : d.ts != 0 ? d.ts : sd.stored_at;
                    out.push_back(d.policy + "|" + std::string(ActionName(d.action)) + "|" + d.category + "|" +
                                  std::to_string(d.review) + "|" + std::to_string(received) + "|" +
                                  std::to_string(sd.stored_at) + "|" + (sd.post_found ? p.topic : "") + "|" +
                                  (sd.post_found && !p.lang.empty() ? p.lang : d.lang) + "|" +
                                  (sd.post_found && !p.region.empty() ? p.region : d.region));
                    return true;
                  })
                  .ok());
  return out;
}

// Reads slices of ScanDecisionFacts as ExpectedFacts' rows, and checks on
// the way that within each scan (the promise of store.h: numbers may differ
// between scans) each profile number names one combination of values and
// no two numbers the same one.
class FactsReader {
 public:
  explicit FactsReader(Store& store) : store_(store) {}
  Status Scan(const ScanSlice& slice, std::vector<std::string>* out) {
    std::map<uint32_t, std::string> values_of_profile;
    Status s = store_.ScanDecisionFacts(slice, [&](const DecisionFacts& f) {
      const std::string values = std::string(f.policy) + "|" + std::string(f.action) + "|" + std::string(f.category) +
                                 "|" + std::to_string(f.review) + "|" + std::string(f.topic) + "|" +
                                 std::string(f.lang) + "|" + std::string(f.region);
      auto [it, fresh] = values_of_profile.emplace(f.profile, values);
      if (!fresh && it->second != values) consistent_ = false;
      out->push_back(std::string(f.policy) + "|" + std::string(f.action) + "|" + std::string(f.category) + "|" +
                     std::to_string(f.review) + "|" + std::to_string(f.received) + "|" +
                     std::to_string(f.stored_at) + "|" + std::string(f.topic) + "|" + std::string(f.lang) + "|" +
                     std::string(f.region));
      return true;
    });
    std::map<std::string, uint32_t> seen;
    for (const auto& [profile, values] : values_of_profile)
      if (!seen.emplace(values, profile).second) consistent_ = false;
    return s;
  }
  // True when every scan so far kept its profile numbers consistent.
  bool ProfilesConsistent() const { return consistent_; }

 private:
  Store& store_;
  bool consistent_ = true;
};

}  // namespace evenhand::store_test
