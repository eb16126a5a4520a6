#include "media/vpdq_match.h"

#include <algorithm>
#include <unordered_set>

namespace evenhand {
namespace {

struct HashOf {
  size_t operator()(const Hash256& h) const { return static_cast<size_t>(h.w[0] ^ (h.w[1] * 0x9e3779b97f4a7c15ull)); }
};

// Share of `a` with some element of `b` within the rule's threshold; tracks the best distance.
double Percent(const std::vector<Hash256>& a, const std::vector<Hash256>& b, int radius, int* best) {
  if (a.empty() || b.empty()) return 0.0;
  size_t count = 0;
  for (const Hash256& x : a) {
    bool hit = false;
    for (const Hash256& y : b) {
      const int d = Distance(x, y);
      if (d <= radius) {
        if (*best < 0 || d < *best) *best = d;
        hit = true;
        if (*best == 0) break;
      }
    }
    count += hit;
  }
  return static_cast<double>(count) * 100.0 / static_cast<double>(a.size());
}

}  // namespace

void UsableHashes(const std::vector<VpdqFrame>& frames, const VpdqMatchRule& rule, std::vector<Hash256>* out) {
  out->clear();
  std::unordered_set<Hash256, HashOf> seen;
  for (const VpdqFrame& f : frames) {
    if (rule.dedupe && !seen.insert(f.hash).second) continue;  // first occurrence, before the quality filter
    if (f.quality < rule.min_quality) continue;
    out->push_back(f.hash);
  }
}

VpdqMatchResult MatchVpdq(const std::vector<VpdqFrame>& query, const std::vector<VpdqFrame>& target,
                          const VpdqMatchRule& rule) {
  std::vector<Hash256> q, t;
  UsableHashes(query, rule, &q);
  UsableHashes(target, rule, &t);
  VpdqMatchResult r;
  if (q.empty() || t.empty()) return r;
  r.query_pct = Percent(q, t, rule.radius(), &r.distance);
  r.target_pct = Percent(t, q, rule.radius(), &r.distance);
  r.match = r.query_pct >= rule.query_pct && r.target_pct >= rule.target_pct;
  return r;
}

}  // namespace evenhand
