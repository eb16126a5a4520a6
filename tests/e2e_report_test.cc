// End to end: `evenhand report transparency|sla|penalties|times|all` and
// `evenhand audit consistency` on the examples, with a PTA order acted on 30 hours
// after its 48-hour deadline (worked by hand below), and the HTML report
// looked at in headless Chromium: the screenshot must show every chart's
// bars (the palette's colours) — skipped when no Chromium is installed.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "e2e_util.h"
#include "image/decoder.h"

namespace {

namespace fs = std::filesystem;
using evenhand::e2e::Exec;
using evenhand::e2e::RegisterPeople;
using evenhand::e2e::JsonLines;

class ReportEndToEnd : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("evenhand_e2e_report_" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    auto ok = [](const std::string& args) {
      auto r = Exec(args);
      EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.out;
      return r;
    };
    ok("scan examples/posts.jsonl --policy examples/policy.yaml -q -o " + (dir_ / "d.jsonl").string() + " --db " + db_);
    EXPECT_TRUE(RegisterPeople(db_, {"intake", "mod", "mod-bilal", "user-a187"}));
    ok("authority add --db " + db_ + " --id pta --name PTA --jurisdiction PK --kind regulator --actor admin");
    ok("authority add --db " + db_ + " --id tjsp --name TJSP --jurisdiction BR --kind court --actor admin");
    ok("order submit --db " + db_ + " --actor intake --now 2026-11-21T12:00:00Z examples/cases/orders.jsonl");
    // PTA/CVS/2026/0417: received 2026-11-20T09:00Z, 48 h -> due 2026-11-22T09:00Z.
    // Acted on 2026-11-23T15:00Z: 30 h late, so 2 days late under a per-day count.
    auto list = ok("order list --db " + db_ + " --now 2026-11-21T12:00:00Z --state accepted");
    for (const auto& o : JsonLines(list.out))
      if (o.value("reference", "") == "PTA/CVS/2026/0417") order_ = o.value("id", "");
    ok("order act --db " + db_ + " --now 2026-11-23T14:00:00Z --actor mod " + order_ + " --event review");
    ok("order act --db " + db_ + " --now 2026-11-23T15:00:00Z --actor mod " + order_ +
       " --event act --outcome withheld");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static fs::path dir_;
  static std::string db_, order_;
};

fs::path ReportEndToEnd::dir_;
std::string ReportEndToEnd::db_, ReportEndToEnd::order_;

const std::string kNow = " --now 2026-11-24T00:00:00Z";

TEST_F(ReportEndToEnd, SlaCountsTheLateOrderAndTheOverdueEmergencyOrder) {
  ASSERT_FALSE(order_.empty());
  auto r = Exec("report sla --json --db " + db_ + kNow, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& row : j["rows"])
    if (row["regime"] == "pk-peca-rbuoc-2021") {
      found = true;
      EXPECT_EQ(row["late"], 1);
      EXPECT_DOUBLE_EQ(row["late_max_hours"].get<double>(), 30.0);
      // The emergency order (due 2026-11-20T22:30Z) is still open.
      EXPECT_EQ(row["open_overdue"], 1);
      EXPECT_EQ(row["on_time"], 0);
    }
  EXPECT_TRUE(found) << r.out;
  auto text = Exec("report sla --db " + db_ + kNow);
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("overdue: "), std::string::npos) << text.out;
}

