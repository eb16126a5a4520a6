// Compiles `when` expressions (grammar in expr.h) into a tree of typed
// nodes. Every name is resolved here, at compile time, to a field accessor or
// a list index; string constants live in the nodes and are compared as
// std::string_view. Evaluating the tree reads the EvalContext and nothing
// else: no allocation, no map or string look-ups.
#include "policy/expr.h"

#include <cstdio>
#include <utility>

#include "policy/lexer.h"

namespace evenhand {

namespace {

using policy_internal::DescribeToken;
using policy_internal::Tok;
using policy_internal::Token;

enum class Type { kBool, kNumber, kString };

const char* TypeName(Type t) {
  switch (t) {
    case Type::kBool: return "bool";
    case Type::kNumber: return "number";
    case Type::kString: return "string";
  }
  return "?";
}

// --- nodes -------------------------------------------------------------------
// Bool nodes are Exprs. Number and string nodes report whether the value is
// present: an account field without an account is missing, and any
// comparison with a missing value is false.

using BoolNode = Expr;

class NumNode {
 public:
  virtual ~NumNode() = default;
  virtual bool Eval(const EvalContext& ctx, double* out) const = 0;
};

class StrNode {
 public:
  virtual ~StrNode() = default;
  virtual bool Eval(const EvalContext& ctx, std::string_view* out) const = 0;
};

class BoolConst final : public BoolNode {
 public:
  explicit BoolConst(bool v) : v_(v) {}
  bool EvalBool(const EvalContext&) const override { return v_; }

 private:
  bool v_;
};

class ListAny final : public BoolNode {
 public:
  explicit ListAny(size_t index) : index_(index) {}
  bool EvalBool(const EvalContext& ctx) const override {
    return index_ < ctx.list_counts.size() && ctx.list_counts[index_] > 0;
  }

 private:
  size_t index_;
};

// ocr.*: the text in the post's images, read on demand (EvalContext::ocr).
class OcrListAny final : public BoolNode {
 public:
  explicit OcrListAny(size_t index) : index_(index) {}
  bool EvalBool(const EvalContext& ctx) const override { return ctx.ocr != nullptr && ctx.ocr->ListCount(index_) > 0; }

 private:
  size_t index_;
};

class OcrListCount final : public NumNode {
 public:
  explicit OcrListCount(size_t index) : index_(index) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    *out = ctx.ocr != nullptr ? static_cast<double>(ctx.ocr->ListCount(index_)) : 0.0;
    return true;
  }

 private:
  size_t index_;
};

class OcrClassifierScore final : public NumNode {
 public:
  explicit OcrClassifierScore(size_t index) : index_(index) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (ctx.ocr == nullptr) return false;
    const float score = ctx.ocr->ClassifierScore(index_);
    if (score < 0) return false;
    *out = static_cast<double>(score);
    return true;
  }

 private:
  size_t index_;
};

class OcrTextLength final : public NumNode {
 public:
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (ctx.ocr == nullptr) return false;
    const double n = ctx.ocr->TextLength();
    if (n < 0) return false;
    *out = n;
    return true;
  }
};

class HasMedia final : public BoolNode {
 public:
  bool EvalBool(const EvalContext& ctx) const override { return ctx.post != nullptr && !ctx.post->media.empty(); }
};

class AndNode final : public BoolNode {
 public:
  explicit AndNode(std::vector<std::unique_ptr<BoolNode>> terms) : terms_(std::move(terms)) {}
  bool EvalBool(const EvalContext& ctx) const override {
    for (const auto& t : terms_)
      if (!t->EvalBool(ctx)) return false;
    return true;
  }

 private:
  std::vector<std::unique_ptr<BoolNode>> terms_;
};

class OrNode final : public BoolNode {
 public:
  explicit OrNode(std::vector<std::unique_ptr<BoolNode>> terms) : terms_(std::move(terms)) {}
  bool EvalBool(const EvalContext& ctx) const override {
    for (const auto& t : terms_)
      if (t->EvalBool(ctx)) return true;
    return false;
  }

