#include "behavior/network_html.h"

#include <algorithm>
#include <cstdio>

#include "model/time.h"

namespace evenhand::behavior {

namespace {

std::string Esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string Timeline(const Network& n) {
  if (n.timeline.empty()) return "<p class=dim>No time line (evidence not resolved from the input file).</p>";
  const int w = 720, h = 90;
  uint32_t peak = 1;
  for (const auto& [t, c] : n.timeline) peak = std::max(peak, c);
  int64_t t0 = n.timeline.front().first, t1 = n.timeline.back().first + n.bucket_seconds;
  double span = static_cast<double>(std::max<int64_t>(1, t1 - t0));
  double bw = std::max(1.0, w * n.bucket_seconds / span - 1);
  std::string s = "<svg width=" + std::to_string(w) + " height=" + std::to_string(h + 18) + " role=img>";
  for (const auto& [t, c] : n.timeline) {
    double x = w * (t - t0) / span, bh = static_cast<double>(h) * c / peak;
    s += "<rect x=" + Fmt("%.1f", x) + " y=" + Fmt("%.1f", h - bh) + " width=" + Fmt("%.1f", bw) +
         " height=" + Fmt("%.1f", bh) + " fill=#4a6fa5><title>" + FormatTimestamp(t) + ": " + std::to_string(c) +
         " posts</title></rect>";
  }
  s += "<text x=0 y=" + std::to_string(h + 14) + ">" + FormatTimestamp(t0) + "</text><text x=" + std::to_string(w) +
       " y=" + std::to_string(h + 14) + " text-anchor=end>" + FormatTimestamp(t1) + "</text></svg>";
  s += "<p class=dim>Posts by the network's accounts per " + std::to_string(n.bucket_seconds) +
       " s (peak " + std::to_string(peak) + ").</p>";
  return s;
}

}  // namespace

std::string RenderNetworksHtml(const std::vector<Network>& networks, const std::string& title) {
  size_t accounts = 0;
  for (const Network& n : networks) accounts += n.accounts.size();
  std::string h =
      "<!doctype html><html><head><meta charset=utf-8><title>" + Esc(title) +
      "</title><style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}"
      "section{border:1px solid #ccc;border-radius:6px;padding:1em;margin:1em 0}table{border-collapse:collapse}"
      "td,th{border-bottom:1px solid #eee;padding:2px 8px;text-align:left;vertical-align:top}.dim{color:#777}"
      ".score{font-weight:bold}code{font-size:12px}</style></head><body>";
  h += "<h1>" + Esc(title) + "</h1>";
  h += "<p>" + std::to_string(networks.size()) + " coordinated networks, " + std::to_string(accounts) +
       " accounts. Networks are found from behaviour only: accounts that repeatedly post near-identical text, the "
       "same URL or the same media within a short time of each other (seconds to hours), more often than chance "
       "explains given how active each account is. Nothing here judges what the posts say. "
       "Every network is for human review; none is an automatic sanction.</p>";
  h += "<table><tr><th>network</th><th>accounts</th><th>score</th><th>co-actions</th><th>first</th><th>last</th></tr>";
  for (const Network& n : networks)
    h += "<tr><td><a href=#n" + std::to_string(n.id) + ">#" + std::to_string(n.id) + "</a></td><td>" +
         std::to_string(n.accounts.size()) + "</td><td>" + Fmt("%.2f", n.score) + "</td><td>" +
         std::to_string(n.co_actions) + "</td><td>" + FormatTimestamp(n.first_ts) + "</td><td>" +
         FormatTimestamp(n.last_ts) + "</td></tr>";
  h += "</table>";
  for (const Network& n : networks) {
    h += "<section id=n" + std::to_string(n.id) + "><h2>Network #" + std::to_string(n.id) + ": " +
         std::to_string(n.accounts.size()) + " accounts</h2>";
    h += "<p><span class=score>score " + Fmt("%.2f", n.score) + "</span> &middot; " + Fmt("%.1f", n.significance) +
         " times the co-actions chance predicts &middot; linked within " + std::to_string(n.interval_seconds) +
         " s &middot; density " + Fmt("%.2f", n.density) +
         " &middot; " + std::to_string(n.links) + " linked pairs &middot; " + std::to_string(n.co_actions) +
         " co-actions &middot; " + FormatTimestamp(n.first_ts) + " to " + FormatTimestamp(n.last_ts) + "</p>";
    h += "<p>Linked pairs by kind: ";
    for (const auto& [k, c] : n.kinds) h += Esc(k) + " " + std::to_string(c) + "; ";
    h += "</p>";
    h += Timeline(n);
    h += "<h3>Registration countries (counts only)</h3><table><tr><th>country</th><th>accounts</th></tr>";
    std::vector<std::pair<std::string, uint32_t>> cs(n.countries.begin(), n.countries.end());
    std::sort(cs.begin(), cs.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [c, k] : cs)
      h += "<tr><td>" + (c.empty() ? std::string("unknown") : Esc(c)) + "</td><td>" + std::to_string(k) + "</td></tr>";
    h += "</table><h3>Evidence samples</h3><table><tr><th>kind</th><th>accounts</th><th>posts</th><th>times</th>"
         "<th>apart</th><th>pair total</th><th>shared item</th></tr>";
    for (const EvidenceSample& e : n.evidence) {
      auto post = [](const std::string& id, uint64_t line) { return id.empty() ? "line " + std::to_string(line) : id; };
      h += "<tr><td>" + Esc(e.kind) + "</td><td>" + Esc(e.account_a) + "<br>" + Esc(e.account_b) + "</td><td>" +
           Esc(post(e.post_a, e.line_a)) + "<br>" + Esc(post(e.post_b, e.line_b)) + "</td><td>" +
           FormatTimestamp(e.ts_a) + "<br>" + FormatTimestamp(e.ts_b) + "</td><td>" +
           std::to_string(e.ts_a > e.ts_b ? e.ts_a - e.ts_b : e.ts_b - e.ts_a) + " s</td><td>" +
           std::to_string(e.pair_weight) + "</td><td><code>" + Esc(e.item) + "</code></td></tr>";
    }
    h += "</table><details><summary>Accounts under review (" + std::to_string(n.accounts.size()) + ")</summary><p>";
    for (const std::string& a : n.accounts) h += "<code>" + Esc(a) + "</code> ";
    h += "</p></details></section>";
  }
  h += "</body></html>\n";
  return h;
}

}  // namespace evenhand::behavior
