// End-to-end video and exact-hash matching (issue 21): the `evenhand`
// binary scans examples/known-video and each post's decision is compared
// with the one written by hand below from the example's README; the bank
// CLI builds video and MD5 banks and matches against them; `hash` refuses
// corrupt and truncated videos with a clear error; text read from a video's
// frames reaches the store and the statements of reasons.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;

TEST(EndToEndVideo, KnownVideoExampleDecisions) {
  struct Expected {
    std::string action, rule, signal, evidence;
  };
  const std::map<std::string, Expected> expected = {
      // repost.mp4: known.mp4 re-encoded at 240x180; every usable frame within 31 bits.
      {"v1", {"review", "known-video", "bank/extremist_videos", "100.0 % of its frames matched"}},
      // other.mp4 is on the MD5 list (exact bytes).
      {"v2", {"remove", "known-file", "bank/known_files", "exact md5 78933992878e62f3e35915f829de39b3"}},
      // truncated.mp4: the first 12,000 bytes of other.mp4; an error signal, the scan goes on.
      {"v3", {"allow", "", "media/error", "truncated"}},
      // An image: neither a video nor on the MD5 list.
      {"v4", {"allow", "", "", ""}},
  };
  evenhand::e2e::Outcome r =
      Exec("scan examples/known-video/posts.jsonl --policy examples/known-video/policy.yaml", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (const auto& d : lines) {
    const std::string item = d.value("item", "");
    SCOPED_TRACE(item);
    auto it = expected.find(item);
    ASSERT_NE(it, expected.end());
    EXPECT_EQ(d.value("action", ""), it->second.action);
    EXPECT_EQ(d.value("rule", ""), it->second.rule);
    const auto& signals = d["signals"];
    if (it->second.signal.empty()) {
      EXPECT_TRUE(signals.empty()) << signals.dump();
      continue;
    }
    ASSERT_EQ(signals.size(), 1u) << signals.dump();
    EXPECT_EQ(signals[0].value("detector", "") + "/" + signals[0].value("name", ""), it->second.signal);
    EXPECT_NE(signals[0].value("evidence", "").find(it->second.evidence), std::string::npos) << signals.dump();
  }
}

class BankCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand-e2e-video-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  fs::path dir_;
};

TEST_F(BankCli, VideoBankImportMatchStatsExport) {
  const std::string m = "examples/known-video/media/";
  auto imp = Exec("bank import --name videos --category terrorist_content -r 0 " + m + "known.mp4 " + m +
                  "other.mp4 -o " + Path("v.ehb"));
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  auto stats = Exec("bank stats " + Path("v.ehb"));
  EXPECT_NE(stats.out.find("kind: vpdq"), std::string::npos) << stats.out;
  EXPECT_NE(stats.out.find("videos: 2"), std::string::npos) << stats.out;
  auto match = Exec("bank match " + Path("v.ehb") + " " + m + "repost.mp4", false);
  ASSERT_EQ(match.exit_code, 0) << match.out;
  EXPECT_EQ(match.out.rfind(m + "repost.mp4,known,100.00,", 0), 0u) << match.out;
  EXPECT_EQ(match.out.find("other"), std::string::npos) << match.out;
  // Export, re-import from the text: the same bank.
  auto exp = Exec("bank export " + Path("v.ehb") + " -o " + Path("v.txt"));
  ASSERT_EQ(exp.exit_code, 0) << exp.out;
  auto again = Exec("bank import --name videos " + Path("v.txt") + " -o " + Path("v2.ehb"));
  ASSERT_EQ(again.exit_code, 0) << again.out;
  auto match2 = Exec("bank match " + Path("v2.ehb") + " " + m + "repost.mp4", false);
  EXPECT_EQ(match2.out, match.out);
}

