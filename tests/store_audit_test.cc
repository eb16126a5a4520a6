// The audit chain without a database: hashing, and the verifier's findings
// for edited, removed and reordered entries.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "store/audit.h"
#include "store/sha256.h"

namespace evenhand {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Binary input with a NUL byte is hashed in full.
  EXPECT_NE(Sha256Hex(std::string("a\0b", 3)), Sha256Hex("a"));
}

TEST(AuditHash, IsSha256OfTheDocumentedCanonicalText) {
  AuditEntry e;
  e.seq = 7;
  e.ts = 1700000000;
  e.actor = "scan";
  e.action = "decision";
  e.subject = "p1";
  e.payload = R"({"action":"remove"})";
  e.prev_hash = kGenesisHash;
  EXPECT_EQ(ComputeAuditHash(e),
            Sha256Hex("7\n1700000000\nscan\ndecision\np1\n{\"action\":\"remove\"}\n" + kGenesisHash));
  EXPECT_EQ(kGenesisHash, std::string(64, '0'));
  // Every field takes part.
  const std::string base = ComputeAuditHash(e);
  for (auto edit : std::vector<void (*)(AuditEntry&)>{
           [](AuditEntry& x) { x.seq = 8; }, [](AuditEntry& x) { x.ts = 1; },
           [](AuditEntry& x) { x.actor = "cli"; }, [](AuditEntry& x) { x.action = "order"; },
           [](AuditEntry& x) { x.subject = "p2"; }, [](AuditEntry& x) { x.payload = "{}"; },
           [](AuditEntry& x) { x.prev_hash = std::string(64, '1'); }}) {
    AuditEntry f = e;
    edit(f);
    EXPECT_NE(ComputeAuditHash(f), base);
  }
}

TEST(AuditFields, RefusesWhatTheChainCannotRecord) {
  EXPECT_TRUE(ValidateAuditFields("scan", "decision", "p1", R"({"a":1})").ok());
  EXPECT_TRUE(ValidateAuditFields("scan", "decision", "", "").ok());
  EXPECT_FALSE(ValidateAuditFields("", "decision", "p1", "{}").ok());
  EXPECT_FALSE(ValidateAuditFields("scan", "", "p1", "{}").ok());
  Status s = ValidateAuditFields("scan", "decision", "p\n1", "{}");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("subject"), std::string::npos) << s.message();
  EXPECT_FALSE(ValidateAuditFields("sc\ran", "decision", "p1", "{}").ok());
  EXPECT_FALSE(ValidateAuditFields("scan", "decision", "p1", "{\n}").ok());
  s = ValidateAuditFields("scan", "decision", "p1", "{not json");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("JSON"), std::string::npos) << s.message();
}

// A well-formed chain of n entries, seq 1..n.
std::vector<AuditEntry> Chain(int n) {
  std::vector<AuditEntry> out;
  std::string prev = kGenesisHash;
  for (int i = 1; i <= n; ++i) {
    AuditEntry e;
    e.seq = i;
    e.ts = 1700000000 + i;
    e.actor = "scan";
    e.action = "decision";
    e.subject = "p" + std::to_string(i);
    e.payload = R"({"action":"remove","n":)" + std::to_string(i) + "}";
    e.prev_hash = prev;
    e.hash = ComputeAuditHash(e);
    prev = e.hash;
    out.push_back(e);
  }
  return out;
}

AuditVerifyReport Verify(const std::vector<AuditEntry>& entries) {
  AuditVerifier v;
  for (const AuditEntry& e : entries) v.Add(e);
  return v.Finish();
}

std::string Describe(const AuditVerifyReport& r) {
  std::string out;
  for (const AuditProblem& p : r.problems) out += "[" + std::to_string(p.seq) + "] " + p.what + "\n";
  return out;
}

TEST(AuditVerifier, EmptyChainIsOkWithGenesisHead) {
  AuditVerifyReport r = Verify({});
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.entries, 0);
  EXPECT_EQ(r.head_hash, kGenesisHash);
}

TEST(AuditVerifier, CleanChainIsOkWithCountAndHead) {
  auto chain = Chain(5);
  AuditVerifyReport r = Verify(chain);
  EXPECT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.entries, 5);
  EXPECT_EQ(r.head_hash, chain.back().hash);
}

TEST(AuditVerifier, EditedPayloadIsNamed) {
  auto chain = Chain(5);
  chain[2].payload = R"({"action":"allow","n":3})";
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 3);
  EXPECT_EQ(r.problems[0].what, "entry 3: contents do not match its hash (edited)");
}

TEST(AuditVerifier, EditedAndRehashedEntryBreaksTheNextLink) {
  auto chain = Chain(5);
  chain[2].subject = "p999";
  chain[2].hash = ComputeAuditHash(chain[2]);
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 4);
  EXPECT_EQ(r.problems[0].what,
            "entry 4: does not follow entry 3 (an entry before it was removed, reordered or edited)");
}