 private:
  std::vector<std::unique_ptr<BoolNode>> terms_;
};

class NotNode final : public BoolNode {
 public:
  explicit NotNode(std::unique_ptr<BoolNode> a) : a_(std::move(a)) {}
  bool EvalBool(const EvalContext& ctx) const override { return !a_->EvalBool(ctx); }

 private:
  std::unique_ptr<BoolNode> a_;
};

class BoolEq final : public BoolNode {
 public:
  BoolEq(std::unique_ptr<BoolNode> a, std::unique_ptr<BoolNode> b, bool negate)
      : a_(std::move(a)), b_(std::move(b)), negate_(negate) {}
  bool EvalBool(const EvalContext& ctx) const override { return (a_->EvalBool(ctx) == b_->EvalBool(ctx)) != negate_; }

 private:
  std::unique_ptr<BoolNode> a_, b_;
  bool negate_;
};

enum class CmpOp { kEq, kNe, kLt, kLe, kGt, kGe };

class NumCmp final : public BoolNode {
 public:
  NumCmp(CmpOp op, std::unique_ptr<NumNode> a, std::unique_ptr<NumNode> b)
      : op_(op), a_(std::move(a)), b_(std::move(b)) {}
  bool EvalBool(const EvalContext& ctx) const override {
    double x, y;
    if (!a_->Eval(ctx, &x) || !b_->Eval(ctx, &y)) return false;
    switch (op_) {
      case CmpOp::kEq: return x == y;
      case CmpOp::kNe: return x != y;
      case CmpOp::kLt: return x < y;
      case CmpOp::kLe: return x <= y;
      case CmpOp::kGt: return x > y;
      case CmpOp::kGe: return x >= y;
    }
    return false;
  }

 private:
  CmpOp op_;
  std::unique_ptr<NumNode> a_, b_;
};

class StrEq final : public BoolNode {
 public:
  StrEq(std::unique_ptr<StrNode> a, std::unique_ptr<StrNode> b, bool negate)
      : a_(std::move(a)), b_(std::move(b)), negate_(negate) {}
  bool EvalBool(const EvalContext& ctx) const override {
    std::string_view x, y;
    if (!a_->Eval(ctx, &x) || !b_->Eval(ctx, &y)) return false;
    return (x == y) != negate_;
  }

 private:
  std::unique_ptr<StrNode> a_, b_;
  bool negate_;
};

class StrIn final : public BoolNode {
 public:
  StrIn(std::unique_ptr<StrNode> a, std::vector<std::string> set) : a_(std::move(a)), set_(std::move(set)) {}
  bool EvalBool(const EvalContext& ctx) const override {
    std::string_view x;
    if (!a_->Eval(ctx, &x)) return false;
    for (const std::string& s : set_)
      if (std::string_view(s) == x) return true;
    return false;
  }

 private:
  std::unique_ptr<StrNode> a_;
  std::vector<std::string> set_;
};

class NumIn final : public BoolNode {
 public:
  NumIn(std::unique_ptr<NumNode> a, std::vector<double> set) : a_(std::move(a)), set_(std::move(set)) {}
  bool EvalBool(const EvalContext& ctx) const override {
    double x;
    if (!a_->Eval(ctx, &x)) return false;
    for (double s : set_)
      if (s == x) return true;
    return false;
  }

 private:
  std::unique_ptr<NumNode> a_;
  std::vector<double> set_;
};

class NumConst final : public NumNode {
 public:
  explicit NumConst(double v) : v_(v) {}
  bool Eval(const EvalContext&, double* out) const override {
    *out = v_;
    return true;
  }

 private:
  double v_;
};

class BankMatch final : public BoolNode {
 public:
  explicit BankMatch(size_t index) : index_(index) {}
  bool EvalBool(const EvalContext& ctx) const override {
    return index_ < ctx.bank_distances.size() && ctx.bank_distances[index_] >= 0;
  }

