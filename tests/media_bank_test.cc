// Video banks and exact-hash banks (issue 21): VideoBank's indexed match
// equals brute-force MatchVpdq under both reference rules on the shared
// reference hashes (every query x every bank video); bank files round-trip
// and refuse corruption; hash lists in the NCMEC-style formats parse;
// FileDigester gives the standard MD5 / SHA-1 / SHA-256 test vectors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "media/any_bank.h"
#include "media/exact_bank.h"
#include "media/file_digest.h"
#include "media/video_bank.h"
#include "media/vpdq_match.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
const std::string kShared = std::string(EVENHAND_SOURCE_DIR) + "/../shared/testdata/vpdq/";
const char* kVideos[] = {"test-padded-dimensions", "doorknob-hd-no-bar", "doorknob-hd-no-bar-audiofirst",
                         "pattern-sd-grey-bar", "pattern-sd-with-large-logo-bar", "chair-19-sd-bar", "slideshow-a"};

class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand-media-bank-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& n) const { return (dir_ / n).string(); }
  void Write(const std::string& n, const std::string& text) const {
    std::ofstream(Path(n), std::ios::binary) << text;
  }
  fs::path dir_;
};

std::vector<VpdqFrame> Load(const std::string& setting, const std::string& name) {
  std::vector<VpdqFrame> f;
  Status s = ReadVpdqFile(kShared + "hashes/" + setting + "/" + name + ".txt", &f);
  EXPECT_TRUE(s.ok()) << s.message();
  return f;
}

