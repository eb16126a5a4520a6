// The item view's answer and its media routes (issue 20 point 1, issue 21's
// must-hold), in process against real media: a known-CSAM-bank image, a
// re-encoded known video, a meme with a scam caption (OCR) and an Urdu post
// scanned through POST /v1/scan. Checks that the evidence parts point at the
// right bytes, image region and video time; that sensitive media leave the
// server only through the audited reveal; the author's account; and that an
// authority gets only items its own orders name, redacted.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

const char* const kUrdu = "یہ دیکھو پیسے ڈبل کریں ابھی";  // "look, double your money now"
const char* const kUrduTerm = "پیسے ڈبل کریں";

class ItemViewApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("evenhand-items-test-" + std::to_string(::getpid())));
    fs::remove_all(*dir_);
    fs::create_directories(*dir_ / "media");
    const fs::path ex = fs::path(kSource) / "examples";
    fs::copy_file(ex / "known-media/media/bridge.jpg", *dir_ / "media/bridge.jpg");
    fs::copy_file(ex / "known-video/media/repost.mp4", *dir_ / "media/repost.mp4");
    fs::copy_file(ex / "text-in-images/meme.jpg", *dir_ / "media/meme.jpg");
    fs::copy_file(ex / "text-in-images/photo.jpg", *dir_ / "media/photo.jpg");
    std::ofstream(*dir_ / "policy.yaml")
        << "policy: items\nversion: 1\n"
        << "banks:\n"
        << "  known_csam: {file: " << (ex / "known-media/banks/known_csam.txt").string() << ", radius: 31}\n"
        << "  extremist_videos: {file: " << (ex / "known-video/banks/extremist_videos.txt").string()
        << ", radius: 31}\n"
        << "lists:\n  scams:\n    files: [" << (ex / "text-in-images/scams.txt").string() << "]\n"
        << "rules:\n"
        << "  - {id: known-csam, when: bank.known_csam.match, action: remove, category: protection_of_minors, "
           "reason: csam}\n"
        << "  - {id: known-video, when: bank.extremist_videos.match, action: review, "
           "category: risk_for_public_security, reason: video}\n"
        << "  - {id: scam-text, when: list.scams, action: remove, category: scams_and_fraud, reason: text}\n"
        << "  - {id: scam-in-image, when: ocr.list.scams, action: remove, category: scams_and_fraud, reason: img}\n";
    const std::string policy = (*dir_ / "policy.yaml").string(), media = (*dir_ / "media").string();
    server_ = new TestServer([&](ServerOptions& o) {
      o.policy = policy;
      o.media_dir = media;
      o.ocr_budget_ms = 0;  // which lines are read, not how fast: a loaded machine must not time out
    });
    auto post = [](const std::string& id, const std::string& text, const std::string& media) {
      json p = {{"id", id}, {"account", "acc1"}, {"text", text}, {"region", "PK"}, {"ts", "2026-11-01T10:00:00Z"}};
      if (!media.empty()) p["media"] = json::array({{{"path", media}}});
      return p.dump();
    };
    for (const auto& [id, text, media] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"it-img", "look", "bridge.jpg"},
             {"it-vid", "watch", "repost.mp4"},
             {"it-ocr", "look at this", "meme.jpg"},
             {"it-ur", kUrdu, ""},
             {"it-plain", "nice view", "photo.jpg"}}) {
      Reply r = server_->Call("POST", "/v1/scan", "moderator", post(id, text, media));
      ASSERT_EQ(r.status, 200) << id << ": " << r.body;
    }
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
    fs::remove_all(*dir_);
    delete dir_;
  }
  static json Item(const std::string& id, const std::string& who = "moderator") {
    Reply r = server_->Call("GET", "/v1/items/" + id, who);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json;
  }
  // The parts of the first signal of `detector` in the item's decisions.
  static json Parts(const json& item, const std::string& detector) {
    for (const json& d : item["decisions"])
      for (const json& s : d["signals"])
        if (s["detector"] == detector) return s["parts"];
    return json::array();
  }
  static TestServer* server_;
  static fs::path* dir_;
};
TestServer* ItemViewApi::server_ = nullptr;
fs::path* ItemViewApi::dir_ = nullptr;

