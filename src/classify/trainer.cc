#include "classify/trainer.h"
#include "model/replace_file.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "classify/classifier.h"
#include "classify/fasttext_backend.h"
#include "text/normalizer.h"

namespace evenhand::classify {

namespace {

constexpr int kReferenceBins = 10;  // deciles of the training run's scores

bool IsNegativeName(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  static const char* kNames[] = {"ham", "ok", "clean", "benign", "negative", "normal", "safe", "none", "0", "false", "no"};
  for (const char* n : kNames)
    if (s == n) return true;
  return false;
}

// A temporary file that removes itself.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) std::remove(path.c_str());
  }
};

Status WriteFastTextFile(const std::vector<std::string>& labels, const std::vector<std::string>& texts,
                         const std::vector<size_t>& rows, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Io(path + ": cannot write training file");
  for (size_t r : rows) out << internal::kLabelPrefix << labels[r] << ' ' << texts[r] << '\n';
  if (!out.flush()) return Status::Io(path + ": write error");
  return Status::Ok();
}

}  // namespace

std::string ChoosePositive(const std::vector<std::string>& labels, const std::vector<size_t>& counts) {
  if (labels.size() != 2) return "";
  const bool neg0 = IsNegativeName(labels[0]), neg1 = IsNegativeName(labels[1]);
  if (neg0 != neg1) return neg0 ? labels[1] : labels[0];
  return counts[0] <= counts[1] ? labels[0] : labels[1];
}

