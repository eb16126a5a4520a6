// Behaviour detection (issue 6): sketch properties on known pairs, the
// co-action window's edges, community detection on a hand-built graph,
// cadence, a small end-to-end run, evaluation, and the default policy
// never suspending on behaviour signals alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "behavior/cadence.h"
#include "behavior/coaction.h"
#include "behavior/community.h"
#include "behavior/detector.h"
#include "behavior/evaluate.h"
#include "behavior/items.h"
#include "behavior/near_dup.h"
#include "behavior/sketch.h"
#include "policy/expr.h"
#include "policy/loader.h"
#include "text/normalizer.h"

namespace evenhand::behavior {
namespace {

struct Sketch {
  MinHashSig sig;
  uint64_t sim = 0;
};

Sketch Of(const std::string& text) {
  static Normalizer norm;
  std::vector<uint64_t> sh;
  ShingleText(norm.Normalize(text), &sh);
  Sketch s;
  MinHash(sh, &s.sig);
  s.sim = SimHash(sh);
  return s;
}

const char* kA = "the quick brown fox jumps over the lazy dog near the river bank this morning";
const char* kA1 = "the quick brown fox jumps over the lazy cat near the river bank this morning";  // one word
const char* kB = "completely different words about weather patterns and cooking pasta at home tonight";

TEST(Sketch, IdenticalTextsAreIdentical) {
  Sketch a = Of(kA), b = Of("The QUICK brown fox -- jumps over the lazy dog, near the river bank this morning!");
  EXPECT_EQ(MinHashSimilarity(a.sig, b.sig), 1.0);  // normalisation removes case and punctuation
  EXPECT_EQ(HammingDistance(a.sim, b.sim), 0);
}

TEST(Sketch, NearPairIsCloseUnrelatedPairIsFar) {
  Sketch a = Of(kA), a1 = Of(kA1), b = Of(kB);
  // True bigram Jaccard of kA/kA1: 12 shared of 16 = 0.75.
  EXPECT_GE(MinHashSimilarity(a.sig, a1.sig), 0.5);
  EXPECT_LE(MinHashSimilarity(a.sig, b.sig), 0.15);
  EXPECT_LT(HammingDistance(a.sim, a1.sim), HammingDistance(a.sim, b.sim));
  EXPECT_GE(HammingDistance(a.sim, b.sim), 16);
  // A near pair shares an LSH band.
  bool shared = false;
  for (int band = 0; band < kBands; ++band) shared |= BandKey(a.sig, band) == BandKey(a1.sig, band);
  EXPECT_TRUE(shared);
}

TEST(Sketch, ShinglesAreWordBigrams) {
  std::vector<uint64_t> sh;
  EXPECT_EQ(ShingleText("one two three", &sh), 3u);
  EXPECT_EQ(sh.size(), 2u);
  EXPECT_EQ(ShingleText("  single  ", &sh), 1u);
  EXPECT_EQ(sh.size(), 1u);
  EXPECT_EQ(ShingleText("", &sh), 0u);
  EXPECT_TRUE(sh.empty());
}

TEST(NearDup, NearDuplicatesJoinOneCluster) {
  NearDupIndex index(NearDupOptions{.capacity = 64, .report_min_size = 2});
  std::vector<ClusterSummary> closed;
  index.set_on_closed([&](const ClusterSummary& c) { closed.push_back(c); });
  uint32_t size = 0;
  Sketch a = Of(kA), a1 = Of(kA1), b = Of(kB);
  uint64_t c1 = index.Add(a.sig, a.sim, 100, 1, 1, &size);
  uint64_t c2 = index.Add(a1.sig, a1.sim, 110, 2, 2, &size);
  EXPECT_EQ(c1, c2);
  EXPECT_EQ(size, 2u);
  uint64_t c3 = index.Add(b.sig, b.sim, 120, 3, 3, &size);
  EXPECT_NE(c3, c1);
  EXPECT_EQ(size, 1u);
  index.Flush();
  ASSERT_EQ(closed.size(), 1u);
  EXPECT_EQ(closed[0].size, 2u);
  EXPECT_EQ(closed[0].accounts, 2u);
  EXPECT_EQ(closed[0].first_ts, 100);
  EXPECT_EQ(closed[0].last_ts, 110);
  EXPECT_EQ(closed[0].first_ref, 1u);
}

TEST(NearDup, ClusterExpiresAfterHorizon) {
  NearDupIndex index(NearDupOptions{.horizon = 1000, .capacity = 64});
  uint32_t size = 0;
  Sketch a = Of(kA);
  uint64_t c1 = index.Add(a.sig, a.sim, 0, 1, 1, &size);
  EXPECT_EQ(index.Add(a.sig, a.sim, 1000, 2, 2, &size), c1);   // at the horizon: same cluster
  EXPECT_NE(index.Add(a.sig, a.sim, 2001, 3, 3, &size), c1);   // past it: a new one
}

TEST(CoAction, WindowEdgesAreInclusive) {
  CoActionGraph g(CoActionOptions{.window = 60, .item_capacity = 64, .max_edges = 64});
  uint64_t item = 42;
  ItemKind kind = ItemKind::kUrl;
  g.Add(0, 1000, 1, &item, &kind, 1);
  g.Add(1, 1060, 2, &item, &kind, 1);  // exactly 60 s later: a co-action
  g.Add(2, 1121, 3, &item, &kind, 1);  // 61 s after account 1: none with 1 (and 121 s after 0)
  g.Add(0, 1122, 4, &item, &kind, 1);  // same item again by 0, 1 s after 2
  std::vector<Edge> edges;
  g.ForEachEdge(1, [&](const Edge& e) { edges.push_back(e); });
  ASSERT_EQ(edges.size(), 2u);
  std::sort(edges.begin(), edges.end(), [](const Edge& x, const Edge& y) { return x.a + x.b < y.a + y.b; });
  EXPECT_EQ(edges[0].a, 0u);
  EXPECT_EQ(edges[0].b, 1u);
  EXPECT_EQ(edges[0].sample[0].ts_a, 1000);
  EXPECT_EQ(edges[0].sample[0].ts_b, 1060);
  EXPECT_EQ(edges[1].a, 0u);
  EXPECT_EQ(edges[1].b, 2u);
  EXPECT_EQ(g.degree(0), 2u);
  EXPECT_EQ(g.total_co_actions(), 2u);
}

TEST(CoAction, SameAccountAndOtherItemsDoNotLink) {
  CoActionGraph g(CoActionOptions{.window = 60, .item_capacity = 64, .max_edges = 64});
  uint64_t x = 1, y = 2;
  ItemKind kind = ItemKind::kText;
  g.Add(0, 10, 1, &x, &kind, 1);
  g.Add(0, 11, 2, &x, &kind, 1);
  g.Add(1, 12, 3, &y, &kind, 1);
  EXPECT_EQ(g.edges(), 0u);
}

TEST(Items, UrlsAreFoundAndNormalised) {
  std::string_view urls[4];
  int n = FindUrls("see https://www.Example.com/a/b/. and (http://x.org/p?q=1), nothttp://no", urls, 4);
  ASSERT_EQ(n, 2);
  EXPECT_EQ(urls[0], "https://www.Example.com/a/b/");
  EXPECT_EQ(urls[1], "http://x.org/p?q=1");
  EXPECT_EQ(UrlKey("https://www.Example.com/a/b/"), UrlKey("http://example.com/a/b"));
  EXPECT_NE(UrlKey("https://example.com/a/b"), UrlKey("https://example.com/a/c"));
}

TEST(Community, TwoCliquesWithAWeakBridge) {
  // Nodes 0-3 and 4-7 are 4-cliques (weight 5); 3-4 is a weak bridge (1); 8 is alone.
  std::vector<WeightedEdge> e;
  for (uint32_t base : {0u, 4u})
    for (uint32_t i = 0; i < 4; ++i)
      for (uint32_t j = i + 1; j < 4; ++j) e.push_back({base + i, base + j, 5});
  e.push_back({3, 4, 1});
  std::vector<uint32_t> c = Louvain(9, e);
  ASSERT_EQ(c.size(), 9u);
  for (uint32_t i = 1; i < 4; ++i) EXPECT_EQ(c[i], c[0]);
  for (uint32_t i = 5; i < 8; ++i) EXPECT_EQ(c[i], c[4]);
  EXPECT_NE(c[0], c[4]);
  EXPECT_NE(c[8], c[0]);
  EXPECT_NE(c[8], c[4]);
}

TEST(Cadence, PeriodicIsRegularRandomIsNot) {
  CadenceStats periodic;
  for (int i = 0; i < 30; ++i) periodic.Add(1000 + i * 600);
  EXPECT_NEAR(periodic.Regularity(), 1.0, 1e-9);
  EXPECT_NEAR(periodic.Burstiness(), -1.0, 1e-9);
  EXPECT_NEAR(periodic.AutomationScore(), 1.0, 1e-9);
  CadenceStats bursty;
  int64_t t = 0;
  for (int i = 0; i < 30; ++i) bursty.Add(t += (i % 10 == 0 ? 20000 : 5));
  EXPECT_GT(bursty.Burstiness(), 0.3);
  EXPECT_LT(bursty.Regularity(), 0.1);
  CadenceStats few;
  few.Add(1);
  few.Add(2);
  EXPECT_LT(few.AutomationScore(), 0.1);  // one interval says little
}

Post MakePost(const std::string& account, int64_t ts, const std::string& text, int64_t line) {
  Post p;
  p.id = "p" + std::to_string(line);
  p.account = account;
  p.ts = ts;
  p.text = text;
  p.line = line;
  return p;
}

TEST(Detector, FindsAFloodAndIgnoresAHeadlineSharedAtDifferentTimes) {
  BehaviorOptions opt;
  opt.near_dup.capacity = 1024;  // small tables: a fast test
  opt.coaction.item_capacity = 1024;
  opt.coaction.max_edges = 1024;
  BehaviorDetector d(opt);
  int64_t line = 0;
  const char* msgs[] = {"alpha bravo charlie delta echo foxtrot golf hotel india juliet",
                        "kilo lima mike november oscar papa quebec romeo sierra tango",
                        "uniform victor whiskey xray yankee zulu one two three four",
                        "five six seven eight nine ten eleven twelve thirteen fourteen"};
  for (int burst = 0; burst < 4; ++burst)
    for (int a = 0; a < 4; ++a)
      d.Add(MakePost("flood" + std::to_string(a), 10000 * (burst + 1) + a * 7, msgs[burst], ++line));
  // One headline with its link, shared by 6 accounts 10 minutes apart, four times over.
  for (int rep = 0; rep < 4; ++rep)
    for (int a = 0; a < 6; ++a)
      d.Add(MakePost("reader" + std::to_string(a), 100000 * (rep + 1) + a * 600,
                     "markets close higher after a quiet week of trading https://news.example/story/" +
                         std::to_string(rep), ++line));
  BehaviorResult r = d.Finish();
  ASSERT_EQ(r.networks.size(), 1u);
  const Network& n = r.networks[0];
  EXPECT_EQ(n.accounts, (std::vector<std::string>{"flood0", "flood1", "flood2", "flood3"}));
  EXPECT_EQ(n.links, 6u);
  EXPECT_GT(n.score, 0.5);
  EXPECT_FALSE(n.evidence.empty());
  EXPECT_EQ(n.evidence[0].kind, "near_duplicate_text");
  for (const AccountSignals& s : r.accounts) {
    bool flood = s.id.starts_with("flood");
    EXPECT_EQ(s.network >= 0, flood) << s.id;
    if (flood) {
      EXPECT_EQ(s.network_size, 4u);
    }
  }
}

TEST(Evaluate, AccountLevelPrecisionAndRecall) {
  auto truth = nlohmann::json::parse(R"({"networks":[{"id":0,"accounts":["a","b","c","d"]},
                                                      {"id":1,"accounts":["e","f"]}],
                                         "lookalike_accounts":["x","y"]})");
  auto r = Evaluate(truth, {{"a", "b", "c"}, {"x", "z"}});
  ASSERT_TRUE(r.ok());
  EXPECT_DOUBLE_EQ(r->precision, 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r->recall, 3.0 / 6.0);
  EXPECT_EQ(r->found_networks, 1u);
  EXPECT_EQ(r->lookalikes_flagged, 1u);
  EXPECT_FALSE(Evaluate(nlohmann::json::object(), {}).ok());
}

