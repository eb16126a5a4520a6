// Scanner: the per-item work of a scan. Normalises a post's text, matches
// the policy's term lists, runs language id when needed, evaluates the
// policy and fills a Decision.
//
// A Scanner is immutable after Create and shared by all worker threads; each
// thread owns a ScanState (scratch buffers reused across items, so the steady
// state allocates nothing beyond what the Decision's strings need).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/item.h"
#include "model/status.h"
#include "policy/policy.h"
#include "text/matcher.h"
#include "text/normalizer.h"

namespace evenhand {

struct ScanOptions {
  // Run CLD2 on posts without "lang": always, never, or only when the policy reads `lang`.
  enum class DetectLang { kAuto, kAlways, kNever } detect_lang = DetectLang::kAuto;
  int64_t now = 0;           // account ages for posts without ts (0 = wall clock at Create)
  int max_evidence = 3;      // matches quoted per signal
};

class Scanner {
 public:
  struct State;

  static Result<std::unique_ptr<Scanner>> Create(std::shared_ptr<const Policy> policy, ScanOptions options);
  ~Scanner();

  std::unique_ptr<State> NewState() const;

  // Decides one post. `decision` is overwritten.
  void Scan(const Post& post, State* state, Decision* decision) const;
  // Decides posts[0, count) into decisions[0, count), exactly as Scan would
  // one by one, but matching the terms of up to kScanChunk posts in one
  // Vectorscan call.
  void ScanBatch(const Post* posts, size_t count, State* state, Decision* decisions) const;

  static constexpr size_t kScanChunk = 64;

  const Policy& policy() const { return *policy_; }
  const TermMatcher& matcher() const { return *matcher_; }
  const Normalizer& normalizer() const { return normalizer_; }

 private:
  Scanner(std::shared_ptr<const Policy> policy, ScanOptions options);
  // Evaluates the policy for `post` given its term matches [begin, end).
  void Decide(const Post& post, const TermMatch* begin, const TermMatch* end, State* state, Decision* d) const;

  std::shared_ptr<const Policy> policy_;
  ScanOptions options_;
  Normalizer normalizer_;
  std::unique_ptr<TermMatcher> matcher_;
  bool detect_lang_ = false;
};

struct Scanner::State {
  NormalizedText normalized[Scanner::kScanChunk];  // one per post of a chunk
  const NormalizedText* texts[Scanner::kScanChunk];
  std::unique_ptr<TermMatcher::Scratch> scratch;
  std::vector<TermMatch> matches;
  std::vector<uint32_t> list_counts;
};

}  // namespace evenhand
