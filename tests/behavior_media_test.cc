// Media as co-action items by PDQ hash (issue 16 point 1/3): edited copies
// of one picture (cropped, rescaled, brightened, re-encoded: different
// bytes and names) are one item, other pictures are not; unreadable files
// fall back to the path key; the index is bounded; and the detector finds
// a campaign that shares only copies of pictures, which path keys miss.
#include <gtest/gtest.h>

#include <algorithm>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "behavior/detector.h"
#include "behavior/items.h"
#include "behavior/media_keys.h"
#include "behavior_gen_images.h"

namespace evenhand::behavior {
namespace {

namespace fs = std::filesystem;

class MediaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_media_test_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // The copy `copy` of picture `base`, edited as the evasive generator does.
  std::string Copy(uint64_t base, uint64_t copy) {
    gen::ImageEdit e;
    e.crop = 0.02;
    e.resize = true;
    e.brightness = 10;
    e.quality = 40 + static_cast<int>(copy * 7 % 56);
    std::string name = "p" + std::to_string(base) + "_" + std::to_string(copy) + ".jpg";
    EXPECT_TRUE(gen::WriteImageCopy((dir_ / name).string(), base, copy * 1000 + base, e));
    return name;
  }
  fs::path dir_;
};

TEST_F(MediaTest, EditedCopiesShareAKeyOtherPicturesDoNot) {
  MediaKeyOptions o;
  o.dir = dir_.string();
  MediaKeys keys(o);
  // Two copies of one picture are within 31 bits of each other about 97 %
  // of the time (mean 22 bits); a copy that misses the first one usually
  // matches another. Of 10 copies of each picture, most share one key, and
  // no key is shared between the two pictures.
  std::vector<uint64_t> a, b;
  for (uint64_t c = 0; c < 10; ++c) a.push_back(keys.Key(Copy(11, c)));
  for (uint64_t c = 0; c < 10; ++c) b.push_back(keys.Key(Copy(12, c)));
  auto most = [](std::vector<uint64_t> v) {
    std::sort(v.begin(), v.end());
    size_t best = 0;
    for (size_t i = 0, j; i < v.size(); i = j) {
      for (j = i; j < v.size() && v[j] == v[i]; ++j) {}
      best = std::max(best, j - i);
    }
    return best;
  };
  EXPECT_GE(most(a), 8u);
  EXPECT_GE(most(b), 8u);
  for (uint64_t k : a) EXPECT_EQ(std::count(b.begin(), b.end(), k), 0);
  EXPECT_EQ(keys.hashed(), 20u);
  EXPECT_GE(keys.matched(), 16u);
  // The same path again is answered from the cache (no new hash).
  EXPECT_EQ(keys.Key("p11_3.jpg"), a[3]);
  EXPECT_EQ(keys.hashed(), 20u);
  // A missing file and a file that is not an image: keyed by path, as without PDQ.
  EXPECT_EQ(keys.Key("missing/x.jpg"), MediaKey("missing/x.jpg"));
  { std::FILE* f = std::fopen((dir_ / "note.jpg").c_str(), "wb"); std::fputs("not a picture", f); std::fclose(f); }
  EXPECT_EQ(keys.Key("note.jpg"), MediaKey("note.jpg"));
  EXPECT_EQ(keys.unreadable(), 2u);
  // An absolute path is used as given.
  EXPECT_EQ(keys.Key((dir_ / "p12_5.jpg").string()), b[5]);
}

TEST_F(MediaTest, TheIndexIsBoundedByCapacity) {
  MediaKeyOptions o;
  o.dir = dir_.string();
  o.capacity = 2;  // two generations of two pictures
  MediaKeys keys(o);
  uint64_t first = keys.Key(Copy(21, 0));
  EXPECT_EQ(keys.Key(Copy(21, 1)), first);  // still held
  for (uint64_t p = 30; p < 34; ++p) keys.Key(Copy(p, 0));
  // Four other pictures later both generations have turned over: a copy of
  // the first starts a new key (items expire after the largest scale anyway).
  EXPECT_NE(keys.Key(Copy(21, 2)), first);
}

Post MediaPost(const std::string& account, int64_t ts, const std::string& path, int64_t line) {
  Post p;
  p.id = "p" + std::to_string(line);
  p.account = account;
  p.ts = ts;
  p.text = "look";
  p.media.push_back({path});
  p.line = line;
  return p;
}

BehaviorResult Detect(const std::vector<Post>& posts, bool pdq, const std::string& dir) {
  BehaviorOptions opt;
  opt.near_dup.capacity = 4096;
  opt.coaction.item_capacity = 4096;
  opt.coaction.max_edges = 1 << 16;
  opt.media_by_pdq = pdq;
  opt.media.dir = dir;
  BehaviorDetector d(opt);
  for (const Post& p : posts) d.Add(p);
  return d.Finish();
}

// Five accounts post copies of one picture a wave (6 waves, within two
// minutes; each copy its own edit and file name) among 40 accounts posting
// pictures of their own and re-sharing viral ones (20 pictures, 20 sharers each, over four hours). By PDQ the five are one
// network whose evidence is same_media, the sharers of viral pictures are
// not; by path nothing links anyone.
TEST_F(MediaTest, DetectorFindsACampaignSharingEditedCopies) {
  std::vector<Post> posts;
  int64_t line = 0;
  uint64_t copy = 0;
  for (int wave = 0; wave < 6; ++wave)
    for (int a = 0; a < 5; ++a)
      posts.push_back(MediaPost("camp" + std::to_string(a), 100000 + 30000 * wave + 20 * a, Copy(100 + wave, ++copy), 0));
  // Background: 40 accounts post pictures of their own, and re-share copies
  // of viral pictures, so they co-act by chance too.
  uint64_t rng = 99;
  auto next = [&](uint64_t n) { return ((rng = rng * 6364136223846793005ULL + 1442695040888963407ULL) >> 33) % n; };
  for (int k = 0; k < 40; ++k)
    for (int j = 0; j < 2; ++j)
      posts.push_back(MediaPost("own" + std::to_string(k), 100000 + 2000 * k + 50000 * j, Copy(200 + 2 * k + j, 0), 0));
  for (int v = 0; v < 20; ++v)
    for (int k = 0; k < 20; ++k)
      posts.push_back(MediaPost("own" + std::to_string(next(40)), 90000 + 12000 * v + static_cast<int64_t>(next(14400)),
                                Copy(300 + v, ++copy), 0));
  std::stable_sort(posts.begin(), posts.end(), [](const Post& x, const Post& y) { return x.ts < y.ts; });
  for (Post& p : posts) p.line = ++line;

  BehaviorResult by_pdq = Detect(posts, true, dir_.string());
  ASSERT_EQ(by_pdq.networks.size(), 1u) << by_pdq.edges << " pairs, " << by_pdq.media_matched << " of "
                                        << by_pdq.media_hashed << " pictures matched";
  EXPECT_EQ(by_pdq.networks[0].accounts, (std::vector<std::string>{"camp0", "camp1", "camp2", "camp3", "camp4"}));
  ASSERT_FALSE(by_pdq.networks[0].evidence.empty());
  EXPECT_EQ(by_pdq.networks[0].evidence[0].kind, "same_media");
  EXPECT_EQ(by_pdq.media_hashed, posts.size());
  EXPECT_GE(by_pdq.media_matched, 6u * 4 + 20 * 19 - 20);  // nearly every copy after a picture's first

  EXPECT_TRUE(Detect(posts, false, dir_.string()).networks.empty());
}

}  // namespace
}  // namespace evenhand::behavior
