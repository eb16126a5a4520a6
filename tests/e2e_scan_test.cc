// End-to-end: the `evenhand` binary scans examples/ and its decisions are
// compared, post by post, with examples/expected.json, which the example
// generator (scripts/make-examples.py) wrote from what it planted, not from
// the scanner. Also: stop/skip on bad input, idempotent re-scan, ordered
// output on N threads, and audit verification through the CLI.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;
const std::string kSource = EVENHAND_SOURCE_DIR;
const std::string kBinary = EVENHAND_BINARY;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout (stderr is merged when asked)
};

Outcome Exec(const std::string& args, bool merge_stderr = false) {
  std::string cmd = kBinary + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  Outcome r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("evenhand_e2e_" + std::to_string(getpid()) + "_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

int64_t QueryInt(const std::string& db_path, const std::string& sql) {
  sqlite3* db = nullptr;
  int64_t value = -1;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  return value;
}

const std::string kScanExamples =
    "scan " + kSource + "/examples/posts.jsonl --policy " + kSource + "/examples/policy.yaml";

TEST(EndToEnd, ExamplesMatchTheGeneratorsExpectedDecisions) {
  fs::path dir = TempDir("examples");
  std::string out = (dir / "decisions.jsonl").string();
  Outcome r = Exec(kScanExamples + " -o " + out + " --summary-json " + (dir / "summary.json").string());
  ASSERT_EQ(r.exit_code, 0);

  auto expected = nlohmann::json::parse(ReadFile(kSource + "/examples/expected.json"));
  std::ifstream in(out);
  std::string line;
  size_t n = 0;
  std::map<std::string, int> by_action;
  std::vector<std::string> mismatches;
  while (std::getline(in, line)) {
    auto d = nlohmann::json::parse(line);
    ++n;
    std::string item = d["item"];
    ++by_action[d["action"]];
    const auto& want = expected["decisions"][item];
    if (want["action"] != d["action"] || want["category"] != d["category"])
      mismatches.push_back(item + ": want " + want.dump() + ", got " + line);
  }
  EXPECT_EQ(n, expected["posts"].get<size_t>());
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches, first: " << mismatches[0];
  for (auto& [action, count] : expected["by_action"].items()) EXPECT_EQ(by_action[action], count.get<int>()) << action;

  auto summary = nlohmann::json::parse(ReadFile((dir / "summary.json").string()));
  EXPECT_EQ(summary["by_action"], expected["by_action"]);
  EXPECT_EQ(summary["by_category"], expected["by_category"]);
  EXPECT_EQ(summary["policy"], "examples@1");
}

TEST(EndToEnd, OutputOrderIsTheInputOrderOnAnyThreadCount) {
  fs::path dir = TempDir("threads");
  Outcome one = Exec(kScanExamples + " -q -j 1");
  Outcome four = Exec(kScanExamples + " -q -j 4");
  ASSERT_EQ(one.exit_code, 0);
  ASSERT_EQ(four.exit_code, 0);
  EXPECT_GT(one.out.size(), 100000u);
  EXPECT_EQ(one.out, four.out);
}

TEST(EndToEnd, SecondScanIntoTheSameStoreAddsNoDuplicates) {
  fs::path dir = TempDir("idempotent");
  std::string db = (dir / "e.db").string();
  ASSERT_EQ(Exec(kScanExamples + " -q -o /dev/null --db " + db).exit_code, 0);
  int64_t decisions = QueryInt(db, "SELECT COUNT(*) FROM decisions");
  int64_t audit = QueryInt(db, "SELECT COUNT(*) FROM audit");
  EXPECT_EQ(decisions, 2000);
  // Posts without "lang" are stored with the language CLD2 found for them.
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM posts WHERE lang = ''"), 0);
  EXPECT_GT(QueryInt(db, "SELECT COUNT(*) FROM posts WHERE lang = 'pt'"), 300);
  EXPECT_GE(audit, 2000);
  Outcome second = Exec(kScanExamples + " -o /dev/null --db " + db, true);
  ASSERT_EQ(second.exit_code, 0);
  EXPECT_NE(second.out.find("stored 0 new decisions"), std::string::npos) << second.out;
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM decisions"), decisions);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM audit"), audit);

  Outcome verify = Exec("audit verify --db " + db);
  EXPECT_EQ(verify.exit_code, 0) << verify.out;
  EXPECT_NE(verify.out.find("audit chain ok"), std::string::npos);
}

