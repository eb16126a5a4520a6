// A full disk under the verbs that write files or standard output (issue 17,
// docs/RELIABILITY.md "Durability"): each must exit 1 naming the file and the
// OS error, leave no output and no temporary behind, and never exit 0 with
// its output lost. Standard output goes to /dev/full; a file output is cut
// by the file-size limit (`ulimit -f 0`, SIGXFSZ ignored), which fails a
// write as a full disk does, without root. (scripts/trial_diskfull.py runs
// the same verbs, and those on a store, against a real full tmpfs.)
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::kBinary;
using evenhand::e2e::kSource;
using evenhand::e2e::Outcome;

// Runs `evenhand ARGS` in the source directory with STDOUT as its standard
// output and, when `no_files`, a file-size limit of 0; stderr is captured
// through a pipe (a file would be cut by the limit too).
Outcome RunWith(const std::string& args, const std::string& stdout_to, bool no_files) {
  const std::string limit = no_files ? "trap '' XFSZ; ulimit -f 0; " : "";
  const std::string cmd = "cd " + kSource + " && bash -c \"" + limit + "exec " + kBinary + " " + args + " >" +
                          stdout_to + "\" 2>&1";
  Outcome r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

class FullOutput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_full_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "out");
    // Inputs made with room to write them: a bank, a model, a store with decisions.
    bank_ = (dir_ / "files.ehb").string();
    model_ = (dir_ / "m.ftz").string();
    db_ = (dir_ / "db.sqlite").string();
    ASSERT_EQ(Exec("bank import --name known_files examples/known-video/banks/known_files.md5 -o " + bank_).exit_code, 0);
    ASSERT_EQ(Exec("train --data examples/classify/spamassassin-sample.jsonl --epoch 1 -o " + model_).exit_code, 0);
    ASSERT_EQ(Exec("scan examples/posts.jsonl --policy examples/policy.yaml -q -o /dev/null --db " + db_).exit_code, 0);
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }
  static std::string Out(const std::string& name) { return (dir_ / "out" / name).string(); }
  // Nothing at all in out/: no output, no temporary.
  static std::string Leftovers() {
    std::string names;
    for (const auto& e : fs::directory_iterator(dir_ / "out")) names += e.path().filename().string() + " ";
    return names;
  }
  static fs::path dir_;
  static std::string bank_, model_, db_;
};

fs::path FullOutput::dir_;
std::string FullOutput::bank_, FullOutput::model_, FullOutput::db_;

TEST_F(FullOutput, StandardOutputOnAFullDiskIsAnError) {
  // Before: each of these exited 0 with its output lost.
  const std::string period = " --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z";
  for (const std::string& args : std::vector<std::string>{"bank export " + bank_,
                                  "behavior examples/behavior/campaign.jsonl --policy policies/behavior.yaml -o -",
                                  "predict --model " + model_ + " --data examples/classify/spamassassin-sample.jsonl",
                                  "report transparency --db " + db_ + period,
                                  "report sla --db " + db_ + " --now 2026-11-21T13:00:00Z",
                                  "sor export --db " + db_ + " --format dsa-json"}) {
    Outcome r = RunWith(args, "/dev/full", false);
    EXPECT_EQ(r.exit_code, 1) << args << ": " << r.out;
    EXPECT_NE(r.out.find("failed"), std::string::npos) << args << ": " << r.out;
  }
  // With room, the same verb exits 0 (the check is of the write, not of the verb).
  EXPECT_EQ(RunWith("bank export " + bank_, "/dev/null", false).exit_code, 0);
}

TEST_F(FullOutput, FileOutputsOnAFullDiskFailWholeAndLeaveNothing) {
  struct Case {
    std::string args, file;
  };
  const Case cases[] = {
      // Before: exit 0 with an empty bank file.
      {"bank import --name k examples/known-video/banks/known_files.md5 -o " + Out("k.ehb"), Out("k.ehb")},
      // Before: "write failed" with no reason, and OUT.tmp left behind.
      {"bank export " + bank_ + " -o " + Out("k.txt"), Out("k.txt")},
      {"predict --model " + model_ + " --data examples/classify/spamassassin-sample.jsonl -o " + Out("p.jsonl"),
       Out("p.jsonl")},
      {"behavior examples/behavior/campaign.jsonl --policy policies/behavior.yaml -o " + Out("b.jsonl"),
       Out("b.jsonl")},
      {"behavior examples/behavior/campaign.jsonl --networks " + Out("n.jsonl"), Out("n.jsonl")},
  };
  for (const Case& c : cases) {
    Outcome r = RunWith(c.args, "/dev/null", true);
    EXPECT_EQ(r.exit_code, 1) << c.args << ": " << r.out;
    EXPECT_NE(r.out.find(c.file + ": write failed: File too large"), std::string::npos) << c.args << ": " << r.out;
    EXPECT_EQ(Leftovers(), "") << c.args;
  }
  // train fails inside fastText's own writer: exit 1, nothing left.
  Outcome train = RunWith("train --data examples/classify/spamassassin-sample.jsonl --epoch 1 -o " + Out("m.ftz"),
                      "/dev/null", true);
  EXPECT_EQ(train.exit_code, 1) << train.out;
  EXPECT_EQ(Leftovers(), "");
}

}  // namespace
