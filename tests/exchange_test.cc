// Hash exchange (issue 21, point 4), on real inputs: the example
// ThreatExchange / StopNCII lists, the example PDQ and MD5 banks, the shared
// vPDQ reference hashes. Round trips through every exchange format keep
// what matches; tags map to categories; removals in update streams remove;
// malformed lines are refused naming file, line and field; signed
// snapshots refuse tampering, a wrong key and (unless allowed) no
// signature; deltas apply in order, a gap or a replay is refused; the CLI
// leaves a bank untouched on bad input and audits what it does.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "exchange/bank_entries.h"
#include "exchange/category_map.h"
#include "exchange/signal_import.h"
#include "exchange/signal_list.h"
#include "exchange/snapshot.h"
#include "media/vpdq_match.h"
#include "store/store.h"
#include "tlog/checkpoint.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;
const std::string kSrc = EVENHAND_SOURCE_DIR;
const std::string kExamples = kSrc + "/examples/exchange/";
const std::string kVpdq = kSrc + "/../shared/testdata/vpdq/hashes/r1-s0/";
const char* kVideos[] = {"test-padded-dimensions", "doorknob-hd-no-bar", "pattern-sd-grey-bar",
                         "pattern-sd-with-large-logo-bar", "chair-19-sd-bar", "slideshow-a"};

class Exchange : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("evenhand-exchange-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& n) const { return (dir_ / n).string(); }
  std::string Write(const std::string& n, const std::string& text) const {
    std::ofstream(Path(n), std::ios::binary) << text;
    return Path(n);
  }
  static std::string Read(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  fs::path dir_;
};

AnyBank Open(const std::string& path, const char* kind = nullptr) {
  BankKind k;
  if (kind != nullptr) {
    EXPECT_TRUE(ParseBankKind(kind, &k));
  }
  auto b = OpenAnyBank(path, "t", kind != nullptr ? &k : nullptr);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return std::move(b).value();
}

AnyBank VideoBankOfShared() {
  AnyBank b;
  b.kind = BankKind::kVpdq;
  b.video = std::make_unique<VideoBank>(BankInfo{"shared_videos", "", "test", "protection_of_minors", false});
  for (const char* v : kVideos) {
    std::vector<VpdqFrame> frames;
    Status s = ReadVpdqFile(kVpdq + v + ".txt", &frames);
    EXPECT_TRUE(s.ok()) << s.message();
    b.video->AddVideo(frames, v);
  }
  return b;
}

std::vector<std::string> Entries(const AnyBank& b) {
  auto e = CanonicalEntries(b);
  EXPECT_TRUE(e.ok()) << e.status().message();
  return e.ok() ? *e : std::vector<std::string>{};
}

// Imports `text` (exported by FormatSignals) into a fresh bank of `kind`.
AnyBank Reimport(const std::string& text, const char* name, BankKind kind, bool negative = false) {
  SignalList list;
  Status s = ParseSignalList(text, name, SignalFormat::kAuto, &list);
  EXPECT_TRUE(s.ok()) << s.message();
  std::vector<std::string> entries;
  std::string category;
  SignalImportCounts counts;
  ApplySignals(list.records, kind, negative, CategoryMap(), &category, &entries, &counts);
  auto b = BuildBank(kind, BankInfo{"back", "", "", category, negative}, entries, name);
  EXPECT_TRUE(b.ok()) << b.status().message();
  return std::move(b).value();
}

TEST_F(Exchange, ReadsTheThreatExchangeCsvExample) {
  SignalList list;
  ASSERT_TRUE(ReadSignalList(kExamples + "threatexchange.csv", SignalFormat::kAuto, &list).ok());
  EXPECT_EQ(list.format, SignalFormat::kTeCsv);
  ASSERT_EQ(list.records.size(), 6u);
  EXPECT_EQ(list.skipped_types.at("raw_text"), 1u);
  EXPECT_EQ(list.records[0].kind, BankKind::kPdq);
  EXPECT_EQ(list.records[0].line, 2u);
  EXPECT_EQ(list.records[0].tags, (std::vector<std::string>{"csam", "stand-in-0001"}));
  EXPECT_EQ(list.records[2].opinion, SignalOpinion::kNegative);
  EXPECT_EQ(list.records[3].opinion, SignalOpinion::kSeed);
  EXPECT_EQ(list.records[4].kind, BankKind::kMd5);
  ASSERT_EQ(list.records[5].kind, BankKind::kVpdq);
  // The vPDQ signal is known.mp4's frames, numbered 0, 1, 2 (the exchange has no frame numbers).
  EXPECT_EQ(list.records[5].key.substr(0, 76),
            "0,100,db99d9794966270c369924e2c893d9993b694e36a4e45b4bb69ca5244af45ad9,0.000");
  EXPECT_NE(list.records[5].key.find(";1,100,d92f83b996e47e56725969c38da68919732c9466dec6f34ba258d6b42d402359,1.000"),
            std::string::npos);

  // A positive pdq bank takes the POSITIVE_CLASS csam row only: the tvec row maps to
  // another category, the NEGATIVE_CLASS and INVESTIGATION_SEED rows are not positive.
  std::vector<std::string> entries;
  std::string category;
  SignalImportCounts c;
  ApplySignals(list.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c);
  EXPECT_EQ(category, "protection_of_minors");
  ASSERT_EQ(entries, (std::vector<std::string>{
                         "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,csam stand-in-0001"}));
  EXPECT_EQ(c.added, 1u);
  EXPECT_EQ(c.category, 1u);
  EXPECT_EQ(c.opinion, 2u);
  EXPECT_EQ(c.other_kind, 2u);
  // The safe-list reading of the same file takes the NEGATIVE_CLASS row.
  entries.clear();
  category.clear();
  ApplySignals(list.records, BankKind::kPdq, true, CategoryMap(), &category, &entries, &c);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].substr(0, 64), "b150231ffae4710ffcf4f18bb574b109a576f14bb8543189f8743289f174b109");
  // --map sends the tvec row to protection_of_minors too.
  CategoryMap map;
  ASSERT_TRUE(map.AddRule("tvec=protection_of_minors").ok());
  entries.clear();
  category = "protection_of_minors";
  ApplySignals(list.records, BankKind::kPdq, false, map, &category, &entries, &c);
  EXPECT_EQ(entries.size(), 2u);
}

