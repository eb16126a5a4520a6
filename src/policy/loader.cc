// Loads a policy file (format in loader.h): YAML -> checked, compiled Policy.
//
// Every problem becomes a PolicyDiagnostic with a 1-based line and column in
// the policy file; checking goes on after a problem so that one run reports
// them all. Columns count bytes from the start of the line. Positions come
// from yaml-cpp's marks (byte offsets into the document, which we map to
// line/column ourselves so that a UTF-8 byte-order mark is handled); a `when`
// error is placed on the offending token by aligning the parsed scalar with
// its source text, which works for plain, quoted and block scalars.
#include "policy/loader.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <span>
#include <sstream>
#include <string_view>

#include "model/category.h"
#include "policy/expr.h"
#include "policy/lexer.h"

namespace evenhand {

std::string PolicyDiagnostic::ToString() const {
  if (line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message;
}

namespace {

constexpr std::string_view kTopKeys[] = {"policy", "version", "lists", "banks", "classifiers", "rules"};
constexpr std::string_view kClassifierKeys[] = {"model", "label"};
constexpr std::string_view kBankKeys[] = {"file", "radius", "dihedral", "negative"};
constexpr std::string_view kListKeys[] = {"files", "terms"};
constexpr std::string_view kRuleKeys[] = {"id", "when", "action", "scope", "category", "reason", "review"};

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

std::string Join(std::span<const std::string_view> words) {
  std::string out;
  for (std::string_view w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

bool IsListName(std::string_view s) {
  if (s.empty()) return false;
  if (!((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

// Policy names and rule ids end up in decisions, logs and CSV: keep them plain.
bool IsPlainId(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
          c == '.'))
      return false;
  return true;
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Entry {
  std::string name;
  YAML::Node key;
  YAML::Node value;
  // A value written as nothing (`key:`) is null; its mark points past the
  // key's line, so such problems are reported at the key.
  bool empty() const { return !value.IsDefined() || value.IsNull(); }
};

const Entry* Find(const std::vector<Entry>& entries, std::string_view name) {
  for (const Entry& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

struct Loaded {
  std::string name;
  int64_t version = 0;
  std::vector<TermList> lists;
  std::vector<Rule> rules;
  std::vector<BankRef> banks;
  std::vector<ClassifierRef> classifiers;
  bool uses_lang = false;
  bool uses_ocr = false;
};

class Builder {
 public:
  explicit Builder(std::string path) : path_(std::move(path)) {}

  // Returns false when the file could not be read at all (io_error()).
  bool Run(Loaded* out) {
    std::ifstream in(path_, std::ios::binary);
    if (!in) {
      io_error_ = true;
      AddRaw(0, 0, std::string("cannot read policy file: ") + std::strerror(errno));
      return false;
    }
    std::ostringstream buf;
    buf << in.rdbuf();
    return RunSource(buf.str(), out);
  }

  // As Run, with the file's text given (path_ still names it in diagnostics
  // and anchors its relative list, bank and classifier files).
  bool RunSource(std::string source, Loaded* out) {
    source_ = std::move(source);
    if (source_.size() >= 3 && source_.compare(0, 3, "\xEF\xBB\xBF") == 0) bom_ = 3;
    line_starts_.push_back(bom_);
    for (size_t i = bom_; i < source_.size(); ++i)
      if (source_[i] == '\n') line_starts_.push_back(i + 1);

    YAML::Node root;
    try {
      if (!CheckDocuments()) return true;
      root = YAML::Load(source_);
    } catch (const YAML::Exception& e) {
      std::string hint;
      if (e.msg == "illegal map value") hint = " (quote a value that holds \": \")";
      AddMark(e.mark, "YAML syntax error: " + e.msg + hint);
      return true;
    }
    try {
      Build(root, out);
    } catch (const YAML::Exception& e) {
      AddMark(e.mark, "unexpected YAML structure: " + e.msg);
    }
    std::stable_sort(diags_.begin(), diags_.end(), [](const PolicyDiagnostic& a, const PolicyDiagnostic& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    return true;
  }

  bool io_error() const { return io_error_; }
  std::vector<PolicyDiagnostic>& diagnostics() { return diags_; }

 private:
  // Looks at the document structure before loading the first document. A
  // policy file holds one document; and yaml-cpp 0.7 (YAML::LoadAll) loops
  // forever, allocating, when a document starts with a token it cannot
  // parse (e.g. a stray "," at the start of a line): the parser reports
  // an empty document again and again without moving. We read at most three
  // document starts and report a parser that did not move as a syntax error
  // (returns false: nothing to load). Throws YAML::ParserException for
  // ordinary syntax errors.
  bool CheckDocuments() {
    struct Starts : YAML::EventHandler {
      YAML::Mark last;
      void OnDocumentStart(const YAML::Mark& m) override { last = m; }
      void OnDocumentEnd() override {}
      void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
      void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
      void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
      void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
      void OnSequenceEnd() override {}
      void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
      void OnMapEnd() override {}
    };
    std::istringstream in(source_);
    YAML::Parser parser(in);
    Starts handler;
    std::vector<YAML::Mark> starts;
    for (int i = 0; i < 3 && parser.HandleNextDocument(handler); ++i) {
      if (!starts.empty() && handler.last.pos <= starts.back().pos) {
        size_t pos = std::min(static_cast<size_t>(std::max(handler.last.pos, 0)) + bom_, source_.size());
        std::string what = pos < source_.size() ? "unexpected " + Quote(source_.substr(pos, 1)) : "unexpected text";
        AddMark(handler.last, "YAML syntax error: " + what);
        return false;
      }
      starts.push_back(handler.last);
    }
    // More than one document: say so, and go on checking the first.
    if (starts.size() > 1) AddMark(starts[1], "only one YAML document is allowed in a policy file");
    return true;
  }

  // --- positions -------------------------------------------------------------

  void AddRaw(int line, int column, std::string message) {
    diags_.push_back(PolicyDiagnostic{path_, line, column, std::move(message)});
  }
  void AddPos(size_t pos, std::string message) {
    pos = std::min(pos, source_.size());
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), pos);
    size_t line = static_cast<size_t>(it - line_starts_.begin());  // 1-based
    if (line == 0) line = 1;
    size_t column = pos - line_starts_[line - 1] + 1;
    AddRaw(static_cast<int>(line), static_cast<int>(column), std::move(message));
  }
  void AddMark(const YAML::Mark& m, std::string message) {
    if (m.pos < 0) {
      if (m.line >= 0)
        AddRaw(m.line + 1, m.column + 1, std::move(message));
      else
        AddRaw(1, 1, std::move(message));
      return;
    }
    AddPos(static_cast<size_t>(m.pos) + bom_, std::move(message));
  }
  void AddNode(const YAML::Node& node, std::string message) { AddMark(node.Mark(), std::move(message)); }
  void AddFileStart(std::string message) { AddRaw(1, 1, std::move(message)); }
  // At the value, or at the key when the value was left empty.
  void AddEntry(const Entry& e, std::string message) { AddNode(e.empty() ? e.key : e.value, std::move(message)); }

  int LineOf(const YAML::Node& node) const {
    const YAML::Mark m = node.Mark();
    if (m.pos < 0) return m.line + 1;
    size_t pos = std::min(static_cast<size_t>(m.pos) + bom_, source_.size());
    return static_cast<int>(std::upper_bound(line_starts_.begin(), line_starts_.end(), pos) - line_starts_.begin());
  }

  // The source position of byte `offset` of the scalar `value` parsed from
  // `node`. Walks the source from the scalar's start, matching each
  // non-blank character of the value to the next equal source character;
  // what differs between a scalar's source and its value (quotes, escapes,
  // folded line breaks and indentation, a block header) is skipped over.
  size_t ScalarPos(const YAML::Node& node, std::string_view value, size_t offset) const {
    const YAML::Mark m = node.Mark();
    if (m.pos < 0) return 0;
    const size_t start = std::min(static_cast<size_t>(m.pos) + bom_, source_.size());
    size_t src = start;
    if (src < source_.size()) {
      char c = source_[src];
      if (c == '"' || c == '\'') {
        ++src;
      } else if (c == '|' || c == '>') {
        size_t nl = source_.find('\n', src);
        src = nl == std::string::npos ? source_.size() : nl + 1;
      }
    }
    // An offset on a blank or at the end maps to just after the last
    // non-blank character before it.
    bool after = false;
    if (offset >= value.size() || IsBlank(value[offset])) {
      size_t j = std::min(offset, value.size());
      while (j > 0 && IsBlank(value[j - 1])) --j;
      if (j == 0) return src;
      offset = j - 1;
      after = true;
    }
    for (size_t i = 0; i <= offset; ++i) {
      char v = value[i];
      if (IsBlank(v)) {
        if (src < source_.size() && IsBlank(source_[src])) ++src;
        continue;
      }
      while (src < source_.size() && source_[src] != v) ++src;
      if (src >= source_.size()) return start;  // could not align: the scalar's start
      if (i == offset) return after ? src + 1 : src;
      ++src;
    }
    return start;
  }

  // --- structure helpers -----------------------------------------------------

  // The entries of a mapping; reports non-string and duplicate keys.
  std::vector<Entry> Entries(const YAML::Node& map) {
    std::vector<Entry> out;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const YAML::Node key = it->first;
      if (!key.IsScalar()) {
        AddNode(key, "keys must be plain names");
        continue;
      }
      const std::string& name = key.Scalar();
      if (const Entry* first = Find(out, name)) {
        AddNode(key, "duplicate key " + Quote(name) + " (first at line " + std::to_string(LineOf(first->key)) + ")");
        continue;
      }
      out.push_back(Entry{name, key, it->second});
    }
    return out;
  }

  void CheckKeys(const std::vector<Entry>& entries, std::span<const std::string_view> allowed,
                 const std::string& where) {
    std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
    for (const Entry& e : entries) {
      if (std::find(allowed.begin(), allowed.end(), e.name) != allowed.end()) continue;
      std::string_view hint = policy_internal::ClosestMatch(e.name, candidates);
      AddNode(e.key, where + "unknown key " + Quote(e.name) +
                         (hint.empty() ? " (allowed: " + Join(allowed) + ")"
                                       : " (did you mean " + Quote(hint) + "?)"));
    }
  }

  // A non-empty string value; reports and returns false otherwise.
  bool GetString(const Entry& e, const std::string& where, std::string* out) {
    if (e.empty()) {
      AddEntry(e, where + Quote(e.name) + " is empty");
      return false;
    }
    if (!e.value.IsScalar()) {
      AddEntry(e, where + Quote(e.name) + " must be a string, not a " + (e.value.IsSequence() ? "list" : "mapping"));
      return false;
    }
    *out = e.value.Scalar();
    if (std::all_of(out->begin(), out->end(), IsBlank)) {
      AddEntry(e, where + Quote(e.name) + " is empty");
      return false;
    }
    return true;
  }

  // --- the policy ------------------------------------------------------------

  void Build(const YAML::Node& root, Loaded* out) {
    if (!root.IsDefined() || root.IsNull()) {
      AddFileStart("empty policy file: expected keys policy, version, lists and rules");
      return;
    }
    if (!root.IsMap()) {
      AddNode(root, "a policy file must be a mapping with keys policy, version, lists and rules");
      return;
    }
    std::vector<Entry> top = Entries(root);
    CheckKeys(top, kTopKeys, "");

    if (const Entry* e = Find(top, "policy")) {
      std::string name;
      if (GetString(*e, "", &name)) {
        if (IsPlainId(name))
          out->name = name;
        else
          AddEntry(*e, "policy name " + Quote(name) + " may only hold letters, digits, \"_\", \"-\" and \".\"");
      }
    } else {
      AddFileStart("missing \"policy\" (the policy's name)");
    }

    if (const Entry* e = Find(top, "version")) {
      ParseVersion(*e, out);
    } else {
      AddFileStart("missing \"version\" (an integer, bumped on every change)");
    }

    std::vector<std::string> list_names;
    if (const Entry* e = Find(top, "lists")) ParseLists(*e, out, &list_names);
    if (const Entry* e = Find(top, "banks")) ParseBanks(*e, out, &bank_names_);
    if (const Entry* e = Find(top, "classifiers")) ParseClassifiers(*e, out);

    if (const Entry* e = Find(top, "rules")) {
      ParseRules(*e, list_names, out);
    } else {
      AddFileStart("missing \"rules\" (the ordered list of rules)");
    }
  }

  void ParseVersion(const Entry& e, Loaded* out) {
    const std::string what = "\"version\" must be a non-negative integer";
    if (e.empty()) {
      AddEntry(e, what + ", got nothing");
      return;
    }
    if (!e.value.IsScalar()) {
      AddEntry(e, what + ", got a " + (e.value.IsSequence() ? "list" : "mapping"));
      return;
    }
    const std::string& s = e.value.Scalar();
    if (e.value.Tag() != "?") {  // quoted: a string, even if it looks like a number
      AddEntry(e, what + ", got the string " + Quote(s));
      return;
    }
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || s[0] == '-' || s[0] == '+' || ec != std::errc() || ptr != s.data() + s.size()) {
      AddEntry(e, what + ", got " + Quote(s));
      return;
    }
    out->version = v;
  }

  // banks:
  //   known_csam: {file: banks/known_csam.ehb, radius: 31, dihedral: false}
  void ParseBanks(const Entry& e, Loaded* out, std::vector<std::string>* names) {
    if (e.empty()) return;
    if (!e.value.IsMap()) {
      AddEntry(e, "\"banks\" must be a mapping of bank name to {file: PATH, radius: 31}");
      return;
    }
    const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    for (const Entry& be : Entries(e.value)) {
      const std::string where = "bank " + Quote(be.name) + ": ";
      if (!IsListName(be.name))
        AddNode(be.key, "bank name " + Quote(be.name) + " must be an identifier: [a-z_][a-z0-9_]*");
      names->push_back(be.name);
      BankRef ref;
      ref.name = be.name;
      ref.line = static_cast<int>(be.key.Mark().line) + 1;
      if (be.empty() || !be.value.IsMap()) {
        AddEntry(be, where + "must be a mapping with \"file\" (and optionally \"radius\", \"dihedral\")");
        continue;
      }
      std::vector<Entry> keys = Entries(be.value);
      CheckKeys(keys, kBankKeys, where);
      if (const Entry* f = Find(keys, "file")) {
        std::string rel;
        if (GetString(*f, where, &rel)) {
          std::filesystem::path p(rel);
          if (p.is_relative()) p = dir / p;
          std::error_code ec;
          if (!std::filesystem::is_regular_file(p, ec))
            AddEntry(*f, where + "file " + Quote(rel) + " not found (looked for " + p.string() + ")");
          ref.file = p.string();
        }
      } else {
        AddNode(be.key, where + "missing \"file\" (a bank file: .ehb, hash list .txt or .csv)");
      }
      if (const Entry* r = Find(keys, "radius")) {
        std::string text;
        int v = -1;
        if (GetString(*r, where, &text)) {
          auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
          if (ec != std::errc() || ptr != text.data() + text.size() || v < 0 || v > 64)
            AddEntry(*r, where + "\"radius\" must be an integer 0..64 (PDQ bits; 31 is upstream's threshold)");
          else
            ref.radius = v;
        }
      }
      for (const char* flag : {"dihedral", "negative"}) {
        const Entry* d = Find(keys, flag);
        std::string text;
        if (d == nullptr || !GetString(*d, where, &text)) continue;
        bool* target = std::string_view(flag) == "dihedral" ? &ref.dihedral : &ref.negative;
        if (text == "true") *target = true;
        else if (text != "false") AddEntry(*d, where + Quote(flag) + " must be true or false");
      }
      out->banks.push_back(std::move(ref));
    }
  }

  // classifiers:
  //   spam: models/spam.ftz                    # name -> model (made by `evenhand train`)
  //   toxic: {model: models/tox.ftz, label: toxic}
  // The model file must exist here; it is loaded and checked by the pipeline.
  void ParseClassifiers(const Entry& e, Loaded* out) {
    if (e.empty()) return;
    if (!e.value.IsMap()) {
      AddEntry(e, "\"classifiers\" must be a mapping of classifier name to model path, e.g. spam: models/spam.ftz");
      return;
    }
    const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    for (const Entry& ce : Entries(e.value)) {
      const std::string where = "classifier " + Quote(ce.name) + ": ";
      if (!IsListName(ce.name))
        AddNode(ce.key, "classifier name " + Quote(ce.name) + " must be an identifier: [a-z_][a-z0-9_]*");
      classifier_names_.push_back(ce.name);
      ClassifierRef ref;
      ref.name = ce.name;
      ref.line = LineOf(ce.key);
      std::string rel;
      const Entry* model = &ce;
      std::vector<Entry> keys;
      if (!ce.empty() && ce.value.IsMap()) {
        keys = Entries(ce.value);
        CheckKeys(keys, kClassifierKeys, where);
        model = Find(keys, "model");
        if (model == nullptr) AddNode(ce.key, where + "missing \"model\" (the model file)");
        if (const Entry* l = Find(keys, "label")) GetString(*l, where, &ref.label);
      }
      if (model != nullptr && GetString(*model, where, &rel)) {
        std::filesystem::path p(rel);
        if (p.is_relative()) p = dir / p;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec))
          AddEntry(*model, where + "model " + Quote(rel) + " not found (looked for " + p.string() + ")");
        ref.file = p.string();
      }
      out->classifiers.push_back(std::move(ref));
    }
  }

  void ParseLists(const Entry& e, Loaded* out, std::vector<std::string>* names) {
    if (e.empty()) return;  // `lists:` with nothing under it: no lists
    if (!e.value.IsMap()) {
      AddEntry(e, "\"lists\" must be a mapping of list name to {files: [...], terms: [...]}");
      return;
    }
    const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
    for (const Entry& le : Entries(e.value)) {
      const std::string& name = le.name;
      const std::string where = "list " + Quote(name) + ": ";
      if (!IsListName(name))
        AddNode(le.key, "list name " + Quote(name) + " must be an identifier: [a-z_][a-z0-9_]*");
      // Registered even when broken so that rules naming it are not also
      // reported as using an unknown list.
      names->push_back(name);
      TermList list;
      list.name = name;
      if (le.empty() || !le.value.IsMap()) {
        AddEntry(le, where + "must be a mapping with \"files\" and/or \"terms\"");
        out->lists.push_back(std::move(list));
        continue;
      }
      std::vector<Entry> keys = Entries(le.value);
      CheckKeys(keys, kListKeys, where);
      const Entry* files = Find(keys, "files");
      const Entry* terms = Find(keys, "terms");
      if (files == nullptr && terms == nullptr) AddNode(le.key, where + "needs \"files\" and/or \"terms\"");
      if (files != nullptr) {
        if (files->empty() || !files->value.IsSequence()) {
          AddEntry(*files, where + "\"files\" must be a list of paths, e.g. [lists/terms.txt]");
        } else {
          for (const YAML::Node& f : files->value) {
            if (!f.IsScalar() || f.Scalar().empty()) {
              AddNode(f, where + "each file must be a path");
              continue;
            }
            const std::string& rel = f.Scalar();
            std::filesystem::path p(rel);
            if (p.is_relative()) p = dir / p;
            std::error_code ec;
            if (!std::filesystem::is_regular_file(p, ec)) {
              AddNode(f, where + "file " + Quote(rel) + " not found" +
                             (p.string() == rel ? std::string() : " (looked for " + p.string() + ")"));
              continue;
            }
            Status st = AppendTermFile(p.string(), &list);
            if (!st.ok()) AddNode(f, where + "cannot load " + Quote(rel) + ": " + st.message());
          }
        }
      }
      if (terms != nullptr) {
        if (terms->empty() || !terms->value.IsSequence()) {
          AddEntry(*terms, where + "\"terms\" must be a list of strings, e.g. [\"free money\"]");
        } else {
          for (const YAML::Node& t : terms->value) {
            if (!t.IsScalar()) {
              AddNode(t, where + "each term must be a string");
              continue;
            }
            std::string_view term = t.Scalar();
            while (!term.empty() && IsBlank(term.front())) term.remove_prefix(1);
            while (!term.empty() && IsBlank(term.back())) term.remove_suffix(1);
            if (term.empty()) {
              AddNode(t, where + "empty term");
              continue;
            }
            list.terms.emplace_back(term);
          }
        }
      }
      out->lists.push_back(std::move(list));
    }
  }

  void ParseRules(const Entry& e, const std::vector<std::string>& list_names, Loaded* out) {
    if (e.empty() || !e.value.IsSequence()) {
      AddEntry(e, "\"rules\" must be a list of rules (\"- id: ...\")");
      return;
    }
    std::vector<std::pair<std::string, int>> seen_ids;  // id, line
    int index = 0;
    for (const YAML::Node& node : e.value) {
      ++index;
      if (!node.IsMap()) {
        AddNode(node, "rule #" + std::to_string(index) + " must be a mapping with id, when, action, category, reason");
        continue;
      }
      Rule rule;
      rule.line = LineOf(node);
      std::vector<Entry> keys = Entries(node);

      std::string where = "rule #" + std::to_string(index) + ": ";
      if (const Entry* id = Find(keys, "id")) {
        std::string value;
        if (GetString(*id, where, &value)) {
          if (!IsPlainId(value)) {
            AddEntry(*id, where + "rule id " + Quote(value) + " may only hold letters, digits, \"_\", \"-\" and \".\"");
          } else {
            auto dup = std::find_if(seen_ids.begin(), seen_ids.end(), [&](const auto& p) { return p.first == value; });
            if (dup != seen_ids.end())
              AddEntry(*id, "duplicate rule id " + Quote(value) + " (first at line " + std::to_string(dup->second) + ")");
            else
              seen_ids.emplace_back(value, LineOf(id->value));
          }
          rule.id = value;
          where = "rule " + Quote(value) + ": ";
        }
      } else {
        AddNode(node, where + "missing \"id\"");
      }
      CheckKeys(keys, kRuleKeys, where);

      if (const Entry* w = Find(keys, "when")) {
        if (GetString(*w, where, &rule.when_text)) {
          ExprError err;
          rule.when = CompileExpr(rule.when_text, list_names, &err, &out->uses_lang, &bank_names_,
                                 &classifier_names_, &out->uses_ocr);
          if (!rule.when)
            AddPos(ScalarPos(w->value, rule.when_text, static_cast<size_t>(std::max(err.offset, 0))), err.message);
        }
      } else {
        AddNode(node, where + "missing \"when\"");
      }

      bool action_ok = false;
      const Entry* action = Find(keys, "action");
      if (action != nullptr) {
        std::string value;
        if (GetString(*action, where, &value)) {
          if (std::optional<Action> a = ParseAction(value)) {
            rule.action = *a;
            action_ok = true;
          } else {
            AddEntry(*action, where + "unknown action " + Quote(value) +
                                  " (allow, label, review, withhold, remove, suspend_account)");
          }
        }
      } else {
        AddNode(node, where + "missing \"action\"");
      }
      const bool is_allow = action_ok && rule.action == Action::kAllow;

      const Entry* scope = Find(keys, "scope");
      if (action_ok && rule.action == Action::kWithhold) {
        if (scope == nullptr)
          AddEntry(*action, where + "withhold needs a \"scope\": the jurisdictions to withhold in, e.g. [PK] or [EU]");
        else
          ParseScope(*scope, where, &rule.scope);
      } else if (scope != nullptr && action_ok) {
        AddNode(scope->key, where + "\"scope\" is only for withhold (" + std::string(ActionName(rule.action)) +
                                " applies everywhere)");
      }

      if (const Entry* c = Find(keys, "category")) {
        std::string value;
        if (GetString(*c, where, &value)) {
          if (std::optional<std::string_view> canon = CanonicalCategory(value)) {
            rule.category = std::string(*canon);
          } else {
            const std::vector<std::string_view>& all = AllCategories();
            std::string_view hint = policy_internal::ClosestMatch(value, all);
            AddEntry(*c, where + "unknown category " + Quote(value) +
                             (hint.empty() ? " (DSA categories: " + Join(all) + ")"
                                           : " (did you mean " + Quote(hint) + "?)"));
          }
        }
      } else if (action_ok && !is_allow) {
        AddNode(node, where + "missing \"category\" (a DSA statement-of-reasons category, e.g. scams_and_fraud)");
      }

      if (const Entry* r = Find(keys, "reason")) {
        GetString(*r, where, &rule.reason);
      } else if (action_ok && !is_allow) {
        AddNode(node, where + "missing \"reason\" (shown in the statement of reasons)");
      }

      if (const Entry* r = Find(keys, "review")) {
        bool b = false;
        if (!r->empty() && r->value.IsScalar() && YAML::convert<bool>::decode(r->value, b))
          rule.review = b;
        else
          AddEntry(*r, where + "\"review\" must be true or false");
      }
      out->rules.push_back(std::move(rule));
    }
  }

  void ParseScope(const Entry& e, const std::string& where, std::vector<std::string>* scope) {
    if (e.empty() || !e.value.IsSequence()) {
      AddEntry(e, where + "\"scope\" must be a list of jurisdictions, e.g. [PK] or [EU]");
      return;
    }
    if (e.value.size() == 0) {
      AddEntry(e, where + "\"scope\" is empty: withhold needs at least one jurisdiction");
      return;
    }
    for (const YAML::Node& j : e.value) {
      if (!j.IsScalar()) {
        AddNode(j, where + "each jurisdiction must be a code such as PK or EU");
        continue;
      }
      const std::string& code = j.Scalar();
      bool upper = code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
      if (!upper) {
        std::string hint;
        if (code.size() == 2 && std::all_of(code.begin(), code.end(), [](char c) {
              return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
            })) {
          hint = code;
          for (char& c : hint) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
          hint = " (write " + Quote(hint) + ")";
        }
        AddNode(j, where + "jurisdiction " + Quote(code) +
                       " must be an ISO 3166-1 alpha-2 code in capitals (e.g. PK) or \"EU\"" + hint);
        continue;
      }
      if (std::find(scope->begin(), scope->end(), code) == scope->end()) scope->push_back(code);
    }
  }

  std::string path_;
  std::vector<std::string> bank_names_;  // the policy's banks, for `when`
  std::vector<std::string> classifier_names_;  // the policy's classifiers, for `when`
  std::string source_;
  size_t bom_ = 0;
  std::vector<size_t> line_starts_;
  std::vector<PolicyDiagnostic> diags_;
  bool io_error_ = false;
};

std::string JoinDiagnostics(const std::vector<PolicyDiagnostic>& diags) {
  std::string out;
  for (const PolicyDiagnostic& d : diags) {
    if (!out.empty()) out.push_back('\n');
    out += d.ToString();
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const Policy>> PolicyLoader::Load(const std::string& path) {
  Builder builder(path);
  Loaded loaded;
  bool read = builder.Run(&loaded);
  if (!read) return Status::Io(JoinDiagnostics(builder.diagnostics()));
  if (!builder.diagnostics().empty()) return Status::Invalid(JoinDiagnostics(builder.diagnostics()));
  auto policy = std::make_shared<Policy>();
  policy->name_ = std::move(loaded.name);
  policy->version_ = loaded.version;
  policy->id_ = policy->name_ + "@" + std::to_string(policy->version_);
  policy->lists_ = std::move(loaded.lists);
  policy->rules_ = std::move(loaded.rules);
  policy->banks_ = std::move(loaded.banks);
  policy->classifiers_ = std::move(loaded.classifiers);
  policy->uses_lang_ = loaded.uses_lang;
  policy->uses_ocr_ = loaded.uses_ocr;
  return std::shared_ptr<const Policy>(std::move(policy));
}

std::vector<PolicyDiagnostic> PolicyLoader::Check(const std::string& path) {
  Builder builder(path);
  Loaded loaded;
  builder.Run(&loaded);
  return std::move(builder.diagnostics());
}

std::vector<PolicyDiagnostic> PolicyLoader::CheckSource(const std::string& path, std::string source) {
  Builder builder(path);
  Loaded loaded;
  builder.RunSource(std::move(source), &loaded);
  return std::move(builder.diagnostics());
}

}  // namespace evenhand