TEST(VideoBank, IndexedMatchEqualsBruteForceUnderBothRules) {
  if (!fs::is_directory(kShared)) GTEST_SKIP() << kShared << " not found";
  VideoBank bank(BankInfo{"v", "", "", "", false});
  std::vector<std::vector<VpdqFrame>> targets;
  for (const char* v : kVideos) {
    targets.push_back(Load("r0-s0", v));
    bank.AddVideo(targets.back(), v);
  }
  VideoBank::Scratch scratch;
  std::vector<VideoBank::VideoMatch> got;
  int compared = 0, nonzero = 0;
  for (const char* setting : {"r0-s0", "r1-s0", "r0-s128"}) {
    for (const char* q : kVideos) {
      const std::vector<VpdqFrame> query = Load(setting, q);
      for (VpdqMatchRule rule : {VpdqMatchRule::PyTx(), VpdqMatchRule::CppBrute()}) {
        rule.query_pct = 1e-9;  // report every video with a matched frame
        bank.Match(query, rule, &scratch, &got);
        for (uint32_t v = 0; v < targets.size(); ++v) {
          const VpdqMatchResult want = MatchVpdq(query, targets[v], rule);
          const VideoBank::VideoMatch* m = nullptr;
          for (const auto& g : got)
            if (g.video == v) m = &g;
          SCOPED_TRACE(std::string(setting) + " " + q + " vs " + kVideos[v] + (rule.dedupe ? " pytx" : " cpp"));
          ++compared;
          if (want.query_pct == 0) {
            EXPECT_EQ(m, nullptr);
            continue;
          }
          ++nonzero;
          ASSERT_NE(m, nullptr);
          EXPECT_DOUBLE_EQ(m->query_pct, want.query_pct);
          EXPECT_DOUBLE_EQ(m->target_pct, want.target_pct);
          EXPECT_EQ(m->distance, want.distance);
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 7 * 2 * 7);
  EXPECT_GT(nonzero, 20);
}

TEST_F(TempDir, VideoBankFileRoundTripsAndRefusesCorruption) {
  if (!fs::is_directory(kShared)) GTEST_SKIP() << kShared << " not found";
  VideoBank bank(BankInfo{"vids", "Known videos", "internal", "terrorist_content", false});
  bank.AddVideo(Load("r1-s0", "chair-19-sd-bar"), "chair");
  bank.AddVideo(Load("r1-s0", "slideshow-a"), "slides");
  ASSERT_TRUE(SaveVideoBank(bank, Path("b.ehb")).ok());
  auto loaded = LoadVideoBank(Path("b.ehb"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->info().category, "terrorist_content");
  EXPECT_EQ(ExportVideoBankText(**loaded), ExportVideoBankText(bank));
  // Text export -> import gives the same videos.
  Write("b.txt", ExportVideoBankText(bank));
  VideoBank again(BankInfo{"vids", "", "", "", false});
  ASSERT_TRUE(ReadVideoBankText(Path("b.txt"), "x", &again).ok());
  EXPECT_EQ(again.size(), 2u);
  EXPECT_EQ(again.label(1), "slides");
  EXPECT_EQ(ExportVideoBankText(again), ExportVideoBankText(bank));
  // One flipped byte, and a truncated copy: errors, not crashes.
  std::ifstream in(Path("b.ehb"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x40;
  Write("flipped.ehb", flipped);
  Write("short.ehb", bytes.substr(0, bytes.size() / 3));
  for (const char* f : {"flipped.ehb", "short.ehb"}) {
    auto bad = LoadVideoBank(Path(f));
    EXPECT_FALSE(bad.ok()) << f;
    EXPECT_NE(bad.status().message().find("corrupt video bank"), std::string::npos) << bad.status().message();
  }
  auto kind = DetectBankKind(Path("b.ehb"));
  ASSERT_TRUE(kind.ok());
  EXPECT_EQ(*kind, BankKind::kVpdq);
}

TEST(FileDigester, StandardTestVectors) {
  FileDigester d;
  FileDigests out;
  const std::string abc = "abc";
  d.DigestBytes(reinterpret_cast<const uint8_t*>(abc.data()), abc.size(), 7, &out);
  EXPECT_EQ(DigestHex(out.get(DigestKind::kMd5), DigestKind::kMd5), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(DigestHex(out.get(DigestKind::kSha1), DigestKind::kSha1), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(DigestHex(out.get(DigestKind::kSha256), DigestKind::kSha256),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(TempDir, DigestFileMatchesBytesAndHonoursTheLimit) {
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 131 + (i >> 9));
  Write("f.bin", big);
  FileDigester d;
  FileDigests a, b;
  ASSERT_TRUE(d.DigestFile(Path("f.bin"), 7, &a).ok());
  d.DigestBytes(reinterpret_cast<const uint8_t*>(big.data()), big.size(), 7, &b);
  for (int k = 0; k < kDigestKinds; ++k) EXPECT_EQ(a.d[k], b.d[k]);
  Status s = d.DigestFile(Path("f.bin"), 1, &a, 1 << 20);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("f.bin: over the limit"), std::string::npos) << s.message();
  EXPECT_FALSE(d.DigestFile(Path("missing"), 1, &a).ok());
}

TEST_F(TempDir, HashListsInTheUsualFormats) {
  // md5sum output (text and binary mode), labels after a comma or a tab, comments.
  Write("a.md5",
        "# exported list\n"
        "900150983cd24fb0d6963f7d28e17f72  abc.txt\n"
        "D41D8CD98F00B204E9800998ECF8427E *empty.bin\n"
        "0cc175b9c0f1b6a831c399e269772661,the letter a\n"
        "92eb5ffee6ae2fec3ad71c777531578f\tb\n\n");
  DigestList list;
  Status s = ReadDigestList(Path("a.md5"), nullptr, &list);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(list.kind, DigestKind::kMd5);
  ASSERT_EQ(list.digests.size(), 4u);
  EXPECT_EQ(list.labels[0], "abc.txt");
  EXPECT_EQ(list.labels[1], "empty.bin");
  EXPECT_EQ(list.labels[2], "the letter a");
  EXPECT_EQ(list.labels[3], "b");
  ExactBank bank(BankInfo{"m", "", "NCMEC", "child_sexual_abuse", false}, list.kind);
  bank.AddMany(list.digests, list.labels);
  Digest q;
  ASSERT_TRUE(ParseDigestHex("d41d8cd98f00b204e9800998ecf8427e", DigestKind::kMd5, &q));
  ASSERT_GE(bank.Find(q), 0);
  EXPECT_EQ(bank.label(static_cast<size_t>(bank.Find(q))), "empty.bin");
  ASSERT_TRUE(ParseDigestHex("ffffffffffffffffffffffffffffffff", DigestKind::kMd5, &q));
  EXPECT_EQ(bank.Find(q), -1);
  // Binary round trip; corruption refused.
  ASSERT_TRUE(SaveExactBank(bank, Path("m.ehb")).ok());
  auto loaded = LoadExactBank(Path("m.ehb"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(ExportExactBankText(**loaded), ExportExactBankText(bank));
  EXPECT_EQ((*loaded)->info().source, "NCMEC");
  std::ifstream in(Path("m.ehb"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Write("cut.ehb", bytes.substr(0, bytes.size() - 9));
  EXPECT_FALSE(LoadExactBank(Path("cut.ehb")).ok());

  // SHA-1 detected from 40 digits; a CSV header names SHA-256; mixed lengths are refused.
  Write("s1.txt", "a9993e364706816aba3e25717850c26c9cd0d89d\n");
  ASSERT_TRUE(ReadDigestList(Path("s1.txt"), nullptr, &list).ok());
  EXPECT_EQ(list.kind, DigestKind::kSha1);
  Write("s256.csv", "MD5,SHA256,Name\n900150983cd24fb0d6963f7d28e17f72,"
                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad,\"abc, the file\"\n");
  auto k = DetectBankKind(Path("s256.csv"));
  ASSERT_TRUE(k.ok());
  const DigestKind sha256 = DigestKind::kSha256;
  s = ReadDigestList(Path("s256.csv"), &sha256, &list);
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(list.digests.size(), 1u);
  EXPECT_EQ(DigestHex(list.digests[0], sha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(list.labels[0], "abc, the file");
  Write("mixed.txt", "900150983cd24fb0d6963f7d28e17f72\na9993e364706816aba3e25717850c26c9cd0d89d\n");
  s = ReadDigestList(Path("mixed.txt"), nullptr, &list);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("mixed.txt:2:"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace evenhand