TEST_F(Exchange, CategoryMapRules) {
  CategoryMap map;
  EXPECT_EQ(map.Map("CSAM"), "protection_of_minors");
  EXPECT_EQ(map.Map("StopNCII"), "cyber_violence");
  EXPECT_EQ(map.Map("terrorist-content"), "risk_for_public_security");
  EXPECT_EQ(map.Map("STATEMENT_CATEGORY_SCAMS_AND_FRAUD"), "scams_and_fraud");
  EXPECT_EQ(map.Map("a1"), "");
  ASSERT_TRUE(map.AddRule("a1=protection_of_minors").ok());
  ASSERT_TRUE(map.AddRule("csam=self_harm").ok());
  EXPECT_EQ(map.Map("a1"), "protection_of_minors");
  EXPECT_EQ(map.Map("csam"), "self_harm");  // the operator's rule comes first
  Status s = map.AddRule("x=not_a_category");
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not_a_category"), std::string::npos);
  EXPECT_FALSE(map.AddRule("no-equals-sign").ok());
}

TEST_F(Exchange, RoundTripsEveryKindThroughBothFormats) {
  // pdq: the example bank; md5: the NCMEC-style example list; vpdq: the shared reference hashes.
  AnyBank pdq = Open(kSrc + "/examples/known-media/banks/known_csam.txt");
  AnyBank md5 = Open(kSrc + "/examples/known-video/banks/known_files.md5");
  ASSERT_EQ(md5.kind, BankKind::kMd5);
  for (SignalFormat f : {SignalFormat::kTeCsv, SignalFormat::kTeFile}) {
    for (AnyBank* b : {&pdq, &md5}) {
      auto text = FormatSignals(*b, f);
      ASSERT_TRUE(text.ok());
      AnyBank back = Reimport(*text, "x", b->kind);
      if (f == SignalFormat::kTeCsv) {
        EXPECT_EQ(Entries(back), Entries(*b)) << *text;  // hashes and labels
      } else {
        ASSERT_EQ(back.size(), b->size());  // te-file carries no labels
        for (size_t i = 0; i < Entries(back).size(); ++i)
          EXPECT_EQ(EntryKey(b->kind, Entries(back)[i]), EntryKey(b->kind, Entries(*b)[i]));
      }
    }
  }
  if (!fs::is_directory(kVpdq)) GTEST_SKIP() << kVpdq << " not found";
  AnyBank video = VideoBankOfShared();
  auto text = FormatSignals(video, SignalFormat::kTeCsv);
  ASSERT_TRUE(text.ok());
  AnyBank back = Reimport(*text, "v.csv", BankKind::kVpdq);
  ASSERT_EQ(back.size(), video.size());
  // Frames are renumbered, so compare what matching sees: every pair of videos gives
  // the same percentages and decision from the original and the re-imported hashes.
  for (uint32_t q = 0; q < video.size(); ++q) {
    uint32_t bq = 0;
    while (bq < back.size() && back.video->label(bq) != video.video->label(q)) ++bq;
    ASSERT_LT(bq, back.size());
    for (uint32_t t = 0; t < video.size(); ++t) {
      uint32_t bt = 0;
      while (bt < back.size() && back.video->label(bt) != video.video->label(t)) ++bt;
      const VpdqMatchResult a = MatchVpdq(video.video->frames(q), video.video->frames(t));
      const VpdqMatchResult b = MatchVpdq(back.video->frames(bq), back.video->frames(bt));
      EXPECT_EQ(a.match, b.match);
      EXPECT_DOUBLE_EQ(a.query_pct, b.query_pct);
      EXPECT_DOUBLE_EQ(a.target_pct, b.target_pct);
    }
  }
  // A second round trip is exact.
  auto again = FormatSignals(back, SignalFormat::kTeCsv);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Entries(Reimport(*again, "v2.csv", BankKind::kVpdq)), Entries(back));
}

