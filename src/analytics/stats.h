// Small statistical helpers the analytics share: the normal and chi-square
// tail probabilities, the difference of two proportions with its
// confidence interval, and corrections for multiple comparisons.
//
// Pure functions of their arguments; thread safe; never throw. Inputs
// outside a function's domain give NaN (documented per function).
#pragma once

#include <cstdint>
#include <vector>

namespace evenhand::analytics {

// P(Z <= z) for a standard normal Z.
double NormalCdf(double z);
// The z with NormalCdf(z) = p, for 0 < p < 1 (NaN otherwise); found by
// bisection to about 1e-12.
double NormalQuantile(double p);
// P(X >= x) for X chi-square with `df` degrees of freedom (df >= 1).
double ChiSquareSf(double x, int df);

// The difference p1 - p2 of two proportions x1/n1 and x2/n2, with a
// two-sided Wald-type z test (pooled standard error) and a Newcombe
// (Wilson score, method 10) confidence interval at `level` (e.g. 0.95).
// Empty groups (n1 == 0 or n2 == 0) give NaN everywhere but the counts.
struct ProportionDiff {
  int64_t x1 = 0, n1 = 0, x2 = 0, n2 = 0;
  double p1 = 0, p2 = 0;
  double diff = 0;            // p1 - p2
  double low = 0, high = 0;   // confidence interval of diff
  double z = 0;
  double p_value = 1;         // two-sided
};
ProportionDiff CompareProportions(int64_t x1, int64_t n1, int64_t x2, int64_t n2, double level = 0.95);

// Wilson score interval of x/n at `level`; {NaN, NaN} when n == 0.
struct Interval {
  double low = 0, high = 0;
};
Interval WilsonInterval(int64_t x, int64_t n, double level = 0.95);

// Adjusted p-values, in the order of `p` (NaN entries stay NaN and do not
// count towards the number of tests).
//   Holm (1979): step-down, controls the family-wise error rate.
//   Benjamini-Hochberg (1995): step-up, controls the false discovery rate.
enum class Correction { kNone, kHolm, kBenjaminiHochberg };
std::vector<double> AdjustPValues(const std::vector<double>& p, Correction method);

}  // namespace evenhand::analytics
