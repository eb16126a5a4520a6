#include "classify/classifier.h"

#include <algorithm>

#include "classify/fasttext_backend.h"

namespace evenhand::classify {

struct BackendScratchHolder {
  internal::FastTextBackend::ScratchPtr s;
};

Classifier::Scratch::Scratch() = default;
Classifier::Scratch::~Scratch() = default;

Classifier::Classifier() = default;
Classifier::~Classifier() = default;

std::unique_ptr<Classifier::Scratch> Classifier::NewScratch() { return std::make_unique<Scratch>(); }

Result<std::shared_ptr<const Classifier>> Classifier::Load(const std::string& model_path) {
  ModelMeta meta;
  std::string bytes;
  if (Status st = ReadModelFile(model_path, &meta, &bytes); !st.ok()) return st;
  return FromParts(bytes, std::move(meta), model_path);
}

Result<std::shared_ptr<const Classifier>> Classifier::FromParts(const std::string& bytes, ModelMeta meta,
                                                                const std::string& what) {
  auto backend = internal::FastTextBackend::FromBytes(bytes, what);
  if (!backend.ok()) return backend.status();
  std::shared_ptr<Classifier> c(new Classifier());
  c->path_ = what;
  c->backend_ = std::move(backend).value();
  const std::vector<std::string>& model_labels = c->backend_->labels();
  std::vector<std::string> a = model_labels, b = meta.labels;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  if (a != b) return Status::Corrupt(what + ": the model's labels differ from those in its metadata");
  for (const std::string& l : meta.labels)
    c->meta_to_model_.push_back(
        static_cast<int>(std::find(model_labels.begin(), model_labels.end(), l) - model_labels.begin()));
  c->meta_ = std::move(meta);
  c->positive_ = c->label_index(c->meta_.positive);
  for (const std::string& l : c->meta_.labels) {
    auto it = c->meta_.calibration.find(l);
    c->cal_.push_back(it == c->meta_.calibration.end() ? nullptr : &it->second);
  }
  return std::shared_ptr<const Classifier>(std::move(c));
}

int Classifier::label_index(std::string_view label) const {
  for (size_t i = 0; i < meta_.labels.size(); ++i)
    if (meta_.labels[i] == label) return static_cast<int>(i);
  return -1;
}

void Classifier::RawNormalized(std::string_view normalized, Scratch* s, float* raw) const {
  if (s->owner != backend_.get()) {
    s->ft = std::make_unique<BackendScratchHolder>();
    s->ft->s = backend_->NewScratch();
    s->raw.assign(meta_.labels.size(), 0.0f);
    s->owner = backend_.get();
  }
  float* model_order = s->raw.data();
  const std::string_view text =
      !meta_.text_view.identity() && ApplyTextView(meta_.text_view, normalized, &s->viewed) ? std::string_view(s->viewed) : normalized;
  backend_->Predict(text, s->ft->s.get(), model_order);
  // The metadata's label order may differ from the model's.
  for (size_t i = 0; i < meta_.labels.size(); ++i) raw[i] = model_order[meta_to_model_[i]];
}

void Classifier::Calibrate(const float* raw, float* scores) const {
  const size_t n = meta_.labels.size();
  if (positive_ >= 0 && n == 2) {
    const size_t p = static_cast<size_t>(positive_);
    const Calibration* c = cal_[p];
    const float score = c ? static_cast<float>(c->Apply(raw[p])) : raw[p];
    scores[p] = score;
    scores[1 - p] = 1.0f - score;
    return;
  }
  for (size_t i = 0; i < n; ++i) scores[i] = cal_[i] ? static_cast<float>(cal_[i]->Apply(raw[i])) : raw[i];
}

void Classifier::ScoreNormalized(std::string_view normalized, Scratch* s, float* scores) const {
  RawNormalized(normalized, s, scores);
  Calibrate(scores, scores);
}

void Classifier::Score(std::string_view text, Scratch* s, float* scores) const {
  normalizer_.NormalizeForMatch(text, &s->normalized);
  ScoreNormalized(s->normalized.text, s, scores);
}

std::vector<float> Classifier::RawReference(std::string_view normalized) const {
  std::string viewed;
  std::vector<float> model_order =
      backend_->PredictReference(ApplyTextView(meta_.text_view, normalized, &viewed) ? std::string_view(viewed) : normalized);
  std::vector<float> out(meta_.labels.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = model_order[static_cast<size_t>(meta_to_model_[i])];
  return out;
}

}  // namespace evenhand::classify