TEST_F(Exchange, UpdateStreamsRemove) {
  // StopNCII: an active and a withdrawn PDQ hash, a video MD5; all tagged stopncii -> cyber_violence.
  SignalList ncii;
  ASSERT_TRUE(ReadSignalList(kExamples + "stopncii.json", SignalFormat::kAuto, &ncii).ok());
  EXPECT_EQ(ncii.format, SignalFormat::kStopNcii);
  ASSERT_EQ(ncii.records.size(), 3u);
  EXPECT_EQ(ncii.records[0].line, 7u);
  EXPECT_FALSE(ncii.records[0].deleted);
  EXPECT_TRUE(ncii.records[1].deleted);
  EXPECT_EQ(ncii.records[2].kind, BankKind::kMd5);
  std::vector<std::string> entries = {"0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f,old"};
  std::string category;
  SignalImportCounts c;
  ApplySignals(ncii.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c);
  EXPECT_EQ(category, "cyber_violence");
  EXPECT_EQ(entries, (std::vector<std::string>{
                         "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940,stopncii"}));
  EXPECT_EQ(c.removed, 1u);

  // ThreatExchange /threat_updates: one addition, one deletion of the CSV's csam hash.
  SignalList te;
  ASSERT_TRUE(ReadSignalList(kExamples + "threat_updates.json", SignalFormat::kAuto, &te).ok());
  EXPECT_EQ(te.format, SignalFormat::kTeUpdates);
  ASSERT_EQ(te.records.size(), 2u);
  EXPECT_EQ(te.records[0].line, 3u);
  EXPECT_EQ(te.records[1].line, 14u);
  EXPECT_TRUE(te.records[1].deleted);
  entries = {"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22,csam stand-in-0001"};
  category = "protection_of_minors";
  ApplySignals(te.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c);
  EXPECT_EQ(entries, (std::vector<std::string>{
                         "d8f8f0cec4f4a84f0637022a078f67f0b36e2ee5b6621e1d33e6239c4e9c9b22,csam stand-in-0005"}));
  // NON_MALICIOUS descriptors make a negative opinion; mixed ones a disputed one.
  SignalList op;
  ASSERT_TRUE(ParseSignalList(R"({"data":[
 {"indicator":"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22","type":"HASH_PDQ","should_delete":false,
  "descriptors":{"data":[{"status":"NON_MALICIOUS","tags":{"data":[{"text":"fp"}]}}]}},
 {"indicator":"f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22","type":"HASH_PDQ","should_delete":false,
  "descriptors":{"data":[{"status":"NON_MALICIOUS"},{"status":"MALICIOUS"}]}},
 {"indicator":"x","type":"URI","should_delete":false}]})",
                              "op.json", SignalFormat::kAuto, &op)
                  .ok());
  ASSERT_EQ(op.records.size(), 2u);
  EXPECT_EQ(op.records[0].opinion, SignalOpinion::kNegative);
  EXPECT_EQ(op.records[0].tags, std::vector<std::string>{"fp"});
  EXPECT_EQ(op.records[1].opinion, SignalOpinion::kDisputed);
  EXPECT_EQ(op.skipped_types.at("URI"), 1u);
}

// Each text (read as "x", format detected) is refused with a message
// holding its `want`, and the list passed in comes back untouched.
void ExpectRefused(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [text, want] : cases) {
    SignalList list;
    list.records.push_back(SignalRecord{});  // must come back untouched on error
    Status s = ParseSignalList(text, "x", SignalFormat::kAuto, &list);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find(want), std::string::npos) << s.message() << "\nwant: " << want;
    EXPECT_EQ(list.records.size(), 1u);
  }
}