TEST_F(ItemViewApi, TextEvidenceIsTheByteSpanOfTheMatchedTerm) {
  json it = Item("it-ur");
  ASSERT_EQ(it["decisions"][0]["rule"], "scam-text") << it.dump();
  json parts = Parts(it, "terms");
  ASSERT_EQ(parts.size(), 1u) << it.dump();
  EXPECT_EQ(parts[0]["kind"], "text");
  const std::string text = it["versions"][0]["text"];
  const size_t b = parts[0]["begin"], e = parts[0]["end"];
  ASSERT_LE(e, text.size());
  EXPECT_EQ(text.substr(b, e - b), kUrduTerm);
  EXPECT_EQ(it["sensitive"]["blur"], false);
}

TEST_F(ItemViewApi, OcrEvidenceGivesTheImageRegionAndTheImageIsServed) {
  json it = Item("it-ocr");
  ASSERT_EQ(it["decisions"][0]["rule"], "scam-in-image") << it.dump();
  json parts = Parts(it, "ocr");
  ASSERT_GE(parts.size(), 1u) << it.dump();
  EXPECT_EQ(parts[0]["kind"], "image_region");
  EXPECT_EQ(parts[0]["media"], 0);
  EXPECT_TRUE(parts[0]["seconds"].is_null());
  const json box = parts[0]["box"];
  ASSERT_EQ(box.size(), 4u);
  EXPECT_LT(box[0].get<int>(), box[2].get<int>());
  EXPECT_LT(box[1].get<int>(), box[3].get<int>());
  EXPECT_EQ(it["sensitive"]["blur"], false);
  Reply m = server_->Call("GET", "/v1/items/it-ocr/media/0", "auditor");
  ASSERT_EQ(m.status, 200) << m.body;
  EXPECT_EQ(m.content_type, "image/jpeg");
  EXPECT_EQ(m.body, ReadAll(*dir_ / "media/meme.jpg"));
}

