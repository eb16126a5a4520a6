// vPDQ against Meta's reference, on the shared test data in place
// (../shared/testdata/vpdq, see its README): for every sample video, every
// line of our -r 0 output must equal hashes/r0-s0/NAME.txt (frame number,
// quality, hash and timestamp as printed), and the -r 1 lines equal
// hashes/r1-s0/NAME.txt. Each video is decoded once: the -r 1 lines are the
// -r 0 frames the sampler keeps (the same pixels give the same hashes), and
// one video is also hashed with -r 1 end to end. Both reference match rules
// must give matches-shared-vs-shared.csv's percentages and decision on every
// pair. Skipped (with a message) when ../shared is not beside the checkout.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "media/vpdq.h"
#include "media/vpdq_match.h"

namespace evenhand {
namespace {

const std::string kShared = std::string(EVENHAND_SOURCE_DIR) + "/../shared/testdata/vpdq/";

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

class VpdqReference : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << kShared << " not found (the shared test data)";
  }
};

TEST_P(VpdqReference, EveryLineEqualsR0AndR1) {
  const std::string name = GetParam();
  VpdqOptions options;
  options.sampling.seconds_per_hash = 0;
  VpdqHasher hasher;
  std::vector<VpdqFrame> frames;
  VideoInfo info;
  Status s = hasher.HashFile(kShared + "videos/" + name + ".mp4", options, &frames, &info);
  ASSERT_TRUE(s.ok()) << s.message();
  const std::vector<std::string> r0 = Lines(kShared + "hashes/r0-s0/" + name + ".txt");
  ASSERT_EQ(frames.size(), r0.size()) << name;
  size_t exact = 0;
  for (size_t i = 0; i < frames.size(); ++i) {
    const std::string ours = FormatVpdqLine(frames[i]);
    exact += ours == r0[i];
    EXPECT_EQ(ours, r0[i]) << name << " line " << i + 1;
  }
  EXPECT_EQ(exact, r0.size()) << name << ": " << exact << "/" << r0.size() << " lines exact";

  // -r 1: frame_mod = (int)(1.0 * fps); the sampled frames' lines.
  const int frame_mod = std::max(1, static_cast<int>(1.0 * info.fps));
  const std::vector<std::string> r1 = Lines(kShared + "hashes/r1-s0/" + name + ".txt");
  std::vector<std::string> ours1;
  for (const VpdqFrame& f : frames)
    if (f.frame_number % frame_mod == 0) ours1.push_back(FormatVpdqLine(f));
  EXPECT_EQ(ours1, r1) << name << " (-r 1)";
}

INSTANTIATE_TEST_SUITE_P(Shared, VpdqReference,
                         ::testing::Values("test-padded-dimensions", "doorknob-hd-no-bar",
                                           "doorknob-hd-no-bar-audiofirst", "pattern-sd-grey-bar",
                                           "pattern-sd-with-large-logo-bar", "chair-19-sd-bar", "slideshow-a"));

TEST(VpdqSampler, OneFramePerSecondEndToEnd) {
  if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << kShared << " not found";
  VpdqOptions options;  // -r 1 is the default
  VpdqHasher hasher;
  std::vector<VpdqFrame> frames;
  ASSERT_TRUE(hasher.HashFile(kShared + "videos/doorknob-hd-no-bar-audiofirst.mp4", options, &frames).ok());
  std::string text;
  AppendVpdqText(frames, &text);
  std::ifstream in(kShared + "hashes/r1-s0/doorknob-hd-no-bar-audiofirst.txt");
  std::stringstream want;
  want << in.rdbuf();
  EXPECT_EQ(text, want.str());
}

// The reference's quirk 1: without it, the audio-first remux keeps its last 2 frames.
TEST(VpdqSampler, FullFlushKeepsTheLastFrames) {
  if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << kShared << " not found";
  VpdqOptions options;
  options.sampling.seconds_per_hash = 0;
  options.sampling.reference_flush = false;
  VpdqHasher hasher;
  std::vector<VpdqFrame> frames;
  ASSERT_TRUE(hasher.HashFile(kShared + "videos/doorknob-hd-no-bar-audiofirst.mp4", options, &frames).ok());
  const std::vector<std::string> full = Lines(kShared + "hashes/r0-s0/doorknob-hd-no-bar.txt");
  ASSERT_EQ(frames.size(), full.size());
  for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(FormatVpdqLine(frames[i]), full[i]);
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> f;
  std::stringstream ss(line);
  std::string cell;
  while (std::getline(ss, cell, ',')) f.push_back(cell);
  return f;
}

std::string Pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

