// Regime files: YAML -> checked Regime (format in regime_loader.h).
#include "regimes/regime_loader.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "model/category.h"

namespace evenhand {

using regimes_internal::Child;
using regimes_internal::Entry;
using regimes_internal::Find;
using regimes_internal::IsUrl;
using regimes_internal::Quote;
using regimes_internal::YamlDoc;

namespace {

constexpr std::string_view kTopKeys[] = {
    "regime",         "jurisdiction",           "instrument",             "status",
    "categories",     "info_request_deadline_hours", "info_request_source", "info_request_note",
    "penalties",      "geo_restriction_satisfies", "geo_restriction_source", "geo_restriction_note",
    "authorities",    "preservation",           "note"};
constexpr std::string_view kPreservationKeys[] = {"days", "extension_days", "traffic_retention_days", "source", "note"};
constexpr std::string_view kCategoryKeys[] = {"id",     "name",             "dsa_category", "deadline_hours",
                                              "source", "emergency_source", "deadline_for", "note"};
constexpr std::string_view kHoursKeys[] = {"normal", "emergency"};
constexpr std::string_view kPenaltyKeys[] = {"kind", "amount", "currency", "cap",    "step",
                                             "applies_to", "precedent", "source", "note"};
constexpr std::string_view kAuthorityKeys[] = {"kind", "name", "note"};
constexpr std::string_view kStatuses[] = {"in_force", "phased", "superseded", "pending"};

bool IsRegimeId(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'; });
}

bool IsSnakeCase(std::string_view s) {
  if (s.empty() || !(s[0] >= 'a' && s[0] <= 'z')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool IsUpper(std::string_view s, size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

std::string JoinNames(std::span<const std::string_view> names) {
  std::string out;
  for (std::string_view n : names) out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

std::string FormatHours(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", h);
  return buf;
}

class RegimeBuilder {
 public:
  explicit RegimeBuilder(YamlDoc* doc) : doc_(*doc) {}

  void Build(const YAML::Node& root, Regime* out) {
    if (!root.IsDefined() || root.IsNull()) {
      doc_.AddAtStart("", "empty regime file: expected regime, jurisdiction, instrument, status, categories, ...");
      return;
    }
    if (!root.IsMap()) {
      doc_.Add(root, "", "a regime file must be a mapping (regime: ..., jurisdiction: ..., ...)");
      return;
    }
    std::vector<Entry> top = doc_.Entries(root, "", kTopKeys);
    out->file = doc_.path();

    if (const Entry* e = Required(top, "regime", "the regime's id, e.g. pk-peca-rbuoc-2021")) {
      if (doc_.String(*e, "regime", &out->id) && !IsRegimeId(out->id))
        doc_.AddEntry(*e, "regime", "id " + Quote(out->id) + " may hold only a-z, 0-9, \"-\" and \".\"");
    }
    if (const Entry* e = Required(top, "jurisdiction", "an ISO 3166-1 alpha-2 code such as PK, or EU")) {
      if (doc_.String(*e, "jurisdiction", &out->jurisdiction) && !IsUpper(out->jurisdiction, 2))
        doc_.AddEntry(*e, "jurisdiction",
                      Quote(out->jurisdiction) + " is not an ISO 3166-1 alpha-2 code in capitals (e.g. PK) or EU");
    }
    if (const Entry* e = Required(top, "instrument", "the law and provisions")) doc_.String(*e, "instrument", &out->instrument);
    if (const Entry* e = Required(top, "status", JoinNames(kStatuses))) {
      if (doc_.String(*e, "status", &out->status) &&
          std::find(std::begin(kStatuses), std::end(kStatuses), out->status) == std::end(kStatuses))
        doc_.AddEntry(*e, "status", "unknown status " + Quote(out->status) + " (allowed: " + JoinNames(kStatuses) + ")");
    }
    if (const Entry* e = Required(top, "categories", "a list of categories with deadlines")) Categories(*e, out);

    bool info_figure = false;
    if (const Entry* e = Required(top, "info_request_deadline_hours", "{normal: N|null, emergency: N|null}")) {
      Deadlines(*e, "info_request_deadline_hours", &out->info_request);
      info_figure = out->info_request.normal.value || out->info_request.emergency.value;
    }
    if (const Entry* e = Find(top, "info_request_source")) {
      SourceValue(*e, "info_request_source", &out->info_request.normal.source);
      out->info_request.emergency.source = out->info_request.normal.source;
    } else if (info_figure) {
      doc_.Add(Find(top, "info_request_deadline_hours")->key, "info_request_source",
               "missing: an information-request deadline needs the URL it comes from");
    }
    if (const Entry* e = Find(top, "info_request_note")) doc_.String(*e, "info_request_note", &out->info_request_note);

    if (const Entry* e = Required(top, "penalties", "a list of penalties (may be [])")) Penalties(*e, out);

    if (const Entry* e = Required(top, "geo_restriction_satisfies", "true, false or null")) {
      doc_.Bool(*e, "geo_restriction_satisfies", true, &out->geo_restriction_satisfies);
      if (const Entry* s = Find(top, "geo_restriction_source"))
        SourceValue(*s, "geo_restriction_source", &out->geo_restriction_source);
      else if (out->geo_restriction_satisfies)
        doc_.Add(e->key, "geo_restriction_source", "missing: a true/false answer needs the URL it comes from");
    }
    if (const Entry* e = Find(top, "geo_restriction_note")) doc_.String(*e, "geo_restriction_note", &out->geo_restriction_note);

    if (const Entry* e = Required(top, "authorities", "a list of issuing authorities")) Authorities(*e, out);
    if (const Entry* e = Find(top, "preservation")) Preservation(*e, out);
    if (const Entry* e = Find(top, "note")) doc_.String(*e, "note", &out->note);
  }

 private:
  const Entry* Required(const std::vector<Entry>& entries, std::string_view name, const std::string& hint,
                        const YAML::Node* parent = nullptr, const std::string& parent_field = "") {
    if (const Entry* e = Find(entries, name)) return e;
    const std::string field = Child(parent_field, name);
    if (parent != nullptr)
      doc_.Add(*parent, field, "missing (" + hint + ")");
    else
      doc_.AddAtStart(field, "missing (" + hint + ")");
    return nullptr;
  }

  void SourceValue(const Entry& e, const std::string& field, std::string* out) {
    if (!doc_.String(e, field, out)) return;
    if (!IsUrl(*out)) doc_.AddEntry(e, field, "must be an http(s) URL, got " + Quote(*out));
  }

  // A required source: the figure's URL.
  void Source(const std::vector<Entry>& keys, const YAML::Node& node, const std::string& where, std::string* out) {
    if (const Entry* s = Find(keys, "source"))
      SourceValue(*s, Child(where, "source"), out);
    else
      doc_.Add(node, Child(where, "source"), "missing: every figure needs the URL it comes from");
  }

  bool List(const Entry& e, const std::string& field, const char* what, bool allow_empty) {
    if (e.empty() && allow_empty && e.value.IsDefined()) return false;
    if (e.empty() || !e.value.IsSequence()) {
      doc_.AddEntry(e, field, std::string("must be a list of ") + what);
      return false;
    }
    if (e.value.size() == 0 && !allow_empty) {
      doc_.AddEntry(e, field, std::string("is empty: needs at least one of ") + what);
      return false;
    }
    return true;
  }

  void Deadlines(const Entry& e, const std::string& field, Deadline* out) {
    if (e.empty() || !e.value.IsMap()) {
      doc_.AddEntry(e, field, "must be a mapping {normal: N|null, emergency: N|null}");
      return;
    }
    std::vector<Entry> keys = doc_.Entries(e.value, field, kHoursKeys);
    bool ok = true;
    for (auto [name, hours] : {std::pair{"normal", &out->normal}, std::pair{"emergency", &out->emergency}}) {
      const Entry* h = Required(keys, name, "hours, or null where the law sets no hour figure", &e.value, field);
      if (h == nullptr) {
        ok = false;
        continue;
      }
      const std::string f = Child(field, name);
      if (!doc_.Number(*h, f, true, &hours->value)) {
        ok = false;
      } else if (hours->value && *hours->value <= 0) {
        doc_.AddEntry(*h, f, "must be positive, got " + FormatHours(*hours->value));
        hours->value.reset();
        ok = false;
      }
    }
    if (ok && out->normal.value && out->emergency.value && *out->emergency.value > *out->normal.value)
      doc_.AddEntry(*Find(keys, "emergency"), Child(field, "emergency"),
                    "emergency deadline (" + FormatHours(*out->emergency.value) + " h) is longer than the normal one (" +
                        FormatHours(*out->normal.value) + " h)");
  }

  // preservation: {days: N|null, extension_days: N|null,
  //                traffic_retention_days: N|null, source: URL, note: "..."}
  void Preservation(const Entry& e, Regime* out) {
    const std::string field = "preservation";
    if (e.empty() || !e.value.IsMap()) {
      doc_.AddEntry(e, field, "must be a mapping {days, extension_days, traffic_retention_days, source, note}");
      return;
    }
    PreservationRules& p = out->preservation;
    p.present = true;
    std::vector<Entry> keys = doc_.Entries(e.value, field, kPreservationKeys);
    bool figure = false;
    for (auto [name, value] : {std::pair{"days", &p.days}, std::pair{"extension_days", &p.extension_days},
                               std::pair{"traffic_retention_days", &p.traffic_retention_days}}) {
      const Entry* d = Required(keys, name, "days, or null where the law sets none or it is not established", &e.value,
                                field);
      if (d == nullptr) continue;
      const std::string f = Child(field, name);
      if (!doc_.Number(*d, f, true, value)) continue;
      if (*value && **value <= 0) {
        doc_.AddEntry(*d, f, "must be positive, got " + FormatHours(**value));
        value->reset();
      }
      figure = figure || value->has_value();
    }
    if (const Entry* s = Find(keys, "source"))
      SourceValue(*s, Child(field, "source"), &p.source);
    else if (figure)
      doc_.Add(e.value, Child(field, "source"), "missing: a preservation figure needs the URL it comes from");
    if (const Entry* n = Find(keys, "note")) doc_.String(*n, Child(field, "note"), &p.note);
  }

  void Categories(const Entry& e, Regime* out) {
    if (!List(e, "categories", "categories", false)) return;
    std::map<std::string, int> seen;  // id -> line
    size_t index = 0;
    for (const YAML::Node& node : e.value) {
      const std::string where = "categories[" + std::to_string(index++) + "]";
      if (!node.IsMap()) {
        doc_.Add(node, where, "must be a mapping with id, name, dsa_category, deadline_hours, source");
        continue;
      }
      std::vector<Entry> keys = doc_.Entries(node, where, kCategoryKeys);
      RegimeCategory c;
      if (const Entry* id = Required(keys, "id", "snake_case, e.g. unlawful_content", &node, where)) {
        const std::string f = Child(where, "id");
        if (doc_.String(*id, f, &c.id)) {
          if (!IsSnakeCase(c.id)) {
            doc_.AddEntry(*id, f, Quote(c.id) + " must be snake_case: [a-z][a-z0-9_]*");
          } else if (c.id == kInfoRequestKey) {
            doc_.AddEntry(*id, f, Quote(c.id) + " is reserved for the information-request deadline");
          } else if (auto it = seen.find(c.id); it != seen.end()) {
            doc_.AddEntry(*id, f, "duplicate category id " + Quote(c.id) + " (first at line " + std::to_string(it->second) + ")");
          } else {
            seen.emplace(c.id, doc_.LineOf(id->value));
          }
        }
      }
      if (const Entry* n = Required(keys, "name", "the law's wording", &node, where)) doc_.String(*n, Child(where, "name"), &c.name);
      if (const Entry* d = Required(keys, "dsa_category", "a DSA category short form such as illegal_or_harmful_speech", &node, where))
        DsaCategories(*d, Child(where, "dsa_category"), &c.dsa_categories);
      if (const Entry* d = Required(keys, "deadline_hours", "{normal: N|null, emergency: N|null}", &node, where))
        Deadlines(*d, Child(where, "deadline_hours"), &c.deadline);
      Source(keys, node, where, &c.source);
      c.deadline.normal.source = c.deadline.emergency.source = c.source;
      if (const Entry* s = Find(keys, "emergency_source")) {
        SourceValue(*s, Child(where, "emergency_source"), &c.deadline.emergency.source);
        if (!c.deadline.emergency.value) doc_.AddEntry(*s, Child(where, "emergency_source"), "given, but there is no emergency figure");
      }
      if (const Entry* f = Find(keys, "deadline_for")) DeadlineFor(*f, Child(where, "deadline_for"), &c);
      if (const Entry* n = Find(keys, "note")) doc_.String(*n, Child(where, "note"), &c.note);
      out->categories.push_back(std::move(c));
    }
  }

  // deadline_for: orders | notices | [orders, notices]; default orders.
  void DeadlineFor(const Entry& e, const std::string& field, RegimeCategory* c) {
    std::vector<YAML::Node> names;
    if (!e.empty() && e.value.IsSequence()) {
      for (const YAML::Node& n : e.value) names.push_back(n);
    } else if (!e.empty() && e.value.IsScalar()) {
      names.push_back(e.value);
    }
    if (names.empty()) {
      doc_.AddEntry(e, field, "must be orders, notices or [orders, notices]");
      return;
    }
    c->for_orders = c->for_notices = false;
    for (const YAML::Node& n : names) {
      if (n.IsScalar() && n.Scalar() == "orders") {
        c->for_orders = true;
      } else if (n.IsScalar() && n.Scalar() == "notices") {
        c->for_notices = true;
      } else {
        doc_.Add(n, field, "must be orders or notices" + (n.IsScalar() ? ", got " + Quote(n.Scalar()) : std::string()));
        c->for_orders = true;  // the default, for the rest of the check
      }
    }
  }

  void DsaCategories(const Entry& e, const std::string& field, std::vector<std::string>* out) {
    std::vector<YAML::Node> names;
    if (!e.empty() && e.value.IsSequence()) {
      for (const YAML::Node& n : e.value) names.push_back(n);
      if (names.empty()) doc_.AddEntry(e, field, "is empty: name at least one DSA category");
    } else if (!e.empty() && e.value.IsScalar()) {
      names.push_back(e.value);
    } else {
      doc_.AddEntry(e, field, "must be a DSA category short form or a list of them");
      return;
    }
    for (const YAML::Node& n : names) {
      if (!n.IsScalar()) {
        doc_.Add(n, field, "each DSA category must be a name");
        continue;
      }
      std::optional<std::string_view> canon = CanonicalCategory(n.Scalar());
      if (!canon) {
        std::string all;
        for (std::string_view c : AllCategories()) all += (all.empty() ? "" : ", ") + std::string(c);
        doc_.Add(n, field, "unknown DSA category " + Quote(n.Scalar()) + " (one of: " + all + ")");
        continue;
      }
      if (std::find(out->begin(), out->end(), *canon) == out->end()) out->emplace_back(*canon);
    }
  }

  void Penalties(const Entry& e, Regime* out) {
    if (!List(e, "penalties", "penalties", true)) return;
    size_t index = 0;
    for (const YAML::Node& node : e.value) {
      const std::string where = "penalties[" + std::to_string(index++) + "]";
      if (!node.IsMap()) {
        doc_.Add(node, where, "must be a mapping with kind, amount, source");
        continue;
      }
      std::vector<Entry> keys = doc_.Entries(node, where, kPenaltyKeys);
      Penalty p;
      bool kind_ok = false;
      if (const Entry* k = Required(keys, "kind", "per_item, per_day_late, fixed_max, percent_turnover, blocking or throttling", &node, where)) {
        std::string name;
        const std::string f = Child(where, "kind");
        if (doc_.String(*k, f, &name)) {
          if (std::optional<PenaltyKind> pk = ParsePenaltyKind(name)) {
            p.kind = *pk;
            kind_ok = true;
          } else {
            std::string hint;
            if (name == "per_day") hint = " (did you mean \"per_day_late\"?)";
            if (name == "percent_global_turnover") hint = " (did you mean \"percent_turnover\"?)";
            doc_.AddEntry(*k, f, "unknown penalty kind " + Quote(name) + hint +
                                     " (allowed: per_item, per_day_late, fixed_max, percent_turnover, blocking, throttling)");
          }
        }
      }
      const bool percent = p.kind == PenaltyKind::kPercentTurnover || p.kind == PenaltyKind::kThrottling;
      const bool money = p.kind == PenaltyKind::kPerItem || p.kind == PenaltyKind::kPerDayLate || p.kind == PenaltyKind::kFixedMax;
      const bool staged = p.kind == PenaltyKind::kBlocking || p.kind == PenaltyKind::kThrottling;

      const Entry* amount = Required(keys, "amount", "a number, or null where the law states none", &node, where);
      if (amount != nullptr && doc_.Number(*amount, Child(where, "amount"), true, &p.amount) && p.amount && kind_ok) {
        const std::string f = Child(where, "amount");
        if (*p.amount < 0) {
          doc_.AddEntry(*amount, f, "must not be negative");
        } else if (percent && (*p.amount <= 0 || *p.amount > 100)) {
          doc_.AddEntry(*amount, f, std::string(PenaltyKindName(p.kind)) + " amount is a percentage in (0, 100]");
        } else if (p.kind == PenaltyKind::kBlocking) {
          doc_.AddEntry(*amount, f, "blocking has no amount: use null and say what is blocked in the note");
        }
      }
      if (const Entry* c = Find(keys, "currency"); c != nullptr && !(c->empty() && c->value.IsDefined())) {
        const std::string f = Child(where, "currency");
        if (doc_.String(*c, f, &p.currency) && !IsUpper(p.currency, 3))
          doc_.AddEntry(*c, f, Quote(p.currency) + " is not an ISO 4217 code such as EUR");
      }
      if (kind_ok && money && p.amount && p.currency.empty())
        doc_.Add(amount->key, Child(where, "currency"), "missing: a money amount needs its ISO 4217 currency");
      if (const Entry* c = Find(keys, "cap")) {
        const std::string f = Child(where, "cap");
        if (doc_.Number(*c, f, true, &p.cap) && p.cap && *p.cap < 0) doc_.AddEntry(*c, f, "must not be negative");
      }
      if (const Entry* s = Find(keys, "step")) {
        std::optional<double> v;
        const std::string f = Child(where, "step");
        if (doc_.Number(*s, f, false, &v)) {
          if (*v < 1 || *v != std::floor(*v) || *v > 100)
            doc_.AddEntry(*s, f, "must be a whole number from 1 (the first escalation step)");
          else
            p.step = static_cast<int>(*v);
        }
      } else if (kind_ok && staged) {
        doc_.Add(node, Child(where, "step"), "missing: blocking and throttling need their escalation step (1 = first)");
      }
      if (const Entry* a = Find(keys, "applies_to")) {
        const std::string f = Child(where, "applies_to");
        if (doc_.String(*a, f, &p.applies_to) && p.applies_to != "platform" && p.applies_to != "individual")
          doc_.AddEntry(*a, f, "must be platform or individual, got " + Quote(p.applies_to));
      }
      if (const Entry* a = Find(keys, "precedent")) {
        std::optional<bool> b;
        if (doc_.Bool(*a, Child(where, "precedent"), false, &b)) p.precedent = *b;
      }
      Source(keys, node, where, &p.source);
      if (const Entry* n = Find(keys, "note")) doc_.String(*n, Child(where, "note"), &p.note);
      out->penalties.push_back(std::move(p));
    }
  }

  void Authorities(const Entry& e, Regime* out) {
    if (!List(e, "authorities", "authorities", false)) return;
    size_t index = 0;
    for (const YAML::Node& node : e.value) {
      const std::string where = "authorities[" + std::to_string(index++) + "]";
      if (!node.IsMap()) {
        doc_.Add(node, where, "must be a mapping with kind and name");
        continue;
      }
      std::vector<Entry> keys = doc_.Entries(node, where, kAuthorityKeys);
      Authority a;
      if (const Entry* k = Required(keys, "kind", "court, regulator, government, law_enforcement, user or trusted_flagger", &node, where)) {
        std::string name;
        const std::string f = Child(where, "kind");
        if (doc_.String(*k, f, &name)) {
          if (std::optional<AuthorityKind> ak = ParseAuthorityKind(name))
            a.kind = *ak;
          else
            doc_.AddEntry(*k, f, "unknown authority kind " + Quote(name) +
                                     " (allowed: court, regulator, government, law_enforcement, user, trusted_flagger)");
        }
      }
      if (const Entry* n = Required(keys, "name", "who issues", &node, where)) doc_.String(*n, Child(where, "name"), &a.name);
      if (const Entry* n = Find(keys, "note")) doc_.String(*n, Child(where, "note"), &a.note);
      out->authorities.push_back(std::move(a));
    }
  }

  YamlDoc& doc_;
};

// The checks after the document is read (or was not: then only its diagnostic).
std::vector<RegimeDiagnostic> CheckLoaded(YamlDoc& doc, bool loaded, Regime* out) {
  Regime regime;
  if (loaded) {
    try {
      RegimeBuilder(&doc).Build(doc.root(), &regime);
    } catch (const YAML::Exception& e) {
      doc.AddAtStart("", "unexpected YAML structure: " + e.msg);
    }
  }
  std::vector<RegimeDiagnostic> diags = doc.TakeDiagnostics();
  if (diags.empty() && out != nullptr) *out = std::move(regime);
  return diags;
}

}  // namespace

std::vector<RegimeDiagnostic> CheckRegimeFile(const std::string& path, Regime* out) {
  YamlDoc doc;
  const bool loaded = doc.Load(path);
  return CheckLoaded(doc, loaded, out);
}

std::vector<RegimeDiagnostic> CheckRegimeSource(const std::string& path, const std::string& source, Regime* out) {
  YamlDoc doc;
  const bool loaded = doc.LoadSource(path, source);
  return CheckLoaded(doc, loaded, out);
}

Result<Regime> LoadRegimeFile(const std::string& path) {
  Regime regime;
  std::vector<RegimeDiagnostic> diags = CheckRegimeFile(path, &regime);
  if (diags.empty()) return regime;
  const bool io = diags.size() == 1 && diags[0].line == 0;
  std::string msg = JoinRegimeDiagnostics(diags);
  return io ? Status::Io(std::move(msg)) : Status::Invalid(std::move(msg));
}

Result<std::vector<Regime>> LoadRegimeDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::NotFound(dir + ": not a directory");
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if ((p.extension() == ".yaml" || p.extension() == ".yml") && it->is_regular_file(ec)) files.push_back(p);
  }
  if (ec) return Status::Io(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());

  std::vector<Regime> regimes;
  std::vector<RegimeDiagnostic> problems;
  for (const fs::path& p : files) {
    Regime r;
    std::vector<RegimeDiagnostic> diags = CheckRegimeFile(p.string(), &r);
    if (!diags.empty()) {
      problems.insert(problems.end(), diags.begin(), diags.end());
      continue;
    }
    if (const Regime* first = FindRegime(regimes, r.id)) {
      // Re-read the id's position for the message; the file is known valid.
      YamlDoc doc;
      int line = 1, column = 1;
      if (doc.Load(r.file) && doc.root()["regime"]) {
        line = doc.LineOf(doc.root()["regime"]);
        column = doc.ColumnOf(doc.root()["regime"]);
      }
      problems.push_back(RegimeDiagnostic{r.file, line, column, "regime",
                                          "duplicate regime id " + Quote(r.id) + " (also in " + first->file + ")"});
      continue;
    }
    regimes.push_back(std::move(r));
  }
  if (!problems.empty()) return Status::Invalid(JoinRegimeDiagnostics(problems));
  return regimes;
}

const Regime* FindRegime(const std::vector<Regime>& regimes, std::string_view id) {
  for (const Regime& r : regimes)
    if (r.id == id) return &r;
  return nullptr;
}

}  // namespace evenhand