 private:
  size_t index_;
};

class BankDistance final : public NumNode {
 public:
  explicit BankDistance(size_t index) : index_(index) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (index_ >= ctx.bank_distances.size() || ctx.bank_distances[index_] < 0) return false;
    *out = static_cast<double>(ctx.bank_distances[index_]);
    return true;
  }

 private:
  size_t index_;
};

class ClassifierScore final : public NumNode {
 public:
  explicit ClassifierScore(size_t index) : index_(index) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    float score;
    if (ctx.lazy_classifiers != nullptr) {
      score = ctx.lazy_classifiers->Score(index_);
    } else {
      if (index_ >= ctx.classifier_scores.size()) return false;
      score = ctx.classifier_scores[index_];
    }
    if (score < 0) return false;
    *out = static_cast<double>(score);
    return true;
  }

 private:
  size_t index_;
};

// A behaviour signal of EvalContext (negative = missing).
class BehaviorField final : public NumNode {
 public:
  explicit BehaviorField(double EvalContext::*field) : field_(field) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (ctx.*field_ < 0) return false;
    *out = ctx.*field_;
    return true;
  }

 private:
  double EvalContext::*field_;
};

class ListCount final : public NumNode {
 public:
  explicit ListCount(size_t index) : index_(index) {}
  bool Eval(const EvalContext& ctx, double* out) const override {
    *out = index_ < ctx.list_counts.size() ? static_cast<double>(ctx.list_counts[index_]) : 0.0;
    return true;
  }

 private:
  size_t index_;
};

class AccountAgeDays final : public NumNode {
 public:
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (ctx.account == nullptr) return false;
    *out = static_cast<double>(ctx.now - ctx.account->created) / 86400.0;
    return true;
  }
};

class TextLength final : public NumNode {
 public:
  bool Eval(const EvalContext& ctx, double* out) const override {
    if (ctx.post == nullptr) return false;
    *out = static_cast<double>(ctx.post->text.size());
    return true;
  }
};

class StrConst final : public StrNode {
 public:
  explicit StrConst(std::string v) : v_(std::move(v)) {}
  bool Eval(const EvalContext&, std::string_view* out) const override {
    *out = v_;
    return true;
  }

 private:
  std::string v_;
};

class PostField final : public StrNode {
 public:
  explicit PostField(std::string Post::*field) : field_(field) {}
  bool Eval(const EvalContext& ctx, std::string_view* out) const override {
    if (ctx.post == nullptr) return false;
    *out = ctx.post->*field_;
    return true;
  }

 private:
  std::string Post::*field_;
};

// `lang`: the post's own language, or the one language id found for it.
class LangField final : public StrNode {
 public:
  bool Eval(const EvalContext& ctx, std::string_view* out) const override {
    if (!ctx.lang.empty()) {
      *out = ctx.lang;
      return true;
    }
    if (ctx.post == nullptr) return false;
    *out = ctx.post->lang;
    return true;
  }
};

class AccountField final : public StrNode {
 public:
  explicit AccountField(std::string Account::*field) : field_(field) {}
  bool Eval(const EvalContext& ctx, std::string_view* out) const override {
    if (ctx.account == nullptr) return false;
    *out = ctx.account->*field_;
    return true;
  }

 private:
  std::string Account::*field_;
};

// --- parser ------------------------------------------------------------------

// A parsed sub-expression: exactly one of b/n/s is set, matching `type`.
// [begin, end) is its byte span in the expression, for messages.
struct Operand {
  Type type = Type::kBool;
  std::unique_ptr<BoolNode> b;
  std::unique_ptr<NumNode> n;
  std::unique_ptr<StrNode> s;
  int begin = 0;
  int end = 0;
};

