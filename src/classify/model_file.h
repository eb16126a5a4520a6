// The on-disk form of an evenhand classifier: the fastText model file
// (MODEL, e.g. spam.ftz, readable by fastText's own tools) and beside it
// MODEL.meta.json, which evenhand writes and requires:
//
//   {"format": "evenhand-classifier", "format_version": 2,   // 1 (no drift fields) still loads
//    "model_bytes": N, "model_sha256": "hex",       // of MODEL, checked at load
//    "labels": ["ham", "spam"],                     // the model's label order
//    "positive": "spam",                            // "" for multi-class
//    "normalizer": "default",                       // text is normalised as the term matcher's
//    "calibration": {"spam": {"method": "isotonic", "x": [...], "y": [...]}},
//    "text_view": {"max_words": 0, "head_words": 0, "script_tokens": false},
//                                                   // optional (text_view.h); absent = the text as normalised;
//                                                   // unknown keys are an error (a view not applied would
//                                                   // silently change the scores)
//    "training": {...},                             // free-form facts about the run
//    "score_reference": {"label": "spam", "score": "raw", "source": "out_of_fold", "count": N,
//                        "edges": [...], "fractions": [...]},
//                                                   // optional (drift.h): the training run's raw scores,
//                                                   // what `evenhand eval` measures drift against
//    "threshold": 0.73,                             // optional: decision threshold on the positive label's
//                                                   // calibrated score, set by `evenhand calibrate`
//    "recalibrations": [{...}, ...]}                // optional: one record per `evenhand calibrate` run
//
// Version 2 added the three optional fields; a version-1 file is read as one
// without them. Writing always writes version 2.
//
// ReadModelFile validates everything before any byte reaches fastText: the
// metadata parses and is consistent, the model file exists, has the recorded
// size and SHA-256, and starts with fastText's magic number. So a missing,
// truncated, corrupt or half-replaced model is a clear error at load.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "classify/calibration.h"
#include "classify/drift.h"
#include "classify/text_view.h"
#include "model/status.h"

namespace evenhand::classify {

struct ModelMeta {
  uint64_t model_bytes = 0;
  std::string model_sha256;
  std::vector<std::string> labels;
  std::string positive;
  std::map<std::string, Calibration> calibration;  // label -> calibration
  TextView text_view;                              // identity unless the model was trained with one
  std::string training_json = "{}";                // a JSON object
  ScoreReference score_reference;                  // empty when the model predates format 2
  double threshold = -1;                           // < 0: none recorded
  std::string recalibrations_json = "[]";          // a JSON array
};

std::string MetaPathFor(const std::string& model_path);  // MODEL.meta.json

std::string Sha256Hex(const std::string& bytes);

// Reads and checks MODEL.meta.json and MODEL; on success *bytes holds MODEL.
Status ReadModelFile(const std::string& model_path, ModelMeta* meta, std::string* bytes);

// Writes the metadata atomically (temporary file, then rename).
Status WriteMeta(const std::string& model_path, const ModelMeta& meta);

// Reads a whole file.
Status ReadWholeFile(const std::string& path, std::string* out);

}  // namespace evenhand::classify
