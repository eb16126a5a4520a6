// The audit log's Merkle tree over the API (issue 19): the verifier key is
// public; every answer that changes a case carries a signed checkpoint that
// includes its entry; an authority gets inclusion proofs of its own orders'
// entries without staff identities or appeal text (what is withheld named)
// and of anyone else's only as leaf hashes; consistency
// proofs between checkpoints; checkpoints issued while entries arrive.
// Every proof is checked here with the tlog verifiers and the verifier key
// from the API, as an authority would.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <thread>

#include "server/field_visibility.h"
#include "server_test_util.h"
#include "store/audit_tree_store.h"
#include "tlog/checkpoint.h"
#include "tlog/proof.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

std::string OrderBody(const std::string& item, const std::string& reference) {
  return json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
              {"category", "unlawful_content_s37"},
              {"targets", json::array({{{"item", item}}})},
              {"reference", reference}}
      .dump();
}

std::string Post(const std::string& id, const std::string& text) {
  return json{{"id", id}, {"account", "acc1"}, {"text", text}, {"region", "PK"}, {"ts", "2026-11-01T10:00:00Z"}}.dump();
}

std::string KeyFile() {
  static const std::string path = [] {
    std::string p = (std::filesystem::temp_directory_path() / ("evenhand-audit-key-" + std::to_string(getpid()))).string();
    auto k = tlog::GenerateKey("test.example/audit");
    std::ofstream(p) << k->private_key << "\n";
    return p;
  }();
  return path;
}

tlog::Hash H(const json& hex) { return tlog::HashFromHex(hex.get<std::string>()).value_or(tlog::Hash{}); }

// The v2 leaf of an entry as staff see it: its clear fields and salts.
tlog::Hash StaffLeaf(const json& full) {
  AuditEntry e;
  e.seq = full["seq"].get<int64_t>();
  e.ts = full["ts"].get<int64_t>();
  e.actor = full["actor"].get<std::string>();
  e.action = full["action"].get<std::string>();
  e.subject = full["subject"].get<std::string>();
  e.payload = full["payload"].get<std::string>();
  e.prev_hash = full["prev_hash"].get<std::string>();
  const AuditSalts salts{full["salt_actor"], full["salt_payload"], full["salt_prev"]};
  return AuditLeafHashV2(e, salts);
}

std::vector<tlog::Hash> Path(const json& proof) {
  std::vector<tlog::Hash> out;
  for (const json& h : proof["proof"]) out.push_back(H(h));
  return out;
}

class AuditApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](ServerOptions& o) {
      o.audit_key = KeyFile();
      o.checkpoint_every = 1;
    });
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  TestServer& s() { return *server_; }
  std::string VerifierKey() { return s().Call("GET", "/v1/audit/key", "").json["verifier_key"]; }
  static TestServer* server_;
};
TestServer* AuditApiTest::server_ = nullptr;

