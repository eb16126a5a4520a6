#include "pipeline/scanner.h"

#include <algorithm>
#include <charconv>

#include "bank/bank_io.h"
#include "media/any_bank.h"
#include "model/time.h"
#include "text/langid.h"

namespace evenhand {

namespace {

void AppendUint(std::string* out, uint64_t v) {
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out->append(buf, static_cast<size_t>(end - buf));
}

}  // namespace

Scanner::Scanner(std::shared_ptr<const Policy> policy, ScanOptions options)
    : policy_(std::move(policy)), options_(options) {}

Scanner::~Scanner() = default;

Result<std::unique_ptr<Scanner>> Scanner::Create(std::shared_ptr<const Policy> policy, ScanOptions options) {
  if (options.now == 0) options.now = NowUnixSeconds();
  std::unique_ptr<Scanner> scanner(new Scanner(std::move(policy), options));
  auto matcher = TermMatcher::Compile(scanner->policy_->lists(), scanner->normalizer_);
  if (!matcher.ok()) return matcher.status();
  scanner->matcher_ = std::move(matcher).value();
  switch (options.detect_lang) {
    case ScanOptions::DetectLang::kAlways: scanner->detect_lang_ = true; break;
    case ScanOptions::DetectLang::kNever: scanner->detect_lang_ = false; break;
    case ScanOptions::DetectLang::kAuto: scanner->detect_lang_ = scanner->policy_->uses_lang(); break;
  }
  for (const BankRef& ref : scanner->policy_->banks()) {
    auto kind = DetectBankKind(ref.file);
    if (!kind.ok()) return kind.status();
    if (*kind != BankKind::kPdq) {  // a video or exact-hash bank (media/any_bank.h)
      auto any = OpenAnyBank(ref.file, ref.name, &*kind);
      if (!any.ok()) return any.status();
      BankInfo info = any->info();
      info.name = ref.name;
      info.negative = info.negative || ref.negative;
      any->set_info(info);
      const size_t index = scanner->banks_.size();
      if (any->video) {
        VpdqMatchRule rule;
        rule.distance = ref.radius;
        scanner->video_banks_.push_back({index, std::shared_ptr<const VideoBank>(std::move(any->video)), rule});
      } else {
        scanner->digest_mask_ |= static_cast<uint8_t>(1u << static_cast<int>(any->exact->kind()));
        scanner->exact_banks_.push_back({index, std::shared_ptr<const ExactBank>(std::move(any->exact))});
      }
      scanner->banks_.Add(std::make_shared<const Bank>(info), ref.radius, false);  // empty: keeps the indices
      continue;
    }
    ++scanner->pdq_banks_;
    auto bank = OpenBank(ref.file, ref.name);
    if (!bank.ok()) return bank.status();
    if (ref.negative) {
      BankInfo info = (*bank)->info();
      info.negative = true;
      (*bank)->set_info(info);
    }
    scanner->banks_.Add(std::shared_ptr<const Bank>(std::move(bank).value()), ref.radius, ref.dihedral);
  }
  scanner->banks_.set_min_quality(options.min_quality);
  if (scanner->policy_->uses_ocr()) {  // fail now, not on the first post, when the models are missing
    auto engine = ocr::OcrEngine::Create(options.ocr);
    if (!engine.ok()) return engine.status();
    scanner->ocr_fuzzy_ = ocr::FuzzyTerms::Compile(scanner->policy_->lists(), scanner->normalizer_, options.ocr_fuzzy);
  }
  for (const ClassifierRef& ref : scanner->policy_->classifiers()) {
    auto slot = classify::ClassifierSlot::Open(ref.file);
    if (!slot.ok()) return Status::Invalid("classifier \"" + ref.name + "\": " + slot.status().message());
    auto model = (*slot)->Current();
    if (!ref.label.empty() ? model->label_index(ref.label) < 0 : model->positive_index() < 0)
      return Status::Invalid("classifier \"" + ref.name + "\": " + ref.file +
                             (ref.label.empty() ? " has no positive label: name one with {model: ..., label: ...}"
                                                : " has no label \"" + ref.label + "\""));
    scanner->classifiers_.push_back(std::move(slot).value());
  }
  return scanner;
}

std::unique_ptr<Scanner::State> Scanner::NewState() const {
  auto state = std::make_unique<State>();
  state->hasher = PdqHasher(options_.pdq_mode);
  DecodeOptions decode;
  decode.limits.max_file_bytes = options_.max_media_bytes;
  state->decoder = ImageDecoder(decode);
  state->frames.reserve(1024);
  state->bank_distances.assign(banks_.size(), -1);
  state->image_best.assign(banks_.size(), -1);
  state->scratch = matcher_->NewScratch();
  state->list_counts.assign(policy_->lists().size(), 0);
  for (size_t c = 0; c < classifiers_.size(); ++c) state->classifier_scratch.push_back(classify::Classifier::NewScratch());
  state->classifier_models.resize(classifiers_.size());
  state->classifier_labels.assign(classifiers_.size(), -1);
  state->post_scores.assign(classifiers_.size(), State::kNotScored);
  state->lazy.scanner = this;
  state->lazy.state = state.get();
  state->lazy_ocr.scanner = this;
  state->lazy_ocr.state = state.get();
  return state;
}

void Scanner::Scan(const Post& post, State* state, Decision* d) const { ScanBatch(&post, 1, state, d); }

void Scanner::ScanBatch(const Post* posts, size_t count, State* state, Decision* decisions) const {
  for (size_t done = 0; done < count;) {
    const size_t n = std::min(count - done, kScanChunk);
    for (size_t i = 0; i < n; ++i) {
      normalizer_.NormalizeForMatch(posts[done + i].text, &state->normalized[i]);
      state->texts[i] = &state->normalized[i];
    }
    matcher_->ScanMany(state->texts, n, state->scratch.get(), &state->matches);
    if (!classifiers_.empty()) SnapshotClassifiers(state);
    const TermMatch* m = state->matches.data();
    const TermMatch* const all_end = m + state->matches.size();
    for (size_t i = 0; i < n; ++i) {
      const TermMatch* e = m;
      while (e != all_end && e->text == i) ++e;
      state->lazy.text = state->normalized[i].text;
      Decide(posts[done + i], m, e, state, &decisions[done + i]);
      m = e;
    }
    done += n;
  }
}

void Scanner::Decide(const Post& post, const TermMatch* begin, const TermMatch* end, State* state,
                     Decision* d) const {
  std::fill(state->list_counts.begin(), state->list_counts.end(), 0);
  for (const TermMatch* m = begin; m != end; ++m) ++state->list_counts[m->list];

  d->item.assign(post.id);
  d->account.assign(post.account);
  d->region.assign(post.region);
  d->ts = post.ts;
  if (!post.lang.empty()) {
    d->lang.assign(post.lang);
  } else if (detect_lang_) {
    d->lang.assign(DetectLanguage(post.text));
  } else {
    d->lang.clear();
  }

  EvalContext ctx;
  ctx.post = &post;
  ctx.lang = d->lang;  // the detected language when the post had none
  ctx.account = post.account_ref;
  // account.age_days is the account's age when the post was made; posts
  // without a timestamp are judged at the scan's reference time.
  ctx.now = post.ts != 0 ? post.ts : options_.now;
  ctx.list_counts = state->list_counts;
  MatchMedia(post, state);
  ctx.bank_distances = state->bank_distances;
  if (!classifiers_.empty()) {
    std::fill(state->post_scores.begin(), state->post_scores.end(), State::kNotScored);
    ctx.lazy_classifiers = &state->lazy;
  }
  if (options_.behavior) {
    ctx.network_size = ctx.coordination_score = ctx.automation_score = ctx.cluster_size = 0;
    if (auto it = options_.behavior->find(post.account); it != options_.behavior->end()) {
      ctx.network_size = it->second.network_size;
      ctx.coordination_score = it->second.coordination_score;
      ctx.automation_score = it->second.automation_score;
      ctx.cluster_size = it->second.cluster_size;
    }
  }
  state->lazy_ocr.post = &post;
  state->lazy_ocr.done = false;
  if (policy_->uses_ocr()) ctx.ocr = &state->lazy_ocr;
  int rule_index = policy_->Evaluate(ctx);

  d->policy.assign(policy_->id());
  d->scope.clear();
  if (rule_index < 0) {
    d->action = Action::kAllow;
    d->category.clear();
    d->rule.clear();
    d->reason.clear();
    d->review = false;
  } else {
    const Rule& rule = policy_->rules()[rule_index];
    d->action = rule.action;
    d->scope.assign(rule.scope.begin(), rule.scope.end());
    d->category.assign(rule.category);
    d->rule.assign(rule.id);
    d->reason.assign(rule.reason);
    d->review = rule.review || rule.action == Action::kReview;
  }

  // One signal per list that matched, with the first few matches as evidence.
  size_t n = 0;
  for (uint32_t list = 0; list < state->list_counts.size(); ++list)
    if (state->list_counts[list] > 0) ++n;
  d->signals.resize(n + state->media_signals.size());
  for (size_t i = 0; i < state->media_signals.size(); ++i) d->signals[n + i] = state->media_signals[i];
  size_t k = 0;
  for (uint32_t list = 0; list < state->list_counts.size(); ++list) {
    if (state->list_counts[list] == 0) continue;
    Signal& s = d->signals[k++];
    s.detector.assign("terms");
    s.name.assign(matcher_->list_name(list));
    s.score = 1.0;
    s.evidence.clear();
    int quoted = 0;
    for (const TermMatch* it = begin; it != end; ++it) {
      const TermMatch& m = *it;
      if (m.list != list) continue;
      if (quoted == options_.max_evidence) {
        s.evidence.append("; +");
        AppendUint(&s.evidence, state->list_counts[list] - quoted);
        s.evidence.append(" more");
        break;
      }
      if (quoted++) s.evidence.append("; ");
      // "TERM" at [BEGIN,END)
      s.evidence.push_back('"');
      s.evidence.append(matcher_->term(list, m.term));
      s.evidence.append("\" at [");
      AppendUint(&s.evidence, m.begin);
      s.evidence.push_back(',');
      AppendUint(&s.evidence, m.end);
      s.evidence.push_back(')');
    }
  }
  // One signal per classifier the evaluation read that scored its label as
  // more likely than not.
  for (size_t c = 0; c < state->post_scores.size(); ++c) {
    const float score = state->post_scores[c];
    if (score < 0.5f) continue;
    Signal& s = d->signals.emplace_back();
    s.detector.assign("classifier");
    s.name.assign(policy_->classifiers()[c].name);
    s.score = score;
    s.evidence.clear();
  }
  if (state->lazy_ocr.done) AppendOcrSignals(post, state, d);
}

void Scanner::SnapshotClassifiers(State* state) const {
  for (size_t c = 0; c < classifiers_.size(); ++c) {
    std::shared_ptr<const classify::Classifier>& model = state->classifier_models[c];
    model = classifiers_[c]->Current();
    const std::string& label = policy_->classifiers()[c].label;
    // A swapped-in model without the label gives no score (-1).
    state->classifier_labels[c] = label.empty() ? model->positive_index() : model->label_index(label);
  }
}

float Scanner::ScoreClassifier(size_t c, State* state) const {
  const int index = state->classifier_labels[c];
  if (index < 0) return -1.0f;
  const classify::Classifier& model = *state->classifier_models[c];
  state->label_scores.resize(model.labels().size());
  model.ScoreNormalized(state->lazy.text, state->classifier_scratch[c].get(), state->label_scores.data());
  return state->label_scores[static_cast<size_t>(index)];
}

float Scanner::State::LazyScores::Score(size_t index) {
  if (index >= state->post_scores.size()) return -1.0f;
  float& score = state->post_scores[index];
  if (score == kNotScored) score = scanner->ScoreClassifier(index, state);
  return score;
}

Status Scanner::ReloadClassifiers() const {
  Status first;
  for (const auto& slot : classifiers_) {
    Status st = slot->ReloadIfChanged();
    if (!st.ok() && first.ok()) first = st;
  }
  return first;
}

}  // namespace evenhand
