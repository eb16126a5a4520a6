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

// Advance widths of DejaVu Sans (1/1000 em), ASCII 32..126.
constexpr unsigned short kAdvance[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,  // ' '../
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,  // 0..?
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,  // @..O
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,  // P.._
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,  // `..o
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};      // p..~

std::string Open(int width, int height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(width) + " " +
         std::to_string(height) + "\" width=\"100%\" role=\"img\" aria-label=\"" + HtmlEscape(title) +
         "\" style=\"max-width:" + std::to_string(width) + "px;height:auto\" font-family=\"sans-serif\" " +
         "font-size=\"12\"><title>" + HtmlEscape(title) + "</title>";
}

constexpr int kPad = 10;
constexpr double kTitleSize = 14, kTextSize = 12;
constexpr int kTitleLine = 18, kTextLine = 15;

// The title, wrapped to `width`, from baseline 18; returns the y below it.
int TitleLines(const std::string& title, int width, std::string* out) {
  int y = 18;
  for (const std::string& line : WrapText(title, width - 2 * kPad, kTitleSize, true)) {
    *out += "<text x=\"" + std::to_string(kPad) + "\" y=\"" + std::to_string(y) +
            "\" font-weight=\"bold\" font-size=\"14\">" + HtmlEscape(line) + "</text>";
    y += kTitleLine;
  }
  return y - kTitleLine + 12;
}

// The widest word of `text` (what WrapText cannot split).
double WidestWord(const std::string& text, double size, bool bold) {
  double widest = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    widest = std::max(widest, EstimateTextWidth(std::string_view(text).substr(start, end - start), size, bold));
    start = end + 1;
  }
  return widest;
}

int Ceil(double v) { return static_cast<int>(std::ceil(v)); }

std::string NoData(const std::string& title) {
  const std::string text = title + ": no data in this period";
  const int width = std::max(480, Ceil(WidestWord(text, kTextSize, false)) + 2 * kPad);
  const std::vector<std::string> lines = WrapText(text, width - 2 * kPad, kTextSize);
  std::string body;
  int y = 30;
  for (const std::string& line : lines) {
    body += "<text x=\"" + std::to_string(kPad) + "\" y=\"" + std::to_string(y) + "\" fill=\"#555\">" +
            HtmlEscape(line) + "</text>";
    y += kTextLine;
  }
  return Open(width, y + 10, title) + body + "</svg>";
}

double LegendItemWidth(const std::string& name) { return 16 + EstimateTextWidth(name, kTextSize); }

std::string Legend(const std::vector<std::string>& names, int y, int width) {
  std::string out;
  double x = kPad;
  for (size_t k = 0; k < names.size(); ++k) {
    const double w = LegendItemWidth(names[k]);
    if (x > kPad && x + w > width - kPad) {
      x = kPad;
      y += 18;
    }
    out += "<rect x=\"" + Num(x) + "\" y=\"" + std::to_string(y - 10) + "\" width=\"12\" height=\"12\" fill=\"" +
           kPalette[k % kPaletteSize] + "\"/><text x=\"" + Num(x + 16) + "\" y=\"" + std::to_string(y) + "\">" +
           HtmlEscape(names[k]) + "</text>";
    x += w + 12;
  }
  return out;
}

int LegendRows(const std::vector<std::string>& names, int width) {
  int rows = 1;
  double x = kPad;
  for (const auto& n : names) {
    const double w = LegendItemWidth(n);
    if (x > kPad && x + w > width - kPad) ++rows, x = kPad;
    x += w + 12;
  }
  return rows;
}