constexpr std::string_view kBuiltinNames[] = {
    "lang",        "region",           "topic",       "account.country",
    "account.id",  "account.age_days", "text.length", "has_media",
    "account.network_size", "account.coordination_score", "account.automation_score", "cluster.size",
    "ocr.text.length",
};

class Parser {
 public:
  void set_banks(const std::vector<std::string>* banks) { banks_ = banks; }
  void set_classifiers(const std::vector<std::string>* classifiers) { classifiers_ = classifiers; }
  Parser(std::string_view text, const std::vector<Token>& tokens, const std::vector<std::string>& list_names,
         ExprError* error)
      : text_(text), toks_(tokens), lists_(list_names), error_(error) {}

  std::unique_ptr<BoolNode> ParseRoot() {
    Operand root;
    if (Peek().kind == Tok::kEnd) {
      Fail(Peek().offset, "empty expression");
      return nullptr;
    }
    if (!ParseOr(&root)) return nullptr;
    if (Peek().kind != Tok::kEnd) {
      Fail(Peek().offset, "expected \"and\", \"or\" or end of expression, got " + Describe(Peek()));
      return nullptr;
    }
    if (root.type != Type::kBool) {
      Fail(root.begin, std::string("type error: expression must be a bool, got ") + TypeName(root.type) + " (" +
                           Span(root) + ")");
      return nullptr;
    }
    return std::move(root.b);
  }

  bool uses_lang() const { return uses_lang_; }
  bool uses_ocr() const { return uses_ocr_; }

 private:
  const Token& Peek() const { return toks_[pos_]; }
  const Token& Next() {
    const Token& t = toks_[pos_];
    if (t.kind != Tok::kEnd) ++pos_;
    return t;
  }
  bool Fail(int offset, std::string message) {
    error_->offset = offset;
    error_->message = std::move(message);
    return false;
  }
  std::string Describe(const Token& t) const { return DescribeToken(text_, t); }
  std::string Span(const Operand& o) const {
    std::string_view s = text_.substr(static_cast<size_t>(o.begin), static_cast<size_t>(o.end - o.begin));
    if (s.size() > 40) return std::string(s.substr(0, 37)) + "...";
    return std::string(s);
  }
  static int End(const Token& t) { return t.offset + t.length; }

  bool NeedBool(const Operand& o, std::string_view op) {
    if (o.type == Type::kBool) return true;
    return Fail(o.begin, "type error: \"" + std::string(op) + "\" needs bools, got " + TypeName(o.type) + " (" +
                             Span(o) + ")");
  }

  // or := and ("or" and)*      and := not ("and" not)*
  bool ParseOr(Operand* out) { return ParseChain(out, Tok::kOr); }
  bool ParseAnd(Operand* out) { return ParseChain(out, Tok::kAnd); }

  bool ParseChain(Operand* out, Tok op) {
    const bool is_or = op == Tok::kOr;
    auto sub = [&](Operand* o) { return is_or ? ParseAnd(o) : ParseNot(o); };
    if (!sub(out)) return false;
    if (Peek().kind != op) return true;
    const char* name = is_or ? "or" : "and";
    if (!NeedBool(*out, name)) return false;
    std::vector<std::unique_ptr<BoolNode>> terms;
    terms.push_back(std::move(out->b));
    while (Peek().kind == op) {
      Next();
      Operand rhs;
      if (!sub(&rhs)) return false;
      if (!NeedBool(rhs, name)) return false;
      terms.push_back(std::move(rhs.b));
      out->end = rhs.end;
    }
    if (is_or)
      out->b = std::make_unique<OrNode>(std::move(terms));
    else
      out->b = std::make_unique<AndNode>(std::move(terms));
    return true;
  }

