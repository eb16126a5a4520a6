// Charts as inline SVG for the HTML reports: horizontal stacked bars and
// step curves (Kaplan-Meier). Each function returns one self-contained
// <svg> element with a viewBox, so it scales to the width of a phone; text
// is escaped; no NaN or infinity ever reaches the markup (such points are
// dropped). Empty input gives a small chart that says "no data" instead
// of a broken one. Pure functions; thread safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evenhand::analytics {

// Escapes &, <, >, " and ' for HTML and SVG text and attributes.
std::string HtmlEscape(std::string_view text);

// One bar per label; values[i][k] is series k of bar i (>= 0).
std::string StackedBarsSvg(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::string>& series, const std::vector<std::vector<double>>& values);

struct StepSeries {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending; drawn as a right-continuous step
};
// y is a share in [0, 1], shown as a percentage; each series starts at its first point.
std::string StepChartSvg(const std::string& title, const std::string& x_label, const std::string& y_label,
                         const std::vector<StepSeries>& series);

}  // namespace evenhand::analytics