// The narrowest chart width (at least `base`) in which every legend item
// and every word of `texts` fits on a line.
int MinWidth(int base, const std::vector<std::string>& legend, const std::vector<std::string>& texts, double size,
             bool bold, int extra) {
  double need = 0;
  for (const auto& n : legend) need = std::max(need, LegendItemWidth(n));
  for (const auto& t : texts) need = std::max(need, WidestWord(t, size, bold) + extra);
  return std::max(base, Ceil(need) + 2 * kPad);
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

double EstimateTextWidth(std::string_view utf8, double font_size, bool bold) {
  double em = 0;
  for (size_t i = 0; i < utf8.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(utf8[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: counted with its lead
    if (c >= 32 && c <= 126) em += kAdvance[c - 32] / 1000.0;
    else if (c >= 0x80) em += 1.0;
  }
  return em * font_size * 1.05 * (bold ? 1.15 : 1.0);
}

std::vector<std::string> WrapText(const std::string& text, double max_width, double font_size, bool bold) {
  std::vector<std::string> lines;
  std::string line;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    const std::string joined = line.empty() ? word : line + " " + word;
    if (line.empty() || EstimateTextWidth(joined, font_size, bold) <= max_width) {
      line = joined;
    } else {
      lines.push_back(line);
      line = word;
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
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
  const int bar_h = 20, gap = 8;
  // Room after the longest bar for its total.
  const int count_w = Ceil(EstimateTextWidth(Count(max_total), kTextSize)) + 8;
  // Labels left of their bars when every one fits in 130 px, else above them.
  constexpr int kLeftLabels = 130;
  bool left = true;
  for (const auto& l : labels) left = left && EstimateTextWidth(l, kTextSize) <= kLeftLabels - 6 - kPad;
  std::vector<std::string> texts = labels;
  texts.push_back(title);
  const int width =
      std::max(MinWidth(420, series, texts, kTextSize, false, 0), Ceil(WidestWord(title, kTitleSize, true)) + 2 * kPad);
  const int label_w = left ? kLeftLabels : kPad;
  const double plot_w = width - label_w - kPad - count_w;
  std::string body;
  int y = TitleLines(title, width, &body);
  for (size_t i = 0; i < labels.size(); ++i) {
    if (left) {
      body += "<text x=\"" + std::to_string(label_w - 6) + "\" y=\"" + std::to_string(y + 15) +
              "\" text-anchor=\"end\">" + HtmlEscape(labels[i]) + "</text>";
    } else {
      for (const std::string& line : WrapText(labels[i], width - 2 * kPad, kTextSize)) {
        y += kTextLine - 2;
        body += "<text x=\"" + std::to_string(kPad) + "\" y=\"" + std::to_string(y) + "\">" + HtmlEscape(line) +
                "</text>";
      }
      y += 5;
    }
    double x = label_w, total = 0;
    for (size_t k = 0; k < series.size() && i < values.size() && k < values[i].size(); ++k) {
      const double v = std::isfinite(values[i][k]) && values[i][k] > 0 ? values[i][k] : 0;
      if (v == 0) continue;
      const double w = v / max_total * plot_w;
      body += "<rect x=\"" + Num(x) + "\" y=\"" + std::to_string(y) + "\" width=\"" + Num(w) + "\" height=\"" +
              std::to_string(bar_h) + "\" fill=\"" + kPalette[k % kPaletteSize] + "\"><title>" +
              HtmlEscape(labels[i] + ", " + series[k] + ": " + Count(v)) + "</title></rect>";
      x += w;
      total += v;
    }
    body += "<text x=\"" + Num(x + 4) + "\" y=\"" + std::to_string(y + 15) + "\">" + Count(total) + "</text>";
    y += bar_h + gap;
  }
  const int legend_rows = LegendRows(series, width);
  body += Legend(series, y + 14, width);
  const int height = y + 18 * legend_rows + 16;
  return Open(width, height, title) + body + "</svg>";
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
  const int left = 46, right = 16, plot_h = 200;
  const int width = std::max(MinWidth(420, names, {x_label}, kTextSize, false, left + right - 2 * kPad),
                             Ceil(WidestWord(title, kTitleSize, true)) + 2 * kPad);
  const int legend_rows = LegendRows(names, width);
  const double plot_w = width - left - right;
  std::string body;
  const int top = TitleLines(title, width, &body) + 6;
  const int height = top + plot_h + 40 + 18 * legend_rows + 8;
  auto px = [&](double x) { return left + x / max_x * plot_w; };
  auto py = [&](double y) { return top + (1 - std::clamp(y, 0.0, 1.0)) * plot_h; };
  for (int k = 0; k <= 4; ++k) {  // y grid: 0, 25, 50, 75, 100 %
    const double y = py(k / 4.0);
    body += "<line x1=\"" + std::to_string(left) + "\" x2=\"" + Num(left + plot_w) + "\" y1=\"" + Num(y) +
            "\" y2=\"" + Num(y) + "\" stroke=\"#ddd\"/><text x=\"" + std::to_string(left - 4) + "\" y=\"" +
            Num(y + 4) + "\" text-anchor=\"end\">" + std::to_string(k * 25) + "%</text>";
  }
  for (int k = 0; k <= 4; ++k) {  // the last tick ends at the plot's right edge
    const double x = max_x * k / 4;
    body += "<text x=\"" + Num(px(x)) + "\" y=\"" + std::to_string(top + plot_h + 16) + "\" text-anchor=\"" +
            (k == 4 ? "end" : "middle") + "\">" + Num(x) + "</text>";
  }
  body += "<text x=\"" + Num(left + plot_w / 2) + "\" y=\"" + std::to_string(top + plot_h + 32) +
          "\" text-anchor=\"middle\">" + HtmlEscape(x_label) + "</text>";
  body += "<text x=\"16\" y=\"" + std::to_string(top + plot_h / 2) + "\" transform=\"rotate(-90 16 " +
          std::to_string(top + plot_h / 2) + ")\" text-anchor=\"middle\">" + HtmlEscape(y_label) + "</text>";
  for (size_t k = 0; k < series.size(); ++k) {
    std::string d;
    for (const auto& [x, y] : series[k].points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      d += d.empty() ? "M" + Num(px(x)) + " " + Num(py(y)) : " H" + Num(px(x)) + " V" + Num(py(y));
    }
    if (d.empty()) continue;
    d += " H" + Num(px(max_x));
    body += "<path d=\"" + d + "\" fill=\"none\" stroke-width=\"2\" stroke=\"" + kPalette[k % kPaletteSize] +
            "\"><title>" + HtmlEscape(series[k].name) + "</title></path>";
  }
  body += Legend(names, top + plot_h + 40 + 12, width);
  return Open(width, height, title) + body + "</svg>";
}

}  // namespace evenhand::analytics