TEST_F(ItemViewApi, VideoMatchNamesTheFrameTimeAndIsRevealedOnlyWithAnAuditEntry) {
  json it = Item("it-vid");
  ASSERT_EQ(it["decisions"][0]["rule"], "known-video") << it.dump();
  json parts = Parts(it, "bank");
  ASSERT_EQ(parts.size(), 1u) << it.dump();
  EXPECT_EQ(parts[0]["kind"], "media");
  EXPECT_EQ(parts[0]["media"], 0);
  ASSERT_TRUE(parts[0]["seconds"].is_number()) << parts.dump();
  EXPECT_GE(parts[0]["seconds"].get<double>(), 0.0);
  EXPECT_TRUE(parts[0]["bank_seconds"].is_number());
  EXPECT_EQ(it["sensitive"]["blur"], true);
  EXPECT_EQ(it["sensitive"]["because"], json::array({"known-media bank extremist_videos matched"}));

  Reply m = server_->Call("GET", "/v1/items/it-vid/media/0", "moderator");
  EXPECT_EQ(m.status, 403);
  EXPECT_EQ(m.code(), "reveal_required");
  const int64_t before = server_->AuditEntries();
  Reply r = server_->Call("POST", "/v1/items/it-vid/media/0/reveal", "moderator", R"({"reason":"checking the match"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "video/mp4");
  EXPECT_EQ(r.body, ReadAll(*dir_ / "media/repost.mp4"));
  EXPECT_EQ(server_->AuditEntries(), before + 1);
  const AuditEntry e = server_->LastAudit();
  EXPECT_EQ(e.action, "item.media.reveal");
  EXPECT_EQ(e.subject, "it-vid");
  EXPECT_EQ(e.actor.rfind("moderator via key:", 0), 0u) << e.actor;
  const json payload = json::parse(e.payload);
  EXPECT_EQ(payload["path"], "repost.mp4");
  EXPECT_EQ(payload["reason"], "checking the match");
  EXPECT_EQ(payload["blurred_because"], it["sensitive"]["because"]);
}

TEST_F(ItemViewApi, CsamMatchIsBlurredAndTheAuthorIsShown) {
  json it = Item("it-img");
  ASSERT_EQ(it["decisions"][0]["category"], "protection_of_minors") << it.dump();
  EXPECT_EQ(it["sensitive"]["blur"], true);
  bool by_category = false;
  for (const json& b : it["sensitive"]["because"]) by_category |= b.get<std::string>().find("protection_of_minors") != std::string::npos;
  EXPECT_TRUE(by_category) << it["sensitive"].dump();
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-img/media/0", "admin").code(), "reveal_required");
  // The author: stored by the test server (created 2023-11-14, PK), with every decision about their posts.
  const json& a = it["account"];
  EXPECT_EQ(a["id"], "acc1");
  EXPECT_EQ(a["stored"], true);
  EXPECT_EQ(a["country"], "PK");
  EXPECT_GT(a["age_days"].get<int64_t>(), 365);
  EXPECT_GE(a["posts"].get<int64_t>(), 5);
  EXPECT_GE(a["decisions"]["total"].get<int64_t>(), 5);
  EXPECT_GE(a["decisions"]["by_action"]["remove"].get<int64_t>(), 3) << a.dump();
  EXPECT_GE(a["recent"].size(), 5u);
  // A plain photo is served as it is.
  Reply m = server_->Call("GET", "/v1/items/it-plain/media/0", "moderator");
  EXPECT_EQ(m.status, 200);
  EXPECT_EQ(m.body, ReadAll(*dir_ / "media/photo.jpg"));
}

TEST_F(ItemViewApi, BadMediaRequestsAreClearErrors) {
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain/media/x", "moderator").status, 400);
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain/media/1", "moderator").status, 404);
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain/media/0?version=0", "moderator").status, 400);
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain/media/0?version=9", "moderator").status, 404);
  EXPECT_EQ(server_->Call("GET", "/v1/items/nothing/media/0", "moderator").status, 404);
  EXPECT_EQ(server_->Call("POST", "/v1/items/it-vid/media/0/reveal", "moderator", R"({"version":"one"})").status, 400);
  // A reveal that fails stores no audit entry.
  const int64_t before = server_->AuditEntries();
  EXPECT_EQ(server_->Call("POST", "/v1/items/it-vid/media/3/reveal", "moderator", "{}").status, 404);
  EXPECT_EQ(server_->AuditEntries(), before);
}

TEST_F(ItemViewApi, AnAuthoritySeesOnlyItemsItsOrdersNameRedacted) {
  auto order = [](const std::string& item, const std::string& ref) {
    return json{{"legal_basis", {{"instrument", "PECA 2016"}, {"provision", "s.37"}}},
                {"category", "unlawful_content_s37"},
                {"targets", json::array({{{"item", item}}})},
                {"reference", ref}}
        .dump();
  };
  ASSERT_EQ(server_->Call("POST", "/v1/orders", "authority", order("it-img", "IT/1")).status, 201);
  ASSERT_EQ(server_->Call("POST", "/v1/orders", "authority_b", order("it-img", "FIA/IT/1")).status, 201);
  // Not named by its orders: as if it did not exist.
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain", "authority").status, 404);
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-plain/media/0", "authority").status, 404);
  EXPECT_EQ(server_->Call("GET", "/v1/items/never-stored", "authority").status, 404);

  json it = Item("it-img", "authority");
  EXPECT_FALSE(it.contains("account")) << it.dump();
  EXPECT_EQ(it["versions"][0]["text"], "look");
  EXPECT_FALSE(it["versions"][0].contains("account"));
  for (const json& d : it["decisions"]) {
    EXPECT_FALSE(d.contains("signals"));
    EXPECT_FALSE(d.contains("policy"));
    EXPECT_EQ(d["action"], "remove");
  }
  ASSERT_EQ(it["cases"].size(), 1u) << it.dump();  // its own order; FIA's is left out
  EXPECT_EQ(it["cases"][0]["issuer"], "pta");
  for (auto& [country, v] : it["visibility"].items()) EXPECT_EQ(v, json({{"visible", false}})) << country;
  EXPECT_EQ(it["sensitive"], json({{"blur", true}}));
  EXPECT_EQ(it.dump().find("fia"), std::string::npos);
  // Blurred media: not for an authority, which may not reveal.
  EXPECT_EQ(server_->Call("GET", "/v1/items/it-img/media/0", "authority").code(), "reveal_required");
  EXPECT_EQ(server_->Call("POST", "/v1/items/it-img/media/0/reveal", "authority", "{}").status, 403);
  // Staff see everything, both orders included.
  json staff = Item("it-img", "auditor");
  EXPECT_EQ(staff["cases"].size(), 2u);
  EXPECT_TRUE(staff.contains("account"));
}

}  // namespace
}  // namespace evenhand::server::test
