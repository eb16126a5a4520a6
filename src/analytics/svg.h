// Charts as inline SVG for the HTML reports: horizontal stacked bars and
// step curves (Kaplan-Meier). Each function returns one self-contained
// <svg> element with a viewBox, so it scales to the width of a phone; text
// is escaped; no NaN or infinity ever reaches the markup (such points are
// dropped). Empty input gives a small chart that says "no data" instead
// of a broken one. No text is cut and none runs out of its chart: titles
// and bar labels wrap onto more lines, the chart grows to hold what cannot
// wrap, and every <text> fits the viewBox by EstimateTextWidth (which
// errs wide for the common sans-serif fonts). Pure functions; thread safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evenhand::analytics {

// Width in px of `utf8` (unescaped) set in a sans-serif font of
// `font_size` px: per-character widths of DejaVu Sans (the widest of the
// common sans-serif faces) plus 5 %, bold 15 % wider, any non-ASCII
// character a full em.
double EstimateTextWidth(std::string_view utf8, double font_size, bool bold = false);

// Splits `text` at spaces into lines no wider than `max_width` (by
// EstimateTextWidth); a word wider than that is a line of its own.
std::vector<std::string> WrapText(const std::string& text, double max_width, double font_size, bool bold = false);

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