TEST_F(AuditApiTest, AuthorityKeepsACheckpointAndProvesItsOrderWasLogged) {
  Reply key = s().Call("GET", "/v1/audit/key", "");
  ASSERT_EQ(key.status, 200) << key.body;
  const std::string vkey = key.json["verifier_key"];
  EXPECT_EQ(key.json["origin"], "test.example/audit");

  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("au-item", "free money")).status, 200);
  Reply order = s().Call("POST", "/v1/orders", "authority", OrderBody("au-item", "AU/1"));
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string id = order.json["id"];
  const int64_t entry = order.json["audit"]["entry"];
  const std::string kept = order.json["audit"]["checkpoint"];
  auto cp = tlog::VerifyCheckpoint(kept, vkey, "test.example/audit");
  ASSERT_TRUE(cp.ok()) << cp.status().message();
  EXPECT_GE(cp->size, static_cast<uint64_t>(entry));
  EXPECT_EQ(cp->size, order.json["audit"]["tree_size"].get<uint64_t>());

  // Its own order's entry: shown without its actor, and its leaf proves.
  const std::string q = "/v1/audit/proof?entry=" + std::to_string(entry) + "&checkpoint=" + std::to_string(cp->size);
  Reply p = s().Call("GET", q, "authority");
  ASSERT_EQ(p.status, 200) << p.body;
  ASSERT_TRUE(p.json.contains("entry"));
  EXPECT_EQ(p.json["entry"]["subject"], id);
  EXPECT_EQ(p.json["entry"]["action"], "order.submit");
  EXPECT_FALSE(p.json["entry"].contains("actor"));
  EXPECT_EQ(p.json["withheld"][0], "actor");
  // Staff see it in full; its leaf is the one the authority's proof proves.
  Reply staff = s().Call("GET", q, "auditor");
  ASSERT_EQ(staff.status, 200) << staff.body;
  EXPECT_EQ(staff.json["type"], "evenhand.inclusion/v2");
  const tlog::Hash leaf = StaffLeaf(staff.json["entry"]);
  EXPECT_EQ(H(p.json["leaf_hash"]), leaf);
  EXPECT_EQ(p.json["entry"]["payload"], staff.json["entry"]["payload"]);  // nothing in it withheld
  EXPECT_TRUE(tlog::VerifyInclusion(leaf, entry - 1, cp->size, Path(p.json), cp->root).ok());

  // Another authority: the same entry as a leaf hash only, still provable.
  Reply other = s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(entry) + "&checkpoint=" +
                                    std::to_string(cp->size),
                         "authority_b");
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_FALSE(other.json.contains("entry"));
  EXPECT_EQ(other.body.find(id), std::string::npos);
  EXPECT_EQ(H(other.json["leaf_hash"]), leaf);
  EXPECT_TRUE(tlog::VerifyInclusion(leaf, entry - 1, cp->size, Path(other.json), cp->root).ok());
  // A scan's decision entry is not the authority's: leaf hash only.
  Reply scan_entry = s().Call("GET", "/v1/audit/proof?entry=1", "authority");
  ASSERT_EQ(scan_entry.status, 200) << scan_entry.body;
  EXPECT_FALSE(scan_entry.json.contains("entry"));
  // Staff see entries in full.
  EXPECT_TRUE(s().Call("GET", "/v1/audit/proof?entry=1", "auditor").json.contains("entry"));

  // Acted on: the answer carries a newer checkpoint that extends the kept one.
  Reply act = s().Call("POST", "/v1/orders/" + id + "/events", "moderator", R"({"event":"review"})");
  ASSERT_EQ(act.status, 200) << act.body;
  auto later = tlog::VerifyCheckpoint(act.json["audit"]["checkpoint"].get<std::string>(), vkey);
  ASSERT_TRUE(later.ok());
  EXPECT_GT(later->size, cp->size);
  EXPECT_GT(act.json["audit"]["entry"].get<int64_t>(), entry);
  Reply c = s().Call("GET", "/v1/audit/consistency?from=" + std::to_string(cp->size) + "&to=" +
                                std::to_string(later->size),
                     "authority");
  ASSERT_EQ(c.status, 200) << c.body;
  EXPECT_TRUE(tlog::VerifyConsistency(cp->size, later->size, cp->root, later->root, Path(c.json)).ok());
  EXPECT_FALSE(tlog::VerifyConsistency(cp->size, later->size, later->root, later->root, Path(c.json)).ok());

  // The newest checkpoint is public text.
  Reply newest = s().Call("GET", "/v1/audit/checkpoint", "");
  ASSERT_EQ(newest.status, 200);
  EXPECT_NE(newest.content_type.find("text/plain"), std::string::npos);
  EXPECT_TRUE(tlog::VerifyCheckpoint(newest.body, vkey).ok()) << newest.body;
}

// tools/verify-proof (Python and openssl only) on `proof`, with the verifier key.
struct Verified {
  int exit_code = -1;
  std::string out;
};
Verified VerifyProof(const std::string& vkey, const json& proof) {
  static int n = 0;
  const std::string path = (std::filesystem::temp_directory_path() /
                            ("evenhand-proof-" + std::to_string(getpid()) + "-" + std::to_string(++n) + ".json"))
                               .string();
  std::ofstream(path) << proof.dump();
  Verified v;
  const std::string cmd = "python3 " EVENHAND_SOURCE_DIR "/tools/verify-proof --key '" + vkey + "' " + path + " 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return v;
  char buf[4096];
  size_t got;
  while ((got = fread(buf, 1, sizeof buf, p)) > 0) v.out.append(buf, got);
  const int status = pclose(p);
  v.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(path);
  return v;
}

