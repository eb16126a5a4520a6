// `evenhand train`, `evenhand eval`, `evenhand calibrate`, `evenhand predict`:
// trained text classifiers (src/classify). Reports go to stdout (text, or
// JSON with --format json); fastText's own console output never reaches them.
// `eval` also reports score drift against the training run (drift.h), and
// with --unlabeled only that; `calibrate` refits a model's calibration and
// threshold from a labelled sample of new traffic (recalibrate.h) and writes
// the result as a new version of the model's metadata (exit 1, nothing
// written, when the sample is bad or no threshold reaches the target).
#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "classify/classifier.h"
#include "model/replace_file.h"
#include "classify/evaluate.h"
#include "classify/labeled_data.h"
#include "classify/recalibrate.h"
#include "classify/trainer.h"
#include "cli/commands.h"

namespace evenhand::cli {

namespace {

using classify::LabeledFields;

int Fail(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

struct TrainArgs {
  std::string data, output, calibration = "isotonic";
  LabeledFields fields;
  classify::TrainOptions options;
};

int RunTrain(const TrainArgs& a) {
  auto data = classify::ReadLabeledJsonl(a.data, a.fields);
  if (!data.ok()) return Fail(data.status().message());
  classify::TrainOptions o = a.options;
  if (!classify::ParseCalibrationMethod(a.calibration, &o.calibration))
    return Fail("--calibration must be isotonic, platt or none");
  if (o.autotune_seconds > 0) std::fprintf(stderr, "autotuning for %d s...\n", o.autotune_seconds);
  auto s = classify::TrainClassifier(*data, o, a.output);
  if (!s.ok()) return Fail(s.status().message());
  std::string labels;
  for (const auto& l : s->labels) labels += (labels.empty() ? "" : ", ") + l;
  const std::string how = s->calibration_folds > 0
                              ? fmt::format("scored out of fold ({} folds)", s->calibration_folds)
                              : std::string("held out");
  std::printf("trained %s (+ %s) in %.2f s: %zu examples fitted, %zu %s for %s calibration; labels %s; "
              "positive label: %s; %llu bytes\n",
              a.output.c_str(), classify::MetaPathFor(a.output).c_str(), s->seconds, s->fit_examples,
              s->calibration_examples, how.c_str(), a.calibration.c_str(), labels.c_str(),
              s->positive.empty() ? "(none)" : s->positive.c_str(), static_cast<unsigned long long>(s->model_bytes));
  return 0;
}

struct EvalArgs {
  std::string model, data, format = "text", json, pr_csv, pr_svg;
  LabeledFields fields;
  classify::EvalOptions options;
  bool threshold_given = false, unlabeled = false, fail_on_drift = false;
};

int RunEvalUnlabeled(const EvalArgs& a, const classify::Classifier& model) {
  LabeledFields f = a.fields;
  f.require_label = false;
  auto data = classify::ReadLabeledJsonl(a.data, f);
  if (!data.ok()) return Fail(data.status().message());
  auto drift = classify::MeasureDrift(model, *data);
  if (!drift.ok()) return Fail(drift.status().message());
  const std::string json = classify::DriftReportJson(a.model, *drift);
  if (!a.json.empty())
    if (Status st = WriteFileReplacing(a.json, json); !st.ok()) return Fail(st.message());
  std::fputs(a.format == "json" ? json.c_str()
                                : (fmt::format("model {}: {} texts (labels not read)\n", a.model, data->size()) +
                                   classify::DriftText(*drift)).c_str(),
             stdout);
  return a.fail_on_drift && drift->psi >= classify::kPsiMajor ? 3 : 0;
}

int RunEval(const EvalArgs& a) {
  auto model = classify::Classifier::Load(a.model);
  if (!model.ok()) return Fail(model.status().message());
  if (a.unlabeled) return RunEvalUnlabeled(a, **model);
  auto data = classify::ReadLabeledJsonl(a.data, a.fields);
  if (!data.ok()) return Fail(data.status().message());
  classify::EvalOptions options = a.options;
  if (!a.threshold_given && (*model)->meta().threshold >= 0) options.threshold = (*model)->meta().threshold;
  auto report = classify::Evaluate(**model, *data, options);
  if (!report.ok()) return Fail(report.status().message());
  const std::string json = classify::EvalReportJson(*report);
  for (const auto& [path, text] : {std::pair{a.json, json}, std::pair{a.pr_csv, classify::PrCurveCsv(*report)},
                                   std::pair{a.pr_svg, classify::PrCurveSvg(*report)}})
    if (!path.empty())
      if (Status st = WriteFileReplacing(path, text); !st.ok()) return Fail(st.message());
  std::fputs(a.format == "json" ? json.c_str() : classify::EvalReportText(*report).c_str(), stdout);
  return a.fail_on_drift && report->drift && report->drift->psi >= classify::kPsiMajor ? 3 : 0;
}

struct CalibrateArgs {
  std::string model, labels, output, method = "platt", format = "text";
  LabeledFields fields;
  classify::RecalibrateOptions options;
};

std::string NowUtc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int RunCalibrate(const CalibrateArgs& a) {
  auto model = classify::Classifier::Load(a.model);
  if (!model.ok()) return Fail(model.status().message());
  classify::RecalibrateOptions o = a.options;
  o.sample_path = a.labels;
  if (a.method == "keep") {
    o.keep_calibration = true;
  } else if (!classify::ParseCalibrationMethod(a.method, &o.method)) {
    return Fail("--method must be platt, isotonic, none or keep");
  }
  LabeledFields f = a.fields;
  f.require_label = true;
  auto sample = classify::ReadLabeledJsonl(a.labels, f);
  if (!sample.ok()) return Fail(sample.status().message());
  auto r = classify::Recalibrate(**model, *sample, o);
  if (!r.ok()) return Fail(r.status().message());
  std::string sample_bytes;
  if (Status st = classify::ReadWholeFile(a.labels, &sample_bytes); !st.ok()) return Fail(st.message());

  // The new version: the same fastText model, new calibration and threshold,
  // the recalibration appended to the history; the training reference kept.
  classify::ModelMeta meta = (*model)->meta();
  meta.calibration[r->positive] = r->calibration;
  meta.threshold = r->threshold;
  nlohmann::json history = nlohmann::json::parse(meta.recalibrations_json, nullptr, false);
  if (!history.is_array()) history = nlohmann::json::array();
  history.push_back(nlohmann::json::parse(classify::RecalibrationRecordJson(*r, o, classify::Sha256Hex(sample_bytes), NowUtc())));
  meta.recalibrations_json = history.dump();
  const std::string out = a.output.empty() ? a.model : a.output;
  std::error_code ec;
  if (!std::filesystem::equivalent(out, a.model, ec)) {
    std::string bytes;
    if (Status st = classify::ReadWholeFile(a.model, &bytes); !st.ok()) return Fail(st.message());
    if (classify::Sha256Hex(bytes) != meta.model_sha256) return Fail(a.model + ": changed while calibrating");
    if (Status st = WriteFileReplacing(out, bytes); !st.ok()) return Fail(st.message());
  }
  if (Status st = classify::WriteMeta(out, meta); !st.ok()) return Fail(st.message());
  if (a.format == "json") {
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(classify::RecalibrationRecordJson(*r, o, classify::Sha256Hex(sample_bytes), ""));
    j.erase("at");
    j["model"] = out;
    j["version"] = history.size() + 1;
    std::fputs((j.dump(2) + "\n").c_str(), stdout);
  } else {
    std::fputs(classify::RecalibrationText(*r, o.target_precision).c_str(), stdout);
    std::printf("wrote %s (+ %s): model version %zu (recalibration %zu of it)\n", out.c_str(),
                classify::MetaPathFor(out).c_str(), history.size() + 1, history.size());
  }
  return 0;
}

struct PredictArgs {
  std::string model, data = "-", text_field = "text", output = "-";
  bool lines = false;
};

int RunPredict(const PredictArgs& a) {
  auto model = classify::Classifier::Load(a.model);
  if (!model.ok()) return Fail(model.status().message());
  const classify::Classifier& c = **model;
  std::vector<classify::LabeledExample> rows;
  std::ifstream file;
  std::istream* in = &std::cin;
  if (a.data != "-") {
    file.open(a.data, std::ios::binary);
    if (!file) return Fail(a.data + ": cannot open");
    in = &file;
  }
  FILE* out = stdout;
  std::string tmp;
  if (a.output != "-") {
    tmp = a.output + ".tmp";
    out = std::fopen(tmp.c_str(), "wb");
    if (out == nullptr) return Fail(tmp + ": cannot write: " + std::strerror(errno));
  }
  // An early return (a bad input line) leaves no temporary output behind.
  struct Abandon {
    std::FILE** out;
    const std::string* tmp;
    ~Abandon() {
      if (*out != nullptr && *out != stdout) {
        std::fclose(*out);
        std::remove(tmp->c_str());
      }
    }
  } abandon{&out, &tmp};
  auto scratch = classify::Classifier::NewScratch();
  std::vector<float> scores(c.labels().size());
  std::string line;
  int64_t n = 0;
  while (std::getline(*in, line)) {
    ++n;
    std::string id = std::to_string(n), text;
    if (a.lines) {
      text = line;
    } else {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object()) return Fail(fmt::format("{}:{}: invalid JSON", a.data, n));
      auto t = j.find(a.text_field);
      if (t == j.end() || !t->is_string()) return Fail(fmt::format("{}:{}: {}: missing or not a string", a.data, n, a.text_field));
      text = t->get<std::string>();
      if (auto i = j.find("id"); i != j.end()) id = i->is_string() ? i->get<std::string>() : i->dump();
    }
    c.Score(text, scratch.get(), scores.data());
    const size_t best = static_cast<size_t>(std::max_element(scores.begin(), scores.end()) - scores.begin());
    nlohmann::ordered_json o;
    o["id"] = id;
    o["label"] = c.labels()[best];
    if (c.positive_index() >= 0) o["score"] = scores[static_cast<size_t>(c.positive_index())];
    nlohmann::ordered_json s;
    for (size_t l = 0; l < scores.size(); ++l) s[c.labels()[l]] = scores[l];
    o["scores"] = s;
    std::fputs((o.dump() + "\n").c_str(), out);
  }
  if (out != stdout) {
    const bool written = !std::ferror(out);
    const int saved = errno;
    const bool closed = std::fclose(out) == 0;
    out = nullptr;
    Status s = written && closed ? ReplaceFile(tmp, a.output)
                                 : Status::Io(a.output + ": write failed: " + std::strerror(written ? errno : saved));
    if (!s.ok()) {
      std::remove(tmp.c_str());
      return Fail(s.message());
    }
  }
  return 0;
}

void AddFieldOptions(CLI::App* cmd, LabeledFields* f, bool group) {
  cmd->add_option("--text-field", f->text, "JSON field holding the text")->capture_default_str();
  cmd->add_option("--label-field", f->label, "JSON field holding the label")->capture_default_str();
  if (group) cmd->add_option("--group-field", f->group, "JSON field naming a group to report on separately (e.g. hard-ham)")->capture_default_str();
}

}  // namespace

void AddClassifyCommands(CLI::App& app, int* exit_code) {
  auto ta = std::make_shared<TrainArgs>();
  auto* train = app.add_subcommand(
      "train",
      "Train a text classifier (fastText) on labeled JSONL; writes MODEL and MODEL.meta.json (checksum, labels,\n"
      "calibration). Texts are normalised as the term matcher sees them. A stratified share of the data is\n"
      "held out to calibrate scores into probabilities.");
  train->add_option("--data", ta->data, "Labeled JSONL, one example a line")->required()->check(CLI::ExistingFile);
  AddFieldOptions(train, &ta->fields, false);
  train->add_option("-o,--output", ta->output, "Model file to write (e.g. spam.ftz)")->required();
  train->add_flag("--quantize", ta->options.quantize, "Product-quantize the model (smaller file, slightly slower)");
  train->add_option("--autotune-seconds", ta->options.autotune_seconds,
                    "Search fastText hyperparameters for N seconds, validated on the held-out share (0 = off)")
      ->check(CLI::NonNegativeNumber);
  train->add_option("--calibration", ta->calibration, "isotonic, platt or none")->capture_default_str();
  train->add_option("--calibration-fraction", ta->options.calibration_fraction,
                    "Share of each label held out for calibration")->capture_default_str();
  train->add_option("--calibration-folds", ta->options.calibration_folds,
                    "K >= 2: fit the calibration on out-of-fold scores of K models and train the model written on ALL "
                    "examples (K + 1 trainings) instead of holding a share out (0 = hold out)")
      ->capture_default_str();
  train->add_option("--max-words", ta->options.text_view.max_words,
                    "Use only the first N words of each text (0 = all); recorded in the model, applied when predicting")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  train->add_option("--head-words", ta->options.text_view.head_words,
                    "Emit the first N words (an e-mail's subject line) a second time as h_WORD (0 = off); recorded in the model")
      ->check(CLI::NonNegativeNumber)->capture_default_str();
  train->add_flag("--script-tokens", ta->options.text_view.script_tokens,
                  "Add __script_X__ per word in a non-Latin script (Han, Hangul, Cyrillic, ...); recorded in the model");
  train->add_option("--positive", ta->options.positive,
                    "The label classifier.NAME means in policies (default: for two labels, the one that is not "
                    "ham/ok/clean/negative/..., else the rarer)");
  train->add_option("--dim", ta->options.dim, "Embedding dimension")->capture_default_str();
  train->add_option("--epoch", ta->options.epoch, "Training epochs")->capture_default_str();
  train->add_option("--lr", ta->options.lr, "Learning rate")->capture_default_str();
  train->add_option("--word-ngrams", ta->options.word_ngrams, "Word n-gram length")->capture_default_str();
  train->add_option("--bucket", ta->options.bucket, "Hash buckets for word n-grams")->capture_default_str();
  train->add_option("--min-count", ta->options.min_count, "Words seen fewer times than this are left out of the vocabulary")
      ->capture_default_str();
  train->add_option("--positive-repeat", ta->options.positive_repeat,
                    "Repeat each positive example N times when fitting (a class weight for a rare label)")
      ->capture_default_str();
  train->add_option("--minn", ta->options.minn, "Shortest character n-gram (0 = none)")->capture_default_str();
  train->add_option("--maxn", ta->options.maxn, "Longest character n-gram (0 = none)")->capture_default_str();
  train->add_option("--threads", ta->options.threads, "Training threads (1 = reproducible)")->capture_default_str();
  train->add_option("--seed", ta->options.seed, "Seed for the split and fastText")->capture_default_str();
  train->callback([ta, exit_code] { *exit_code = RunTrain(*ta); });

  auto ea = std::make_shared<EvalArgs>();
  ea->fields.group = "group";
  auto* eval = app.add_subcommand(
      "eval",
      "Evaluate a classifier on labeled JSONL: precision, recall, F1 per label, ROC-AUC, the threshold for a\n"
      "target precision, the reliability curve of calibrated scores, per-group false-positive rates; the\n"
      "precision-recall curve as CSV and SVG.");
  eval->add_option("--model", ea->model, "Model file (with its .meta.json beside it)")->required();
  eval->add_option("--data", ea->data, "Labeled JSONL")->required()->check(CLI::ExistingFile);
  AddFieldOptions(eval, &ea->fields, true);
  eval->add_option("--threshold", ea->options.threshold,
                   "Decision threshold on the positive label's calibrated score (default: the model's recorded threshold, "
                   "set by `evenhand calibrate`, else 0.5)");
  eval->add_option("--target-precision", ea->options.target_precision, "Report the threshold reaching this precision")
      ->capture_default_str();
  eval->add_option("--bins", ea->options.reliability_bins, "Reliability-curve bins")->capture_default_str();
  eval->add_option("--format", ea->format, "stdout report: text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  eval->add_option("--json", ea->json, "Also write the JSON report to this file");
  eval->add_option("--pr-csv", ea->pr_csv, "Write the precision-recall curve as CSV");
  eval->add_option("--pr-svg", ea->pr_svg, "Write the precision-recall curve as an SVG chart");
  eval->add_flag("--unlabeled", ea->unlabeled,
                 "The data has no labels (traffic): report only the score drift against the training run");
  eval->add_flag("--fail-on-drift", ea->fail_on_drift, "Exit 3 when the drift is major (PSI >= 0.25)");
  eval->callback([ea, exit_code, eval] {
    ea->threshold_given = eval->get_option("--threshold")->count() > 0;
    *exit_code = RunEval(*ea);
  });

  auto ca = std::make_shared<CalibrateArgs>();
  auto* calibrate = app.add_subcommand(
      "calibrate",
      "Refit a binary classifier's calibration and decision threshold for a target precision from a small labelled\n"
      "sample of new traffic (the model's ranking is kept); reports precision and recall on the sample with 95 %\n"
      "intervals and how many labels it needs; writes a new version of the model (MODEL and MODEL.meta.json).");
  calibrate->add_option("--model", ca->model, "Model file (with its .meta.json beside it)")->required();
  calibrate->add_option("--labels", ca->labels, "Labelled JSONL sample of new traffic")->required()->check(CLI::ExistingFile);
  AddFieldOptions(calibrate, &ca->fields, false);
  calibrate->add_option("--target-precision", ca->options.target_precision, "Precision the threshold must reach on the sample")
      ->capture_default_str();
  calibrate->add_option("--method", ca->method, "platt, isotonic, none, or keep (the model's calibration; threshold only)")
      ->capture_default_str();
  calibrate->add_option("--current-threshold", ca->options.current_threshold,
                        "The operating point in use now, for the before/after comparison (default: the model's recorded "
                        "threshold, else 0.5)");
  calibrate->add_option("-o,--output", ca->output, "Model file to write (default: MODEL's metadata is replaced in place)");
  calibrate->add_option("--format", ca->format, "stdout report: text or json")->check(CLI::IsMember({"text", "json"}))->capture_default_str();
  calibrate->callback([ca, exit_code] { *exit_code = RunCalibrate(*ca); });

  auto pa = std::make_shared<PredictArgs>();
  auto* predict = app.add_subcommand(
      "predict",
      "Score texts with a classifier: one JSON line per input {id, label, score (positive label), scores}.");
  predict->add_option("--model", pa->model, "Model file (with its .meta.json beside it)")->required();
  predict->add_option("--data", pa->data, "JSONL input (\"-\" = stdin)")->capture_default_str();
  predict->add_option("--text-field", pa->text_field, "JSON field holding the text")->capture_default_str();
  predict->add_flag("--lines", pa->lines, "Input is plain text, one text a line (ids are line numbers)");
  predict->add_option("-o,--output", pa->output, "Output JSONL (\"-\" = stdout)")->capture_default_str();
  predict->callback([pa, exit_code] { *exit_code = RunPredict(*pa); });
}

}  // namespace evenhand::cli