// NCMEC hash-sharing XML: two pages in the public layout (stand-ins of
// harmless files). Page 1 lists two images and a video; page 2 deletes an
// image by its id only and adds a video.
TEST_F(Exchange, ReadsNcmecPagesAndRemovesDeletedEntriesById) {
  SignalList p1;
  ASSERT_TRUE(ReadSignalList(kExamples + "ncmec-entries.xml", SignalFormat::kAuto, &p1).ok());
  EXPECT_EQ(p1.format, SignalFormat::kNcmecXml);
  ASSERT_EQ(p1.records.size(), 7u);  // img-1: md5 sha1 pdq; img-2: md5 pdq; img-0 deleted; vid-1: md5
  const SignalRecord& md5 = p1.records[0];
  EXPECT_EQ(md5.kind, BankKind::kMd5);
  EXPECT_EQ(md5.key, "5dc1441dd7a12fa79f2a43b1ebc93eab");  // lowercased
  EXPECT_EQ(md5.line, 12u);
  EXPECT_EQ(md5.tags, (std::vector<std::string>{"ncmec", "ncmec_a1", "ncmec:image:stand-in-img-1"}));
  EXPECT_EQ(md5.collab, "NCMEC member 42");
  EXPECT_EQ(p1.records[1].kind, BankKind::kSha1);
  EXPECT_EQ(p1.records[2].kind, BankKind::kPdq);
  EXPECT_EQ(p1.records[3].opinion, SignalOpinion::kDisputed);  // negativeFeedback type="Md5"
  EXPECT_EQ(p1.records[4].opinion, SignalOpinion::kPositive);  // its pdq has none
  EXPECT_TRUE(p1.records[5].deleted);
  EXPECT_EQ(p1.records[5].key, "");
  EXPECT_EQ(p1.records[5].ref, "ncmec:image:stand-in-img-0");
  EXPECT_EQ(p1.records[5].line, 39u);
  EXPECT_EQ(p1.records[6].tags.back(), "ncmec:video:stand-in-vid-1");
  EXPECT_EQ(p1.skipped_types, (std::map<std::string, size_t>{
                                  {"image.pdna", 1}, {"video.tmk-pdqf", 1}, {"video.videntifier", 1}}));

  // An MD5 bank of both pages, applied in order.
  SignalList p2;
  ASSERT_TRUE(ReadSignalList(kExamples + "ncmec-update.xml", SignalFormat::kAuto, &p2).ok());
  std::vector<std::string> entries;
  std::string category;
  SignalImportCounts c;
  ApplySignals(p1.records, BankKind::kMd5, false, CategoryMap(), &category, &entries, &c);
  EXPECT_EQ(category, "protection_of_minors");
  EXPECT_EQ(c.added, 2u);
  EXPECT_EQ(c.opinion, 1u);  // the disputed md5
  EXPECT_EQ(entries, (std::vector<std::string>{
                         "5dc1441dd7a12fa79f2a43b1ebc93eab,ncmec ncmec_a1 ncmec:image:stand-in-img-1",
                         "ff2edc8eedd67f9b68d5ec2495c66665,ncmec ncmec_a1 ncmec:video:stand-in-vid-1"}));
  SignalImportCounts c2;
  ApplySignals(p2.records, BankKind::kMd5, false, CategoryMap(), &category, &entries, &c2);
  EXPECT_EQ(c2.removed, 1u);
  EXPECT_EQ(c2.added, 1u);
  EXPECT_EQ(entries, (std::vector<std::string>{
                         "923a037827914818cc0b1c13e2ff5f4d,ncmec ncmec_a2 ncmec:video:stand-in-vid-2",
                         "ff2edc8eedd67f9b68d5ec2495c66665,ncmec ncmec_a1 ncmec:video:stand-in-vid-1"}));
  // The same deletion removes the image's PDQ entry from a PDQ bank, and
  // an id of another type (a video's) removes nothing.
  entries.clear();
  ApplySignals(p1.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c);
  ASSERT_EQ(entries.size(), 2u);
  SignalList other;
  ASSERT_TRUE(ParseSignalList("<queryResult><videos><deletedVideo><id>stand-in-img-1</id></deletedVideo></videos>"
                              "</queryResult>", "v.xml", SignalFormat::kAuto, &other).ok());
  ApplySignals(other.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c2);
  EXPECT_EQ(entries.size(), 2u);
  ApplySignals(p2.records, BankKind::kPdq, false, CategoryMap(), &category, &entries, &c2);
  EXPECT_EQ(entries, (std::vector<std::string>{
                         "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940,ncmec ncmec_b2 "
                         "ncmec:image:stand-in-img-2"}));
}