  // "(" and "not" each take the parser (and later the evaluator and the
  // tree's destructor) one call deeper: past kMaxExprNesting levels the
  // expression is refused, so no input can exhaust the stack.
  struct Level {
    int* depth;
    ~Level() { --*depth; }
  };
  bool Deeper(const Token& t) {
    if (depth_ >= kMaxExprNesting)
      return Fail(t.offset, "nested too deeply: more than " + std::to_string(kMaxExprNesting) +
                                " levels of \"(\" and \"not\"");
    ++depth_;
    return true;
  }

  // not := "not" not | cmp
  bool ParseNot(Operand* out) {
    if (Peek().kind != Tok::kNot) return ParseCmp(out);
    if (!Deeper(Peek())) return false;
    Level level{&depth_};
    int begin = Next().offset;
    Operand inner;
    if (!ParseNot(&inner)) return false;
    if (inner.type != Type::kBool)
      return Fail(inner.begin, std::string("type error: \"not\" needs a bool, got ") + TypeName(inner.type) + " (" +
                                   Span(inner) + ")");
    out->type = Type::kBool;
    out->b = std::make_unique<NotNode>(std::move(inner.b));
    out->begin = begin;
    out->end = inner.end;
    return true;
  }

  // cmp := primary (("=="|"!="|"<"|"<="|">"|">=") primary | "in" list)?
  bool ParseCmp(Operand* out) {
    if (!ParsePrimary(out)) return false;
    const Token& op_tok = Peek();
    CmpOp op;
    switch (op_tok.kind) {
      case Tok::kEq: op = CmpOp::kEq; break;
      case Tok::kNe: op = CmpOp::kNe; break;
      case Tok::kLt: op = CmpOp::kLt; break;
      case Tok::kLe: op = CmpOp::kLe; break;
      case Tok::kGt: op = CmpOp::kGt; break;
      case Tok::kGe: op = CmpOp::kGe; break;
      case Tok::kIn: return ParseIn(out);
      default: return true;
    }
    std::string op_name(text_.substr(static_cast<size_t>(op_tok.offset), static_cast<size_t>(op_tok.length)));
    Next();
    Operand rhs;
    if (!ParsePrimary(&rhs)) return false;
    Operand result;
    result.type = Type::kBool;
    result.begin = out->begin;
    result.end = rhs.end;
    if (op == CmpOp::kEq || op == CmpOp::kNe) {
      if (out->type != rhs.type)
        return Fail(rhs.begin, "type error: \"" + op_name + "\" needs the same type on both sides, got " +
                                   TypeName(out->type) + " (" + Span(*out) + ") and " + TypeName(rhs.type) + " (" +
                                   Span(rhs) + ")");
      bool negate = op == CmpOp::kNe;
      switch (out->type) {
        case Type::kBool: result.b = std::make_unique<BoolEq>(std::move(out->b), std::move(rhs.b), negate); break;
        case Type::kNumber: result.b = std::make_unique<NumCmp>(op, std::move(out->n), std::move(rhs.n)); break;
        case Type::kString: result.b = std::make_unique<StrEq>(std::move(out->s), std::move(rhs.s), negate); break;
      }
    } else {
      for (const Operand* o : {static_cast<const Operand*>(out), static_cast<const Operand*>(&rhs)})
        if (o->type != Type::kNumber)
          return Fail(o->begin, "type error: \"" + op_name + "\" needs numbers, got " + TypeName(o->type) + " (" +
                                    Span(*o) + ")");
      result.b = std::make_unique<NumCmp>(op, std::move(out->n), std::move(rhs.n));
    }
    *out = std::move(result);
    return true;
  }

