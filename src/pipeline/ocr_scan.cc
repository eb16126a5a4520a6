// Scanner: text in a post's images (ocr.* names; src/media/ocr).
//
// Read lazily: the first ocr.* name a rule's evaluation reaches decodes each
// of the post's images and runs the thread's OcrEngine on it (within the
// per-image budget of ScanOptions::ocr), then matches the policy's term lists
// in the text of every line read, with the same normaliser and matcher as
// the post's own text. A post whose decision never reads ocr.* is never
// OCR'd. Terms of at least 10 letters also match with OCR's errors allowed
// (a quarter of their letters; media/ocr/fuzzy_terms.h). Signals: detector
// "ocr", one per list matched, the evidence naming the term, the edits when
// not exact, the image and the box of the line the match begins on
// ("\"TERM\" (2 edits) in media[0] a.jpg at [x0,y0,x1,y1]"); one per classifier read
// on the OCR text with a score >= 0.5 (name "classifier.NAME"); and
// "error" / "timeout" signals (score 0) for images that could not be read
// or whose budget ran out (the lines read before are still used).
//
// A video among the media (sniffed from its first bytes) is read at one
// frame every ScanOptions::ocr_video_seconds, at most ocr_video_max_frames
// frames (VideoDecoder within video_limits), each frame like an image with
// its own budget; its lines carry the frame's time, which the evidence
// names ("... in media[0] v.mp4 at 4.0 s [x0,y0,x1,y1]"). The same term in
// an overlapping box of the same video (a caption over several frames)
// counts once.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <functional>

#include "media/video_decoder.h"
#include "pipeline/scanner.h"

namespace evenhand {

namespace {

void AppendBox(std::string* out, int x0, int y0, int x1, int y1) {
  *out += "[" + std::to_string(x0) + "," + std::to_string(y0) + "," + std::to_string(x1) + "," +
          std::to_string(y1) + "]";
}

// Hands sampled video frames to the OCR engine, as images, until max_frames.
class OcrFrameSink final : public VideoFrameSink {
 public:
  OcrFrameSink(ocr::OcrEngine* engine, Image* image, ocr::OcrResult* result, const VideoInfo* info, int max_frames,
               std::function<void(float seconds, const ocr::OcrResult&)> on_frame)
      : engine_(engine), image_(image), result_(result), info_(info), max_frames_(max_frames),
        on_frame_(std::move(on_frame)) {}

  Status Frame(int64_t frame_number, const uint8_t* rgb, int width, int height, size_t stride) override {
    image_->Reset(width, height, 3);
    for (int y = 0; y < height; ++y)
      std::memcpy(image_->Row(y), rgb + static_cast<size_t>(y) * stride, static_cast<size_t>(width) * 3);
    if (Status s = engine_->Recognize(*image_, result_); !s.ok()) return s;
    on_frame_(info_->fps > 0 ? static_cast<float>(static_cast<double>(frame_number) / info_->fps) : 0.0f, *result_);
    if (++frames_ >= max_frames_) {
      enough_ = true;
      return Status::Conflict("enough frames read");  // stops the decoder; not an error
    }
    return Status::Ok();
  }
  bool enough() const { return enough_; }
  int frames() const { return frames_; }