// The roles are a security boundary in proofs too: an authority asking for
// the entries about its own order gets only the steps its order history
// shows, never who took them (a staff identity) nor the user's appeal text;
// what is withheld is named. With leaf data v2 the authority still verifies
// its entries from what it sees (the actor as a salted commitment it cannot
// test guesses against; the payload opened with its salt unless redacted).
// Staff get the same entries in full. tools/verify-proof checks both and
// still refuses a tampered proof.
TEST_F(AuditApiTest, AnAuthoritysProofShowsNoStaffIdentityNorAppealText) {
  const std::string appeal = "APPEAL-TEXT-5d1e: it was satire, my own words";
  const std::string vkey = VerifierKey();
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("au-appeal", "free money")).status, 200);
  Reply order = s().Call("POST", "/v1/orders", "authority", OrderBody("au-appeal", "AU/APPEAL"));
  ASSERT_EQ(order.status, 201) << order.body;
  const std::string id = order.json["id"];
  const std::string events = "/v1/orders/" + id + "/events";
  ASSERT_EQ(s().Call("POST", events, "moderator", R"({"event":"review"})").status, 200);
  ASSERT_EQ(s().Call("POST", events, "moderator", R"({"event":"act","outcome":"withheld"})").status, 200);
  ASSERT_EQ(s().Call("POST", "/v1/orders/" + id + "/appeal", "moderator", json{{"text", appeal}}.dump()).status, 200);
  Reply decided = s().Call("POST", "/v1/orders/" + id + "/appeal/decision", "moderator2",
                           R"({"outcome":"reversed","reason":"news reporting"})");
  ASSERT_EQ(decided.status, 200) << decided.body;
  const uint64_t size = decided.json["audit"]["tree_size"];
  auto cp = tlog::VerifyCheckpoint(decided.json["audit"]["checkpoint"].get<std::string>(), vkey);
  ASSERT_TRUE(cp.ok());

  // Every entry about the order, as staff see them.
  Reply shown = s().Call("GET", "/v1/orders/" + id, "auditor");
  ASSERT_EQ(shown.status, 200) << shown.body;
  std::vector<std::string> actors;
  for (const json& h : shown.json["history"]) actors.push_back(h["actor"]);
  ASSERT_GE(actors.size(), 5u);
  bool saw_reopen = false;
  for (const json& h : shown.json["history"]) {
    const int64_t seq = h["seq"];
    const std::string q = "/v1/audit/proof?entry=" + std::to_string(seq) + "&checkpoint=" + std::to_string(size);
    Reply staff = s().Call("GET", q, "auditor");
    ASSERT_EQ(staff.status, 200) << staff.body;
    Reply mine = s().Call("GET", q, "authority");
    ASSERT_EQ(mine.status, 200) << mine.body;
    SCOPED_TRACE(h["action"].get<std::string>());

    // Staff: in full, and the leaf recomputes from it.
    ASSERT_TRUE(staff.json.contains("entry"));
    EXPECT_FALSE(staff.json.contains("withheld"));
    const json& full = staff.json["entry"];
    EXPECT_EQ(full["actor"], h["actor"]);
    EXPECT_EQ(StaffLeaf(full), H(staff.json["leaf_hash"]));
    Verified v = VerifyProof(vkey, staff.json);
    EXPECT_EQ(v.exit_code, 0) << v.out;
    EXPECT_NE(v.out.find("OK: entry " + std::to_string(seq)), std::string::npos) << v.out;

    // The authority: no staff identity, no appeal text, anywhere in the answer.
    for (const std::string& a : actors) EXPECT_EQ(mine.body.find(a), std::string::npos) << a << " in " << mine.body;
    EXPECT_EQ(mine.body.find("APPEAL-TEXT"), std::string::npos) << mine.body;
    // Nor anything that opens or tests the actor: the chain hashes, the actor's salt.
    for (const char* secret : {"hash", "prev_hash", "salt_actor", "salt_prev"})
      EXPECT_EQ(mine.body.find(full[secret].get<std::string>()), std::string::npos) << secret << " in " << mine.body;
    EXPECT_EQ(H(mine.json["leaf_hash"]), H(staff.json["leaf_hash"]));
    EXPECT_TRUE(tlog::VerifyInclusion(H(mine.json["leaf_hash"]), seq - 1, size, Path(mine.json), cp->root).ok());
    bool history_shows = false;
    for (const HistoryRule& r : OrderHistoryActions())
      if (r.action == h["action"]) history_shows = (r.roles & RoleBit(Role::kAuthority)) != 0;
    if (!history_shows) {
      EXPECT_FALSE(mine.json.contains("entry")) << mine.body;
      continue;
    }
    ASSERT_TRUE(mine.json.contains("entry")) << mine.body;
    EXPECT_FALSE(mine.json["entry"].contains("actor"));
    EXPECT_EQ(mine.json["entry"]["action"], h["action"]);
    EXPECT_EQ(mine.json["entry"]["subject"], id);
    const std::vector<std::string> withheld = mine.json["withheld"];
    EXPECT_NE(std::find(withheld.begin(), withheld.end(), "actor"), withheld.end());
    if (h["action"] == "order.reopen") {
      saw_reopen = true;
      EXPECT_NE(full["payload"].get<std::string>().find(appeal), std::string::npos);
      EXPECT_NE(std::find(withheld.begin(), withheld.end(), "payload.appeal"), withheld.end()) << mine.body;
      EXPECT_EQ(json::parse(mine.json["entry"]["payload"].get<std::string>())["to"], "reopened");
    }
    const json& shown_entry = mine.json["entry"];
    EXPECT_EQ(shown_entry["actor_commit"], full["actor_commit"]);
    EXPECT_EQ(shown_entry["payload_commit"], full["payload_commit"]);
    EXPECT_EQ(shown_entry["prev_commit"], full["prev_commit"]);
    // The payload's salt only with a payload shown whole.
    EXPECT_EQ(shown_entry.contains("salt_payload"), h["action"] != "order.reopen") << mine.body;

    // The authority verifies its own entry from what it sees: the leaf is
    // recomputed from the commitments, the payload opened with its salt.
    v = VerifyProof(vkey, mine.json);
    EXPECT_EQ(v.exit_code, 0) << v.out;
    EXPECT_NE(v.out.find("OK: entry " + std::to_string(seq) + " (" + h["action"].get<std::string>() + " " + id +
                         ", actor withheld: proved only as its commitment)"),
              std::string::npos)
        << v.out;
    if (h["action"] == "order.reopen") {
      EXPECT_NE(v.out.find("NOT PROVED: the payload shown is not bound by this proof (withheld from it: "
                           "payload.appeal)"),
                std::string::npos)
          << v.out;
    } else {
      EXPECT_EQ(v.out.find("NOT PROVED"), std::string::npos) << v.out;
    }

    // A dictionary of actors tried against actor_commit, without the salt:
    // no guess matches (with the salt, staff's, the true actor does).
    const std::string commit = shown_entry["actor_commit"];
    EXPECT_EQ(AuditCommit("actor", full["salt_actor"].get<std::string>(), full["actor"].get<std::string>()), commit);
    std::vector<std::string> guesses = actors;
    for (const char* who : {"moderator", "moderator2", "auditor", "admin", "authority"}) guesses.push_back(who);
    const std::string salt_payload = full["salt_payload"];
    for (const std::string& guess : guesses)
      for (const std::string& salt : {std::string(), std::string(64, '0'), salt_payload, commit}) {
        EXPECT_NE(AuditCommit("actor", salt, guess), commit) << guess;
        EXPECT_NE(tlog::ToHex(tlog::Sha256(guess)), commit) << guess;
      }

    // Tampering is still refused: a path hash, the leaf hash, the time, the
    // action, the actor's commitment, a payload shown whole; the staff entry's payload.
    json t = mine.json;
    std::string ph = t["proof"][0];
    ph[0] = ph[0] == '0' ? '1' : '0';
    t["proof"][0] = ph;
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    t = mine.json;
    std::string lh = t["leaf_hash"];
    lh[0] = lh[0] == '0' ? '1' : '0';
    t["leaf_hash"] = lh;
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    t = mine.json;
    t["entry"]["ts"] = t["entry"]["ts"].get<int64_t>() + 86400;
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    t = mine.json;
    t["entry"]["action"] = "order.close";
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    t = mine.json;
    std::string ac = t["entry"]["actor_commit"];
    ac[0] = ac[0] == '0' ? '1' : '0';
    t["entry"]["actor_commit"] = ac;
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    if (shown_entry.contains("salt_payload")) {
      t = mine.json;
      t["entry"]["payload"] = "{}";
      EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
    }
    t = staff.json;
    t["entry"]["payload"] = "{}";
    EXPECT_EQ(VerifyProof(vkey, t).exit_code, 1);
  }
  EXPECT_TRUE(saw_reopen);
}

