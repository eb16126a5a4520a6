// Survival estimates and the statistics helpers against published, hand-
// checkable examples.
//
// The Kaplan-Meier and log-rank checks use the remission data of the 6-MP
// trial: Freireich EJ et al., "The effect of 6-mercaptopurine on the
// duration of steroid-induced remissions in acute leukemia", Blood
// 21:699-716 (1963) — 21 children on 6-MP and 21 on placebo, remission in
// weeks, "+" = still in remission (censored). The estimates below are the
// ones printed in the standard survival texts that use this data set
// (e.g. Kleinbaum & Klein, "Survival Analysis: A Self-Learning Text",
// ch. 2; Klein & Moeschberger, "Survival Analysis", 2nd ed., sec. 4.2 and
// 7.3): S(t) for the 6-MP group 0.857, 0.807, 0.753, 0.690, 0.627, 0.538,
// 0.448 at weeks 6, 7, 10, 13, 16, 22, 23, Greenwood standard errors
// 0.076, 0.087, 0.096, 0.107, 0.114, 0.128, 0.135; medians 23 (6-MP) and
// 8 (placebo) weeks; log-rank O = 9 vs E = 19.25 for 6-MP, variance
// 6.257, chi-square 16.79 on 1 df.
#include <algorithm>
#include <cmath>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "analytics/stats.h"
#include "analytics/survival.h"

