// `evenhand regime check|list|show`: validate regime files and look at the
// deadlines, penalties and authorities they hold.
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/regime_dir.h"
#include "regimes/overrides.h"
#include "regimes/regime_json.h"
#include "regimes/regime_loader.h"

namespace evenhand::cli {

namespace {

struct RegimeOptions {
  std::string dir = DefaultRegimeDir();
  std::string overrides;
  std::string id;
  bool json = false;
  std::vector<std::string> files;
};

// "48", "2.5", "-" (no hour figure); "*" marks a deployment figure.
std::string HoursText(const Hours& h) {
  if (!h.value) return "-";
  return fmt::format("{:g}{}", *h.value, h.from_deployment ? "*" : "");
}

std::string Shorten(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  size_t cut = n - 3;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return s.substr(0, cut) + "...";
}

bool Load(const RegimeOptions& o, std::vector<Regime>* out) {
  Result<std::vector<Regime>> loaded = LoadRegimeDir(o.dir);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return false;
  }
  *out = std::move(loaded.value());
  if (!o.overrides.empty()) {
    Status st = ApplyOverrides(o.overrides, out);
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message().c_str());
      return false;
    }
  }
  return true;
}

int Check(const RegimeOptions& o) {
  int rc = 0;
  for (const std::string& f : o.files) {
    Regime r;
    std::vector<RegimeDiagnostic> diags = CheckRegimeFile(f, &r);
    if (!diags.empty()) {
      std::fprintf(stderr, "%s\n", JoinRegimeDiagnostics(diags).c_str());
      rc = 1;
      continue;
    }
    std::printf("%s: ok (%zu categories)\n", f.c_str(), r.categories.size());
  }
  return rc;
}

int List(const RegimeOptions& o) {
  std::vector<Regime> regimes;
  if (!Load(o, &regimes)) return 1;
  if (o.json) {
    std::string out = "[";
    for (size_t i = 0; i < regimes.size(); ++i) out += (i ? "," : "") + RegimeToJson(regimes[i]);
    std::printf("%s]\n", out.c_str());
    return 0;
  }
  std::printf("%-26s %-4s %-10s %4s %8s %8s  %s\n", "REGIME", "JUR", "STATUS", "CATS", "FASTEST", "INFO_REQ",
              "INSTRUMENT");
  for (const Regime& r : regimes) {
    const Hours* fastest = nullptr;
    for (const RegimeCategory& c : r.categories)
      for (const Hours* h : {&c.deadline.normal, &c.deadline.emergency})
        if (h->value && (fastest == nullptr || *h->value < *fastest->value)) fastest = h;
    std::printf("%-26s %-4s %-10s %4zu %8s %8s  %s\n", r.id.c_str(), r.jurisdiction.c_str(), r.status.c_str(),
                r.categories.size(), fastest ? (HoursText(*fastest) + " h").c_str() : "-",
                r.info_request.normal.value ? (HoursText(r.info_request.normal) + " h").c_str() : "-",
                Shorten(r.instrument, 60).c_str());
  }
  std::printf("\nHours: normal or emergency, whichever is shorter; '-' = the law sets no hour figure; "
              "'*' = set by the deployment.\n");
  return 0;
}

