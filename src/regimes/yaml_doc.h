// Reading one YAML document with positioned diagnostics, for the regime and
// override loaders.
//
// YamlDoc reads a file, parses exactly one YAML document (guarding against
// yaml-cpp 0.7's endless loop on some malformed streams, see yaml_doc.cc),
// and collects problems as "FILE:LINE:COLUMN: field: what is wrong" with
// 1-based lines and columns. Its helpers read typed values from mappings
// and report, rather than throw, on anything unexpected: no yaml-cpp
// exception leaves this module. Not thread-safe; one YamlDoc per file.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

struct RegimeDiagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the file could not be read
  int column = 0;  // 1-based
  std::string field;  // e.g. "categories[2].deadline_hours.emergency"
  std::string message;
  std::string ToString() const;  // "FILE:LINE:COLUMN: field: message"
};

// All diagnostics, one per line.
std::string JoinRegimeDiagnostics(const std::vector<RegimeDiagnostic>& diags);

namespace regimes_internal {

// One key: value pair of a mapping.
struct Entry {
  std::string name;
  YAML::Node key;
  YAML::Node value;
  bool empty() const { return !value.IsDefined() || value.IsNull(); }
};

const Entry* Find(const std::vector<Entry>& entries, std::string_view name);

class YamlDoc {
 public:
  // Reads and parses `path`. False when there is nothing to check (the
  // file is unreadable or not valid YAML); the reason is a diagnostic.
  bool Load(const std::string& path);
  // As Load, with the file's text given; `path` names it in diagnostics.
  bool LoadSource(const std::string& path, const std::string& source);
  const YAML::Node& root() const { return root_; }
  const std::string& path() const { return path_; }
  bool io_error() const { return io_error_; }

  void Add(const YAML::Node& at, const std::string& field, std::string message);
  void AddAtStart(const std::string& field, std::string message);
  // At the value, or at the key when the value was left empty.
  void AddEntry(const Entry& e, const std::string& field, std::string message);
  int LineOf(const YAML::Node& node) const;
  int ColumnOf(const YAML::Node& node) const;

  // The entries of a mapping, reporting non-scalar and duplicate keys, and
  // keys not in `allowed`.
  std::vector<Entry> Entries(const YAML::Node& map, const std::string& field,
                             std::span<const std::string_view> allowed);

  // Typed readers; each reports under `field` and returns false on a bad
  // value. A required but absent key is reported at `parent`.
  bool String(const Entry& e, const std::string& field, std::string* out);
  // A plain (unquoted) number, or null when `nullable`.
  bool Number(const Entry& e, const std::string& field, bool nullable, std::optional<double>* out);
  // true/false, or null when `nullable`.
  bool Bool(const Entry& e, const std::string& field, bool nullable, std::optional<bool>* out);

  // Sorted by position; moved out.
  std::vector<RegimeDiagnostic> TakeDiagnostics();

 private:
  bool CheckSingleDocument(const std::string& source);
  void AddMark(const YAML::Mark& m, const std::string& field, std::string message);

  std::string path_;
  YAML::Node root_;
  bool io_error_ = false;
  std::vector<RegimeDiagnostic> diags_;
};

// "http://" or "https://" followed by something.
bool IsUrl(std::string_view s);
// Joins a parent field path and a child: Child("a", "b") == "a.b".
std::string Child(const std::string& parent, std::string_view name);
std::string Quote(std::string_view s);

}  // namespace regimes_internal
}  // namespace evenhand
