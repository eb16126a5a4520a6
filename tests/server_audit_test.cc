// The audit log's Merkle tree over the API (issue 19): the verifier key is
// public; every answer that changes a case carries a signed checkpoint that
// includes its entry; an authority gets inclusion proofs of its own orders'
// entries in full and of anyone else's only as leaf hashes; consistency
// proofs between checkpoints; checkpoints issued while entries arrive.
// Every proof is checked here with the tlog verifiers and the verifier key
// from the API, as an authority would.
#include <fstream>
#include <thread>

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

  // Its own order's entry: in full, and it proves.
  Reply p = s().Call("GET", "/v1/audit/proof?entry=" + std::to_string(entry) + "&checkpoint=" +
                                std::to_string(cp->size),
                     "authority");
  ASSERT_EQ(p.status, 200) << p.body;
  ASSERT_TRUE(p.json.contains("entry"));
  EXPECT_EQ(p.json["entry"]["subject"], id);
  EXPECT_EQ(p.json["entry"]["action"], "order.submit");
  AuditEntry e;
  e.seq = p.json["entry"]["seq"];
  e.ts = p.json["entry"]["ts"];
  e.actor = p.json["entry"]["actor"];
  e.action = p.json["entry"]["action"];
  e.subject = p.json["entry"]["subject"];
  e.payload = p.json["entry"]["payload"];
  e.prev_hash = p.json["entry"]["prev_hash"];
  const tlog::Hash leaf = tlog::LeafHash(AuditCanonicalText(e));
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
