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
#include <string_view>
#include <vector>

#include "bank/bank_set.h"
#include "behavior/signals_file.h"
#include "classify/classifier_slot.h"
#include "image/decoder.h"
#include "image/pdq.h"
#include "media/exact_bank.h"
#include "media/file_digest.h"
#include "media/video_bank.h"
#include "media/vpdq.h"
#include "media/ocr/fuzzy_terms.h"
#include "media/ocr/ocr_engine.h"
#include "model/item.h"
#include "model/limits.h"
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
  // Known-media matching: a post's media paths are resolved against
  // media_dir (the input file's folder) unless absolute; each image is
  // PDQ-hashed and matched against the policy's banks.
  std::string media_dir;
  PdqMode pdq_mode = PdqMode::kFullResolution;
  // A media file larger than this is not read: it becomes a `media` error
  // signal naming the file and the limit (--max-media-bytes).
  uint64_t max_media_bytes = InputLimits{}.max_media_bytes;
  int min_quality = 50;      // PDQ quality below this never matches
  // Videos (a post's media sniffed as a video container) are vPDQ-hashed at
  // one frame every video_seconds_per_hash seconds, within video_limits
  // (its max_file_bytes is max_media_bytes), and matched against the
  // policy's video banks; every media file's bytes are hashed first for the
  // policy's exact (md5/sha1/sha256) banks.
  float video_seconds_per_hash = 1.0f;
  VideoLimits video_limits;
  // Account behaviour signals (`evenhand behavior --signals`), by account
  // id; when set, an account not in it has zero network and cadence signals.
  std::shared_ptr<const behavior::AccountBehaviorMap> behavior;
  // Text in images (src/media/ocr), read only when the policy's evaluation
  // of a post reaches an ocr.* name: languages, models folder, time budget.
  ocr::OcrOptions ocr;
  // Long terms are matched in OCR text with OCR's errors allowed (fuzzy_terms.h).
  ocr::FuzzyTerms::Options ocr_fuzzy;
  // Text in videos: a video among the media is read at one frame every
  // ocr_video_seconds seconds (the first frame first), at most
  // ocr_video_max_frames frames, each within the ocr budget, decoded within
  // video_limits; evidence names the frame's time.
  float ocr_video_seconds = 2.0f;
  int ocr_video_max_frames = 5;
};

// True when the file's first bytes look like a video container and not an
// image (media_match.cc); false when it cannot be read.
bool SniffVideo(const std::string& path);

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
  BankSet banks_;  // in the order of policy().banks(); video and exact banks hold an empty PDQ bank here
  size_t pdq_banks_ = 0;  // how many of banks_ are real PDQ banks
  // Video and exact-hash banks, with their index in policy().banks().
  struct VideoRef {
    size_t index;
    std::shared_ptr<const VideoBank> bank;
    VpdqMatchRule rule;
  };
  struct ExactRef {
    size_t index;
    std::shared_ptr<const ExactBank> bank;
  };
  std::vector<VideoRef> video_banks_;
  std::vector<ExactRef> exact_banks_;
  uint8_t digest_mask_ = 0;  // the digests the exact banks need (bit = DigestKind)

  // Hashes the post's media and fills state->bank_distances and the media signals.
  void MatchMedia(const Post& post, State* state) const;
  // The parts of MatchMedia for media file m at state->path (media_match.cc).
  void MatchExact(size_t m, const std::string& rel, State* state) const;
  void MatchVideo(size_t m, const std::string& rel, State* state) const;
  void MatchImage(size_t m, const std::string& rel, State* state) const;
  // Records a bank match of distance d for policy bank b and its signal.
  void RecordMatch(size_t b, int d, std::string evidence, double score, State* state) const;
  ocr::FuzzyTerms ocr_fuzzy_;  // the lists' long terms, matched in OCR text with errors allowed

  // Reads the text in the post's images and matches the lists in it (ocr_scan.cc).
  void ReadPostImages(const Post& post, State* state) const;
  // One image's (or video frame's, seconds >= 0) lines into the post's OCR text.
  void AddOcrLines(size_t m, float seconds, const ocr::OcrResult& r, State* state) const;
  // The text in media[m], a video: sampled frames (ScanOptions::ocr_video_*).
  void ReadVideoText(size_t m, const std::string& rel, State* state) const;
  // Appends the ocr signals of the post (lists matched, with the image box of each match).
  void AppendOcrSignals(const Post& post, State* state, Decision* d) const;

 public:
  // Classifiers (policy().classifiers() order), loaded at Create and shared
  // by all threads. Each chunk of posts is scored with the model current
  // when the chunk starts, so a hot swap never mixes models within a chunk.
  // Scoring is lazy: a post is scored by a classifier only when the policy's
  // evaluation reaches classifier.NAME (see ClassifierScores in
  // policy/policy.h), at most once per post and classifier, into buffers of
  // the State (no allocation per post). A decision's "classifier" signals
  // are those scores the evaluation read that are >= 0.5.
  const std::vector<std::shared_ptr<classify::ClassifierSlot>>& classifiers() const { return classifiers_; }
  // For a long-running process: reloads every classifier whose model files
  // changed on disk; on failure the old model stays current (see
  // ClassifierSlot::ReloadIfChanged) and the first error is returned.
  Status ReloadClassifiers() const;

 private:
  std::vector<std::shared_ptr<classify::ClassifierSlot>> classifiers_;
  // Takes the current model of every classifier for the next chunk.
  void SnapshotClassifiers(State* state) const;
  // Scores the post state->lazy.text with classifier c (no cache: see State::LazyScores).
  float ScoreClassifier(size_t c, State* state) const;
};

