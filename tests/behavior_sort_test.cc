// `evenhand behavior --sort` (issue 16 point 5): the external sort of a posts
// file by instant -- offsets compared as instants, accounts first, stable on
// equal instants, the same output whether it fits in memory or is merged
// from many runs over several passes, bad lines named, no runs left behind
// -- and the command end to end: a shuffled file with a campaign, sorted,
// gives the network the unshuffled file gives.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "behavior/external_sort.h"
#include "model/time.h"

namespace evenhand::behavior {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "evenhand-sort-XXXXXX").string();
    path = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

void Write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
std::vector<std::string> Lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}
std::string PostLine(int id, const std::string& ts, const std::string& account = "a1") {
  return "{\"kind\":\"post\",\"id\":\"p" + std::to_string(id) + "\",\"account\":\"" + account + "\",\"ts\":\"" + ts +
         "\",\"text\":\"hello " + std::to_string(id) + "\"}";
}

TEST(Sort, OffsetsAreInstantsAccountsFirstEqualInstantsKeepInputOrder) {
  TempDir d;
  std::string in;
  in += PostLine(1, "2026-09-01T10:00:00+02:00") + "\n";  // 08:00Z
  in += PostLine(2, "2026-09-01T09:30:00Z") + "\n";
  in += "{\"kind\":\"account\",\"id\":\"a1\",\"created\":\"2020-01-01T00:00:00Z\",\"country\":\"FR\"}\n";
  in += "\n";
  in += PostLine(3, "2026-09-01T03:00:00-05:00") + "\n";  // 08:00Z, same instant as p1, later in the input
  in += PostLine(4, "2026-09-01T07:59:59Z") + "\n";
  Write(d.path / "in.jsonl", in);
  SortStats st;
  ASSERT_TRUE(SortPostsFile((d.path / "in.jsonl").string(), (d.path / "out.jsonl").string(), SortOptions{}, &st).ok());
  std::vector<std::string> got = Lines(d.path / "out.jsonl");
  ASSERT_EQ(got.size(), 5u);
  EXPECT_NE(got[0].find("\"kind\":\"account\""), std::string::npos);
  EXPECT_NE(got[1].find("\"p4\""), std::string::npos);
  EXPECT_NE(got[2].find("\"p1\""), std::string::npos);  // 10:00+02:00 is 08:00Z
  EXPECT_NE(got[3].find("\"p3\""), std::string::npos);  // 03:00-05:00 is 08:00Z too: input order
  EXPECT_NE(got[4].find("\"p2\""), std::string::npos);
  EXPECT_EQ(got[2], PostLine(1, "2026-09-01T10:00:00+02:00"));  // copied byte for byte
  EXPECT_EQ(st.lines, 5u);
  EXPECT_EQ(st.posts, 4u);
  EXPECT_EQ(st.reordered, 2u);  // p3 and p4 are earlier than p2
  EXPECT_EQ(st.runs, 0u);
}

TEST(Sort, ManyRunsAndMergePassesGiveTheInMemoryOrder) {
  TempDir d;
  std::string in;
  uint64_t rng = 7;
  for (int i = 0; i < 3000; ++i) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t ts = 1788220800 + static_cast<int64_t>((rng >> 33) % 5000);  // many equal instants
    int off = static_cast<int>((rng >> 20) % 5) - 2;                     // -2h..+2h
    in += PostLine(i, FormatTimestamp(ts + off * 3600).substr(0, 19) +
                          (off == 0 ? std::string("Z") : (off < 0 ? "-0" : "+0") + std::to_string(std::abs(off)) + ":00")) +
          "\n";
  }
  Write(d.path / "in.jsonl", in);
  SortStats mem, disk;
  ASSERT_TRUE(SortPostsFile((d.path / "in.jsonl").string(), (d.path / "mem.jsonl").string(), SortOptions{}, &mem).ok());
  SortOptions small;
  small.memory_bytes = 8 << 10;  // 8 KB: dozens of runs
  small.fan_in = 3;              // several merge passes
  ASSERT_TRUE(SortPostsFile((d.path / "in.jsonl").string(), (d.path / "disk.jsonl").string(), small, &disk).ok());
  EXPECT_EQ(mem.runs, 0u);
  EXPECT_GT(disk.runs, 20u);
  EXPECT_GE(disk.merge_passes, 3);
  std::vector<std::string> a = Lines(d.path / "mem.jsonl"), b = Lines(d.path / "disk.jsonl");
  ASSERT_EQ(a.size(), 3000u);
  EXPECT_EQ(a, b);
  // Sorted by instant: local clock time minus the offset never decreases.
  int64_t prev = INT64_MIN;
  for (const std::string& l : a) {
    size_t at = l.find("\"ts\":\"") + 6;
    auto ts = ParseTimestamp(l.substr(at, l.find('"', at) - at));
    ASSERT_TRUE(ts.has_value()) << l;
    EXPECT_GE(*ts, prev) << l;
    prev = *ts;
  }
  // No runs left beside the output.
  for (const auto& e : fs::directory_iterator(d.path)) EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
}