TEST_F(BankCli, ExactBanksFromListsAndFiles) {
  const std::string m = "examples/known-video/media/";
  // An md5sum-style list (kind detected from 32 hex digits).
  auto imp = Exec("bank import --name files examples/known-video/banks/known_files.md5 -o " + Path("x.ehb"));
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  auto match = Exec("bank match " + Path("x.ehb") + " " + m + "other.mp4 " + m + "known.mp4", false);
  ASSERT_EQ(match.exit_code, 0) << match.out;
  EXPECT_EQ(match.out, m + "other.mp4,78933992878e62f3e35915f829de39b3,0,other.mp4\n");
  // SHA-256 of the files themselves; then a CSV list with a sha256 column.
  auto sha = Exec("bank import --name sha --kind sha256 --digest-files " + m + "known.mp4 -o " + Path("s.ehb"));
  ASSERT_EQ(sha.exit_code, 0) << sha.out;
  auto hit = Exec("bank match " + Path("s.ehb") + " " + m + "known.mp4 " + m + "repost.mp4", false);
  EXPECT_EQ(hit.out.rfind(m + "known.mp4,", 0), 0u) << hit.out;
  EXPECT_EQ(hit.out.find("repost"), std::string::npos) << hit.out;
  const std::string sha_hex = hit.out.substr(hit.out.find(',') + 1, 64);
  {
    std::ofstream csv(Path("list.csv"));
    csv << "id,SHA256,description\n1," << sha_hex << ",\"known clip, stand-in\"\n";
  }
  auto fromcsv = Exec("bank import --name sha2 " + Path("list.csv") + " -o " + Path("s2.ehb"));
  ASSERT_EQ(fromcsv.exit_code, 0) << fromcsv.out;
  auto hit2 = Exec("bank match " + Path("s2.ehb") + " " + m + "known.mp4", false);
  EXPECT_EQ(hit2.out, m + "known.mp4," + sha_hex + ",0,known clip, stand-in\n");
  // A bad line is refused, naming the file and line.
  {
    std::ofstream bad(Path("bad.md5"));
    bad << "78933992878e62f3e35915f829de39b3  a\nnot-a-hash  b\n";
  }
  auto refused = Exec("bank import --name bad " + Path("bad.md5") + " -o " + Path("b.ehb"));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.out.find("bad.md5:2:"), std::string::npos) << refused.out;
}

TEST_F(BankCli, CorruptAndOversizedVideosAreRefused) {
  const std::string m = "examples/known-video/media/";
  auto trunc = Exec("hash " + m + "truncated.mp4");
  EXPECT_EQ(trunc.exit_code, 1);
  EXPECT_NE(trunc.out.find("truncated.mp4: cannot open as a video"), std::string::npos) << trunc.out;
  // The middle of a file cut off (index first, then the data ends early).
  auto fs_ = Exec("hash " + m + "known.mp4 --max-side 200");
  EXPECT_EQ(fs_.exit_code, 1);
  EXPECT_NE(fs_.out.find("320x240 exceeds the resolution limit"), std::string::npos) << fs_.out;
  auto longer = Exec("hash " + m + "known.mp4 --max-duration 2");
  EXPECT_EQ(longer.exit_code, 1);
  EXPECT_NE(longer.out.find("exceeds the limit of 2 s"), std::string::npos) << longer.out;
  // Garbage that sniffs as MP4.
  {
    std::ofstream junk(Path("junk.mp4"), std::ios::binary);
    junk << std::string("\0\0\0\x18" "ftypisom", 12) << std::string(5000, '\x7f');
  }
  auto junk = Exec("hash " + Path("junk.mp4"));
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_NE(junk.out.find("junk.mp4:"), std::string::npos) << junk.out;
}