TEST(EndToEnd, AuditVerifyNamesAnEditedEntry) {
  fs::path dir = TempDir("tamper");
  std::string db = (dir / "t.db").string();
  ASSERT_EQ(Exec(kScanExamples + " -q -o /dev/null --db " + db).exit_code, 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "UPDATE audit SET payload = replace(payload, '\"review\":false', '\"review\":true') || ' ' WHERE seq = 1234", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  Outcome verify = Exec("audit verify --db " + db);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.out.find("entry 1234"), std::string::npos) << verify.out;
}

TEST(EndToEnd, AuditVerifyWithAPublishedHeadFindsACutTail) {
  fs::path dir = TempDir("tail");
  std::string db = (dir / "h.db").string();
  ASSERT_EQ(Exec(kScanExamples + " -q -o /dev/null --db " + db).exit_code, 0);
  Outcome head = Exec("audit head --db " + db);
  ASSERT_EQ(head.exit_code, 0);
  std::string hash = head.out.substr(0, 64);
  EXPECT_EQ(Exec("audit verify --db " + db + " --expect-head " + hash).exit_code, 0);
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  // The chain alone is still consistent; the published head shows the cut,
  // and so does the Merkle tree, which committed to the entry.
  Outcome tree = Exec("audit verify --db " + db);
  EXPECT_EQ(tree.exit_code, 1);
  EXPECT_NE(tree.out.find("audit chain ok"), std::string::npos) << tree.out;
  EXPECT_NE(tree.out.find("the audit tree holds"), std::string::npos) << tree.out;
  Outcome verify = Exec("audit verify --db " + db + " --expect-head " + hash);
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_NE(verify.out.find("does not match the expected"), std::string::npos) << verify.out;
}

TEST(EndToEnd, OutputToADeviceIsWrittenInPlaceNotReplaced) {
  ASSERT_EQ(Exec(kScanExamples + " -q -o /dev/null").exit_code, 0);
  EXPECT_TRUE(fs::is_character_file("/dev/null"));
  for (const auto& entry : fs::directory_iterator("/dev"))
    EXPECT_EQ(entry.path().string().find("null.tmp-"), std::string::npos) << entry.path();
}

TEST(EndToEnd, AuditVerifyOfAMissingDatabaseFails) {
  fs::path dir = TempDir("missingdb");
  std::string db = (dir / "nope.db").string();
  Outcome r = Exec("audit verify --db " + db, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no such database"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(db));
}

const std::string kBadInput =
    "{\"kind\":\"post\",\"id\":\"p1\",\"text\":\"click here for free money\"}\n"
    "{\"kind\":\"post\",\"id\":\"p2\",\"text\":\"fine\"}\n"
    "{\"kind\":\"post\",\"id\":\"p3\",\"text\":42}\n"
    "{\"kind\":\"post\",\"id\":\"p4\",\"text\":\"fine too\"}\n";

TEST(EndToEnd, BadLineStopsWithFileLineFieldAndWritesNothing) {
  fs::path dir = TempDir("stop");
  std::string input = (dir / "in.jsonl").string();
  std::ofstream(input) << kBadInput;
  std::string db = (dir / "s.db").string();
  std::string out = (dir / "out.jsonl").string();
  Outcome r = Exec("scan " + input + " --policy " + kSource + "/examples/policy.yaml -o " + out + " --db " + db, true);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(input + ":3: text: expected a string, got number"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM decisions"), 0);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM audit"), 0);
  for (const auto& entry : fs::directory_iterator(dir))
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << "left behind: " << entry.path();
}

// Issue 17: a killed `scan -o OUT` left OUT.tmp-PID behind for good. The
// next scan to OUT removes the temporary of a process that is gone, and
// leaves alone one whose process still runs (it may be writing it).
TEST(EndToEnd, StaleTemporaryOutputOfADeadProcessIsRemoved) {
  fs::path dir = TempDir("stale_tmp");
  std::string input = (dir / "in.jsonl").string();
  std::ofstream(input) << "{\"kind\":\"post\",\"id\":\"p1\",\"text\":\"fine\"}\n";
  const pid_t child = fork();
  if (child == 0) _exit(0);
  ASSERT_GT(child, 0);
  ASSERT_EQ(waitpid(child, nullptr, 0), child);  // reaped: its pid names no process now
  const fs::path out = dir / "out.jsonl";
  const fs::path dead = dir / ("out.jsonl.tmp-" + std::to_string(child));
  const fs::path alive = dir / ("out.jsonl.tmp-" + std::to_string(getpid()));
  std::ofstream(dead) << "half a run";
  std::ofstream(alive) << "still being written";
  Outcome r = Exec("scan " + input + " --policy " + kSource + "/examples/policy.yaml -o " + out.string(), true);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_FALSE(fs::exists(dead)) << "the dead process's temporary is still there";
  EXPECT_TRUE(fs::exists(alive)) << "a live process's temporary was removed";
  EXPECT_NE(ReadFile(out.string()).find("\"p1\""), std::string::npos);
}

