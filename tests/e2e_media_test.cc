// End-to-end known-media matching: the `evenhand` binary scans
// examples/known-media and each post's decision is compared with the one
// written by hand below from the example's README (the banks are stand-ins
// made from harmless PDQ test photos). Also the bank CLI: import a list to
// the binary format and match an image against it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;

struct Expected {
  std::string action;
  std::string rule;
  std::string category;
  bool review;
  std::string signal;    // "detector/name" of the one signal, or "" for none
  std::string evidence;  // a substring of that signal's evidence
};

TEST(EndToEndMedia, KnownMediaExampleDecisions) {
  const std::map<std::string, Expected> expected = {
      // bridge.jpg is a 256x256 copy of the bank's photo: 12 bits away, within 20.
      {"m1", {"remove", "known-csam", "protection_of_minors", false, "bank/known_csam", "PDQ distance 12"}},
      // street.jpg is in the terrorist-content bank: urgent review, never automatic removal.
      {"m2", {"review", "known-terrorist-content", "risk_for_public_security", true, "bank/terrorist_content",
              "PDQ distance 2"}},
      // pattern.jpg is in the child-safety bank but also in the safe bank: suppressed.
      {"m3", {"allow", "", "", false, "bank/safe", "PDQ distance 0"}},
      // wee.jpg matches nothing.
      {"m4", {"allow", "", "", false, "", ""}},
      // A missing file is an error signal, not a match and not a failed scan.
      {"m5", {"allow", "", "", false, "media/error", "missing.jpg"}},
  };
  evenhand::e2e::Outcome r =
      Exec("scan examples/known-media/posts.jsonl --policy examples/known-media/policy.yaml", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto lines = JsonLines(r.out);
  ASSERT_EQ(lines.size(), expected.size()) << r.out;
  for (const auto& d : lines) {
    ASSERT_TRUE(d.is_object()) << r.out;
    const std::string item = d.value("item", "");
    SCOPED_TRACE(item);
    auto it = expected.find(item);
    ASSERT_NE(it, expected.end());
    const Expected& e = it->second;
    EXPECT_EQ(d.value("action", ""), e.action);
    EXPECT_EQ(d.value("rule", ""), e.rule);
    EXPECT_EQ(d.value("category", ""), e.category);
    EXPECT_EQ(d.value("review", false), e.review);
    const auto& signals = d["signals"];
    if (e.signal.empty()) {
      EXPECT_TRUE(signals.empty()) << signals.dump();
      continue;
    }
    ASSERT_EQ(signals.size(), 1u) << signals.dump();
    const auto& s = signals[0];
    EXPECT_EQ(s.value("detector", "") + "/" + s.value("name", ""), e.signal);
    EXPECT_NE(s.value("evidence", "").find(e.evidence), std::string::npos) << s.dump();
  }
}

// --max-media-bytes: a file over the limit is not read; it becomes a media
// error signal naming the file and the limit, and the scan goes on (a file
// under it still matches).
TEST(EndToEndMedia, MediaOverTheByteLimitIsAnErrorSignal) {
  // bridge.jpg is 24,174 bytes, street.jpg 6,928.
  evenhand::e2e::Outcome r = Exec(
      "scan examples/known-media/posts.jsonl --policy examples/known-media/policy.yaml --max-media-bytes 20000", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  bool saw_m1 = false, saw_m2 = false;
  for (const auto& d : JsonLines(r.out)) {
    ASSERT_TRUE(d.is_object()) << r.out;
    if (d.value("item", "") == "m1") {
      saw_m1 = true;
      EXPECT_EQ(d.value("action", ""), "allow");
      ASSERT_EQ(d["signals"].size(), 1u) << d.dump();
      const auto& s = d["signals"][0];
      EXPECT_EQ(s.value("detector", "") + "/" + s.value("name", ""), "media/error");
      const std::string evidence = s.value("evidence", "");
      EXPECT_NE(evidence.find("bridge.jpg: file is 24174 bytes, over the limit of 20000"), std::string::npos)
          << evidence;
    } else if (d.value("item", "") == "m2") {
      saw_m2 = true;
      EXPECT_EQ(d.value("action", ""), "review") << d.dump();
    }
  }
  EXPECT_TRUE(saw_m1 && saw_m2) << r.out;
}

TEST(EndToEndMedia, BankImportThenMatchAnImage) {
  fs::path dir = fs::temp_directory_path() / ("evenhand_e2e_media_" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string ehb = (dir / "csam.ehb").string();
  evenhand::e2e::Outcome r = Exec("bank import examples/known-media/banks/known_csam.txt -o " + ehb +
                                  " --name known_csam --category child_sexual_abuse");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_TRUE(fs::exists(ehb));

  r = Exec("bank match " + ehb + " examples/known-media/media/bridge.jpg examples/known-media/media/wee.jpg", false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // One line: the bridge photo, 12 bits from the stand-in case; wee.jpg matches nothing.
  EXPECT_NE(r.out.find("bridge.jpg,f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,12,"
                       "stand-in-case-0001"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("wee.jpg"), std::string::npos) << r.out;

  // A truncated image is an error naming the file, with a failing exit code.
  const std::string cut = (dir / "cut.jpg").string();
  fs::copy_file(evenhand::e2e::kSource + "/examples/known-media/media/bridge.jpg", cut);
  fs::resize_file(cut, fs::file_size(cut) / 2);
  r = Exec("hash " + cut);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.out.find(cut + ": "), std::string::npos) << r.out;
  fs::remove_all(dir);
}

}  // namespace