namespace evenhand::analytics {
namespace {

std::vector<Observation> SixMp() {
  // 6, 6, 6, 6+, 7, 9+, 10, 10+, 11+, 13, 16, 17+, 19+, 20+, 22, 23, 25+, 32+, 32+, 34+, 35+
  return {{6, true},   {6, true},   {6, true},   {6, false},  {7, true},   {9, false},  {10, true},
          {10, false}, {11, false}, {13, true},  {16, true},  {17, false}, {19, false}, {20, false},
          {22, true},  {23, true},  {25, false}, {32, false}, {32, false}, {34, false}, {35, false}};
}

std::vector<Observation> Placebo() {
  std::vector<Observation> v;
  for (double t : {1, 1, 2, 2, 3, 4, 4, 5, 5, 8, 8, 8, 8, 11, 11, 12, 12, 15, 17, 22, 23}) v.push_back({t, true});
  return v;
}

TEST(KaplanMeier, SixMpTableMatchesTheTextbook) {
  const KaplanMeier km = EstimateKaplanMeier(SixMp());
  ASSERT_EQ(km.steps.size(), 7u);
  EXPECT_EQ(km.n, 21);
  EXPECT_EQ(km.events, 9);
  const double times[] = {6, 7, 10, 13, 16, 22, 23};
  const int64_t at_risk[] = {21, 17, 15, 12, 11, 7, 6};
  const int64_t events[] = {3, 1, 1, 1, 1, 1, 1};
  const double s[] = {0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448};
  const double se[] = {0.076, 0.087, 0.096, 0.107, 0.114, 0.128, 0.135};
  for (size_t i = 0; i < 7; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(km.steps[i].time, times[i]);
    EXPECT_EQ(km.steps[i].at_risk, at_risk[i]);
    EXPECT_EQ(km.steps[i].events, events[i]);
    EXPECT_NEAR(km.steps[i].survival, s[i], 0.0006);
    EXPECT_NEAR(km.steps[i].std_err, se[i], 0.0006);
    EXPECT_LT(km.steps[i].low, km.steps[i].survival);
    EXPECT_GT(km.steps[i].high, km.steps[i].survival);
  }
  // Exact products: (18/21)(16/17) at week 7.
  EXPECT_NEAR(km.steps[1].survival, 18.0 / 21 * 16.0 / 17, 1e-12);
  EXPECT_NEAR(km.SurvivalAt(12), km.steps[2].survival, 1e-12);
  EXPECT_EQ(km.SurvivalAt(5.9), 1.0);
}

TEST(KaplanMeier, MediansOfBothArms) {
  const QuantileEstimate mp = KmQuantile(EstimateKaplanMeier(SixMp()), 0.5);
  const QuantileEstimate placebo = KmQuantile(EstimateKaplanMeier(Placebo()), 0.5);
  EXPECT_EQ(mp.value, 23);
  EXPECT_EQ(placebo.value, 8);
  EXPECT_LE(placebo.low, 8);
  EXPECT_GE(placebo.high, 8);
  // S never falls to 0.1 in the 6-MP arm: the p90 is not reached, and is
  // reported as such rather than as the last time seen.
  EXPECT_FALSE(KmQuantile(EstimateKaplanMeier(SixMp()), 0.9).reached());
  EXPECT_EQ(KmQuantile(EstimateKaplanMeier(Placebo()), 0.9).value, 17);
}

std::vector<TimeTally> TalliesOf(std::vector<Observation> obs) {
  std::sort(obs.begin(), obs.end(), [](const Observation& a, const Observation& b) { return a.time < b.time; });
  std::vector<TimeTally> t;
  for (const Observation& o : obs) AddToTallies(&t, o.time, o.event);
  return t;
}

void ExpectSameQuantile(const QuantileEstimate& a, const QuantileEstimate& b) {
  for (auto [x, y] : {std::pair{a.value, b.value}, {a.low, b.low}, {a.high, b.high}}) {
    if (std::isnan(y)) EXPECT_TRUE(std::isnan(x)) << x;
    else EXPECT_EQ(x, y);
  }
}

// The one-pass median and p90 agree with the full table read by KmQuantile:
// on the textbook arms, and on random records with heavy censoring, ties and
// few events (so that some values are not reached).
TEST(KaplanMeier, OnePassMedianAndP90AgreeWithTheTable) {
  std::mt19937 rng(7);
  std::vector<std::vector<Observation>> samples = {SixMp(), Placebo(), {}};
  for (int k = 0; k < 200; ++k) {
    std::vector<Observation> obs(1 + rng() % 400);
    const int censor_share = static_cast<int>(rng() % 90);
    for (Observation& o : obs) o = {static_cast<double>(rng() % (1 + rng() % 60)), static_cast<int>(rng() % 100) >= censor_share};
    samples.push_back(std::move(obs));
  }
  for (size_t i = 0; i < samples.size(); ++i) {
    SCOPED_TRACE(i);
    const std::vector<TimeTally> tallies = TalliesOf(samples[i]);
    for (double level : {0.95, 0.9}) {
      const KaplanMeier table = EstimateKaplanMeierTallies(tallies, level);
      const KmMedianP90 fast = KaplanMeierMedianP90(tallies, level);
      ExpectSameQuantile(fast.median, KmQuantile(table, 0.5));
      ExpectSameQuantile(fast.p90, KmQuantile(table, 0.9));
    }
  }
  EXPECT_EQ(KaplanMeierMedianP90(TalliesOf(Placebo())).median.value, 8);
  EXPECT_FALSE(KaplanMeierMedianP90(TalliesOf(SixMp())).p90.reached());
}

// Tallies and observations give the same log-rank test.
TEST(LogRank, TalliesGiveTheSameTest) {
  const LogRankResult a = LogRankTest(SixMp(), Placebo());
  const LogRankResult b = LogRankTestTallies(TalliesOf(SixMp()), TalliesOf(Placebo()));
  EXPECT_EQ(a.chi_square, b.chi_square);
  EXPECT_EQ(a.observed_a, b.observed_a);
  EXPECT_EQ(a.expected_a, b.expected_a);
  EXPECT_EQ(a.variance, b.variance);
}

TEST(LogRank, SixMpAgainstPlaceboMatchesTheTextbook) {
  const LogRankResult r = LogRankTest(SixMp(), Placebo());
  EXPECT_EQ(r.observed_a, 9);
  EXPECT_NEAR(r.expected_a, 19.25, 0.005);
  EXPECT_EQ(r.observed_b, 21);
  EXPECT_NEAR(r.expected_b, 10.75, 0.005);
  EXPECT_NEAR(r.variance, 6.257, 0.001);
  EXPECT_NEAR(r.chi_square, 16.79, 0.005);
  EXPECT_LT(r.p_value, 1e-4);
  EXPECT_GT(r.p_value, 1e-5);
  // Symmetric in its arguments.
  EXPECT_NEAR(LogRankTest(Placebo(), SixMp()).chi_square, r.chi_square, 1e-9);
}

TEST(KaplanMeier, CensoringOnlyAndEmptyInput) {
  const KaplanMeier none = EstimateKaplanMeier({});
  EXPECT_TRUE(none.steps.empty());
  EXPECT_FALSE(KmQuantile(none, 0.5).reached());
  // All open: no event, S stays 1, the median is not reached.
  const KaplanMeier open = EstimateKaplanMeier({{5, false}, {9, false}});
  EXPECT_TRUE(open.steps.empty());
  EXPECT_EQ(open.SurvivalAt(100), 1.0);
  EXPECT_FALSE(KmQuantile(open, 0.5).reached());
  // Open cases are not dropped: 4 cases, 2 closed at 1 h and 2 h, 2 open
  // at 0.5 h. The average of the closed ones is 1.5 h; KM says S(1) = 2/3
  // (the two open at 0.5 h leave the risk set first), S(2) = 1/3... the
  // median is 2 h, not 1.5.
  const KaplanMeier km = EstimateKaplanMeier({{0.5, false}, {1, true}, {2, true}, {3, false}});
  ASSERT_EQ(km.steps.size(), 2u);
  EXPECT_NEAR(km.steps[0].survival, 2.0 / 3, 1e-12);
  EXPECT_NEAR(km.steps[1].survival, 1.0 / 3, 1e-12);
  EXPECT_EQ(KmQuantile(km, 0.5).value, 2);
}

TEST(LogRank, EmptyGroupOrNoEventIsNotATest) {
  EXPECT_TRUE(std::isnan(LogRankTest({}, Placebo()).chi_square));
  EXPECT_EQ(LogRankTest(SixMp(), {}).p_value, 1.0);
  EXPECT_EQ(LogRankTest({{1, false}}, {{2, false}}).p_value, 1.0);
}

TEST(Stats, ChiSquareAndNormalTails) {
  EXPECT_NEAR(ChiSquareSf(3.841458820694124, 1), 0.05, 1e-9);
  EXPECT_NEAR(ChiSquareSf(5.991464547107979, 2), 0.05, 1e-9);
  EXPECT_NEAR(ChiSquareSf(18.307038053275146, 10), 0.05, 1e-9);
  EXPECT_NEAR(NormalQuantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(NormalCdf(-1.959963984540054), 0.025, 1e-12);
}

TEST(Stats, NewcombeIntervalOfADifference) {
  // Newcombe RG, Statistics in Medicine 17:873-890 (1998), Table II,
  // example (a): 56/70 vs 48/80, method 10 (score, no continuity
  // correction): 0.0524 to 0.3339.
  const ProportionDiff d = CompareProportions(56, 70, 48, 80);
  EXPECT_NEAR(d.diff, 0.2, 1e-12);
  EXPECT_NEAR(d.low, 0.0524, 0.00006);
  EXPECT_NEAR(d.high, 0.3339, 0.00006);
  EXPECT_LT(d.p_value, 0.05);
  const ProportionDiff empty = CompareProportions(0, 0, 3, 10);
  EXPECT_TRUE(std::isnan(empty.diff));
}

TEST(Stats, HolmAndBenjaminiHochbergWorkedByHand) {
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  // Holm: sorted 0.005*4, 0.01*3, 0.03*2, 0.04*1 -> 0.02, 0.03, 0.06, max(0.06, 0.04).
  const auto holm = AdjustPValues(p, Correction::kHolm);
  EXPECT_NEAR(holm[0], 0.03, 1e-12);
  EXPECT_NEAR(holm[1], 0.06, 1e-12);
  EXPECT_NEAR(holm[2], 0.06, 1e-12);
  EXPECT_NEAR(holm[3], 0.02, 1e-12);
  // BH: 0.005*4/1, 0.01*4/2, 0.03*4/3, 0.04*4/4 -> 0.02, 0.02, 0.04, 0.04.
  const auto bh = AdjustPValues(p, Correction::kBenjaminiHochberg);
  EXPECT_NEAR(bh[0], 0.02, 1e-12);
  EXPECT_NEAR(bh[1], 0.04, 1e-12);
  EXPECT_NEAR(bh[2], 0.04, 1e-12);
  EXPECT_NEAR(bh[3], 0.02, 1e-12);
  EXPECT_TRUE(AdjustPValues({}, Correction::kHolm).empty());
}

}  // namespace
}  // namespace evenhand::analytics