// A full disk (/dev/full: every write fails with ENOSPC) found by the
// disk-full trial (scripts/trial_diskfull.py): the decisions buffered last
// were lost behind exit 0, a failed output was reported after the store had
// committed as "nothing was stored", and a summary was left empty.
TEST(EndToEnd, FullDiskFailsTheScanAndStoresNothing) {
  // Two posts: their decisions fit in stdio's buffer, so only the last flush
  // (or the close) of the output fails.
  fs::path dir = TempDir("diskfull");
  const std::string small = (dir / "small.jsonl").string();
  {
    std::ofstream f(small);
    f << R"({"kind":"post","id":"f1","text":"free money","region":"PK"})" << "\n"
      << R"({"kind":"post","id":"f2","text":"hello there","region":"PK"})" << "\n";
  }
  const std::string scan_small = "scan " + small + " --policy " + kSource + "/examples/policy.yaml -q";
  const std::string err = (dir / "stderr.txt").string();
  const int status = std::system((kBinary + " " + scan_small + " >/dev/full 2>" + err).c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1) << status;
  EXPECT_NE(ReadFile(err).find("standard output failed: No space left on device"), std::string::npos)
      << ReadFile(err);

  std::string db = (dir / "f.db").string();
  Outcome to_file = Exec(scan_small + " -o /dev/full --db " + db, true);
  EXPECT_EQ(to_file.exit_code, 1) << to_file.out;
  EXPECT_NE(to_file.out.find("/dev/full: write failed: No space left on device (nothing was stored)"),
            std::string::npos)
      << to_file.out;
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM decisions"), 0);
  EXPECT_EQ(Exec("audit verify --db " + db).exit_code, 0);
  // The same scan with room for its output stores both decisions.
  ASSERT_EQ(Exec(scan_small + " -o /dev/null --db " + db).exit_code, 0);
  EXPECT_EQ(QueryInt(db, "SELECT COUNT(*) FROM decisions"), 2);

  Outcome summary = Exec(scan_small + " -o /dev/null --summary-json /dev/full", true);
  EXPECT_EQ(summary.exit_code, 1) << summary.out;
  EXPECT_NE(summary.out.find("/dev/full: write failed: No space left on device"), std::string::npos)
      << summary.out;
  fs::remove_all(dir);
}

TEST(EndToEnd, SkipReportsTheBadLineAndGoesOn) {
  fs::path dir = TempDir("skip");
  std::string input = (dir / "in.jsonl").string();
  std::ofstream(input) << kBadInput;
  std::string out = (dir / "out.jsonl").string();
  Outcome r = Exec("scan " + input + " --on-error skip --policy " + kSource + "/examples/policy.yaml -o " + out, true);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find(input + ":3: text: expected a string, got number"), std::string::npos) << r.out;
  std::string decisions = ReadFile(out);
  EXPECT_EQ(std::count(decisions.begin(), decisions.end(), '\n'), 3);
  EXPECT_NE(decisions.find("\"item\":\"p4\""), std::string::npos);
  // p1 holds two spam phrases and one scam phrase: the scam rule comes first.
  EXPECT_NE(decisions.find("{\"item\":\"p1\",\"action\":\"review\""), std::string::npos) << decisions;
}

TEST(EndToEnd, VersionAndHelp) {
  Outcome v = Exec("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_EQ(v.out.rfind("evenhand ", 0), 0u);
  for (const char* verb : {"scan", "policy check", "audit verify"}) {
    Outcome h = Exec(std::string(verb) + " --help");
    EXPECT_EQ(h.exit_code, 0) << verb;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << verb;
  }
}

TEST(EndToEnd, PolicyCheckReportsPositions) {
  fs::path dir = TempDir("policycheck");
  std::string policy = (dir / "p.yaml").string();
  std::ofstream(policy) << "policy: t\nversion: 1\nlists:\n  a:\n    terms: [x]\nrules:\n"
                           "  - id: r1\n    when: list.b\n    action: remove\n    category: violence\n"
                           "    reason: r\n";
  Outcome r = Exec("policy check " + policy, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(policy + ":8:11:"), std::string::npos) << r.out;
  Outcome ok = Exec("policy check " + kSource + "/examples/policy.yaml");
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
}

}  // namespace