TEST(Sort, ABadLineIsNamedAndNothingIsWritten) {
  TempDir d;
  Write(d.path / "in.jsonl", PostLine(1, "2026-09-01T10:00:00Z") + "\n{\"kind\":\"post\",\"id\":\"p2\"\n");
  SortStats st;
  Status s = SortPostsFile((d.path / "in.jsonl").string(), (d.path / "out.jsonl").string(), SortOptions{}, &st);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("in.jsonl:2"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(d.path / "out.jsonl"));
  EXPECT_FALSE(fs::exists(d.path / "out.jsonl.tmp"));
}

// End to end: 5 accounts post the same text within seconds in 4 bursts among
// organic noise; the file is shuffled (hours out of order), which the default
// --on-disorder stop refuses; --sort fixes it and the network is found (the
// chance model is off: in a world this small the campaign is all there is).
TEST(Sort, CommandSortsAShuffledFileAndFindsTheNetwork) {
  TempDir d;
  std::vector<std::string> lines;
  const char* texts[] = {"please share this before they delete it the truth about the river project",
                         "everyone must see this video about the new stadium deal before sunday",
                         "they do not want you to know what happened at the council meeting today",
                         "read this now and send it to ten friends the vote is rigged again here"};
  int id = 0;
  for (int burst = 0; burst < 4; ++burst)
    for (int a = 0; a < 5; ++a) {
      std::string ts = FormatTimestamp(1788220800 + burst * 20000 + a * 5);
      lines.push_back("{\"kind\":\"post\",\"id\":\"c" + std::to_string(id++) + "\",\"account\":\"camp" +
                      std::to_string(a) + "\",\"ts\":\"" + ts + "\",\"text\":\"" + texts[burst] + "\"}");
    }
  for (int i = 0; i < 200; ++i) {
    std::string ts = FormatTimestamp(1788220800 + i * 431);
    lines.push_back("{\"kind\":\"post\",\"id\":\"o" + std::to_string(i) + "\",\"account\":\"user" + std::to_string(i % 40) +
                    "\",\"ts\":\"" + ts + "\",\"text\":\"word" + std::to_string(i) + " other" + std::to_string(i * 7) +
                    " thing" + std::to_string(i * 13) + " more" + std::to_string(i * 3) + " last" +
                    std::to_string(i) + "\"}");
  }
  uint64_t rng = 99;
  for (size_t i = lines.size(); i > 1; --i) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    std::swap(lines[i - 1], lines[(rng >> 33) % i]);
  }
  std::string in;
  for (const std::string& l : lines) in += l + "\n";
  Write(d.path / "shuffled.jsonl", in);
  const std::string bin = EVENHAND_BINARY;
  const std::string dir = d.path.string();
  std::string refused = bin + " behavior " + dir + "/shuffled.jsonl --networks " + dir + "/n0.jsonl 2>" + dir + "/err0";
  EXPECT_NE(std::system(refused.c_str()), 0);
  std::ifstream err0(d.path / "err0");
  std::string e0((std::istreambuf_iterator<char>(err0)), {});
  EXPECT_NE(e0.find("disorder bound"), std::string::npos) << e0;
  std::string run = bin + " behavior " + dir + "/shuffled.jsonl --sort " + dir + "/sorted.jsonl --sort-memory 1 --min-significance 0 --min-network-significance 0 --networks " +
                    dir + "/n.jsonl 2>" + dir + "/err";
  ASSERT_EQ(std::system(run.c_str()), 0);
  std::vector<std::string> nets = Lines(d.path / "n.jsonl");
  std::ifstream err(d.path / "err");
  std::string e((std::istreambuf_iterator<char>(err)), {});
  ASSERT_EQ(nets.size(), 1u) << run << "\n" << e;
  for (int a = 0; a < 5; ++a) EXPECT_NE(nets[0].find("\"camp" + std::to_string(a) + "\""), std::string::npos) << nets[0];
  EXPECT_EQ(nets[0].find("\"user"), std::string::npos) << nets[0];
  EXPECT_EQ(Lines(d.path / "sorted.jsonl").size(), lines.size());
}

}  // namespace
}  // namespace evenhand::behavior