  // "in" list, list := "[" (NUMBER|STRING) ("," (NUMBER|STRING))* "]"
  bool ParseIn(Operand* out) {
    Next();  // "in"
    if (out->type == Type::kBool)
      return Fail(out->begin, "type error: \"in\" needs a string or number on the left, got bool (" + Span(*out) + ")");
    if (Peek().kind != Tok::kLBracket) return Fail(Peek().offset, "expected \"[\" after \"in\", got " + Describe(Peek()));
    Next();
    std::vector<std::string> strings;
    std::vector<double> numbers;
    for (;;) {
      const Token& t = Peek();
      if (t.kind != Tok::kString && t.kind != Tok::kNumber)
        return Fail(t.offset, "expected a number or string in the \"in\" list, got " + Describe(t));
      Type elem = t.kind == Tok::kString ? Type::kString : Type::kNumber;
      if (elem != out->type)
        return Fail(t.offset, std::string("type error: \"in\" list holds a ") + TypeName(elem) + " (" +
                                  std::string(text_.substr(static_cast<size_t>(t.offset), static_cast<size_t>(t.length))) +
                                  ") but the left side is a " + TypeName(out->type) + " (" + Span(*out) + ")");
      if (elem == Type::kString)
        strings.push_back(t.text);
      else
        numbers.push_back(t.number);
      Next();
      if (Peek().kind == Tok::kComma) {
        Next();
        continue;
      }
      if (Peek().kind == Tok::kRBracket) break;
      return Fail(Peek().offset, "expected \",\" or \"]\" in the \"in\" list, got " + Describe(Peek()));
    }
    int end = End(Next());  // "]"
    Operand result;
    result.type = Type::kBool;
    result.begin = out->begin;
    result.end = end;
    if (out->type == Type::kString)
      result.b = std::make_unique<StrIn>(std::move(out->s), std::move(strings));
    else
      result.b = std::make_unique<NumIn>(std::move(out->n), std::move(numbers));
    *out = std::move(result);
    return true;
  }

  // primary := NUMBER | STRING | "true" | "false" | NAME | "(" expr ")"
  bool ParsePrimary(Operand* out) {
    const Token& t = Peek();
    out->begin = t.offset;
    out->end = End(t);
    switch (t.kind) {
      case Tok::kNumber:
        out->type = Type::kNumber;
        out->n = std::make_unique<NumConst>(t.number);
        Next();
        return true;
      case Tok::kString:
        out->type = Type::kString;
        out->s = std::make_unique<StrConst>(t.text);
        Next();
        return true;
      case Tok::kTrue:
      case Tok::kFalse:
        out->type = Type::kBool;
        out->b = std::make_unique<BoolConst>(t.kind == Tok::kTrue);
        Next();
        return true;
      case Tok::kName:
        if (!ResolveName(t, out)) return false;
        Next();
        return true;
      case Tok::kLParen: {
        if (!Deeper(t)) return false;
        Level level{&depth_};
        Next();
        int begin = t.offset;
        if (!ParseOr(out)) return false;
        if (Peek().kind != Tok::kRParen) return Fail(Peek().offset, "expected \")\", got " + Describe(Peek()));
        out->begin = begin;
        out->end = End(Next());
        return true;
      }
      default:
        return Fail(t.offset, "expected a value (number, string, name or \"(\"), got " + Describe(t));
    }
  }