TEST_F(Exchange, MalformedNcmecXmlNamesFileLineAndField) {
  const std::string head = "<?xml version=\"1.0\"?>\n<queryResult xmlns=\"https://hashsharing.ncmec.org/hashsharing/v2\">\n";
  const std::string img = "<images>\n<image><id>a</id><fingerprints><md5>" + std::string(32, 'a') + "</md5></fingerprints></image>\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {head + img + "<image>\n<id>b</id>\n<fingerprints>\n<md5>abc</md5></fingerprints></image></images></queryResult>",
       "x:8: images.image[1].fingerprints.md5: not an md5 hash (32 hex digits)"},
      {head + img + "<image>\n<fingerprints><sha1>" + std::string(40, 'b') + "</sha1></fingerprints></image></images></queryResult>",
       "x:5: images.image[1].id: missing"},
      {head + "<videos><video><member id=\"x1\">M</member><id>v</id></video></videos></queryResult>",
       "x:3: videos.video[0].member.id: \"x1\" is not a member number"},
      {head + "<images><image><id>a</id><fingerprints><pdq></pdq></fingerprints></image></images></queryResult>",
       "x:3: images.image[0].fingerprints.pdq: empty"},
      {head + "<images><image><id>a</id><fingerprints><pdq>" + std::string(63, 'f') +
           "</pdq></fingerprints></image></images></queryResult>",
       "x:3: images.image[0].fingerprints.pdq: not a PDQ hash"},
      {head + "<images><image><id>a b</id></image></images></queryResult>",
       "x:3: images.image[0].id: holds a space"},
      {head + "<images><image><id>a</id>\n</images></queryResult>", "x:4: xml: mismatched tag"},
      {head + "<images>", "x:3: xml: no element found"},
      {"<?xml version=\"1.0\"?>\n<!DOCTYPE queryResult [<!ENTITY a \"aaaa\">]>\n<queryResult/>",
       "x:2: xml: a DOCTYPE is not allowed"},
      {"<queryResult>" + std::string(40 * 3, ' ') + [] {
         std::string deep;
         for (int i = 0; i < 40; ++i) deep += "<a>";
         return deep;
       }(),
       "x:1: xml: nested deeper than 32 elements"},
  };
  ExpectRefused(cases);
  // Another root is no NCMEC answer (read as ncmec-xml on request).
  SignalList list;
  Status s = ParseSignalList("<status><member id=\"1\">x</member></status>", "x", SignalFormat::kNcmecXml, &list);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("x:1: status: not an NCMEC hash-sharing answer"), std::string::npos) << s.message();
}

TEST_F(Exchange, MalformedInputNamesFileLineAndField) {
  const std::string pdq = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  struct Case {
    const char* text;
    SignalFormat format;
    const char* want;
  };
  const std::string csv_head = "collab,signal_type,signal_str,category,tags\n";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {csv_head + "c,pdq," + pdq + ",POSITIVE_CLASS,\nc,pdq,f8f8,POSITIVE_CLASS,\n",
       "x:3: signal_str: not a PDQ hash"},
      {csv_head + "c,video_md5," + pdq + ",POSITIVE_CLASS,\n", "x:2: signal_str: not an md5 hash"},
      {csv_head + "c,pdq," + pdq + ",MAYBE,\n", "x:2: category: \"MAYBE\" is not"},
      {csv_head + "c,pdq,\"" + pdq + ",POSITIVE_CLASS,\n", "x:2: record: a quoted field is not closed"},
      {csv_head + "c,vpdq,\"[\"\"" + pdq + ",101,0.000\"\"]\",POSITIVE_CLASS,\n",
       "x:2: signal_str: frame 0: quality is not an integer 0..100"},
      {csv_head + "c,vpdq,\"[\"\"" + pdq + ",100,-1\"\"]\",POSITIVE_CLASS,\n", "x:2: signal_str: frame 0: timestamp"},
      {csv_head + "c,vpdq,[],POSITIVE_CLASS,\n", "x:2: signal_str: a vPDQ signal with no frames"},
      {csv_head + "c,,abc,POSITIVE_CLASS,\n", "x:2: signal_type: empty"},
      {"collab,signal_type,hash\nc,pdq," + pdq + "\n", "x:1: header: a ThreatExchange CSV names signal_type"},
      {"pdq " + pdq + "\n\npdq 12345\n", "x:3: signal: not a PDQ hash"},
      {"pdq" + pdq + "\n", "x:1: signal: want \"SIGNAL_TYPE SIGNAL\""},
      {"{\"hashRecords\": [\n {\"signalType\": \"ImagePDQ\", \"hashValue\": \"" + pdq +
           "\"},\n {\"signalType\": \"ImagePDQ\", \"hashValue\": 7}\n]}",
       "x:3: hashRecords[1].hashValue: not a string"},
      {"{\"hashRecords\": [{\"signalType\": \"VideoMD5\", \"hashValue\": \"abc\"}]}",
       "x:1: hashRecords[0].hashValue: not an md5 hash"},
      {"{\"data\": [{\"type\": \"HASH_PDQ\", \"indicator\": \"" + pdq + "\", \"should_delete\": \"yes\"}]}",
       "x:1: data[0].should_delete: not true or false"},
      {"{\"data\": 5}", "x:1: data: a ThreatExchange threat_updates answer holds a \"data\" list"},
      {"{\"data\": [", "x:1: json: not valid JSON"},
      {std::string(200, '[') + std::string(200, ']'), "x:1: json: nested too deep"},
  };
  ExpectRefused(cases);
}

