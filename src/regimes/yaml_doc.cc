// YamlDoc: one YAML document, typed readers, positioned diagnostics.
//
// Positions: yaml-cpp marks are 0-based line and column; we add one. A
// value written as nothing (`key:`) has no useful mark of its own, so such
// problems are placed at the key.
//
// The document guard: yaml-cpp 0.7's parser, when a document starts with a
// token it cannot use, can report an empty document again and again without
// consuming input (YAML::LoadAll then never returns). We walk at most three
// document starts with an event handler and treat a start that did not move
// forward as a syntax error; more than one document is an error too.
#include "regimes/yaml_doc.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

namespace evenhand {

std::string RegimeDiagnostic::ToString() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
  out += ": ";
  if (!field.empty()) out += field + ": ";
  return out + message;
}

std::string JoinRegimeDiagnostics(const std::vector<RegimeDiagnostic>& diags) {
  std::string out;
  for (const RegimeDiagnostic& d : diags) {
    if (!out.empty()) out.push_back('\n');
    out += d.ToString();
  }
  return out;
}

namespace regimes_internal {

namespace {

struct DocumentStarts : YAML::EventHandler {
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

const char* KindOf(const YAML::Node& n) {
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a mapping";
  return "a string";
}

}  // namespace

const Entry* Find(const std::vector<Entry>& entries, std::string_view name) {
  for (const Entry& e : entries)
    if (e.name == name) return &e;
  return nullptr;
}

bool IsUrl(std::string_view s) {
  for (std::string_view scheme : {std::string_view("https://"), std::string_view("http://")})
    if (s.size() > scheme.size() && s.substr(0, scheme.size()) == scheme) return true;
  return false;
}

std::string Child(const std::string& parent, std::string_view name) {
  return parent.empty() ? std::string(name) : parent + "." + std::string(name);
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

bool YamlDoc::Load(const std::string& path) {
  path_ = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    io_error_ = true;
    diags_.push_back(RegimeDiagnostic{path, 0, 0, "", std::string("cannot read file: ") + std::strerror(errno)});
    return false;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  return LoadSource(path, buf.str());
}

bool YamlDoc::LoadSource(const std::string& path, const std::string& source) {
  path_ = path;
  try {
    if (!CheckSingleDocument(source)) return false;
    root_ = YAML::Load(source);
  } catch (const YAML::Exception& e) {
    AddMark(e.mark, "", "YAML syntax error: " + e.msg);
    return false;
  }
  return true;
}

bool YamlDoc::CheckSingleDocument(const std::string& source) {
  std::istringstream in(source);
  YAML::Parser parser(in);
  DocumentStarts handler;
  std::vector<YAML::Mark> starts;
  for (int i = 0; i < 3 && parser.HandleNextDocument(handler); ++i) {
    if (!starts.empty() && handler.last.pos <= starts.back().pos) {
      AddMark(handler.last, "", "YAML syntax error: the parser cannot continue here");
      return false;
    }
    starts.push_back(handler.last);
  }
  if (starts.size() > 1) {
    AddMark(starts[1], "", "only one YAML document is allowed in a file");
    return false;
  }
  return true;
}

void YamlDoc::AddMark(const YAML::Mark& m, const std::string& field, std::string message) {
  int line = m.line >= 0 ? m.line + 1 : 1;
  int column = m.column >= 0 ? m.column + 1 : 1;
  diags_.push_back(RegimeDiagnostic{path_, line, column, field, std::move(message)});
}

void YamlDoc::Add(const YAML::Node& at, const std::string& field, std::string message) {
  AddMark(at.Mark(), field, std::move(message));
}

void YamlDoc::AddAtStart(const std::string& field, std::string message) {
  diags_.push_back(RegimeDiagnostic{path_, 1, 1, field, std::move(message)});
}

void YamlDoc::AddEntry(const Entry& e, const std::string& field, std::string message) {
  Add(e.empty() ? e.key : e.value, field, std::move(message));
}

int YamlDoc::LineOf(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  return m.line >= 0 ? m.line + 1 : 0;
}

int YamlDoc::ColumnOf(const YAML::Node& node) const {
  const YAML::Mark m = node.Mark();
  return m.column >= 0 ? m.column + 1 : 0;
}

std::vector<Entry> YamlDoc::Entries(const YAML::Node& map, const std::string& field,
                                    std::span<const std::string_view> allowed) {
  std::vector<Entry> out;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      Add(key, field, "keys must be plain names");
      continue;
    }
    const std::string& name = key.Scalar();
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string list;
      for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      Add(key, Child(field, name), "unknown key (allowed: " + list + ")");
      continue;
    }
    if (const Entry* first = Find(out, name)) {
      Add(key, Child(field, name), "duplicate key (first at line " + std::to_string(LineOf(first->key)) + ")");
      continue;
    }
    out.push_back(Entry{name, key, it->second});
  }
  return out;
}

bool YamlDoc::String(const Entry& e, const std::string& field, std::string* out) {
  if (e.empty()) {
    AddEntry(e, field, "is empty");
    return false;
  }
  if (!e.value.IsScalar()) {
    AddEntry(e, field, std::string("must be a string, not ") + KindOf(e.value));
    return false;
  }
  const std::string& s = e.value.Scalar();
  if (std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; })) {
    AddEntry(e, field, "is empty");
    return false;
  }
  *out = s;
  return true;
}

bool YamlDoc::Number(const Entry& e, const std::string& field, bool nullable, std::optional<double>* out) {
  const std::string what = nullable ? "must be a number or null" : "must be a number";
  if (e.empty()) {
    if (nullable && e.value.IsDefined() && e.value.IsNull() && e.value.Tag() != "!") {
      // `key: null`, `key: ~` or `key:`; all mean "no figure".
      out->reset();
      return true;
    }
    AddEntry(e, field, what + ", got nothing");
    return false;
  }
  if (!e.value.IsScalar()) {
    AddEntry(e, field, what + ", not " + KindOf(e.value));
    return false;
  }
  const std::string& s = e.value.Scalar();
  if (e.value.Tag() != "?") {
    AddEntry(e, field, what + ", got the quoted string " + Quote(s));
    return false;
  }
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) {
    AddEntry(e, field, what + ", got " + Quote(s));
    return false;
  }
  *out = v;
  return true;
}

bool YamlDoc::Bool(const Entry& e, const std::string& field, bool nullable, std::optional<bool>* out) {
  const std::string what = nullable ? "must be true, false or null" : "must be true or false";
  if (e.empty()) {
    if (nullable && e.value.IsDefined()) {
      out->reset();
      return true;
    }
    AddEntry(e, field, what + ", got nothing");
    return false;
  }
  bool b = false;
  if (!e.value.IsScalar() || e.value.Tag() != "?" || !YAML::convert<bool>::decode(e.value, b)) {
    AddEntry(e, field, what + (e.value.IsScalar() ? ", got " + Quote(e.value.Scalar()) : ""));
    return false;
  }
  *out = b;
  return true;
}

std::vector<RegimeDiagnostic> YamlDoc::TakeDiagnostics() {
  std::stable_sort(diags_.begin(), diags_.end(), [](const RegimeDiagnostic& a, const RegimeDiagnostic& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return std::move(diags_);
}

}  // namespace regimes_internal
}  // namespace evenhand