  bool ResolveName(const Token& t, Operand* out) {
    const std::string& name = t.text;
    if (name == "lang") {
      uses_lang_ = true;
      return Str(out, std::make_unique<LangField>());
    }
    if (name == "region") return Str(out, std::make_unique<PostField>(&Post::region));
    if (name == "topic") return Str(out, std::make_unique<PostField>(&Post::topic));
    if (name == "account.country") return Str(out, std::make_unique<AccountField>(&Account::country));
    if (name == "account.id") return Str(out, std::make_unique<AccountField>(&Account::id));
    if (name == "account.age_days") return Num(out, std::make_unique<AccountAgeDays>());
    if (name == "text.length") return Num(out, std::make_unique<TextLength>());
    if (name == "account.network_size") return Num(out, std::make_unique<BehaviorField>(&EvalContext::network_size));
    if (name == "account.coordination_score")
      return Num(out, std::make_unique<BehaviorField>(&EvalContext::coordination_score));
    if (name == "account.automation_score")
      return Num(out, std::make_unique<BehaviorField>(&EvalContext::automation_score));
    if (name == "cluster.size") return Num(out, std::make_unique<BehaviorField>(&EvalContext::cluster_size));
    if (name == "has_media") {
      out->type = Type::kBool;
      out->b = std::make_unique<HasMedia>();
      return true;
    }
    std::string_view rest(name);
    if (rest.starts_with("ocr.")) return ResolveOcr(t, rest.substr(4), out);
    if (rest.starts_with("list.")) {
      rest.remove_prefix(5);
      bool count = false;
      std::string_view list = rest;
      if (size_t dot = rest.find('.'); dot != std::string_view::npos) {
        list = rest.substr(0, dot);
        std::string_view suffix = rest.substr(dot + 1);
        for (size_t i = 0; i < lists_.size(); ++i)
          if (lists_[i] == list && suffix != "count")
            return Fail(t.offset, "unknown name \"" + name + "\" (did you mean \"list." + std::string(list) + ".count\"?)");
        count = suffix == "count";
      }
      for (size_t i = 0; i < lists_.size(); ++i) {
        if (lists_[i] != list) continue;
        if (count) return Num(out, std::make_unique<ListCount>(i));
        out->type = Type::kBool;
        out->b = std::make_unique<ListAny>(i);
        return true;
      }
      std::string known;
      for (const std::string& l : lists_) known += (known.empty() ? "" : ", ") + l;
      return Fail(t.offset, "unknown name \"" + name + "\" (" + (known.empty() ? "no lists are defined" : "lists: " + known) + ")");
    }
    if (rest.starts_with("bank.")) {
      rest.remove_prefix(5);
      size_t dot = rest.rfind('.');
      std::string_view bank = dot == std::string_view::npos ? rest : rest.substr(0, dot);
      std::string_view suffix = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
      static const std::vector<std::string> kNoBanks;
      const std::vector<std::string>& banks = banks_ != nullptr ? *banks_ : kNoBanks;
      for (size_t i = 0; i < banks.size(); ++i) {
        if (banks[i] != bank) continue;
        if (suffix == "distance") return Num(out, std::make_unique<BankDistance>(i));
        if (suffix == "match") {
          out->type = Type::kBool;
          out->b = std::make_unique<BankMatch>(i);
          return true;
        }
        return Fail(t.offset, "unknown name \"" + name + "\" (use bank." + std::string(bank) + ".match or bank." +
                                  std::string(bank) + ".distance)");
      }
      std::string known;
      for (const std::string& b : banks) known += (known.empty() ? "" : ", ") + b;
      return Fail(t.offset, "unknown name \"" + name + "\" (" +
                                (known.empty() ? "no banks are defined" : "banks: " + known) + ")");
    }
    if (rest.starts_with("classifier.")) {
      rest.remove_prefix(11);
      static const std::vector<std::string> kNone;
      const std::vector<std::string>& names = classifiers_ != nullptr ? *classifiers_ : kNone;
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == rest) return Num(out, std::make_unique<ClassifierScore>(i));
      std::string known;
      for (const std::string& c : names) known += (known.empty() ? "" : ", ") + c;
      return Fail(t.offset, "unknown name \"" + name + "\" (" +
                                (known.empty() ? "no classifiers are defined" : "classifiers: " + known) + ")");
    }
    std::vector<std::string_view> candidates(std::begin(kBuiltinNames), std::end(kBuiltinNames));
    std::string_view hint = policy_internal::ClosestMatch(name, candidates);
    if (!hint.empty()) return Fail(t.offset, "unknown name \"" + name + "\" (did you mean \"" + std::string(hint) + "\"?)");
    std::string known;
    for (std::string_view n : kBuiltinNames) known += std::string(n) + ", ";
    return Fail(t.offset, "unknown name \"" + name + "\" (names: " + known + "list.NAME, list.NAME.count)");
  }

  // ocr.list.NAME[.count], ocr.classifier.NAME, ocr.text.length (rest = after "ocr.").
  bool ResolveOcr(const Token& t, std::string_view rest, Operand* out) {
    const std::string& name = t.text;
    uses_ocr_ = true;
    if (rest == "text.length") return Num(out, std::make_unique<OcrTextLength>());
    if (rest.starts_with("list.")) {
      rest.remove_prefix(5);
      std::string_view list = rest, suffix;
      if (size_t dot = rest.find('.'); dot != std::string_view::npos) {
        list = rest.substr(0, dot);
        suffix = rest.substr(dot + 1);
      }
      for (size_t i = 0; i < lists_.size(); ++i) {
        if (lists_[i] != list) continue;
        if (suffix == "count") return Num(out, std::make_unique<OcrListCount>(i));
        if (!suffix.empty())
          return Fail(t.offset, "unknown name \"" + name + "\" (did you mean \"ocr.list." + std::string(list) + ".count\"?)");
        out->type = Type::kBool;
        out->b = std::make_unique<OcrListAny>(i);
        return true;
      }
      std::string known;
      for (const std::string& l : lists_) known += (known.empty() ? "" : ", ") + l;
      return Fail(t.offset, "unknown name \"" + name + "\" (" + (known.empty() ? "no lists are defined" : "lists: " + known) + ")");
    }
    if (rest.starts_with("classifier.")) {
      rest.remove_prefix(11);
      static const std::vector<std::string> kNone;
      const std::vector<std::string>& names = classifiers_ != nullptr ? *classifiers_ : kNone;
      for (size_t i = 0; i < names.size(); ++i)
        if (names[i] == rest) return Num(out, std::make_unique<OcrClassifierScore>(i));
      std::string known;
      for (const std::string& c : names) known += (known.empty() ? "" : ", ") + c;
      return Fail(t.offset, "unknown name \"" + name + "\" (" +
                                (known.empty() ? "no classifiers are defined" : "classifiers: " + known) + ")");
    }
    return Fail(t.offset, "unknown name \"" + name +
                              "\" (text in images: ocr.list.NAME, ocr.list.NAME.count, ocr.classifier.NAME, ocr.text.length)");
  }

  static bool Str(Operand* out, std::unique_ptr<StrNode> node) {
    out->type = Type::kString;
    out->s = std::move(node);
    return true;
  }
  static bool Num(Operand* out, std::unique_ptr<NumNode> node) {
    out->type = Type::kNumber;
    out->n = std::move(node);
    return true;
  }

  std::string_view text_;
  const std::vector<Token>& toks_;
  const std::vector<std::string>& lists_;
  const std::vector<std::string>* banks_ = nullptr;
  const std::vector<std::string>* classifiers_ = nullptr;
  ExprError* error_;
  size_t pos_ = 0;
  int depth_ = 0;  // "(" and "not" levels open
  bool uses_lang_ = false;
  bool uses_ocr_ = false;
};

}  // namespace

std::shared_ptr<const Expr> CompileExpr(std::string_view text, const std::vector<std::string>& list_names,
                                        ExprError* error, bool* uses_lang,
                                        const std::vector<std::string>* bank_names,
                                        const std::vector<std::string>* classifier_names, bool* uses_ocr) {
  ExprError scratch;
  if (error == nullptr) error = &scratch;
  std::vector<Token> tokens;
  if (!policy_internal::Lex(text, &tokens, error)) return nullptr;
  Parser parser(text, tokens, list_names, error);
  parser.set_banks(bank_names);
  parser.set_classifiers(classifier_names);
  std::unique_ptr<BoolNode> root = parser.ParseRoot();
  if (!root) return nullptr;
  if (uses_lang != nullptr && parser.uses_lang()) *uses_lang = true;
  if (uses_ocr != nullptr && parser.uses_ocr()) *uses_ocr = true;
  return std::shared_ptr<const Expr>(std::move(root));
}

}  // namespace evenhand