struct Scanner::State {
  NormalizedText normalized[Scanner::kScanChunk];  // one per post of a chunk
  const NormalizedText* texts[Scanner::kScanChunk];
  std::unique_ptr<TermMatcher::Scratch> scratch;
  std::vector<TermMatch> matches;
  std::vector<uint32_t> list_counts;
  // Known-media matching scratch, reused across posts.
  ImageDecoder decoder;
  PdqHasher hasher;
  BankSet::Scratch bank_scratch;
  std::vector<int> bank_distances, image_best;
  std::vector<Signal> media_signals;
  // Video and exact-hash matching scratch, reused across posts.
  VpdqHasher vpdq;
  std::vector<VpdqFrame> frames;
  VideoBank::Scratch video_scratch;
  std::vector<VideoBank::VideoMatch> video_matches;
  FileDigester digester;
  FileDigests digests;
  // Classifier scoring, per classifier: a scratch, the model and label index
  // taken at the start of the chunk, and the post's score (kNotScored until
  // the evaluation asks; negative = no score).
  std::vector<std::unique_ptr<classify::Classifier::Scratch>> classifier_scratch;
  std::vector<std::shared_ptr<const classify::Classifier>> classifier_models;
  std::vector<int> classifier_labels;
  std::vector<float> post_scores;
  std::vector<float> label_scores;
  static constexpr float kNotScored = -2.0f;
  // What EvalContext::lazy_classifiers points at while a post is decided.
  struct LazyScores final : ClassifierScores {
    float Score(size_t index) override;
    const Scanner* scanner = nullptr;
    State* state = nullptr;
    std::string_view text;  // the post's normalised text
  } lazy;
  std::string path;

  // Text in images (ocr.*, ocr_scan.cc): read at most once per post, on the
  // first ocr.* name a rule's evaluation reaches. The engine (tesseract
  // models) is created on first use; every buffer is reused across posts.
  struct LazyOcr final : OcrSignals {
    uint32_t ListCount(size_t list) override;
    float ClassifierScore(size_t classifier) override;
    double TextLength() override;
    const Scanner* scanner = nullptr;
    State* state = nullptr;
    const Post* post = nullptr;
    bool done = false;
  } lazy_ocr;
  std::unique_ptr<ocr::OcrEngine> ocr_engine;
  Status ocr_engine_status;  // why the engine could not be created
  Image ocr_image;
  ocr::OcrResult ocr_result;
  struct OcrLineRef {
    uint32_t begin = 0;  // in ocr_text
    uint32_t media = 0;  // index in the post's media
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
    float seconds = -1;  // a video frame's time; -1 for an image
  };
  std::string ocr_text;  // every line of every image, '\n'-separated
  std::vector<OcrLineRef> ocr_lines;
  bool ocr_any_image = false;
  NormalizedText ocr_normalized;
  std::vector<TermMatch> ocr_matches;
  std::vector<int> ocr_distance;  // per ocr_matches entry: 0 exact, else the edits of a fuzzy match
  ocr::FuzzyTerms::Scratch ocr_fuzzy_scratch;
  std::vector<ocr::FuzzyTerms::Match> ocr_fuzzy_matches;
  std::vector<uint32_t> ocr_list_counts;
  std::vector<float> ocr_scores;  // per classifier, kNotScored until asked
  std::vector<Signal> ocr_errors;
};

}  // namespace evenhand