 private:
  ocr::OcrEngine* engine_;
  Image* image_;
  ocr::OcrResult* result_;
  const VideoInfo* info_;
  int max_frames_;
  std::function<void(float, const ocr::OcrResult&)> on_frame_;
  int frames_ = 0;
  bool enough_ = false;
};

std::string Seconds(float s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", static_cast<double>(s));
  return buf;
}

// The line (index in ocr_lines) holding byte `offset` of ocr_text.
size_t LineOf(const Scanner::State& state, uint32_t offset) {
  size_t l = 0;
  while (l + 1 < state.ocr_lines.size() && state.ocr_lines[l + 1].begin <= offset) ++l;
  return l;
}

}  // namespace

void Scanner::AddOcrLines(size_t m, float seconds, const ocr::OcrResult& r, State* state) const {
  for (const ocr::OcrLine& line : r.lines) {
    State::OcrLineRef& ref = state->ocr_lines.emplace_back();
    ref.begin = static_cast<uint32_t>(state->ocr_text.size());
    ref.media = static_cast<uint32_t>(m);
    ref.x0 = line.x0, ref.y0 = line.y0, ref.x1 = line.x1, ref.y1 = line.y1;
    ref.seconds = seconds;
    state->ocr_text += line.text;
    state->ocr_text.push_back('\n');
  }
}

void Scanner::ReadVideoText(size_t m, const std::string& rel, State* state) const {
  VideoInfo info;
  VideoDecoder decoder(options_.video_limits);
  FrameSampling sampling;
  sampling.seconds_per_hash = options_.ocr_video_seconds;
  const std::string where = "media[" + std::to_string(m) + "] " + rel;
  OcrFrameSink sink(state->ocr_engine.get(), &state->ocr_image, &state->ocr_result, &info,
                    std::max(1, options_.ocr_video_max_frames), [&](float seconds, const ocr::OcrResult& r) {
                      state->ocr_any_image = true;
                      if (r.timed_out) {
                        Signal& t = state->ocr_errors.emplace_back();
                        t.detector = "ocr";
                        t.name = "timeout";
                        t.score = 0;
                        t.evidence = where + " at " + Seconds(seconds) + ": text reading stopped at the " +
                                     std::to_string(options_.ocr.budget_ms) + " ms budget (" +
                                     std::to_string(r.lines.size()) + " lines read before)";
                      }
                      AddOcrLines(m, seconds, r, state);
                    });
  Status s = decoder.DecodeFile(state->path, sampling, &sink, &info);
  if (!s.ok() && !sink.enough()) {
    Signal& err = state->ocr_errors.emplace_back();
    err.detector = "ocr";
    err.name = "error";
    err.score = 0;
    err.evidence = where + ": " + s.message() +
                   (sink.frames() > 0 ? " (" + std::to_string(sink.frames()) + " frames read before)" : "");
  }
}

void Scanner::ReadPostImages(const Post& post, State* state) const {
  state->ocr_text.clear();
  state->ocr_lines.clear();
  state->ocr_errors.clear();
  state->ocr_any_image = false;
  state->ocr_list_counts.assign(policy_->lists().size(), 0);
  state->ocr_scores.assign(classifiers_.size(), State::kNotScored);
  if (post.media.empty()) return;
  if (!state->ocr_engine && state->ocr_engine_status.ok()) {
    auto engine = ocr::OcrEngine::Create(options_.ocr);
    if (engine.ok()) {
      state->ocr_engine = std::move(engine).value();
    } else {
      state->ocr_engine_status = engine.status();
    }
  }
  for (size_t m = 0; m < post.media.size(); ++m) {
    const std::string& rel = post.media[m].path;
    Signal err;
    err.detector = "ocr";
    err.score = 0;
    if (!state->ocr_engine) {
      err.name = "error";
      err.evidence = state->ocr_engine_status.message();
      state->ocr_errors.push_back(std::move(err));
      return;
    }
    if (!rel.empty() && rel[0] != '/' && !options_.media_dir.empty()) {
      state->path.assign(options_.media_dir);
      state->path.push_back('/');
      state->path.append(rel);
    } else {
      state->path.assign(rel);
    }
    if (SniffVideo(state->path)) {
      ReadVideoText(m, rel, state);
      continue;
    }
    Status s = state->decoder.DecodeFile(state->path, &state->ocr_image);
    if (s.ok()) s = state->ocr_engine->Recognize(state->ocr_image, &state->ocr_result);
    if (!s.ok()) {
      err.name = "error";
      err.evidence = "media[" + std::to_string(m) + "] " + rel + ": " + s.message();
      state->ocr_errors.push_back(std::move(err));
      continue;
    }
    state->ocr_any_image = true;
    const ocr::OcrResult& r = state->ocr_result;
    if (r.timed_out) {
      err.name = "timeout";
      err.evidence = "media[" + std::to_string(m) + "] " + rel + ": text reading stopped at the " +
                     std::to_string(options_.ocr.budget_ms) + " ms budget (" + std::to_string(r.lines.size()) +
                     " lines read before)";
      state->ocr_errors.push_back(std::move(err));
    }
    AddOcrLines(m, -1.0f, r, state);
  }
  normalizer_.NormalizeForMatch(state->ocr_text, &state->ocr_normalized);
  matcher_->Scan(state->ocr_normalized, state->scratch.get(), &state->ocr_matches);
  state->ocr_distance.assign(state->ocr_matches.size(), 0);
  // Long terms with OCR's errors allowed, where the exact matcher did not find them.
  state->ocr_fuzzy_matches.clear();
  ocr_fuzzy_.Scan(state->ocr_normalized, &state->ocr_fuzzy_scratch, &state->ocr_fuzzy_matches);
  const size_t exact = state->ocr_matches.size();
  for (const ocr::FuzzyTerms::Match& f : state->ocr_fuzzy_matches) {
    bool seen = false;
    for (size_t i = 0; i < exact && !seen; ++i) {
      const TermMatch& e = state->ocr_matches[i];
      seen = e.list == f.list && e.term == f.term && e.begin < f.end && f.begin < e.end;
    }
    if (seen) continue;
    TermMatch& tm = state->ocr_matches.emplace_back();
    tm.list = f.list;
    tm.term = f.term;
    tm.begin = f.begin;
    tm.end = f.end;
    state->ocr_distance.push_back(f.distance);
  }
  // Passes read the same line more than once: a term found again in an
  // overlapping box of the same image counts once.
  size_t kept = 0;
  for (size_t i = 0; i < state->ocr_matches.size(); ++i) {
    const TermMatch& m = state->ocr_matches[i];
    const State::OcrLineRef& a = state->ocr_lines[LineOf(*state, m.begin)];
    bool repeat = false;
    for (size_t k = 0; k < kept && !repeat; ++k) {
      const TermMatch& o = state->ocr_matches[k];
      if (o.list != m.list || o.term != m.term) continue;
      const State::OcrLineRef& b = state->ocr_lines[LineOf(*state, o.begin)];
      repeat = a.media == b.media && a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
    }
    if (repeat) continue;
    state->ocr_matches[kept] = m;
    state->ocr_distance[kept] = state->ocr_distance[i];
    ++kept;
  }
  state->ocr_matches.resize(kept);
  state->ocr_distance.resize(kept);
  for (const TermMatch& tm : state->ocr_matches) ++state->ocr_list_counts[tm.list];
}

uint32_t Scanner::State::LazyOcr::ListCount(size_t list) {
  if (!done) {
    scanner->ReadPostImages(*post, state);
    done = true;
  }
  return list < state->ocr_list_counts.size() ? state->ocr_list_counts[list] : 0;
}

double Scanner::State::LazyOcr::TextLength() {
  ListCount(0);
  return state->ocr_any_image ? static_cast<double>(state->ocr_text.size()) : -1.0;
}

float Scanner::State::LazyOcr::ClassifierScore(size_t c) {
  ListCount(0);
  if (c >= state->ocr_scores.size() || !state->ocr_any_image) return -1.0f;
  float& score = state->ocr_scores[c];
  if (score != kNotScored) return score;
  const int index = state->classifier_labels[c];
  if (index < 0) return score = -1.0f;
  const classify::Classifier& model = *state->classifier_models[c];
  state->label_scores.resize(model.labels().size());
  model.ScoreNormalized(state->ocr_normalized.text, state->classifier_scratch[c].get(), state->label_scores.data());
  return score = state->label_scores[static_cast<size_t>(index)];
}

void Scanner::AppendOcrSignals(const Post& post, State* state, Decision* d) const {
  for (uint32_t list = 0; list < state->ocr_list_counts.size(); ++list) {
    const uint32_t count = state->ocr_list_counts[list];
    if (count == 0) continue;
    Signal& s = d->signals.emplace_back();
    s.detector.assign("ocr");
    s.name.assign(matcher_->list_name(list));
    s.score = 1.0;
    s.evidence.clear();
    int quoted = 0;
    for (size_t i = 0; i < state->ocr_matches.size(); ++i) {
      const TermMatch& m = state->ocr_matches[i];
      if (m.list != list) continue;
      if (quoted == options_.max_evidence) {
        s.evidence += "; +" + std::to_string(count - quoted) + " more";
        break;
      }
      if (quoted++) s.evidence += "; ";
      const State::OcrLineRef& ref = state->ocr_lines[LineOf(*state, m.begin)];  // the line the match begins on
      s.evidence += "\"" + matcher_->term(list, m.term) + "\"";
      if (state->ocr_distance[i] > 0) s.evidence += " (" + std::to_string(state->ocr_distance[i]) + " edits)";
      s.evidence += " in media[" + std::to_string(ref.media) + "] " + post.media[ref.media].path + " at ";
      if (ref.seconds >= 0) s.evidence += Seconds(ref.seconds) + " ";
      AppendBox(&s.evidence, ref.x0, ref.y0, ref.x1, ref.y1);
    }
  }
  for (size_t c = 0; c < state->ocr_scores.size(); ++c) {
    const float score = state->ocr_scores[c];
    if (score < 0.5f) continue;
    Signal& s = d->signals.emplace_back();
    s.detector.assign("ocr");
    s.name.assign("classifier." + policy_->classifiers()[c].name);
    s.score = score;
    s.evidence.assign("text read from the post's images");
  }
  for (const Signal& e : state->ocr_errors) d->signals.push_back(e);
}

}  // namespace evenhand