TEST(VpdqMatch, SameDecisionsAsTheReferenceOnEveryPair) {
  if (!std::filesystem::is_directory(kShared)) GTEST_SKIP() << kShared << " not found";
  const std::vector<std::string> rows = Lines(kShared + "matches-shared-vs-shared.csv");
  ASSERT_GT(rows.size(), 40u);
  auto load = [](const std::string& id) {  // "shared/NAME"
    std::vector<VpdqFrame> frames;
    Status s = ReadVpdqFile(kShared + "hashes/r0-s0/" + id.substr(id.find('/') + 1) + ".txt", &frames);
    EXPECT_TRUE(s.ok()) << s.message();
    return frames;
  };
  int pairs = 0, matches = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::vector<std::string> f = Split(rows[i]);
    ASSERT_EQ(f.size(), 7u) << rows[i];
    const auto q = load(f[0]), t = load(f[1]);
    const VpdqMatchResult cpp = MatchVpdq(q, t, VpdqMatchRule::CppBrute());
    const VpdqMatchResult py = MatchVpdq(q, t, VpdqMatchRule::PyTx());
    EXPECT_EQ(Pct(cpp.query_pct), f[2]) << rows[i];
    EXPECT_EQ(Pct(cpp.target_pct), f[3]) << rows[i];
    EXPECT_EQ(Pct(py.query_pct), f[4]) << rows[i];
    EXPECT_EQ(Pct(py.target_pct), f[5]) << rows[i];
    EXPECT_EQ(py.match ? "true" : "false", f[6]) << rows[i];
    ++pairs;
    matches += py.match;
  }
  EXPECT_EQ(pairs, static_cast<int>(rows.size()) - 1);
  EXPECT_GT(matches, 0);
}

// Robustness, on videos made here at test time with the ffmpeg CLI from
// examples/known-video/media/known.mp4 (synthetic, 3 s, 320x240): re-encoded
// at low quality, scaled down and up, cropped by 4 %, a logo overlaid in a
// corner, a 1.5 s excerpt. Each, hashed at one frame a second, must match
// the original (and only it) by the reference's rule. The copies whose
// pixels stay in place (re-encoded, scaled up, logo) must also pass the
// reference's per-frame tolerance against it (match-hashes-byline 31 50:
// frame i against frame i, every pair of quality >= 50 within distance
// < 31); the crop and the 4x smaller copy do not, frame by frame (this
// zooming source makes a cropped frame i look like a later original frame,
// and the 160x120 copy is 6 frames over), and are judged by the video rule
// only. About a second.
// Skipped when ffmpeg is not installed (scripts/install-deps.sh installs it).
namespace robust {

const std::string kKnown = std::string(EVENHAND_SOURCE_DIR) + "/examples/known-video/media/known.mp4";
const std::string kOther = std::string(EVENHAND_SOURCE_DIR) + "/examples/known-video/media/other.mp4";
const std::string kLogo = std::string(EVENHAND_SOURCE_DIR) + "/examples/known-media/media/wee.jpg";

struct Variant {
  const char* name;
  std::string args;  // ffmpeg arguments between the inputs and the output
  bool frame_by_frame;  // also checked frame i against original frame i
};

TEST(VpdqRobustness, TransformedCopiesMatchTheOriginal) {
  if (std::system("command -v ffmpeg >/dev/null 2>&1") != 0) GTEST_SKIP() << "ffmpeg not installed";
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("evenhand-vpdq-robust-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string enc = " -an -c:v libx264 -preset ultrafast ";
  const std::vector<Variant> variants = {
      {"reencoded", "-i " + kKnown + enc + "-crf 40", true},
      {"scaled-down", "-i " + kKnown + " -vf scale=160:120" + enc + "-crf 23", false},
      {"scaled-up", "-i " + kKnown + " -vf scale=640:480" + enc + "-crf 23", true},
      {"cropped", "-i " + kKnown + " -vf crop=iw*0.96:ih*0.96" + enc + "-crf 23", false},
      {"logo", "-i " + kKnown + " -i " + kLogo + " -filter_complex '[1:v]scale=32:-1[l];[0:v][l]overlay=W-w-8:8'" + enc +
                   "-crf 23",
       true},
      {"excerpt", "-ss 1 -t 1.5 -i " + kKnown + enc + "-crf 23", false},
  };
  VpdqHasher hasher;
  VpdqOptions every;
  every.sampling.seconds_per_hash = 0;
  std::vector<VpdqFrame> original, other;
  ASSERT_TRUE(hasher.HashFile(kKnown, every, &original).ok());
  ASSERT_TRUE(hasher.HashFile(kOther, every, &other).ok());
  for (const Variant& v : variants) {
    SCOPED_TRACE(v.name);
    const std::string out = (dir / (std::string(v.name) + ".mp4")).string();
    ASSERT_EQ(std::system(("ffmpeg -hide_banner -v error -y " + v.args + " " + out).c_str()), 0);
    std::vector<VpdqFrame> query;
    ASSERT_TRUE(hasher.HashFile(out, VpdqOptions{}, &query).ok());  // one frame a second
    const VpdqMatchResult r = MatchVpdq(query, original);
    EXPECT_TRUE(r.match) << r.query_pct << " % of the query's frames";
    EXPECT_FALSE(MatchVpdq(query, other).match);
    if (!v.frame_by_frame) continue;
    std::vector<VpdqFrame> all;
    ASSERT_TRUE(hasher.HashFile(out, every, &all).ok());
    ASSERT_EQ(all.size(), original.size());
    int checked = 0;
    for (size_t i = 0; i < all.size(); ++i) {
      if (all[i].quality < 50 || original[i].quality < 50) continue;
      ++checked;
      EXPECT_LT(Distance(all[i].hash, original[i].hash), 31) << "frame " << i;
    }
    EXPECT_GT(checked, 80);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace robust

}  // namespace
}  // namespace evenhand