class Snapshots : public Exchange {
 protected:
  void SetUp() override {
    Exchange::SetUp();
    auto k = tlog::GenerateKey("example.org/banks");
    ASSERT_TRUE(k.ok());
    key_ = *k;
    auto s = tlog::NoteSigner::FromPrivateKey(key_.private_key);
    ASSERT_TRUE(s.ok());
    signer_ = std::make_unique<tlog::NoteSigner>(std::move(s).value());
    opts_.verifier_key = key_.verifier_key;
  }
  tlog::KeyPair key_;
  std::unique_ptr<tlog::NoteSigner> signer_;
  VerifyOptions opts_;
};

TEST_F(Snapshots, RoundTripAndTamper) {
  for (const char* which : {"pdq", "md5", "vpdq"}) {
    SCOPED_TRACE(which);
    AnyBank bank = std::string(which) == "pdq"   ? Open(kSrc + "/examples/known-media/banks/known_csam.txt")
                   : std::string(which) == "md5" ? Open(kSrc + "/examples/known-video/banks/known_files.md5")
                   : fs::is_directory(kVpdq)     ? VideoBankOfShared()
                                                 : Open(kSrc + "/examples/known-media/banks/safe.txt");
    auto bytes = EncodeSnapshot(bank, 7, 1765000000, signer_.get());
    ASSERT_TRUE(bytes.ok()) << bytes.status().message();
    auto st = ParseSnapshot(*bytes, "s.snap", opts_);
    ASSERT_TRUE(st.ok()) << st.status().message();
    EXPECT_TRUE(st->signature_checked);
    EXPECT_EQ(st->manifest.version, 7u);
    EXPECT_EQ(st->manifest.created, "2025-12-06T05:46:40Z");
    EXPECT_EQ(st->entries, Entries(bank));
    auto rebuilt = BuildBank(st->manifest.kind, st->manifest.info, st->entries, "s.snap");
    ASSERT_TRUE(rebuilt.ok());
    EXPECT_EQ(Entries(*rebuilt), Entries(bank));
    EXPECT_EQ(rebuilt->info().category, bank.info().category);

    // One changed byte in the entries: the content hash no longer matches.
    std::string t = *bytes;
    t[t.size() - 3] = t[t.size() - 3] == '0' ? '1' : '0';
    auto bad = ParseSnapshot(t, "t.snap", opts_);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("do not match the manifest"), std::string::npos) << bad.status().message();
    // A changed manifest (the version): the signature no longer verifies.
    t = *bytes;
    t.replace(t.find("version 7"), 9, "version 9");
    bad = ParseSnapshot(t, "t.snap", opts_);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("signature does not verify"), std::string::npos);
    // Another key.
    auto other = tlog::GenerateKey("example.org/banks");
    ASSERT_TRUE(other.ok());
    bad = ParseSnapshot(*bytes, "s.snap", VerifyOptions{other->verifier_key, false});
    EXPECT_FALSE(bad.ok());
    // Signed but no key: refused unless allowed (then not marked checked).
    EXPECT_FALSE(ParseSnapshot(*bytes, "s.snap", VerifyOptions{}).ok());
    auto unchecked = ParseSnapshot(*bytes, "s.snap", VerifyOptions{"", true});
    ASSERT_TRUE(unchecked.ok());
    EXPECT_FALSE(unchecked->signature_checked);
    // Unsigned: refused unless allowed; a tampered unsigned one is refused anyway.
    auto plain = EncodeSnapshot(bank, 7, 1765000000, nullptr);
    ASSERT_TRUE(plain.ok());
    bad = ParseSnapshot(*plain, "u.snap", opts_);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.status().message().find("not signed"), std::string::npos);
    EXPECT_TRUE(ParseSnapshot(*plain, "u.snap", VerifyOptions{"", true}).ok());
    t = *plain;
    t.pop_back();
    t.pop_back();
    EXPECT_FALSE(ParseSnapshot(t, "u.snap", VerifyOptions{"", true}).ok());
    // Truncated anywhere: refused, never a crash.
    for (size_t n = 0; n < bytes->size(); n += 1 + bytes->size() / 97)
      EXPECT_FALSE(ParseSnapshot(bytes->substr(0, n), "cut.snap", VerifyOptions{"", true}).ok()) << n;
  }
}

