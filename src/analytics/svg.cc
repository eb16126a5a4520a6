#include "analytics/svg.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace evenhand::analytics {

namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
const char* const kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
                                "#000000"};
constexpr int kPaletteSize = 8;

std::string Num(double v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string Count(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f", std::isfinite(v) ? v : 0.0);
  return buf;
}

std::string Open(int width, int height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\" width=\"100%\" role=\"img\" aria-label=\"" + HtmlEscape(title) +
         "\" style=\"max-width:" + std::to_string(width) + "px;height:auto\" font-family=\"sans-serif\" " +
         "font-size=\"12\"><title>" + HtmlEscape(title) + "</title>";
}

std::string NoData(const std::string& title) {
  return Open(480, 60, title) + "<text x=\"10\" y=\"35\" fill=\"#555\">" + HtmlEscape(title) +
         ": no data in this period</text></svg>";
}

std::string Legend(const std::vector<std::string>& names, int y, int width) {
  std::string out;
  int x = 10;
  for (size_t k = 0; k < names.size(); ++k) {
    const int w = 22 + 7 * static_cast<int>(names[k].size());
    if (x + w > width) {
      x = 10;
      y += 18;
    }
    out += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(y - 10) + "\" width=\"12\" height=\"12\" fill=\"" +
           kPalette[k % kPaletteSize] + "\"/><text x=\"" + std::to_string(x + 16) + "\" y=\"" + std::to_string(y) +
           "\">" + HtmlEscape(names[k]) + "</text>";
    x += w + 10;
  }
  return out;
}

int LegendRows(const std::vector<std::string>& names, int width) {
  int rows = 1, x = 10;
  for (const auto& n : names) {
    const int w = 22 + 7 * static_cast<int>(n.size());
    if (x + w > width) ++rows, x = 10;
    x += w + 10;
  }
  return rows;
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string StackedBarsSvg(const std::string& title, const std::vector<std::string>& labels,
                           const std::vector<std::string>& series, const std::vector<std::vector<double>>& values) {
  double max_total = 0;
  for (const auto& row : values) {
    double t = 0;
    for (double v : row) t += std::isfinite(v) && v > 0 ? v : 0;
    max_total = std::max(max_total, t);
  }
  if (labels.empty() || max_total <= 0) return NoData(title);
  const int width = 420, label_w = 130, bar_h = 20, gap = 6, top = 30;
  const int legend_rows = LegendRows(series, width);
  const int plot_w = width - label_w - 40;
  const int height = top + static_cast<int>(labels.size()) * (bar_h + gap) + 18 * legend_rows + 16;
  std::string out = Open(width, height, title);
  out += "<text x=\"10\" y=\"18\" font-weight=\"bold\" font-size=\"14\">" + HtmlEscape(title) + "</text>";
  for (size_t i = 0; i < labels.size(); ++i) {
    const int y = top + static_cast<int>(i) * (bar_h + gap);
    std::string label = labels[i];
    if (label.size() > 20) {  // cut on a UTF-8 character boundary
      size_t cut = 19;
      while (cut > 0 && (static_cast<unsigned char>(label[cut]) & 0xC0) == 0x80) --cut;
      label = label.substr(0, cut) + "…";
    }
    out += "<text x=\"" + std::to_string(label_w - 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" text-anchor=\"end\">" + HtmlEscape(label) + "</text>";
    double x = label_w, total = 0;
    for (size_t k = 0; k < series.size() && i < values.size() && k < values[i].size(); ++k) {
      const double v = std::isfinite(values[i][k]) && values[i][k] > 0 ? values[i][k] : 0;
      if (v == 0) continue;
      const double w = v / max_total * plot_w;
      out += "<rect x=\"" + Num(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" + Num(w) + "\" height=\"" +
             std::to_string(bar_h) + "\" fill=\"" + kPalette[k % kPaletteSize] + "\"><title>" +
             HtmlEscape(labels[i] + ", " + series[k] + ": " + Count(v)) + "</title></rect>";
      x += w;
      total += v;
    }
    out += "<text x=\"" + Num(x + 4) + "\" y=\"" + std::to_string(y + 15) + "\">" + Count(total) + "</text>";
  }
  out += Legend(series, top + static_cast<int>(labels.size()) * (bar_h + gap) + 14, width);
  return out + "</svg>";
}

std::string StepChartSvg(const std::string& title, const std::string& x_label, const std::string& y_label,
                         const std::vector<StepSeries>& series) {
  double max_x = 0;
  bool any = false;
  for (const auto& s : series)
    for (const auto& [x, y] : s.points)
      if (std::isfinite(x) && std::isfinite(y)) max_x = std::max(max_x, x), any = true;
  if (!any) return NoData(title);
  if (max_x <= 0) max_x = 1;
  std::vector<std::string> names;
  for (const auto& s : series) names.push_back(s.name);
  const int width = 420, left = 46, right = 16, top = 30, plot_h = 200;
  const int legend_rows = LegendRows(names, width);
  const int height = top + plot_h + 40 + 18 * legend_rows + 8;
  const double plot_w = width - left - right;
  auto px = [&](double x) { return left + x / max_x * plot_w; };
  auto py = [&](double y) { return top + (1 - std::clamp(y, 0.0, 1.0)) * plot_h; };
  std::string out = Open(width, height, title);
  out += "<text x=\"10\" y=\"18\" font-weight=\"bold\" font-size=\"14\">" + HtmlEscape(title) + "</text>";
  for (int k = 0; k <= 4; ++k) {  // y grid: 0, 25, 50, 75, 100 %
    const double y = py(k / 4.0);
    out += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + Num(left + plot_w) + "\" y1=\"" + Num(y) +
           "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/><text x=\"" + std::to_string(left - 4) + "\" y=\"" +
           Num(y + 4) + "\" text-anchor=\"end\">" + std::to_string(k * 25) + "%</text>";
  }
  for (int k = 0; k <= 4; ++k) {
    const double x = max_x * k / 4;
    out += "<text x=\"" + Num(px(x)) + "\" y=\"" + std::to_string(top + plot_h + 16) + "\" text-anchor=\"middle\">" +
           Num(x) + "</text>";
  }
  out += "<text x=\"" + Num(left + plot_w / 2) + "\" y=\"" + std::to_string(top + plot_h + 32) +
         "\" text-anchor=\"middle\">" + HtmlEscape(x_label) + "</text>";
  out += "<text x=\"12\" y=\"" + std::to_string(top + plot_h / 2) + "\" transform=\"rotate(-90 12 " +
         std::to_string(top + plot_h / 2) + ")\" text-anchor=\"middle\">" + HtmlEscape(y_label) + "</text>";
  for (size_t k = 0; k < series.size(); ++k) {
    std::string d;
    for (const auto& [x, y] : series[k].points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      d += d.empty() ? "M" + Num(px(x)) + " " + Num(py(y)) : " H" + Num(px(x)) + " V" + Num(py(y));
    }
    if (d.empty()) continue;
    d += " H" + Num(px(max_x));
    out += "<path d=\"" + d + "\" fill=\"none\" stroke-width=\"2\" stroke=\"" + kPalette[k % kPaletteSize] +
           "\"><title>" + HtmlEscape(series[k].name) + "</title></path>";
  }
  out += Legend(names, top + plot_h + 40 + 12, width);
  return out + "</svg>";
}

}  // namespace evenhand::analytics
