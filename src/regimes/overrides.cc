// Applying a deployment's override file to loaded regimes (format in
// overrides.h). Works on a copy and swaps it in only when every override
// applied cleanly.
#include "regimes/overrides.h"

#include <cstdio>
#include <tuple>

#include "regimes/regime_loader.h"
#include "regimes/yaml_doc.h"

namespace evenhand {

using regimes_internal::Child;
using regimes_internal::Entry;
using regimes_internal::Find;
using regimes_internal::Quote;
using regimes_internal::YamlDoc;

namespace {

constexpr std::string_view kTopKeys[] = {"overrides"};
constexpr std::string_view kOverrideKeys[] = {"regime", "category", "normal", "emergency", "reason", "replace"};

std::string Fmt(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", h);
  return buf;
}

Deadline* Target(Regime* r, const std::string& category) {
  if (category == kInfoRequestKey) return &r->info_request;
  for (RegimeCategory& c : r->categories)
    if (c.id == category) return &c.deadline;
  return nullptr;
}

void ApplyAll(YamlDoc& doc, std::vector<Regime>* regimes) {
  const YAML::Node& root = doc.root();
  if (!root.IsDefined() || root.IsNull() || !root.IsMap()) {
    doc.AddAtStart("overrides", "an override file is a mapping with one key, overrides: [...]");
    return;
  }
  std::vector<Entry> top = doc.Entries(root, "", kTopKeys);
  const Entry* list = Find(top, "overrides");
  if (list == nullptr) {
    doc.AddAtStart("overrides", "missing (a list of {regime, category, normal, emergency})");
    return;
  }
  if (list->empty() || !list->value.IsSequence()) {
    doc.AddEntry(*list, "overrides", "must be a list of {regime, category, normal, emergency}");
    return;
  }
  size_t index = 0;
  for (const YAML::Node& node : list->value) {
    const std::string where = "overrides[" + std::to_string(index++) + "]";
    if (!node.IsMap()) {
      doc.Add(node, where, "must be a mapping with regime, category and normal and/or emergency");
      continue;
    }
    std::vector<Entry> keys = doc.Entries(node, where, kOverrideKeys);
    std::string regime_id, category, reason;
    Regime* regime = nullptr;
    Deadline* deadline = nullptr;
    if (const Entry* e = Find(keys, "regime")) {
      if (doc.String(*e, Child(where, "regime"), &regime_id)) {
        for (Regime& r : *regimes)
          if (r.id == regime_id) regime = &r;
        if (regime == nullptr) doc.AddEntry(*e, Child(where, "regime"), "unknown regime " + Quote(regime_id));
      }
    } else {
      doc.Add(node, Child(where, "regime"), "missing (a regime id)");
    }
    if (const Entry* e = Find(keys, "category")) {
      if (doc.String(*e, Child(where, "category"), &category) && regime != nullptr) {
        deadline = Target(regime, category);
        if (deadline == nullptr)
          doc.AddEntry(*e, Child(where, "category"),
                       "regime " + Quote(regime_id) + " has no category " + Quote(category) + " (nor is it info_request)");
      }
    } else {
      doc.Add(node, Child(where, "category"), "missing (a category id, or info_request)");
    }
    if (const Entry* e = Find(keys, "reason")) doc.String(*e, Child(where, "reason"), &reason);
    bool replace = false;
    if (const Entry* e = Find(keys, "replace")) {
      std::optional<bool> b;
      if (doc.Bool(*e, Child(where, "replace"), false, &b)) replace = *b;
    }
    const Entry* normal = Find(keys, "normal");
    const Entry* emergency = Find(keys, "emergency");
    if (normal == nullptr && emergency == nullptr) doc.Add(node, where, "needs normal and/or emergency hours");

    Deadline next = deadline ? *deadline : Deadline{};
    bool ok = true;
    for (auto [name, e, hours] : {std::tuple{"normal", normal, &next.normal}, std::tuple{"emergency", emergency, &next.emergency}}) {
      if (e == nullptr) continue;
      const std::string f = Child(where, name);
      std::optional<double> v;
      if (!doc.Number(*e, f, false, &v)) {
        ok = false;
        continue;
      }
      if (*v <= 0) {
        doc.AddEntry(*e, f, "must be positive, got " + Fmt(*v));
        ok = false;
        continue;
      }
      if (deadline == nullptr) continue;
      if (hours->value && !hours->from_deployment && !replace) {
        doc.AddEntry(*e, f, "the law sets " + Fmt(*hours->value) + " h here (" + hours->source +
                                "); add replace: true to replace a legal figure");
        ok = false;
        continue;
      }
      hours->value = v;
      hours->from_deployment = true;
      hours->source = doc.path() + ":" + std::to_string(doc.LineOf(e->value));
      hours->note = reason;
    }
    if (deadline == nullptr || !ok) continue;
    if (next.normal.value && next.emergency.value && *next.emergency.value > *next.normal.value) {
      doc.Add(node, where,
              "emergency deadline (" + Fmt(*next.emergency.value) + " h) would be longer than the normal one (" +
                  Fmt(*next.normal.value) + " h)");
      continue;
    }
    *deadline = next;
  }
}

}  // namespace

Status ApplyOverrides(const std::string& override_yaml_path, std::vector<Regime>* regimes) {
  YamlDoc doc;
  std::vector<Regime> copy = *regimes;
  if (doc.Load(override_yaml_path)) {
    try {
      ApplyAll(doc, &copy);
    } catch (const YAML::Exception& e) {
      doc.AddAtStart("", "unexpected YAML structure: " + e.msg);
    }
  }
  const bool io = doc.io_error();
  std::vector<RegimeDiagnostic> diags = doc.TakeDiagnostics();
  if (!diags.empty()) {
    std::string msg = JoinRegimeDiagnostics(diags);
    return io ? Status::Io(std::move(msg)) : Status::Invalid(std::move(msg));
  }
  *regimes = std::move(copy);
  return Status::Ok();
}

}  // namespace evenhand
