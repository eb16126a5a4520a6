// Time-to-event estimates for right-censored data: the Kaplan-Meier
// product-limit estimate with Greenwood standard errors and log-log
// confidence intervals, quantiles (median, p90) with confidence intervals
// read off the pointwise band, and the two-sample log-rank test.
//
// Here an "event" is an action (or decision) on a case and the time is the
// time from receipt to it; a case still open is right-censored at the
// reference time: it is known to have taken at least that long. Averages
// of the closed cases would understate the time; these estimates do not.
//
// Pure functions; thread safe. Empty input gives an empty table, NaN
// quantiles and a NaN log-rank statistic rather than an error.
#pragma once

#include <cstdint>
#include <vector>

namespace evenhand::analytics {

struct Observation {
  double time = 0;     // >= 0, any unit (the analytics use hours)
  bool event = false;  // false: censored (still open at `time`)
};

// The observations of one group at one time: how many events and how many
// censorings. A group's tallies in ascending time order, one per distinct
// time, hold all the Kaplan-Meier estimate and the log-rank test need, and
// are far fewer than its observations when times repeat (whole seconds
// over a few days, millions of cases).
struct TimeTally {
  double time = 0;
  int64_t events = 0;
  int64_t censored = 0;
};

// Adds one observation to tallies kept in ascending time order: `time` must
// not be less than the last tally's.
inline void AddToTallies(std::vector<TimeTally>* tallies, double time, bool event) {
  if (tallies->empty() || tallies->back().time != time) tallies->push_back(TimeTally{time, 0, 0});
  (event ? tallies->back().events : tallies->back().censored) += 1;
}

// One distinct event time of the estimate.
struct KmStep {
  double time = 0;
  int64_t at_risk = 0;   // observations with time >= this time
  int64_t events = 0;    // events at this time
  int64_t censored = 0;  // censored after the previous event time, up to and including this one
  double survival = 1;   // S(t): share still without action just after `time`
  double std_err = 0;    // Greenwood standard error of S(t)
  double low = 1, high = 1;  // confidence interval of S(t) (log-log transform)
};

struct KaplanMeier {
  int64_t n = 0;
  int64_t events = 0;
  double level = 0.95;
  std::vector<KmStep> steps;  // one per distinct event time, ascending
  // S(t) for any t >= 0 (1 before the first event).
  double SurvivalAt(double t) const;
};

// Sorts a copy of `obs`; at tied times events count before censorings
// (the usual convention: a case censored at t was at risk at t).
KaplanMeier EstimateKaplanMeier(std::vector<Observation> obs, double level = 0.95);
// The same for observations already sorted by time (ascending; within a
// tie in any order): no copy, no sort.
KaplanMeier EstimateKaplanMeierSorted(const std::vector<Observation>& sorted, double level = 0.95);

// The same for tallies in ascending time order (AddToTallies).
KaplanMeier EstimateKaplanMeierTallies(const std::vector<TimeTally>& tallies, double level = 0.95);

// The same again, fed one observation at a time in ascending time order
// (within a tie in any order) and keeping none of them: for callers that
// walk cases already sorted by time. `n` is the number of observations
// that will be added; Finish() once, after the last. Gives exactly the
// estimate EstimateKaplanMeierSorted gives for the same observations.
class KaplanMeierBuilder {
 public:
  explicit KaplanMeierBuilder(int64_t n, double level = 0.95);
  void Add(double time, bool event) { AddCounts(time, event ? 1 : 0, event ? 0 : 1); }
  // `events` and `censored` observations at `time`.
  void AddCounts(double time, int64_t events, int64_t censored) {
    if (pending_ && time != time_) Flush();
    if (!pending_) {
      pending_ = true;
      time_ = time;
    }
    events_ += events;
    censored_ += censored;
  }
  KaplanMeier Finish();

 private:
  void Flush();  // the tie at time_

  KaplanMeier km_;
  double z_ = 0;
  double s_ = 1, greenwood_ = 0;  // running sum of d / (n (n - d))
  int64_t at_risk_ = 0, censored_since_ = 0;
  bool pending_ = false;
  double time_ = 0;
  int64_t events_ = 0, censored_ = 0;  // at time_
};

// The q-quantile of the time to event (q = 0.5: median; 0.9: p90): the first
// event time at which S(t) <= 1 - q. `low`/`high` are the first times at
// which the band's lower / upper bound reaches 1 - q. A value that the data
// do not reach (too many still open) is NaN: report it as "not reached",
// never as the largest time seen.
struct QuantileEstimate {
  double value = 0, low = 0, high = 0;
  bool reached() const { return value == value; }  // not NaN
};
QuantileEstimate KmQuantile(const KaplanMeier& km, double q);

// The median and the p90 with their confidence intervals, from tallies in
// ascending time order, in one pass that keeps no steps and stops once all
// six values are found: what KmQuantile reads off
// EstimateKaplanMeierTallies(tallies, level) (the interval bounds are
// compared in log space, so a bound within rounding of its target may
// fall one step apart). For reports that show only these.
struct KmMedianP90 {
  QuantileEstimate median, p90;
};
KmMedianP90 KaplanMeierMedianP90(const std::vector<TimeTally>& tallies, double level = 0.95);

// Two-sample log-rank (Mantel-Cox) test of equal time-to-event
// distributions: observed and expected events in group A, the
// hypergeometric variance, the chi-square statistic (1 df) and its p-value.
// NaN statistic and p = 1 when either group is empty or there is no event.
struct LogRankResult {
  double observed_a = 0, expected_a = 0;
  double observed_b = 0, expected_b = 0;
  double variance = 0;
  double chi_square = 0;
  double p_value = 1;
};
LogRankResult LogRankTest(const std::vector<Observation>& a, const std::vector<Observation>& b);
// The same for inputs already sorted by time (ascending): no copy, one
// merge pass, O(|a| + |b|). For callers that compare one group many times.
LogRankResult LogRankTestSorted(const std::vector<Observation>& a, const std::vector<Observation>& b);
// The same for tallies in ascending time order: O(distinct times), so a
// group compared with many others is walked at its tallies, not its cases.
LogRankResult LogRankTestTallies(const std::vector<TimeTally>& a, const std::vector<TimeTally>& b);

}  // namespace evenhand::analytics
