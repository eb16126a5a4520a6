// Scanner::MatchMedia: known-media matching for one post. For each media file:
//  1. exact banks (md5/sha1/sha256): the file's bytes are hashed (only the
//     digests the policy's banks need, one read) and looked up, before and
//     whatever the decoding;
//  2. a video (sniffed from its first bytes) is vPDQ-hashed and matched
//     against the video banks by the reference's rule (media/vpdq_match.h);
//  3. an image is decoded, PDQ-hashed (all 8 dihedral variants when a bank
//     asks for them) and matched against the PDQ banks.
// bank_distances gets the smallest distance per bank over the post's media
// (exact: 0; video: the smallest frame distance of a matching video). A
// file that cannot be read or decoded becomes a `media` signal naming it
// (the scan goes on); quality below the minimum never matches. A negative
// (safe) bank that matches suppresses the positive matches of its own kind
// for that file. Allocation: the decoder, hashers, digester and buffers in
// State are reused; only signal strings are built, and only on a match.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "media/video_decoder.h"
#include "pipeline/scanner.h"

namespace evenhand {
namespace {

void ErrorSignal(const Status& s, std::vector<Signal>* out) {
  Signal& sig = out->emplace_back();
  sig.detector = "media";
  sig.name = "error";
  sig.score = 0;
  sig.evidence = s.message();
}

}  // namespace

bool SniffVideo(const std::string& path) {
  uint8_t head[512];
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return SniffImageFormat(head, n) == ImageFormat::kUnknown && LooksLikeVideo(head, n);
}

void Scanner::RecordMatch(size_t b, int d, std::string evidence, double score, State* state) const {
  if (state->bank_distances[b] < 0 || d < state->bank_distances[b]) state->bank_distances[b] = d;
  const BankInfo& info = banks_.bank(b).info();
  Signal& sig = state->media_signals.emplace_back();
  sig.detector = "bank";
  sig.name = info.name;
  sig.score = score;
  sig.evidence = std::move(evidence);
  if (!info.category.empty()) sig.evidence += ", " + info.category;
}

void Scanner::MatchExact(size_t m, const std::string& rel, State* state) const {
  Status s = state->digester.DigestFile(state->path, digest_mask_, &state->digests,
                                        std::max<uint64_t>(options_.max_media_bytes,
                                                           options_.video_limits.max_file_bytes));
  if (!s.ok()) {
    ErrorSignal(s, &state->media_signals);
    return;
  }
  bool suppressed = false;
  for (const ExactRef& e : exact_banks_)
    if (e.bank->info().negative && e.bank->Find(state->digests.get(e.bank->kind())) >= 0) suppressed = true;
  if (suppressed) return;
  for (const ExactRef& e : exact_banks_) {
    if (e.bank->info().negative) continue;
    const DigestKind k = e.bank->kind();
    const int64_t i = e.bank->Find(state->digests.get(k));
    if (i < 0) continue;
    const std::string& label = e.bank->label(static_cast<size_t>(i));
    RecordMatch(e.index, 0,
                "media[" + std::to_string(m) + "] " + rel + ": exact " + DigestName(k) + " " +
                    DigestHex(state->digests.get(k), k) + (label.empty() ? "" : " (" + label + ")"),
                1.0, state);
  }
}

void Scanner::MatchVideo(size_t m, const std::string& rel, State* state) const {
  VpdqOptions options;
  options.sampling.seconds_per_hash = options_.video_seconds_per_hash;
  options.limits = options_.video_limits;
  options.limits.max_file_bytes = options_.max_media_bytes;
  Status s = state->vpdq.HashFile(state->path, options, &state->frames);
  if (!s.ok()) {
    ErrorSignal(s, &state->media_signals);
    return;
  }
  bool suppressed = false;
  for (const VideoRef& v : video_banks_) {
    if (!v.bank->info().negative) continue;
    v.bank->Match(state->frames, v.rule, &state->video_scratch, &state->video_matches);
    suppressed |= !state->video_matches.empty();
  }
  if (suppressed) return;
  for (const VideoRef& v : video_banks_) {
    if (v.bank->info().negative) continue;
    v.bank->Match(state->frames, v.rule, &state->video_scratch, &state->video_matches);
    if (state->video_matches.empty()) continue;
    // The best: most of the query matched, then the closest.
    const auto best = std::max_element(state->video_matches.begin(), state->video_matches.end(),
                                       [](const VideoBank::VideoMatch& a, const VideoBank::VideoMatch& b) {
                                         return a.query_pct != b.query_pct ? a.query_pct < b.query_pct
                                                                           : a.distance > b.distance;
                                       });
    char pct[96];
    std::snprintf(pct, sizeof pct, ": vPDQ, %.1f %% of its frames matched, %.1f %% of the bank video's",
                  best->query_pct, best->target_pct);
    // Where to look: the post's frame closest to any frame of the bank
    // video (a brute pass over the two, run only on a match).
    float at = -1, bank_at = -1;
    int closest = 257;
    for (const VpdqFrame& q : state->frames) {
      if (q.quality < v.rule.min_quality) continue;
      for (const VpdqFrame& t : v.bank->frames(best->video)) {
        const int d = Distance(q.hash, t.hash);
        if (d < closest) {
          closest = d;
          at = q.timestamp;
          bank_at = t.timestamp;
        }
      }
    }
    char frame[96] = "";
    if (at >= 0)
      std::snprintf(frame, sizeof frame, ", closest frame at %.1f s (bank video at %.1f s)", static_cast<double>(at),
                    static_cast<double>(bank_at));
    RecordMatch(v.index, best->distance,
                "media[" + std::to_string(m) + "] " + rel + pct + " (\"" + v.bank->label(best->video) +
                    "\"), min frame distance " + std::to_string(best->distance) + " (radius " +
                    std::to_string(v.rule.distance) + ")" + frame,
                best->query_pct / 100.0, state);
  }
}

void Scanner::MatchImage(size_t m, const std::string& rel, State* state) const {
  // Decode and hash in one streaming pass (no full-size image is kept).
  PdqDihedral hashes;
  Status s;
  if (banks_.any_dihedral()) {
    s = state->hasher.HashFileDihedral(state->decoder, state->path, &hashes);
  } else {
    PdqResult r;
    s = state->hasher.HashFile(state->decoder, state->path, &r);
    hashes.hash[0] = r.hash;
    hashes.quality = r.quality;
  }
  if (!s.ok()) {
    ErrorSignal(s, &state->media_signals);
    return;
  }
  banks_.Match(hashes.hash, banks_.any_dihedral() ? 8 : 1, hashes.quality, &state->bank_scratch,
               state->image_best.data());
  for (size_t b = 0; b < banks_.size(); ++b) {
    const int d = state->image_best[b];
    if (d < 0) continue;
    RecordMatch(b, d,
                "media[" + std::to_string(m) + "] " + rel + ": PDQ distance " + std::to_string(d) + " (radius " +
                    std::to_string(banks_.radius(b)) + "), quality " + std::to_string(hashes.quality),
                1.0 - d / 256.0, state);
  }
}

void Scanner::MatchMedia(const Post& post, State* state) const {
  state->media_signals.clear();
  std::fill(state->bank_distances.begin(), state->bank_distances.end(), -1);
  if (banks_.size() == 0 || post.media.empty()) return;
  for (size_t m = 0; m < post.media.size(); ++m) {
    const std::string& rel = post.media[m].path;
    if (!rel.empty() && rel[0] != '/' && !options_.media_dir.empty()) {
      state->path.assign(options_.media_dir);
      state->path.push_back('/');
      state->path.append(rel);
    } else {
      state->path.assign(rel);
    }
    if (!exact_banks_.empty()) MatchExact(m, rel, state);
    if ((!video_banks_.empty() || pdq_banks_ > 0) && SniffVideo(state->path)) {
      if (!video_banks_.empty()) MatchVideo(m, rel, state);
    } else if (pdq_banks_ > 0) {
      MatchImage(m, rel, state);
    }
  }
}

}  // namespace evenhand
