// End to end: `evenhand audit keygen|checkpoint|proof` and tools/verify-proof
// (Python and the openssl command line only, no evenhand code) on a scanned
// store: inclusion and consistency proofs verify; an entry edited, a tree
// rebuilt over a rewritten history, a forged or foreign checkpoint are each
// refused by the independent verifier.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::Outcome;

Outcome Shell(const std::string& cmd) {
  Outcome r;
  std::FILE* p = popen(("cd " + evenhand::e2e::kSource + " && " + cmd + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

void Sql(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(h);
}

class AuditProofEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_proof_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    key_ = (dir_ / "audit.key").string();
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o /dev/null --db " + db_).exit_code, 0);
    Outcome k = Exec("audit keygen --name example.org/audit --out " + key_);
    ASSERT_EQ(k.exit_code, 0) << k.out;
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string P(const std::string& name) const { return (dir_ / name).string(); }
  Outcome Verify(const std::string& proof, const std::string& kept = "") {
    return Shell("python3 tools/verify-proof --key " + key_ + ".pub " + (kept.empty() ? "" : "--checkpoint " + kept + " ") +
                 proof);
  }
  Outcome Checkpoint(const std::string& out) {
    return Shell(evenhand::e2e::kBinary + " audit checkpoint --db " + db_ + " --key " + key_ + " > " + out);
  }
  fs::path dir_;
  std::string db_, key_;
};

TEST_F(AuditProofEndToEnd, ProofsVerifyWithoutEvenhandAndARewrittenLogFails) {
  ASSERT_EQ(Checkpoint(P("kept.txt")).exit_code, 0);
  Outcome p = Exec("audit proof --db " + db_ + " --entry 5 --checkpoint " + P("kept.txt") + " -o " + P("p5.json"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
  Outcome v = Verify(P("p5.json"), P("kept.txt"));
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("OK: entry 5 (decision"), std::string::npos) << v.out;

  // The log grows; the newer checkpoint extends the kept one.
  ASSERT_EQ(Exec("people add --db " + db_ + " --id admin --role admin --actor admin").exit_code, 0);
  ASSERT_EQ(Checkpoint(P("later.txt")).exit_code, 0);
  p = Exec("audit proof --db " + db_ + " --from " + P("kept.txt") + " --to latest -o " + P("c.json"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
  v = Verify(P("c.json"), P("kept.txt"));
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_NE(v.out.find("extends tree size"), std::string::npos) << v.out;
  EXPECT_EQ(Exec("audit verify --db " + db_).exit_code, 0);

  // Leaf only: proves the leaf, shows nothing of the entry.
  p = Exec("audit proof --db " + db_ + " --entry 7 --leaf-only -o " + P("leaf.json"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
  std::ifstream lf(P("leaf.json"));
  auto leaf = nlohmann::json::parse(lf);
  EXPECT_FALSE(leaf.contains("entry"));
  EXPECT_EQ(Verify(P("leaf.json")).exit_code, 0);

  // A proof edited in transit: the entry's payload, or a path hash.
  std::ifstream pf(P("p5.json"));
  auto proof = nlohmann::json::parse(pf);
  auto edited = proof;
  edited["entry"]["payload"] = "{}";
  std::ofstream(P("edited.json")) << edited.dump();
  v = Verify(P("edited.json"));
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("FAILED"), std::string::npos) << v.out;
  edited = proof;
  std::string h = edited["proof"][0];
  h[0] = h[0] == '0' ? '1' : '0';
  edited["proof"][0] = h;
  std::ofstream(P("path.json")) << edited.dump();
  v = Verify(P("path.json"));
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("leads to root"), std::string::npos) << v.out;

  // The operator rewrites entry 5, rehashes the chain from there is not even
  // needed: the tree is rebuilt over the edited entries and re-signed with
  // the log's own key.
  Sql(db_, "UPDATE audit SET payload = replace(payload, '\"action\":', '\"was\":') WHERE seq = 5; "
           "DELETE FROM tlog_tiles; DELETE FROM tlog_tail;");
  ASSERT_EQ(Exec("people add --db " + db_ + " --id mod --role moderator --actor admin").exit_code, 0);
  ASSERT_EQ(Checkpoint(P("rewritten.txt")).exit_code, 0);
  // Against the checkpoint the authority kept: refused.
  p = Exec("audit proof --db " + db_ + " --entry 5 --checkpoint " + P("kept.txt") + " -o " + P("r5.json"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
  EXPECT_NE(p.out.find("warning: the checkpoint"), std::string::npos) << p.out;
  v = Verify(P("r5.json"), P("kept.txt"));
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("the log was rewritten"), std::string::npos) << v.out;
  // The new, validly signed checkpoint does not extend the kept one.
  p = Exec("audit proof --db " + db_ + " --from " + P("kept.txt") + " --to " + P("rewritten.txt") + " -o " + P("rc.json"));
  ASSERT_EQ(p.exit_code, 0) << p.out;
  v = Verify(P("rc.json"), P("kept.txt"));
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_NE(v.out.find("history rewritten"), std::string::npos) << v.out;
  // And the platform's own check names it.
  Outcome audit = Exec("audit verify --db " + db_);
  EXPECT_EQ(audit.exit_code, 1);
  EXPECT_NE(audit.out.find("the log was rewritten after it was issued"), std::string::npos) << audit.out;
}

TEST_F(AuditProofEndToEnd, ForeignOrForgedCheckpointsAreRefused) {
  ASSERT_EQ(Checkpoint(P("cp.txt")).exit_code, 0);
  ASSERT_EQ(Exec("audit proof --db " + db_ + " --entry 1 -o " + P("p1.json")).exit_code, 0);
  // Another key's verifier key.
  ASSERT_EQ(Exec("audit keygen --name example.org/audit --out " + P("other.key")).exit_code, 0);
  Outcome v = Shell("python3 tools/verify-proof --key " + P("other.key.pub") + " " + P("p1.json"));
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("not signed by the key"), std::string::npos) << v.out;
  // The checkpoint's tree size raised in the note: the signature fails.
  std::ifstream pf(P("p1.json"));
  auto proof = nlohmann::json::parse(pf);
  std::string note = proof["checkpoint"];
  const size_t nl = note.find('\n');
  note.insert(nl + 1, "1");
  proof["checkpoint"] = note;
  std::ofstream(P("forged.json")) << proof.dump();
  v = Shell("python3 tools/verify-proof --key " + key_ + ".pub " + P("forged.json"));
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.out.find("does not verify"), std::string::npos) << v.out;
  // Bad input to the CLI: a clear error, exit 1.
  Outcome bad = Exec("audit proof --db " + db_ + " --entry 999999");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("is not in the checkpoint's tree"), std::string::npos) << bad.out;
  bad = Exec("audit proof --db " + db_ + " --entry 1 --checkpoint 12345");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("no checkpoint of tree size 12345"), std::string::npos) << bad.out;
  bad = Exec("audit keygen --out " + key_);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("refusing to replace"), std::string::npos) << bad.out;
  EXPECT_EQ(fs::status(key_).permissions() & fs::perms::others_read, fs::perms::none);
}

}  // namespace