TEST_F(Snapshots, DeltasApplyInOrderAndRefuseGapsAndReplays) {
  // v1: the example csam bank; v2: one entry removed, one added; v3: two more added.
  AnyBank b1 = Open(kSrc + "/examples/known-media/banks/known_csam.txt");
  std::vector<std::string> e = Entries(b1);
  ASSERT_EQ(e.size(), 2u);
  auto state = [&](const std::vector<std::string>& entries, uint64_t v) {
    auto bank = BuildBank(BankKind::kPdq, b1.info(), entries, "x");
    EXPECT_TRUE(bank.ok());
    auto bytes = EncodeSnapshot(*bank, v, 1765000000 + static_cast<int64_t>(v), signer_.get());
    EXPECT_TRUE(bytes.ok());
    auto st = ParseSnapshot(*bytes, "v" + std::to_string(v), opts_);
    EXPECT_TRUE(st.ok()) << st.status().message();
    return *st;
  };
  std::vector<std::string> e2 = {e[1], "cfb2009ddd21c6dab0046a7745b5984757a8a4535b3377aea2591d32b33ff940,street"};
  Canonicalize(&e2);
  std::vector<std::string> e3 = e2;
  e3.push_back("6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d,wee");
  e3.push_back("6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d,wee again");
  Canonicalize(&e3);
  const BankState v1 = state(e, 1), v2 = state(e2, 2), v3 = state(e3, 3);
  auto delta = [&](const BankState& a, const BankState& b, const char* name) {
    auto bytes = EncodeDelta(a, b, 1765000100, signer_.get());
    EXPECT_TRUE(bytes.ok()) << bytes.status().message();
    auto d = ParseDelta(*bytes, name, opts_);
    EXPECT_TRUE(d.ok()) << d.status().message();
    return *d;
  };
  const BankDelta d12 = delta(v1, v2, "d12"), d23 = delta(v2, v3, "d23");
  EXPECT_EQ(d12.removals.size(), 1u);
  EXPECT_EQ(d12.additions.size(), 1u);
  EXPECT_EQ(d23.additions.size(), 2u);

  auto r2 = ApplyDelta(v1, d12);
  ASSERT_TRUE(r2.ok()) << r2.status().message();
  auto r3 = ApplyDelta(*r2, d23);
  ASSERT_TRUE(r3.ok()) << r3.status().message();
  EXPECT_EQ(r3->entries, v3.entries);
  EXPECT_EQ(r3->manifest.version, 3u);
  // The state a delta made is a snapshot certified by that delta's signature.
  auto reread = ParseSnapshot(EncodeState(*r3), "r3.snap", opts_);
  ASSERT_TRUE(reread.ok()) << reread.status().message();
  EXPECT_TRUE(reread->signature_checked);
  EXPECT_EQ(reread->entries, v3.entries);

  auto gap = ApplyDelta(v1, d23);
  ASSERT_FALSE(gap.ok());
  EXPECT_NE(gap.status().message().find("d23: gap: it takes bank t from version 2 to 3, but the bank is at version 1"), std::string::npos)
      << gap.status().message();
  auto replay = ApplyDelta(*r2, d12);
  ASSERT_FALSE(replay.ok());
  EXPECT_NE(replay.status().message().find("d12: replay"), std::string::npos) << replay.status().message();
  replay = ApplyDelta(*r3, d23);
  EXPECT_FALSE(replay.ok());
  // Same version number, other content: refused.
  std::vector<std::string> other = e;
  other.pop_back();
  auto fork = ApplyDelta(state(other, 1), d12);
  ASSERT_FALSE(fork.ok());
  EXPECT_NE(fork.status().message().find("from another state of version 1"), std::string::npos);
  // A tampered delta: refused when read.
  auto bytes = EncodeDelta(v2, v3, 1765000100, signer_.get());
  ASSERT_TRUE(bytes.ok());
  std::string t = *bytes;
  t.replace(t.rfind("wee again"), 9, "wee gain!");
  auto bad = ParseDelta(t, "t.delta", opts_);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("do not match the manifest"), std::string::npos);
  // An unsigned delta: refused unless allowed.
  auto plain = EncodeDelta(v2, v3, 1765000100, nullptr);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(ParseDelta(*plain, "u.delta", opts_).ok());
  EXPECT_TRUE(ParseDelta(*plain, "u.delta", VerifyOptions{"", true}).ok());
  // A snapshot is not a delta and vice versa.
  EXPECT_FALSE(ParseDelta(EncodeState(v1), "v1", VerifyOptions{"", true}).ok());
  EXPECT_FALSE(ParseSnapshot(*plain, "u.delta", VerifyOptions{"", true}).ok());
}

// ---- the CLI: untouched on bad input, audited ----