// A data request's entries likewise: the intake shown without actor or the
// platform's cross-border assessment; the internal preparation as a leaf hash.
TEST_F(AuditApiTest, AnAuthoritysDataRequestEntriesAreRedactedByTheSameTable) {
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("au-dr", "hello")).status, 200);
  json req = {{"reference", "AU/DR/1"},
              {"legal_process", {{"kind", "court_order"}, {"reference", "CO-9"}}},
              {"fields", {"account.id", "account.created"}},
              {"targets", {"acc1"}}};
  Reply r = s().Call("POST", "/v1/datarequests", "authority", req.dump());
  ASSERT_EQ(r.status, 201) << r.body;
  const int64_t submitted = r.json["audit"]["entry"];
  Reply prep = s().Call("POST", "/v1/datarequests/" + r.json["id"].get<std::string>() + "/events", "moderator",
                        R"({"event":"prepare"})");
  ASSERT_EQ(prep.status, 200) << prep.body;
  const int64_t prepared = prep.json["audit"]["entry"];
  const std::string at = "&checkpoint=" + std::to_string(prep.json["audit"]["tree_size"].get<uint64_t>());

  Reply staff = s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(submitted) + at, "auditor");
  ASSERT_EQ(staff.status, 200);
  ASSERT_NE(staff.json["entry"]["payload"].get<std::string>().find("cross_border"), std::string::npos);
  Reply mine = s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(submitted) + at, "authority");
  ASSERT_EQ(mine.status, 200) << mine.body;
  ASSERT_TRUE(mine.json.contains("entry")) << mine.body;
  EXPECT_EQ(mine.json["entry"]["action"], "datareq.submit");
  EXPECT_FALSE(mine.json["entry"].contains("actor"));
  EXPECT_EQ(mine.body.find(staff.json["entry"]["actor"].get<std::string>()), std::string::npos) << mine.body;
  EXPECT_EQ(mine.json["entry"]["payload"].get<std::string>().find("cross_border"), std::string::npos) << mine.body;
  const std::vector<std::string> withheld = mine.json["withheld"];
  EXPECT_NE(std::find(withheld.begin(), withheld.end(), "payload.cross_border"), withheld.end()) << mine.body;
  EXPECT_EQ(json::parse(mine.json["entry"]["payload"].get<std::string>())["state"], "accepted");

  // The platform's internal step (who prepared the package): leaf hash only.
  Reply step = s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(prepared) + at, "authority");
  ASSERT_EQ(step.status, 200) << step.body;
  EXPECT_FALSE(step.json.contains("entry")) << step.body;
  EXPECT_FALSE(step.json.contains("withheld"));
  EXPECT_TRUE(s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(prepared) + at, "auditor")
                  .json["entry"]
                  .contains("actor"));
}

