// Classifier: a loaded, validated, calibrated text classifier.
//
// Load(MODEL) reads MODEL and MODEL.meta.json (see model_file.h), checks
// them, and parses the model: every problem is a Status here, never later.
// Scores are calibrated probabilities per label (labels() order); for a
// binary model with a positive label, the other label's score is one minus
// the positive one.
//
// Text is normalised exactly as the term matcher sees it (text/normalizer.h,
// default options): ScoreNormalized takes that normalised text (the scanner
// passes the buffer it already made), Score normalises first. A model
// trained with a text view (text_view.h, recorded in its metadata) gets the
// same view of the normalised text here, into the Scratch.
//
// Thread safety: a Classifier is immutable and shared (shared_ptr<const>)
// by any number of threads; each thread passes its own Scratch. A Scratch
// adapts itself when used with a different Classifier (after a hot swap);
// only then does it allocate. Steady state: no allocation per text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "classify/model_file.h"
#include "model/status.h"
#include "text/normalizer.h"

namespace evenhand::classify {

namespace internal {
class FastTextBackend;
}

class Classifier {
 public:
  struct Scratch;
  ~Classifier();

  static Result<std::shared_ptr<const Classifier>> Load(const std::string& model_path);
  // From a model's bytes and metadata already in memory (the trainer uses
  // this before calibration exists). `what` names the model in errors.
  static Result<std::shared_ptr<const Classifier>> FromParts(const std::string& bytes, ModelMeta meta,
                                                              const std::string& what);

  const std::vector<std::string>& labels() const { return meta_.labels; }
  // Index of the positive label, or -1 (multi-class without one).
  int positive_index() const { return positive_; }
  int label_index(std::string_view label) const;  // -1 when unknown
  const ModelMeta& meta() const { return meta_; }
  const std::string& path() const { return path_; }
  const Normalizer& normalizer() const { return normalizer_; }

  static std::unique_ptr<Scratch> NewScratch();

  // Calibrated probabilities into scores[0, labels().size()).
  void ScoreNormalized(std::string_view normalized, Scratch* scratch, float* scores) const;
  void Score(std::string_view text, Scratch* scratch, float* scores) const;
  // Uncalibrated model outputs (for fitting calibrations and for eval).
  void RawNormalized(std::string_view normalized, Scratch* scratch, float* raw) const;
  // fastText's own reader and predictLine on the same normalised text, for
  // tests (allocates).
  std::vector<float> RawReference(std::string_view normalized) const;

 private:
  Classifier();
  void Calibrate(const float* raw, float* scores) const;

  std::string path_;
  ModelMeta meta_;
  int positive_ = -1;
  std::vector<int> meta_to_model_;     // meta label i -> model label index
  std::vector<const Calibration*> cal_;  // per meta label, null = identity
  std::unique_ptr<internal::FastTextBackend> backend_;
  Normalizer normalizer_;
};

struct Classifier::Scratch {
  Scratch();
  ~Scratch();
  const void* owner = nullptr;  // the backend the buffers below were made for
  std::unique_ptr<struct BackendScratchHolder> ft;
  NormalizedText normalized;
  std::string viewed;  // the text view's output, when the model has one
  std::vector<float> raw;
};

}  // namespace evenhand::classify