TEST(AuditVerifier, EditedStoredHashIsNamed) {
  auto chain = Chain(5);
  chain[1].hash = std::string(64, 'f');
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 2u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 2);
  EXPECT_NE(r.problems[0].what.find("edited"), std::string::npos);
  EXPECT_EQ(r.problems[1].seq, 3);
  EXPECT_NE(r.problems[1].what.find("does not follow entry 2"), std::string::npos);
}

TEST(AuditVerifier, RemovedEntriesAreNamed) {
  auto chain = Chain(6);
  chain.erase(chain.begin() + 2);  // entry 3
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 3);
  EXPECT_EQ(r.problems[0].what, "entry 3 missing (removed)");

  chain = Chain(8);
  chain.erase(chain.begin() + 2, chain.begin() + 5);  // entries 3..5
  r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].what, "entries 3..5 missing (removed)");
  EXPECT_EQ(r.entries, 5);
}

TEST(AuditVerifier, RemovedFirstEntryIsNamed) {
  auto chain = Chain(3);
  chain.erase(chain.begin());
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].what, "entry 1 missing (removed)");
}

TEST(AuditVerifier, RemovedAndRenumberedEntryIsFound) {
  // Entry 3 deleted and the rest renumbered down to hide the gap.
  auto chain = Chain(5);
  chain.erase(chain.begin() + 2);
  for (size_t i = 2; i < chain.size(); ++i) chain[i].seq = static_cast<int64_t>(i) + 1;
  AuditVerifyReport r = Verify(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].seq, 3);
  EXPECT_EQ(r.problems[0].what, "entry 3: holds entry 4, moved here (entries reordered or renumbered)");
}

TEST(AuditVerifier, SwappedEntriesAreNamed) {
  // Swap the seq numbers of entries 2 and 3, then read back in seq order.
  auto chain = Chain(5);
  std::swap(chain[1].seq, chain[2].seq);
  std::sort(chain.begin(), chain.end(), [](const AuditEntry& a, const AuditEntry& b) { return a.seq < b.seq; });
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 3u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 2);
  EXPECT_EQ(r.problems[0].what, "entry 2: holds entry 3, moved here (entries reordered or renumbered)");
  EXPECT_EQ(r.problems[1].seq, 3);
  EXPECT_EQ(r.problems[1].what, "entry 3: holds entry 2, moved here (entries reordered or renumbered)");
  EXPECT_EQ(r.problems[2].seq, 4);
}

TEST(AuditVerifier, OutOfOrderFeedIsNamed) {
  // A backend or export that hands entries over in the wrong order.
  auto chain = Chain(4);
  std::swap(chain[1], chain[2]);  // 1, 3, 2, 4
  AuditVerifyReport r = Verify(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].what, "entry 2 missing (removed)");
  EXPECT_EQ(r.problems[1].seq, 2);
  EXPECT_EQ(r.problems[1].what, "entry 2: out of order, after entry 3 (reordered)");
  ASSERT_EQ(r.problems.size(), 3u) << Describe(r);
  EXPECT_EQ(r.problems[2].what,
            "entry 4: does not follow entry 2 (an entry before it was removed, reordered or edited)");
}

TEST(AuditVerifier, FirstEntryMustStartFromGenesis) {
  auto chain = Chain(3);
  chain[0].prev_hash = std::string(64, 'a');
  chain[0].hash = ComputeAuditHash(chain[0]);
  chain[1].prev_hash = chain[0].hash;
  chain[1].hash = ComputeAuditHash(chain[1]);
  chain[2].prev_hash = chain[1].hash;
  chain[2].hash = ComputeAuditHash(chain[2]);
  AuditVerifyReport r = Verify(chain);
  ASSERT_EQ(r.problems.size(), 1u) << Describe(r);
  EXPECT_EQ(r.problems[0].seq, 1);
  EXPECT_NE(r.problems[0].what.find("does not start the chain"), std::string::npos);
}

TEST(AuditVerifier, LineBreakShiftBetweenFieldsIsCaught) {
  // "scan" / "decision" -> "scan\ndecision" / "" keeps the canonical text
  // only if fields may hold line breaks; they may not.
  auto chain = Chain(2);
  AuditEntry e = chain[0];
  AuditEntry shifted = e;
  shifted.actor = e.actor + "\n" + e.action;
  shifted.action = e.subject;
  shifted.subject = e.payload;
  shifted.payload = e.prev_hash.substr(0, 0);
  // Not literally colliding here, but any such entry is reported.
  chain[0] = shifted;
  AuditVerifyReport r = Verify(chain);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problems[0].seq, 1);
  EXPECT_NE(r.problems[0].what.find("line break"), std::string::npos);
}

TEST(AuditVerifier, ProblemListIsCapped) {
  auto chain = Chain(static_cast<int>(AuditVerifyReport::kMaxListed) + 10);
  for (auto& e : chain) e.payload = "{}";  // every entry edited
  AuditVerifyReport r = Verify(chain);
  EXPECT_EQ(r.problems.size(), AuditVerifyReport::kMaxListed);
  EXPECT_EQ(r.problems_not_listed, 10);
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace evenhand