Result<TrainSummary> TrainClassifier(const std::vector<LabeledExample>& data, const TrainOptions& o,
                                     const std::string& model_path) {
  const auto start = std::chrono::steady_clock::now();
  if (o.calibration_fraction < 0 || o.calibration_fraction >= 0.9)
    return Status::Invalid("calibration fraction must be in [0, 0.9)");
  if (o.calibration_folds < 0 || o.calibration_folds == 1 || o.calibration_folds > 20)
    return Status::Invalid("calibration folds must be 0 (holdout) or in [2, 20]");
  const bool cross_fit = o.calibration_folds >= 2;
  if (cross_fit && o.autotune_seconds > 0)
    return Status::Invalid("--autotune-seconds validates on a held-out share: it needs holdout calibration, not folds");
  if (o.text_view.max_words < 0 || o.text_view.head_words < 0) return Status::Invalid("text view word counts must be >= 0");
  // Labels in first-seen order, with counts.
  std::vector<std::string> labels;
  std::map<std::string, size_t> index;
  std::vector<size_t> counts;
  for (const auto& ex : data) {
    auto [it, inserted] = index.emplace(ex.label, labels.size());
    if (inserted) {
      labels.push_back(ex.label);
      counts.push_back(0);
    }
    ++counts[it->second];
  }
  if (labels.size() < 2) return Status::Invalid("training needs at least two labels (found " + std::to_string(labels.size()) + ")");
  std::string positive = o.positive.empty() ? ChoosePositive(labels, counts) : o.positive;
  if (!positive.empty() && index.count(positive) == 0) return Status::Invalid("positive label \"" + positive + "\" is not in the data");
  if (o.positive_repeat < 1 || o.positive_repeat > 100) return Status::Invalid("positive repeat must be in [1, 100]");
  if (o.positive_repeat > 1 && positive.empty()) return Status::Invalid("positive repeat needs a positive label");
  if (cross_fit)
    for (size_t l = 0; l < labels.size(); ++l)
      if (counts[l] < static_cast<size_t>(o.calibration_folds))
        return Status::Invalid(std::to_string(o.calibration_folds) + " calibration folds need at least as many examples of each label (\"" +
                               labels[l] + "\" has " + std::to_string(counts[l]) + ")");

  // texts: as normalised (what Classifier::RawNormalized takes, which then
  // applies the view itself); file_texts: with the view, for fastText's files.
  Normalizer normalizer;
  std::vector<std::string> texts(data.size()), file_texts(data.size()), row_labels(data.size());
  NormalizedText nt;
  std::string viewed;
  for (size_t i = 0; i < data.size(); ++i) {
    normalizer.NormalizeForMatch(data[i].text, &nt);
    texts[i] = nt.text;
    file_texts[i] = ApplyTextView(o.text_view, nt.text, &viewed) ? viewed : nt.text;
    row_labels[i] = data[i].label;
  }

  // Per label, a seeded shuffle. Holdout: the first share of each goes to
  // calibration. Cross-fitted: the i-th row of each goes to fold i % K.
  std::vector<size_t> fit_rows, cal_rows;
  std::vector<int> fold(data.size(), 0);
  std::mt19937_64 rng(static_cast<uint64_t>(o.seed));
  for (size_t l = 0; l < labels.size(); ++l) {
    std::vector<size_t> rows;
    for (size_t i = 0; i < data.size(); ++i)
      if (data[i].label == labels[l]) rows.push_back(i);
    std::shuffle(rows.begin(), rows.end(), rng);
    if (cross_fit) {
      for (size_t i = 0; i < rows.size(); ++i) fold[rows[i]] = static_cast<int>(i % static_cast<size_t>(o.calibration_folds));
      fit_rows.insert(fit_rows.end(), rows.begin(), rows.end());
      continue;
    }
    const size_t n_cal = o.calibration_fraction > 0 && rows.size() >= 2
                             ? std::max<size_t>(1, static_cast<size_t>(rows.size() * o.calibration_fraction))
                             : 0;
    cal_rows.insert(cal_rows.end(), rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(n_cal));
    fit_rows.insert(fit_rows.end(), rows.begin() + static_cast<std::ptrdiff_t>(n_cal), rows.end());
  }
  if (o.autotune_seconds > 0 && cal_rows.empty())
    return Status::Invalid("--autotune-seconds needs a calibration split to validate on");
  // The rows fastText reads: extra copies of the positives, then a shuffle
  // (fastText reads in file order).
  auto expand = [&](std::vector<size_t> rows) {
    const size_t distinct = rows.size();
    for (size_t i = 0; i < distinct && o.positive_repeat > 1; ++i)
      if (row_labels[rows[i]] == positive)
        for (int k = 1; k < o.positive_repeat; ++k) rows.push_back(rows[i]);
    std::shuffle(rows.begin(), rows.end(), rng);
    return rows;
  };

  namespace fs = std::filesystem;
  const fs::path out(model_path);
  const std::string dir = out.has_parent_path() ? out.parent_path().string() : ".";
  const std::string stem = dir + "/." + out.filename().string() + "." + std::to_string(::getpid());
  TempFile fit_file{stem + ".fit.txt"}, cal_file{stem + ".cal.txt"}, model_tmp{stem + ".model.tmp"};
  internal::FastTextParams p;
  p.dim = o.dim;
  p.epoch = o.epoch;
  p.lr = o.lr;
  p.word_ngrams = o.word_ngrams;
  p.bucket = o.bucket;
  p.min_count = o.min_count;
  p.minn = o.minn;
  p.maxn = o.maxn;
  p.threads = o.threads;
  p.seed = o.seed;
  p.quantize = o.quantize;
  p.autotune_seconds = o.autotune_seconds;
  // Trains on `rows` (expanded) into model_tmp and reads the file back.
  auto train = [&](const std::vector<size_t>& rows, std::string* bytes) -> Status {
    if (Status st = WriteFastTextFile(row_labels, file_texts, expand(rows), fit_file.path); !st.ok()) return st;
    if (Status st = internal::TrainFastText(p, fit_file.path, cal_rows.empty() ? "" : cal_file.path, model_tmp.path); !st.ok())
      return st;
    return ReadWholeFile(model_tmp.path, bytes);
  };

  ModelMeta meta;
  meta.labels = labels;
  meta.positive = positive;
  meta.text_view = o.text_view;
  const bool calibrate = o.calibration != Calibration::Method::kNone;
  // Raw scores of `rows` from the model in `bytes`, as calibration points per label.
  std::vector<std::vector<CalibrationPoint>> points(labels.size());
  const int positive_index = positive.empty() ? -1 : static_cast<int>(index.at(positive));
  auto score = [&](const std::string& bytes, const std::vector<size_t>& rows) -> Status {
    ModelMeta m = meta;
    m.model_bytes = bytes.size();
    m.model_sha256 = Sha256Hex(bytes);
    auto c = Classifier::FromParts(bytes, std::move(m), model_tmp.path);
    if (!c.ok()) return c.status();
    auto scratch = Classifier::NewScratch();
    std::vector<float> raw(labels.size());
    for (size_t r : rows) {
      (*c)->RawNormalized(texts[r], scratch.get(), raw.data());
      for (size_t l = 0; l < labels.size(); ++l) points[l].push_back({raw[l], row_labels[r] == labels[l]});
    }
    return Status::Ok();
  };

  std::string bytes;
  size_t calibration_examples = 0;
  if (cross_fit) {
    if (calibrate) {
      for (int k = 0; k < o.calibration_folds; ++k) {
        std::vector<size_t> in, held;
        for (size_t r : fit_rows) (fold[r] == k ? held : in).push_back(r);
        std::string fold_bytes;
        if (Status st = train(in, &fold_bytes); !st.ok()) return st;
        if (Status st = score(fold_bytes, held); !st.ok()) return st;
        calibration_examples += held.size();
      }
    }
    if (Status st = train(fit_rows, &bytes); !st.ok()) return st;
  } else {
    if (!cal_rows.empty())
      if (Status st = WriteFastTextFile(row_labels, file_texts, cal_rows, cal_file.path); !st.ok()) return st;
    if (Status st = train(fit_rows, &bytes); !st.ok()) return st;
    if (!cal_rows.empty() && (calibrate || positive_index >= 0)) {  // scored for the drift reference too
      if (Status st = score(bytes, cal_rows); !st.ok()) return st;
      if (calibrate) calibration_examples = cal_rows.size();
    }
  }
  // The drift reference (drift.h): the positive label's raw scores on
  // examples the scoring model did not fit (out of fold, or held out); only
  // when there are none, the final model's scores of its own training rows.
  if (positive_index >= 0) {
    std::string source = cross_fit ? "out_of_fold" : "held_out";
    if (points[static_cast<size_t>(positive_index)].empty()) {
      if (Status st = score(bytes, fit_rows); !st.ok()) return st;
      source = "training";
    }
    std::vector<double> raw_positive;
    for (const CalibrationPoint& pt : points[static_cast<size_t>(positive_index)]) raw_positive.push_back(pt.score);
    meta.score_reference = BuildScoreReference(raw_positive, kReferenceBins, positive, source);
  }
  meta.model_bytes = bytes.size();
  meta.model_sha256 = Sha256Hex(bytes);
  if (calibration_examples > 0)
    for (size_t l = 0; l < labels.size(); ++l) {
      if (!positive.empty() && labels.size() == 2 && labels[l] != positive) continue;
      meta.calibration[labels[l]] = o.calibration == Calibration::Method::kPlatt ? Calibration::FitPlatt(points[l])
                                                                                 : Calibration::FitIsotonic(points[l]);
    }

  TrainSummary summary;
  summary.fit_examples = fit_rows.size();
  summary.calibration_examples = cross_fit ? calibration_examples : cal_rows.size();
  summary.calibration_folds = cross_fit ? o.calibration_folds : 0;
  summary.labels = labels;
  summary.positive = positive;
  summary.model_bytes = bytes.size();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  nlohmann::ordered_json t;
  t["examples"] = data.size();
  t["fit_examples"] = summary.fit_examples;
  t["calibration_examples"] = summary.calibration_examples;
  nlohmann::ordered_json per_label;
  for (size_t l = 0; l < labels.size(); ++l) per_label[labels[l]] = counts[l];
  t["label_counts"] = per_label;
  t["calibration_method"] = summary.calibration_examples == 0 ? "none" : CalibrationMethodName(o.calibration);
  if (cross_fit) t["calibration_folds"] = o.calibration_folds;
  t["dim"] = o.dim;
  t["epoch"] = o.epoch;
  t["lr"] = o.lr;
  t["word_ngrams"] = o.word_ngrams;
  t["bucket"] = o.bucket;
  t["min_count"] = o.min_count;
  t["positive_repeat"] = o.positive_repeat;
  t["minn"] = o.minn;
  t["maxn"] = o.maxn;
  t["seed"] = o.seed;
  t["quantized"] = o.quantize;
  t["autotune_seconds"] = o.autotune_seconds;
  t["seconds"] = summary.seconds;
  meta.training_json = t.dump();

  // Model first, then its metadata: until the metadata lands, the checksum
  // check rejects the new model (a reloader keeps the old one).
  if (!ReplaceFile(model_tmp.path, model_path).ok())
    return Status::Io(model_path + ": cannot put the trained model in place");
  model_tmp.path.clear();
  if (Status st = WriteMeta(model_path, meta); !st.ok()) return st;
  return summary;
}

}  // namespace evenhand::classify
