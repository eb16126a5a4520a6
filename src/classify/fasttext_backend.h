// Internal to the classify module: the one place that includes fastText.
//
// FastTextBackend wraps a loaded supervised fastText model (softmax or
// one-vs-all loss) and predicts from text that is already normalised (words
// separated by single spaces, as Normalizer emits). Its featuriser builds
// the same input ids as fastText's own line reader (words, the end-of-line
// token, word n-gram hashes, subwords) without allocating once warm; tests
// check it against fastText's predictLine.
//
// fastText reports problems with exceptions and prints to std::cout and
// std::cerr: every call here catches everything and returns a Status, and
// training runs with the console streams silenced (QuietConsole), so nothing
// fastText prints reaches evenhand's outputs.
//
// Thread safety: a loaded backend is immutable; Predict may run on many
// threads at once, each with its own Scratch.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace evenhand::classify::internal {

class FastTextBackend {
 public:
  struct Scratch;
  struct ScratchDeleter {
    void operator()(Scratch* s) const;
  };
  using ScratchPtr = std::unique_ptr<Scratch, ScratchDeleter>;
  ~FastTextBackend();

  // Parses a model from `bytes` (the whole file, already checked against its
  // metadata). `what` names the file in errors.
  static Result<std::unique_ptr<FastTextBackend>> FromBytes(const std::string& bytes, const std::string& what);

  // Labels without the "__label__" prefix, in the model's label order.
  const std::vector<std::string>& labels() const { return labels_; }
  int dim() const;
  bool quantized() const;

  // Per-thread buffers; valid for this backend only.
  ScratchPtr NewScratch() const;
  // Probabilities per label (labels() order) into probs[0, labels().size()).
  void Predict(std::string_view normalized, Scratch* scratch, float* probs) const;
  // The same through fastText's own line reader and predictLine (allocates;
  // for tests and as the reference).
  std::vector<float> PredictReference(std::string_view normalized) const;

 private:
  struct Impl;
  explicit FastTextBackend(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<std::string> labels_;
};

struct FastTextParams {
  int dim = 32;
  int epoch = 25;
  double lr = 0.5;
  int word_ngrams = 2;
  int bucket = 200000;
  int min_count = 1;
  int minn = 0;  // character n-grams (0 = off)
  int maxn = 0;
  int threads = 1;
  int seed = 1;
  bool one_vs_all = false;   // loss: softmax (default) or one-vs-all
  int autotune_seconds = 0;  // > 0: search hyperparameters on `validation_file`
  bool quantize = false;
  int dsub = 2;
};

// Trains on `train_file` (fastText format: "__label__X words...\n" lines)
// and saves the model to `out_path`. Silences the console while it runs.
Status TrainFastText(const FastTextParams& params, const std::string& train_file,
                     const std::string& validation_file, const std::string& out_path);

// The fastText label prefix.
inline constexpr std::string_view kLabelPrefix = "__label__";

}  // namespace evenhand::classify::internal
