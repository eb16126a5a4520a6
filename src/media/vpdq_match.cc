#include "media/vpdq_match.h"

#include <algorithm>

namespace evenhand {
namespace {

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
  std::vector<std::pair<Hash256, uint32_t>> scratch;
  UsableHashes(frames, rule, out, &scratch);
}

void UsableHashes(const std::vector<VpdqFrame>& frames, const VpdqMatchRule& rule, std::vector<Hash256>* out,
                  std::vector<std::pair<Hash256, uint32_t>>* scratch) {
  out->clear();
  if (!rule.dedupe) {
    for (const VpdqFrame& f : frames)
      if (f.quality >= rule.min_quality) out->push_back(f.hash);
    return;
  }
  // The first occurrence of each hash (before the quality filter), in frame order:
  // sort (hash, index), keep each hash's smallest index, then restore frame order.
  scratch->clear();
  for (uint32_t i = 0; i < frames.size(); ++i) scratch->emplace_back(frames[i].hash, i);
  auto less = [](const std::pair<Hash256, uint32_t>& a, const std::pair<Hash256, uint32_t>& b) {
    for (int k = 0; k < 4; ++k)
      if (a.first.w[k] != b.first.w[k]) return a.first.w[k] < b.first.w[k];
    return a.second < b.second;
  };
  std::sort(scratch->begin(), scratch->end(), less);
  size_t kept = 0;
  for (size_t i = 0; i < scratch->size(); ++i) {
    if (i > 0 && (*scratch)[i].first == (*scratch)[i - 1].first) continue;
    if (frames[(*scratch)[i].second].quality < rule.min_quality) continue;
    (*scratch)[kept++] = (*scratch)[i];
  }
  scratch->resize(kept);
  std::sort(scratch->begin(), scratch->end(),
            [](const std::pair<Hash256, uint32_t>& a, const std::pair<Hash256, uint32_t>& b) { return a.second < b.second; });
  for (const auto& e : *scratch) out->push_back(e.first);
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
