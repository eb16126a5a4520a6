// A policy: named term lists and ordered rules. Each rule has a `when`
// expression (see expr.h), an action, a DSA category and a reason.
//
// Evaluation order: rules are tried top to bottom and the FIRST rule whose
// `when` holds decides; when none holds the policy's default action (allow)
// applies. Authors therefore put the most severe rules first.
//
// A loaded Policy is immutable and safe to evaluate from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/action.h"
#include "model/item.h"
#include "model/status.h"
#include "text/term_list.h"

namespace evenhand {

class Expr;

// Classifier scores computed on demand. When EvalContext::lazy_classifiers
// is set, classifier.NAME asks it for the score only when a rule's
// evaluation reaches that name (and/or short-circuit, first matching rule
// wins), so a post whose decision never reads a classifier is never scored.
// Score(index) is the calibrated probability, or negative when there is
// none; an implementation computes each index at most once per post.
class ClassifierScores {
 public:
  virtual float Score(size_t index) = 0;

 protected:
  ~ClassifierScores() = default;
};

// Text read from a post's images (OCR, src/media/ocr), computed on demand:
// the pipeline reads the images only when a rule's evaluation reaches an
// ocr.* name, at most once per post (see Scanner).
//   ListCount(i)       whole-word matches of list i in the OCR text
//   ClassifierScore(c) classifier c's calibrated probability on the OCR text; negative = none
//   TextLength()       bytes of OCR text; negative = missing (no image was read)
class OcrSignals {
 public:
  virtual uint32_t ListCount(size_t list) = 0;
  virtual float ClassifierScore(size_t classifier) = 0;
  virtual double TextLength() = 0;

 protected:
  ~OcrSignals() = default;
};

// What a rule's expression can see for one post.
struct EvalContext {
  const Post* post = nullptr;
  const Account* account = nullptr;   // null when the post names none
  int64_t now = 0;                    // unix seconds, for account.age_days
  std::span<const uint32_t> list_counts;  // whole-word matches per list index
  std::string_view lang;  // detected language when the post has none (else empty)
  // Per bank index (Policy::banks): smallest PDQ distance of the post's media
  // to the bank within its radius, or -1 (no match). bank.NAME.match is
  // false and bank.NAME.distance missing for an index beyond the span.
  std::span<const int> bank_distances;
  // Per classifier index (Policy::classifiers): the calibrated probability of
  // the classifier's label for this post, or negative when none was
  // computed. classifier.NAME is missing (every comparison false) for a
  // negative score or an index beyond the span.
  std::span<const float> classifier_scores;
  // When set, classifier scores come from here (computed lazily) and
  // classifier_scores is not read.
  ClassifierScores* lazy_classifiers = nullptr;
  // Behaviour signals (src/behavior) of the post's account, or of the
  // account being judged; negative = missing (every comparison false).
  // account.network_size, account.coordination_score (0..1),
  // account.automation_score (0..1), cluster.size (near-duplicate posts).
  double network_size = -1;
  double coordination_score = -1;
  double automation_score = -1;
  double cluster_size = -1;
  // Text in the post's images; null = none (ocr.list.NAME false, counts 0,
  // ocr.classifier.NAME and ocr.text.length missing).
  OcrSignals* ocr = nullptr;
};

// A trained text classifier the policy names (`classifiers:`); the pipeline
// loads it (src/classify) once per run and shares it between threads.
struct ClassifierRef {
  std::string name;   // used as classifier.NAME in `when`
  std::string file;   // the model, resolved against the policy file's folder
  std::string label;  // whose score classifier.NAME is; "" = the model's positive label
  int line = 0;
};

// A hash bank the policy names (`banks:`); the pipeline loads it.
struct BankRef {
  std::string name;       // used as bank.NAME in `when`
  std::string file;       // resolved against the policy file's folder
  int radius = 31;        // PDQ match threshold, 0..64
  bool dihedral = false;  // also match the 8 rotations/flips of each image
  bool negative = false;  // a safe list: its matches suppress all bank matches
  int line = 0;
};

struct Rule {
  std::string id;
  Action action = Action::kAllow;
  std::vector<std::string> scope;  // jurisdictions (withhold only; required there)
  std::string category;            // DSA short form
  std::string reason;
  bool review = false;
  std::string when_text;
  std::shared_ptr<const Expr> when;
  int line = 0;  // in the policy file
};

class Policy {
 public:
  const std::string& name() const { return name_; }
  int64_t version() const { return version_; }
  const std::string& id() const { return id_; }  // "name@version"
  const std::vector<TermList>& lists() const { return lists_; }
  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<BankRef>& banks() const { return banks_; }
  const std::vector<ClassifierRef>& classifiers() const { return classifiers_; }
  // True when some rule reads `lang` (so the pipeline runs language id).
  bool uses_lang() const { return uses_lang_; }
  // True when some rule reads an ocr.* name (so the pipeline may read the text in images).
  bool uses_ocr() const { return uses_ocr_; }

  // Index of the first rule that holds, or -1 for the default (allow).
  int Evaluate(const EvalContext& ctx) const;

 private:
  friend class PolicyLoader;
  std::string name_;
  int64_t version_ = 0;
  std::string id_;
  std::vector<TermList> lists_;
  std::vector<Rule> rules_;
  std::vector<BankRef> banks_;
  std::vector<ClassifierRef> classifiers_;
  bool uses_lang_ = false;
  bool uses_ocr_ = false;
};

}  // namespace evenhand