TEST_F(ReportEndToEnd, PenaltiesUnderPecaAndAustralia) {
  auto r = Exec("report penalties --json --regime pk-peca-rbuoc-2021 --db " + db_ + kNow, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  // Late by 30 h (2 days) + the emergency order open since 2026-11-20T22:30Z
  // (3 days 1.5 h -> 4 days): 6 days; the schedule's only money line is the
  // PKR 500m maximum.
  EXPECT_EQ(j["non_compliant"], 2);
  EXPECT_EQ(j["days_late"], 6);
  ASSERT_EQ(j["range"].size(), 1u);
  EXPECT_EQ(j["range"][0]["currency"], "PKR");
  EXPECT_DOUBLE_EQ(j["range"][0]["high"].get<double>(), 500000000);
  EXPECT_EQ(j["escalation"].size(), 2u);
  for (const auto& line : j["statutory"]) EXPECT_FALSE(line["source"].get<std::string>().empty());
  // No Australian orders: nothing triggered.
  auto au = nlohmann::json::parse(
      Exec("report penalties --json --regime au-osa-2021 --turnover 1e9 AUD --db " + db_ + kNow, false).out);
  EXPECT_EQ(au["cases"], 0);
  EXPECT_DOUBLE_EQ(au["range"][0]["high"].get<double>(), 0);
  EXPECT_NE(Exec("report penalties --regime no-such-regime --db " + db_).exit_code, 0);
  EXPECT_NE(Exec("report penalties --regime eu-dsa --turnover lots EUR --db " + db_).exit_code, 0);
}

TEST_F(ReportEndToEnd, ConsistencyAuditRunsOnEveryDimension) {
  for (const char* by : {"topic", "region", "language", "authority"}) {
    auto r = Exec(std::string("audit consistency --json --by ") + by + " --db " + db_, false);
    ASSERT_EQ(r.exit_code, 0) << by << r.out;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_GT(j["cases"].get<int>(), 0) << by;
    EXPECT_TRUE(j["comparisons"].is_array());
  }
  EXPECT_NE(Exec("audit consistency --by viewpoint --db " + db_).exit_code, 0);
}

TEST_F(ReportEndToEnd, TimesPerCategoryCensorTheOpenOrders) {
  auto r = Exec("report times --json --by category --db " + db_ + kNow, false);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  bool found = false;
  for (const auto& row : j["rows"])
    if (row["source"] == "order" && row["value"] == "unlawful_content_s37") {
      found = true;
      // Two accepted PTA orders: one acted on 78 h after receipt (20th 09:00
      // to 23rd 15:00), one open (censored at 85.5 h): S falls to 1/2 at 78 h.
      EXPECT_EQ(row["cases"], 2);
      EXPECT_EQ(row["open"], 1);
      EXPECT_DOUBLE_EQ(row["median"]["hours"].get<double>(), 78.0);
    }
  EXPECT_TRUE(found) << r.out;
  EXPECT_NE(Exec("report times --by colour --db " + db_).exit_code, 0);
}

TEST_F(ReportEndToEnd, TransparencyWritesHtmlCsvAndJson) {
  const std::string html = (dir_ / "report.html").string(), csv = (dir_ / "csv").string(),
                    json = (dir_ / "report.json").string();
  auto r = Exec("report transparency --db " + db_ + " --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z --html " +
                html + " --csv " + csv + " --json " + json);
  ASSERT_EQ(r.exit_code, 0) << r.out;
  std::ifstream in(json);
  auto j = nlohmann::json::parse(in);
  // orders.jsonl: 7 distinct orders (the 8th line repeats the first): 3
  // accepted, 4 rejected; one acted on (withheld in PK: partly complied).
  EXPECT_EQ(j["government_orders"]["total"]["total"], 7);
  EXPECT_EQ(j["government_orders"]["total"]["rejected"], 4);
  EXPECT_EQ(j["government_orders"]["total"]["partly_complied"], 1);
  EXPECT_EQ(j["government_orders"]["total"]["pending"], 2);
  // Every decision but the 1,088 "allow"s is an own-initiative case; the
  // period (November 2026) holds those about posts made in it: 47 of the 912
  // are about posts from outside it. Nobody reviewed any, so none was decided
  // by a person. (The scan stored them after the period's end, so they count
  // as awaiting a decision at its end.)
  const auto& own = j["own_initiative"];
  EXPECT_EQ(own["automated"].get<int>() + own["human"].get<int>() + own["awaiting_review"].get<int>(),
            2000 - 1088 - 47);
  EXPECT_EQ(own["human"], 0);
  for (const char* f : {"orders.csv", "order_reasons.csv", "notices.csv", "data_requests.csv", "own_initiative.csv",
                        "appeals.csv", "time_to_action.csv", "dsa_orders_received.csv"})
    EXPECT_TRUE(fs::exists(fs::path(csv) / f)) << f;
  // A period with nothing in it still gives a whole report.
  EXPECT_EQ(Exec("report transparency --db " + db_ + " --from 2020-01-01T00:00:00Z --to 2020-02-01T00:00:00Z --html " +
                 (dir_ / "empty.html").string()).exit_code,
            0);
  EXPECT_NE(Exec("report transparency --db " + db_ + " --from yesterday").exit_code, 0);
  EXPECT_NE(Exec("report transparency --db " + (dir_ / "missing.db").string()).exit_code, 0);
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `report all` writes every report from one read of the store, each file
// byte-identical to what the single report's command writes, whatever the
// number of threads.
TEST_F(ReportEndToEnd, AllReportsAtOnceEqualTheSingleReports) {
  const std::string period = " --from 2026-11-01T00:00:00Z --to 2026-12-01T00:00:00Z";
  const fs::path one = dir_ / "all-1", two = dir_ / "all-2";
  for (const auto& [out, threads] : {std::pair{one, "1"}, std::pair{two, "2"}}) {
    auto r = Exec("report all --db " + db_ + kNow + period + " --threads " + threads + " --out " + out.string());
    ASSERT_EQ(r.exit_code, 0) << r.out;
  }
  size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(one)) {
    if (!entry.is_regular_file()) continue;
    ++files;
    const fs::path rel = fs::relative(entry.path(), one);
    EXPECT_EQ(ReadAll(entry.path()), ReadAll(two / rel)) << rel;
  }
  EXPECT_EQ(files, 1u + 1 + 13 + 1 + 10 + 6 + 4);  // html, json, 13 CSVs, sla, 10 regimes, 6 times, 4 audits
  // Over the whole record, each file is what the single command prints.
  const fs::path whole = dir_ / "all-whole";
  ASSERT_EQ(Exec("report all --db " + db_ + kNow + " --out " + whole.string()).exit_code, 0);
  auto single = [&](const std::string& args) {
    auto r = Exec(args + " --db " + db_ + kNow, false);
    EXPECT_EQ(r.exit_code, 0) << args;
    return r.out;
  };
  EXPECT_EQ(ReadAll(whole / "times-topic.json"), single("report times --json --by topic"));
  EXPECT_EQ(ReadAll(whole / "times-category.json"), single("report times --json --by category"));
  EXPECT_EQ(ReadAll(whole / "audit-region.json"), single("audit consistency --json --by region"));
  EXPECT_EQ(ReadAll(whole / "audit-authority.json"), single("audit consistency --json --by authority"));
  EXPECT_EQ(ReadAll(whole / "sla.json"), single("report sla --json"));
  EXPECT_EQ(ReadAll(whole / "penalties-pk-peca-rbuoc-2021.json"),
            single("report penalties --json --regime pk-peca-rbuoc-2021"));
  const fs::path json = dir_ / "single.json", csv = dir_ / "single-csv";
  single("report transparency --json " + json.string() + " --csv " + csv.string());
  EXPECT_EQ(ReadAll(whole / "transparency.json"), ReadAll(json));
  EXPECT_EQ(ReadAll(whole / "csv" / "orders.csv"), ReadAll(csv / "orders.csv"));
  // A period's reports count only the cases received in it.
  EXPECT_EQ(ReadAll(one / "times-topic.json"), single("report times --json --by topic" + period));
  EXPECT_NE(Exec("report all --db " + db_ + " --threads -1 --out " + (dir_ / "bad").string()).exit_code, 0);
  EXPECT_NE(Exec("report all --db " + db_ + " --turnover lots EUR --out " + (dir_ / "bad").string()).exit_code, 0);
  EXPECT_FALSE(fs::exists(dir_ / "bad"));
}

std::string FindChromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "headless_shell"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return "";
}