TEST_F(Exchange, CliLeavesTheBankUntouchedOnBadInputAndAudits) {
  using e2e::Exec;
  const std::string db = Path("x.db");
  ASSERT_TRUE(e2e::RegisterPeople(db, {"mod"}));
  const std::string bank = Path("te.ehb");
  auto r = Exec("bank import-signals " + kExamples + "threatexchange.csv --kind pdq -o " + bank +
                " --name te_csam --db " + db + " --actor mod");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("1 added"), std::string::npos) << r.out;
  const std::string before = Read(bank);
  const std::string bad = Write("bad.csv", "collab,signal_type,signal_str,category,tags\nc,pdq," + std::string(64, 'a') +
                                               ",POSITIVE_CLASS,csam\nc,pdq,zz,POSITIVE_CLASS,csam\n");
  r = Exec("bank import-signals " + bad + " --append -o " + bank + " --name te_csam --db " + db + " --actor mod");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(bad + ":3: signal_str: not a PDQ hash"), std::string::npos) << r.out;
  EXPECT_EQ(Read(bank), before);
  // NCMEC XML: both pages into an MD5 bank; a broken page leaves it as it was.
  const std::string ncmec = Path("ncmec.ehb");
  r = Exec("bank import-signals " + kExamples + "ncmec-entries.xml " + kExamples + "ncmec-update.xml --kind md5 -o " +
           ncmec + " --name ncmec_md5");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("category protection_of_minors): 3 added, 1 removed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ncmec-entries.xml: 1 image.pdna signals skipped"), std::string::npos) << r.out;
  r = Exec("bank match " + ncmec + " " + kSrc + "/examples/known-video/media/repost.mp4");
  EXPECT_NE(r.out.find("923a037827914818cc0b1c13e2ff5f4d"), std::string::npos) << r.out;
  const std::string ncmec_before = Read(ncmec);
  const std::string bad_xml = Write("bad.xml", "<queryResult>\n<images>\n<image><id>z</id><fingerprints>\n"
                                               "<md5>0123</md5></fingerprints></image></images></queryResult>\n");
  r = Exec("bank import-signals " + bad_xml + " --append --kind md5 -o " + ncmec + " --name ncmec_md5");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find(bad_xml + ":4: images.image[0].fingerprints.md5: not an md5 hash"), std::string::npos) << r.out;
  EXPECT_EQ(Read(ncmec), ncmec_before);
  // A snapshot, a delta and an apply, each audited; a replayed delta leaves the output alone.
  r = Exec("audit keygen --name example.org/banks --out " + Path("k.key"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_EQ(Exec("bank snapshot " + bank + " --version 1 --key " + Path("k.key") + " -o " + Path("v1.snap") +
                 " --db " + db + " --actor mod").exit_code, 0);
  ASSERT_EQ(Exec("bank import-signals " + kExamples + "threat_updates.json --append -o " + bank +
                 " --name te_csam").exit_code, 0);
  ASSERT_EQ(Exec("bank snapshot " + bank + " --version 2 --key " + Path("k.key") + " -o " + Path("v2.snap")).exit_code, 0);
  ASSERT_EQ(Exec("bank delta " + Path("v1.snap") + " " + Path("v2.snap") + " --key " + Path("k.key") + " -o " +
                 Path("d.delta")).exit_code, 0);
  r = Exec("bank apply " + Path("v1.snap") + " " + Path("d.delta") + " --key " + Path("k.key.pub") + " -o " +
           Path("r.snap") + " --bank-out " + Path("r.ehb") + " --db " + db + " --actor mod");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(Read(Path("r.snap")).substr(0, 9), "EVHSNAP1\n");
  const std::string applied = Read(Path("r.snap"));
  r = Exec("bank apply " + Path("r.snap") + " " + Path("d.delta") + " --key " + Path("k.key.pub") + " -o " +
           Path("r.snap"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("replay"), std::string::npos) << r.out;
  EXPECT_EQ(Read(Path("r.snap")), applied);
  r = Exec("bank verify " + Path("v1.snap"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no --key was given"), std::string::npos) << r.out;
  r = Exec("bank export-signals " + Path("r.ehb") + " -o " + Path("out.csv") + " --db " + db + " --actor mod");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(Read(Path("out.csv")).find("d8f8f0cec4f4a84f0637022a078f67f0b36e2ee5b6621e1d33e6239c4e9c9b22"),
            std::string::npos);

  // The plain import and export verbs are audited the same way.
  r = Exec("bank import " + kSrc + "/examples/known-video/banks/known_files.md5 --name known_files -o " +
           Path("f.ehb") + " --db " + db + " --actor mod");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  r = Exec("bank export " + Path("f.ehb") + " -o " + Path("f.txt") + " --db " + db + " --actor mod");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  // An unknown actor: refused before anything is written.
  r = Exec("bank import-signals " + kExamples + "stopncii.json --kind md5 --name ncii -o " + Path("n.ehb") +
           " --db " + db + " --actor nobody");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_FALSE(fs::exists(Path("n.ehb")));

  auto store = OpenStore(db);
  ASSERT_TRUE(store.ok());
  std::vector<std::string> actions;
  ASSERT_TRUE((*store)
                  ->ForEachAudit([&](const AuditEntry& a) {
                    if (a.action.starts_with("bank.")) {
                      actions.push_back(a.action + " " + a.subject);
                      EXPECT_EQ(a.actor, "mod via cli");
                    }
                  })
                  .ok());
  EXPECT_EQ(actions, (std::vector<std::string>{"bank.import bank:te_csam", "bank.export bank:te_csam",
                                               "bank.import bank:te_csam", "bank.export bank:te_csam",
                                               "bank.import bank:known_files", "bank.export bank:known_files"}));
  EXPECT_EQ(Exec("audit verify --db " + db).exit_code, 0);
}

}  // namespace
}  // namespace evenhand