TEST_F(AuditApiTest, BadQueriesAreClearErrors) {
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=abc", "authority").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=0", "authority").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=1&checkpoint=x", "authority").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=1&checkpoint=987654", "auditor").status, 404);
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=99999999", "auditor").status, 404);
  EXPECT_EQ(s().Call("GET", "/v1/audit/consistency?from=", "auditor").code(), "bad_query");
  EXPECT_EQ(s().Call("GET", "/v1/audit/proof?entry=1", "").status, 401);
}

TEST_F(AuditApiTest, CheckpointsAreIssuedWhileEntriesArrive) {
  auto count = [&] {
    auto store = OpenStore(s().db(), OpenMode::kMustExist);
    auto list = (*AuditTreeOf(**store))->ListCheckpoints(1000000);
    return list.ok() ? list->size() : 0u;
  };
  ASSERT_EQ(s().Call("POST", "/v1/scan", "moderator", Post("au-tick", "hello")).status, 200);
  const size_t before = count();
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  const size_t after = count();
  EXPECT_GT(after, before);
  // Nothing arrives: no new checkpoint.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(count(), after);
}

TEST(AuditApiNoKey, TheKeyRouteSaysNoneIsConfigured) {
  TestServer plain;
  Reply r = plain.Call("GET", "/v1/audit/key", "");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.json["error"]["message"].get<std::string>().find("--audit-key"), std::string::npos);
  // Answers still name their entry; proofs against a missing checkpoint say so.
  EXPECT_EQ(plain.Call("GET", "/v1/audit/proof?entry=1", "auditor").status, 404);
}

}  // namespace
}  // namespace evenhand::server::test
