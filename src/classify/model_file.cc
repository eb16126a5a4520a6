#include "classify/model_file.h"
#include "model/replace_file.h"

#include <openssl/evp.h>

#include <algorithm>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace evenhand::classify {

namespace {

constexpr int kFormatVersion = 2;
constexpr int kOldestFormatVersion = 1;
constexpr uint64_t kMaxModelBytes = uint64_t{4} << 30;  // 4 GiB

Status Bad(const std::string& meta_path, const std::string& what) {
  return Status::Corrupt(meta_path + ": " + what);
}

nlohmann::json CalibrationJson(const Calibration& c) {
  nlohmann::json j;
  j["method"] = CalibrationMethodName(c.method());
  if (c.method() == Calibration::Method::kIsotonic) {
    j["x"] = c.xs();
    j["y"] = c.ys();
  } else if (c.method() == Calibration::Method::kPlatt) {
    j["a"] = c.a();
    j["b"] = c.b();
  }
  return j;
}

}  // namespace

std::string MetaPathFor(const std::string& model_path) { return model_path + ".meta.json"; }

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

Status ReadWholeFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open: " + std::strerror(errno));
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) return Status::Io(path + ": cannot read");
  if (static_cast<uint64_t>(size) > kMaxModelBytes) return Status::Invalid(path + ": larger than 4 GiB");
  in.seekg(0);
  out->resize(static_cast<size_t>(size));
  if (size > 0 && !in.read(out->data(), size)) return Status::Io(path + ": read error");
  return Status::Ok();
}