TEST_F(ReportEndToEnd, HtmlReportRendersInHeadlessChromium) {
  const std::string chromium = FindChromium();
  if (chromium.empty()) GTEST_SKIP() << "no Chromium installed (scripts/install-deps.sh installs it)";
  const std::string html = (dir_ / "shot.html").string(), png = (dir_ / "shot.png").string();
  ASSERT_EQ(Exec("report transparency --db " + db_ + " --html " + html).exit_code, 0);
  // A phone-sized window: 412 px wide, tall enough for the whole page.
  const std::string cmd = chromium + " --headless --no-sandbox --disable-gpu --hide-scrollbars " +
                          "--window-size=412,6000 --screenshot=" + png + " file://" + html + " >/dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  evenhand::ImageDecoder decoder;
  evenhand::Image image;
  ASSERT_TRUE(decoder.DecodeFile(png, &image).ok());
  ASSERT_EQ(image.channels, 3);
  ASSERT_EQ(image.width, 412);
  // The charts' first two series colours (#0072B2 blue, #E69F00 orange) and
  // the own-initiative bars must be on the page: a chart that failed to
  // render would leave them out.
  int64_t blue = 0, orange = 0;
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* p = image.Row(y);
    for (int x = 0; x < image.width; ++x, p += 3) {
      if (std::abs(p[0] - 0x00) < 12 && std::abs(p[1] - 0x72) < 12 && std::abs(p[2] - 0xB2) < 12) ++blue;
      if (std::abs(p[0] - 0xE6) < 12 && std::abs(p[1] - 0x9F) < 12 && std::abs(p[2] - 0x00) < 12) ++orange;
    }
  }
  EXPECT_GT(blue, 500);
  EXPECT_GT(orange, 500);
  // Kept for a person to look at (the build folder is not committed).
  std::error_code ignored;
  fs::copy_file(png, fs::path(EVENHAND_SOURCE_DIR) / "build" / "report-screenshot.png",
                fs::copy_options::overwrite_existing, ignored);
}

}  // namespace
