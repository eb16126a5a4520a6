// Issue 16's must-holds on the command line, on the planted example stream
// (examples/behavior/campaign.jsonl): `evenhand behavior --db` with the
// default behaviour policy sends network members to review and never
// suspends, removes or withholds; `evenhand networks --html` shows for each
// network its evidence (kind, the two accounts, their posts, both times,
// how far apart, the shared item) and registration countries as counts
// only, never beside an account id.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "e2e_util.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::JsonLines;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Networks : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_networks_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "b.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  std::string db_;
};

TEST_F(Networks, BehaviourAloneGoesToReviewAndTheReportShowsEvidenceAndCountsOnly) {
  const std::string decisions = (dir_ / "d.jsonl").string(), html = (dir_ / "n.html").string();
  auto run = Exec("behavior examples/behavior/campaign.jsonl --policy policies/behavior.yaml --db " + db_ + " -o " +
                  decisions);
  ASSERT_EQ(run.exit_code, 0) << run.out;

  // Decisions: review only.
  auto lines = JsonLines(Slurp(decisions));
  ASSERT_FALSE(lines.empty());
  for (const auto& d : lines) {
    ASSERT_TRUE(d.is_object()) << d;
    std::string action = d.value("action", "");
    EXPECT_EQ(action, "review") << d;
  }

  // The networks as stored, and the report of them.
  auto json = Exec("networks --db " + db_ + " --json", false);
  ASSERT_EQ(json.exit_code, 0) << json.out;
  auto nets = JsonLines(json.out);
  ASSERT_FALSE(nets.empty());
  auto rep = Exec("networks --db " + db_ + " --html " + html, false);
  ASSERT_EQ(rep.exit_code, 0) << rep.out;
  const std::string h = Slurp(html);
  std::set<std::string> reviewed;
  for (const auto& d : lines) reviewed.insert(d.value("account", ""));

  for (const auto& n : nets) {
    const std::string id = std::to_string(n.at("network").get<int>());
    size_t at = h.find("<section id=n" + id + ">");
    ASSERT_NE(at, std::string::npos) << "network " << id;
    size_t end = h.find("</section>", at);
    ASSERT_NE(end, std::string::npos);
    const std::string sec = h.substr(at, end - at);
    // Evidence: one row per sample, each with two times, the delay and the shared item.
    const auto& ev = n.at("evidence");
    ASSERT_FALSE(ev.empty()) << "network " << id;
    std::regex row(
        "<tr><td>(near_duplicate_text|same_url|same_media|same_hashtag)</td><td>[^<]+<br>[^<]+</td><td>[^<]+<br>[^<]+"
        "</td><td>(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)<br>(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ)</td><td>(\\d+) s"
        "</td><td>\\d+</td><td><code>([^<]*)</code></td></tr>");
    size_t rows = 0;
    for (auto it = std::sregex_iterator(sec.begin(), sec.end(), row); it != std::sregex_iterator(); ++it) {
      ++rows;
      EXPECT_FALSE((*it)[5].str().empty()) << "network " << id << ": evidence without its item: " << it->str();
    }
    EXPECT_EQ(rows, ev.size()) << "network " << id;
    // Countries: counts that add up to the network's size, in their own table.
    size_t ct = sec.find("<h3>Registration countries (counts only)</h3>");
    size_t ev_at = sec.find("<h3>Evidence samples</h3>");
    ASSERT_NE(ct, std::string::npos);
    ASSERT_NE(ev_at, std::string::npos);
    const std::string countries = sec.substr(ct, ev_at - ct);
    std::regex crow("<tr><td>([^<]+)</td><td>(\\d+)</td></tr>");
    size_t sum = 0;
    for (auto it = std::sregex_iterator(countries.begin(), countries.end(), crow); it != std::sregex_iterator(); ++it)
      sum += std::stoul((*it)[2].str());
    EXPECT_EQ(sum, n.at("accounts").size()) << "network " << id;
    for (const auto& a : n.at("accounts")) {
      EXPECT_EQ(countries.find(a.get<std::string>()), std::string::npos) << "account id beside the countries";
      EXPECT_TRUE(reviewed.count(a.get<std::string>())) << a << " is in a network but was not sent to review";
    }
  }
  EXPECT_NE(h.find("none is an automatic sanction"), std::string::npos);
}

}  // namespace