Status ReadModelFile(const std::string& model_path, ModelMeta* meta, std::string* bytes) {
  const std::string meta_path = MetaPathFor(model_path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(model_path, ec))
    return Status::NotFound(model_path + ": classifier model not found");
  if (!std::filesystem::is_regular_file(meta_path, ec))
    return Status::NotFound(meta_path + ": classifier metadata not found (models are made by `evenhand train`, " +
                            "which writes MODEL and MODEL.meta.json side by side)");
  std::string text;
  if (Status st = ReadWholeFile(meta_path, &text); !st.ok()) return st;
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad(meta_path, "not a JSON object");
  *meta = ModelMeta();
  try {
    if (j.value("format", "") != "evenhand-classifier") return Bad(meta_path, "\"format\" is not \"evenhand-classifier\"");
    const int version = j.value("format_version", 0);
    if (version < kOldestFormatVersion || version > kFormatVersion)
      return Bad(meta_path, "unsupported \"format_version\" (this evenhand reads " + std::to_string(kOldestFormatVersion) +
                                " to " + std::to_string(kFormatVersion) + ")");
    meta->model_bytes = j.at("model_bytes").get<uint64_t>();
    meta->model_sha256 = j.at("model_sha256").get<std::string>();
    meta->labels = j.at("labels").get<std::vector<std::string>>();
    meta->positive = j.value("positive", "");
    if (j.value("normalizer", "default") != "default") return Bad(meta_path, "unknown \"normalizer\"");
    if (j.contains("training")) meta->training_json = j["training"].dump();
    if (j.contains("text_view")) {
      const nlohmann::json& v = j.at("text_view");
      if (!v.is_object()) return Bad(meta_path, "\"text_view\" is not an object");
      for (const auto& [key, value] : v.items())
        if (key != "max_words" && key != "head_words" && key != "script_tokens")
          return Bad(meta_path, "\"text_view\": unknown key \"" + key + "\" (made by a newer evenhand?)");
      meta->text_view.max_words = v.value("max_words", 0);
      meta->text_view.head_words = v.value("head_words", 0);
      meta->text_view.script_tokens = v.value("script_tokens", false);
      if (meta->text_view.max_words < 0 || meta->text_view.head_words < 0)
        return Bad(meta_path, "\"text_view\": negative word count");
    }
    if (j.contains("score_reference")) {
      const nlohmann::json& r = j.at("score_reference");
      if (!r.is_object()) return Bad(meta_path, "\"score_reference\" is not an object");
      if (r.value("score", "raw") != "raw") return Bad(meta_path, "\"score_reference\": unknown \"score\"");
      ScoreReference& ref = meta->score_reference;
      ref.label = r.at("label").get<std::string>();
      ref.source = r.value("source", "");
      ref.count = r.at("count").get<size_t>();
      ref.edges = r.at("edges").get<std::vector<double>>();
      ref.fractions = r.at("fractions").get<std::vector<double>>();
      if (!ref.Valid()) return Bad(meta_path, "\"score_reference\" is inconsistent (edges must increase, fractions sum to 1)");
    }
    if (j.contains("threshold")) {
      meta->threshold = j.at("threshold").get<double>();
      if (!(meta->threshold >= 0 && meta->threshold <= 1)) return Bad(meta_path, "\"threshold\" must be in [0, 1]");
    }
    if (j.contains("recalibrations")) {
      if (!j.at("recalibrations").is_array()) return Bad(meta_path, "\"recalibrations\" is not an array");
      meta->recalibrations_json = j.at("recalibrations").dump();
    }
    if (j.contains("calibration")) {
      for (const auto& [label, c] : j.at("calibration").items()) {
        Calibration::Method m;
        if (!ParseCalibrationMethod(c.at("method").get<std::string>(), &m))
          return Bad(meta_path, "calibration of \"" + label + "\": unknown method");
        Calibration cal;
        if (!Calibration::FromParts(m, c.value("x", std::vector<double>{}), c.value("y", std::vector<double>{}),
                                    c.value("a", 0.0), c.value("b", 0.0), &cal))
          return Bad(meta_path, "calibration of \"" + label + "\" is inconsistent");
        meta->calibration[label] = std::move(cal);
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return Bad(meta_path, std::string("bad field: ") + e.what());
  }
  if (meta->labels.size() < 2) return Bad(meta_path, "\"labels\" needs at least two labels");
  if (!meta->score_reference.empty() &&
      std::find(meta->labels.begin(), meta->labels.end(), meta->score_reference.label) == meta->labels.end())
    return Bad(meta_path, "\"score_reference\" names no label");
  if (!meta->positive.empty() &&
      std::find(meta->labels.begin(), meta->labels.end(), meta->positive) == meta->labels.end())
    return Bad(meta_path, "\"positive\" names no label");
  for (const auto& [label, c] : meta->calibration)
    if (std::find(meta->labels.begin(), meta->labels.end(), label) == meta->labels.end())
      return Bad(meta_path, "calibration for unknown label \"" + label + "\"");

  const uint64_t size = std::filesystem::file_size(model_path, ec);
  if (ec) return Status::Io(model_path + ": cannot stat: " + ec.message());
  if (size != meta->model_bytes)
    return Status::Corrupt(model_path + ": size " + std::to_string(size) + " bytes, but " + meta_path + " records " +
                           std::to_string(meta->model_bytes) + " (truncated, or replaced without its metadata)");
  if (Status st = ReadWholeFile(model_path, bytes); !st.ok()) return st;
  if (Sha256Hex(*bytes) != meta->model_sha256)
    return Status::Corrupt(model_path + ": SHA-256 does not match " + meta_path +
                           " (corrupt, or replaced without its metadata)");
  return Status::Ok();
}

Status WriteMeta(const std::string& model_path, const ModelMeta& meta) {
  nlohmann::ordered_json j;
  j["format"] = "evenhand-classifier";
  j["format_version"] = kFormatVersion;
  j["model_bytes"] = meta.model_bytes;
  j["model_sha256"] = meta.model_sha256;
  j["labels"] = meta.labels;
  j["positive"] = meta.positive;
  j["normalizer"] = "default";
  nlohmann::ordered_json cal = nlohmann::ordered_json::object();
  for (const auto& [label, c] : meta.calibration) cal[label] = CalibrationJson(c);
  j["calibration"] = cal;
  if (!meta.text_view.identity()) {  // absent for the plain view, so such files are as before
    nlohmann::ordered_json v;
    v["max_words"] = meta.text_view.max_words;
    v["head_words"] = meta.text_view.head_words;
    v["script_tokens"] = meta.text_view.script_tokens;
    j["text_view"] = v;
  }
  j["training"] = nlohmann::ordered_json::parse(meta.training_json, nullptr, false);
  if (!meta.score_reference.empty()) {
    const ScoreReference& r = meta.score_reference;
    nlohmann::ordered_json ref;
    ref["label"] = r.label;
    ref["score"] = "raw";
    ref["source"] = r.source;
    ref["count"] = r.count;
    ref["edges"] = r.edges;
    ref["fractions"] = r.fractions;
    j["score_reference"] = ref;
  }
  if (meta.threshold >= 0) j["threshold"] = meta.threshold;
  nlohmann::ordered_json recal = nlohmann::ordered_json::parse(meta.recalibrations_json, nullptr, false);
  if (recal.is_array() && !recal.empty()) j["recalibrations"] = recal;
  const std::string path = MetaPathFor(model_path);
  return WriteFileReplacing(path, j.dump(2) + "\n");
}

}  // namespace evenhand::classify
