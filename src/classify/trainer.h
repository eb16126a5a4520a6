// Training an evenhand classifier from labeled examples.
//
// TrainClassifier normalises every text as the term matcher would (and
// applies options.text_view, recorded in the metadata so prediction applies
// it too), then calibrates in one of two ways, both stratified per label and
// deterministic for a seed:
//   holdout (calibration_folds 0): a calibration_fraction share is held out;
//     fastText trains on the rest, and the calibration is fitted on the new
//     model's scores of the held-out share;
//   cross-fitted (calibration_folds K >= 2): the examples are cut into K
//     folds; K models, each trained on the other folds, score their fold,
//     the calibration is fitted on those out-of-fold scores, and the model
//     written is trained on ALL examples (K + 1 trainings). Out-of-fold
//     scores come from models trained on (K-1)/K of the data, so they are a
//     little less confident than the final model's; with K = 5 and more the
//     gap is small, and the final model sees every example.
// For a model with a positive label it also records the drift reference
// (drift.h, "score_reference" in the metadata): the deciles of the positive
// label's raw scores on examples the scoring model did not fit -- the
// out-of-fold scores (cross-fitted), the held-out share's (holdout), or, when
// neither exists (no calibration split), the final model's scores of its own
// training rows (source "training", optimistic: documented in the metadata).
// Then it writes MODEL and MODEL.meta.json (each through a
// temporary file and a rename, the model first, so a reader never sees a
// new model with an old checksum pass as valid). Nothing fastText prints
// reaches the console.
//
// The positive label (the one `classifier.NAME` means in policies) is
// options.positive, or for two labels where one is a usual negative name
// (ham, ok, clean, benign, negative, normal, safe, none, 0, false, no) the
// other one, or else the rarer label. Multi-class models have none unless
// named.
#pragma once

#include <string>
#include <vector>

#include "classify/calibration.h"
#include "classify/labeled_data.h"
#include "classify/text_view.h"
#include "model/status.h"

namespace evenhand::classify {

struct TrainOptions {
  int dim = 16;          // small rows and buckets keep prediction in cache (see docs/PERFORMANCE.md)
  int epoch = 25;
  double lr = 0.5;
  int word_ngrams = 2;
  int bucket = 20000;
  int min_count = 1;
  int minn = 0;               // character n-grams of minn..maxn bytes (0 = off: one row per word)
  int maxn = 0;
  int threads = 1;            // > 1 trains faster but not reproducibly (fastText is lock-free)
  int seed = 1;
  bool quantize = false;
  int autotune_seconds = 0;   // > 0: fastText autotune, validated on the calibration part (holdout only)
  double calibration_fraction = 0.2;  // holdout: the share of each label held out
  int calibration_folds = 0;          // >= 2: cross-fitted calibration with this many folds (see above)
  TextView text_view;                 // rewrites of the normalised text (text_view.h); identity by default
  // Each positive example appears this many times in the fitting part (a
  // class weight for a rare positive label; the calibration part is not
  // repeated, so calibrated scores stay probabilities).
  int positive_repeat = 1;
  Calibration::Method calibration = Calibration::Method::kIsotonic;
  std::string positive;       // "" = chosen as described above
};

struct TrainSummary {
  size_t fit_examples = 0;          // distinct examples the written model was trained on
  size_t calibration_examples = 0;  // examples whose scores fitted the calibration (out of fold when cross-fitted)
  int calibration_folds = 0;
  std::vector<std::string> labels;
  std::string positive;
  double seconds = 0;
  uint64_t model_bytes = 0;
};

Result<TrainSummary> TrainClassifier(const std::vector<LabeledExample>& data, const TrainOptions& options,
                                     const std::string& model_path);

// The positive label for `labels` with the counts given (see above).
std::string ChoosePositive(const std::vector<std::string>& labels, const std::vector<size_t>& counts);

}  // namespace evenhand::classify