TEST(Policy, BehaviourNamesCompileAndAreMissingByDefault) {
  ExprError err;
  auto e = CompileExpr("account.network_size >= 3 and account.coordination_score > 0.5 and "
                       "account.automation_score < 2 and cluster.size >= 1",
                       {}, &err, nullptr);
  ASSERT_NE(e, nullptr) << err.message;
  EvalContext ctx;
  EXPECT_FALSE(e->EvalBool(ctx));  // missing: every comparison is false
  ctx.network_size = 5;
  ctx.coordination_score = 0.9;
  ctx.automation_score = 0.1;
  ctx.cluster_size = 3;
  EXPECT_TRUE(e->EvalBool(ctx));
}

TEST(Policy, DefaultBehaviourPolicyNeverSuspendsOnBehaviourAlone) {
  auto policy = PolicyLoader::Load(EVENHAND_SOURCE_DIR "/policies/behavior.yaml");
  ASSERT_TRUE(policy.ok()) << policy.status().message();
  int reviewed = 0;
  const double sizes[] = {-1, 0, 3, 50, 1e6}, scores[] = {-1, 0, 0.3, 1}, clusters[] = {-1, 1, 100, 1e6};
  for (double ns : sizes)
    for (double cs : scores)
      for (double as : scores)
        for (double cl : clusters) {
          EvalContext ctx;
          ctx.network_size = ns;
          ctx.coordination_score = cs;
          ctx.automation_score = as;
          ctx.cluster_size = cl;
          int rule = (*policy)->Evaluate(ctx);
          if (rule < 0) continue;
          const Rule& r = (*policy)->rules()[rule];
          EXPECT_NE(r.action, Action::kSuspendAccount) << r.id;
          EXPECT_NE(r.action, Action::kRemove) << r.id;
          EXPECT_NE(r.action, Action::kWithhold) << r.id;
          if (r.action == Action::kReview) ++reviewed;
        }
  EXPECT_GT(reviewed, 0);  // networks do go to human review
  for (const Rule& r : (*policy)->rules()) EXPECT_TRUE(r.review) << r.id;
}

}  // namespace
}  // namespace evenhand::behavior