int Show(const RegimeOptions& o) {
  std::vector<Regime> regimes;
  if (!Load(o, &regimes)) return 1;
  const Regime* r = FindRegime(regimes, o.id);
  if (r == nullptr) {
    std::string known;
    for (const Regime& x : regimes) known += (known.empty() ? "" : ", ") + x.id;
    std::fprintf(stderr, "no regime %s in %s (known: %s)\n", o.id.c_str(), o.dir.c_str(), known.c_str());
    return 1;
  }
  if (o.json) {
    std::printf("%s\n", RegimeToJson(*r).c_str());
    return 0;
  }
  std::printf("%s  (%s, %s)\n%s\nfile: %s\n\n", r->id.c_str(), r->jurisdiction.c_str(), r->status.c_str(),
              r->instrument.c_str(), r->file.c_str());
  std::printf("%-34s %7s %9s  %s\n", "CATEGORY", "NORMAL", "EMERGENCY", "DSA CATEGORY");
  for (const RegimeCategory& c : r->categories) {
    std::string dsa;
    for (const std::string& d : c.dsa_categories) dsa += (dsa.empty() ? "" : ", ") + d;
    std::printf("%-34s %7s %9s  %s\n", c.id.c_str(), HoursText(c.deadline.normal).c_str(),
                HoursText(c.deadline.emergency).c_str(), dsa.c_str());
    std::printf("    %s\n    source: %s\n", c.name.c_str(), c.source.c_str());
    for (const Hours* h : {&c.deadline.normal, &c.deadline.emergency})
      if (h->from_deployment)
        std::printf("    %s deadline set by the deployment (%s)%s%s\n", h == &c.deadline.normal ? "normal" : "emergency",
                    h->source.c_str(), h->note.empty() ? "" : ": ", h->note.c_str());
    if (!c.note.empty()) std::printf("    note: %s\n", c.note.c_str());
  }
  auto with_unit = [](const Hours& h) { return h.value ? HoursText(h) + " h" : std::string("no hour figure"); };
  std::printf("\ninformation requests: normal %s, emergency %s%s%s\n", with_unit(r->info_request.normal).c_str(),
              with_unit(r->info_request.emergency).c_str(), r->info_request.normal.source.empty() ? "" : "; source: ",
              r->info_request.normal.source.c_str());
  if (!r->info_request_note.empty()) std::printf("    note: %s\n", r->info_request_note.c_str());

  std::printf("\npenalties:\n");
  for (const Penalty& p : r->penalties) {
    std::string amount = p.amount ? fmt::format("{:.15g}", *p.amount) : "-";
    if (p.amount && (p.kind == PenaltyKind::kPercentTurnover || p.kind == PenaltyKind::kThrottling)) amount += "%";
    std::string line = fmt::format("  {:<16} {:>14} {:<3}", PenaltyKindName(p.kind), amount, p.currency);
    if (p.cap) line += fmt::format("  cap {:.15g}", *p.cap);
    if (p.step > 0) line += fmt::format("  step {}", p.step);
    if (p.applies_to != "platform") line += "  (on " + p.applies_to + "s)";
    if (p.precedent) line += "  (precedent)";
    std::printf("%s\n    source: %s\n", line.c_str(), p.source.c_str());
    if (!p.note.empty()) std::printf("    note: %s\n", p.note.c_str());
  }
  const char* geo = !r->geo_restriction_satisfies ? "not established" : (*r->geo_restriction_satisfies ? "yes" : "no");
  std::printf("\ngeo-restriction satisfies an order: %s%s%s\n", geo, r->geo_restriction_source.empty() ? "" : "; source: ",
              r->geo_restriction_source.c_str());
  if (!r->geo_restriction_note.empty()) std::printf("    note: %s\n", r->geo_restriction_note.c_str());
  std::printf("\nauthorities:\n");
  for (const Authority& a : r->authorities)
    std::printf("  %-16s %s%s%s\n", std::string(AuthorityKindName(a.kind)).c_str(), a.name.c_str(),
                a.note.empty() ? "" : " - ", a.note.c_str());
  if (!r->note.empty()) std::printf("\nnote: %s\n", r->note.c_str());
  return 0;
}

void AddDirFlags(CLI::App* cmd, RegimeOptions* o) {
  cmd->add_option("--dir", o->dir, "Directory of regime files (*.yaml), one regime each")
      ->capture_default_str();
  cmd->add_option("--overrides", o->overrides,
                  "Deployment override file (overrides: [{regime, category, normal, emergency, reason, replace}])")
      ->check(CLI::ExistingFile);
  cmd->add_flag("--json", o->json, "Write JSON instead of a table");
}

}  // namespace

void AddRegimeCommand(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<RegimeOptions>();
  auto* regime = app.add_subcommand(
      "regime", "Jurisdiction regimes: deadlines per category, information-request deadlines, penalties, sources");
  regime->require_subcommand(1);

  auto* check = regime->add_subcommand(
      "check", "Validate regime files; print FILE: ok (N categories), or every problem as FILE:LINE:COLUMN: field: "
               "what is wrong (exit 1)");
  check->add_option("files", opts->files, "Regime YAML files")->required()->check(CLI::ExistingFile);
  check->callback([opts, exit_code] { *exit_code = Check(*opts); });

  auto* list = regime->add_subcommand("list", "List the regimes in a directory with their shortest deadlines");
  AddDirFlags(list, opts.get());
  list->callback([opts, exit_code] { *exit_code = List(*opts); });

  auto* show = regime->add_subcommand(
      "show", "Show one regime: deadlines per category (normal/emergency), penalties, authorities, sources");
  show->add_option("id", opts->id, "Regime id, e.g. pk-peca-rbuoc-2021")->required();
  AddDirFlags(show, opts.get());
  show->callback([opts, exit_code] { *exit_code = Show(*opts); });
}

}  // namespace evenhand::cli