// A negative (safe) bank of the same kind suppresses a match; a PDQ CSV
// whose metadata names an md5 column stays a PDQ list.
TEST_F(BankCli, NegativeVideoAndExactBanksSuppressInAScan) {
  const std::string src = fs::absolute("examples/known-video").string();
  {
    std::ofstream policy(Path("policy.yaml"));
    policy << "policy: neg\nversion: 1\nbanks:\n"
              "  videos: {file: " << src << "/banks/extremist_videos.txt}\n"
              "  safe_videos: {file: " << src << "/banks/extremist_videos.txt, negative: true}\n"
              "  files: {file: " << src << "/banks/known_files.md5}\n"
              "  safe_files: {file: " << src << "/banks/known_files.md5, negative: true}\n"
              "rules:\n"
              "  - id: any\n    when: bank.videos.match or bank.files.match\n    action: remove\n"
              "    category: risk_for_public_security\n    reason: known\n";
  }
  {
    std::ofstream posts(Path("posts.jsonl"));
    posts << "{\"kind\":\"post\",\"id\":\"a\",\"text\":\"x\",\"media\":[{\"path\":\"" << src
          << "/media/repost.mp4\"}]}\n"
          << "{\"kind\":\"post\",\"id\":\"b\",\"text\":\"x\",\"media\":[{\"path\":\"" << src
          << "/media/other.mp4\"}]}\n";
  }
  auto r = Exec("scan " + Path("posts.jsonl") + " --policy " + Path("policy.yaml"), false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (const auto& d : lines) {
    EXPECT_EQ(d.value("action", ""), "allow") << d.dump();
    EXPECT_TRUE(d["signals"].empty()) << d.dump();
  }
  {
    std::ofstream csv(Path("pdq.csv"));
    csv << "pdq,md5,label\n"
           "e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,900150983cd24fb0d6963f7d28e17f72,x\n";
  }
  auto imp = Exec("bank import --name p " + Path("pdq.csv") + " -o " + Path("p.ehb"));
  ASSERT_EQ(imp.exit_code, 0) << imp.out;
  auto stats = Exec("bank stats " + Path("p.ehb"));
  EXPECT_NE(stats.out.find("hashes: 1"), std::string::npos) << stats.out;
  EXPECT_EQ(stats.out.find("kind: md5"), std::string::npos) << stats.out;
}

// Text in a video's frames (issue 21, point 2) goes through the same scan, store and
// statements of reasons as text in images: the stored decision, and a DSA statement that
// names the video content type and the ocr detection.
TEST(EndToEndVideo, TextInVideoFramesThroughStoreAndStatements) {
  const fs::path dir = fs::temp_directory_path() / ("evenhand_e2e_video_ocr_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "scam.txt") << "free bitcoin giveaway\n";
  std::ofstream(dir / "policy.yaml") << "policy: ocrv\nversion: 1\nlists:\n  scam:\n    files: [scam.txt]\nrules:\n"
                                        "  - id: scam-in-video\n    when: ocr.list.scam\n    action: remove\n"
                                        "    category: scams_and_fraud\n    reason: scam text in the video\n";
  fs::copy_file(evenhand::e2e::kSource + "/tests/data/ocr/video-meme.mp4", dir / "video-meme.mp4");
  std::ofstream(dir / "posts.jsonl") << R"({"kind":"post","id":"p1","account":"a1","ts":"2026-12-01T10:00:00Z",)"
                                     << R"("lang":"en","region":"PK","text":"watch","media":[{"path":"video-meme.mp4"}]})"
                                     << "\n";
  const std::string db = (dir / "v.db").string();
  auto scan = Exec("scan " + (dir / "posts.jsonl").string() + " --policy " + (dir / "policy.yaml").string() +
                       " -q -o - --ocr-budget-ms 0 --db " + db,  // no budget: this tests the path, not the speed
                   false);
  ASSERT_EQ(scan.exit_code, 0) << scan.out;
  auto d = JsonLines(scan.out);
  ASSERT_EQ(d.size(), 1u) << scan.out;
  EXPECT_EQ(d[0]["rule"], "scam-in-video");
  std::string evidence;
  for (const auto& sig : d[0]["signals"])
    if (sig["detector"] == "ocr" && sig["name"] == "scam") evidence = sig["evidence"];
  EXPECT_NE(evidence.find("in media[0] video-meme.mp4 at 2.0 s ["), std::string::npos) << scan.out;
  auto shown = nlohmann::json::parse(Exec("item show --db " + db + " p1", false).out, nullptr, false);
  ASSERT_TRUE(shown.is_object());
  ASSERT_EQ(shown["decisions"].size(), 1u);
  EXPECT_EQ(shown["decisions"][0]["rule"], "scam-in-video");
  auto sor = Exec("sor export --db " + db + " --format dsa-json", false);
  ASSERT_EQ(sor.exit_code, 0) << sor.out;
  auto st = JsonLines(sor.out);
  ASSERT_EQ(st.size(), 1u) << sor.out;
  EXPECT_NE(st[0]["content_type"].dump().find("CONTENT_TYPE_VIDEO"), std::string::npos) << sor.out;
  EXPECT_NE(st[0]["decision_facts"].get<std::string>().find("ocr scam"), std::string::npos) << sor.out;
  fs::remove_all(dir);
}

}  // namespace
