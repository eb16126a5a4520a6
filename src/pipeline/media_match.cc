// Scanner::MatchMedia: known-media matching for one post. Each media file is
// decoded, PDQ-hashed (all 8 dihedral variants when a bank asks for them) and
// matched against the policy's banks; bank_distances gets the smallest
// distance per bank over the post's media. A file that cannot be decoded
// becomes a `media` signal naming it (the scan goes on); quality below the
// minimum never matches. Allocation: the decoder, hasher and image buffers in
// State are reused; only signal strings are built, and only on a match.
#include <algorithm>
#include <filesystem>

#include "pipeline/scanner.h"

namespace evenhand {

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
      Signal& sig = state->media_signals.emplace_back();
      sig.detector = "media";
      sig.name = "error";
      sig.score = 0;
      sig.evidence = s.message();
      continue;
    }
    banks_.Match(hashes.hash, banks_.any_dihedral() ? 8 : 1, hashes.quality, &state->bank_scratch,
                 state->image_best.data());
    for (size_t b = 0; b < banks_.size(); ++b) {
      const int d = state->image_best[b];
      if (d < 0) continue;
      if (state->bank_distances[b] < 0 || d < state->bank_distances[b]) state->bank_distances[b] = d;
      const BankInfo& info = banks_.bank(b).info();
      Signal& sig = state->media_signals.emplace_back();
      sig.detector = "bank";
      sig.name = info.name;
      sig.score = 1.0 - d / 256.0;
      sig.evidence = "media[" + std::to_string(m) + "] " + rel + ": PDQ distance " + std::to_string(d) +
                     " (radius " + std::to_string(banks_.radius(b)) + "), quality " +
                     std::to_string(hashes.quality) + (info.category.empty() ? "" : ", " + info.category);
    }
  }
}

}  // namespace evenhand
