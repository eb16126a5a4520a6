// `evenhand bank import|match|stats|export`: hash banks on the command line.
//
//   bank import LIST... -o BANK.ehb --name N [--category C --source S --label L --negative --append]
//   bank match BANK [IMAGE...] [--hashes LIST] [--radius 31] [--dihedral]
//   bank stats BANK...
//   bank export BANK [-o FILE]
//   (import and export take --db URL --actor PERSON: an audit entry, cli/bank_audit.h)
//   bank import-signals|export-signals|snapshot|verify|delta|apply: hash
//        exchange, cli/cmd_bank_exchange.cc
//
// match prints "query,match_hash,distance,label" per match (query = file name
// or the query hash); exit 0 whether or not anything matched, 1 on bad input.
//
// --kind vpdq|md5|sha1|sha256 (or a bank / list whose kind is detected, see
// media/any_bank.h) makes a video or exact-hash bank: cli/bank_media.h.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "model/replace_file.h"
#include "bank/bank_io.h"
#include "cli/bank_audit.h"
#include "cli/bank_media.h"
#include "cli/commands.h"
#include "image/decoder.h"
#include "image/pdq.h"

namespace evenhand::cli {
namespace {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "evenhand bank: %s\n", msg.c_str());
  return 1;
}

struct ImportArgs {
  std::vector<std::string> inputs;
  std::string out, name, label, source, category;
  bool negative = false, append = false;
  std::string kind;  // empty: detected
  bool digest_files = false;
  float seconds_per_hash = 1.0f;
  BankAudit audit;
};

// The bank.import audit entry of a finished import (a no-op without --db).
int AuditImport(ImportArgs& a, BankKind kind, size_t entries) {
  nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
  for (const std::string& in : a.inputs) inputs.push_back({{"file", in}, {"sha256", FileSha256(in)}});
  nlohmann::ordered_json payload{{"verb", "import"}, {"bank", a.out}, {"kind", BankKindName(kind)},
                                 {"inputs", inputs}, {"entries", entries}, {"bank_sha256", FileSha256(a.out)}};
  if (Status s = a.audit.Append("bank.import", a.name, payload); !s.ok())
    return Fail("the bank was written but the audit entry was not: " + s.message());
  return 0;
}

// The kind an import makes: --kind, else a video among the inputs (vpdq),
// else the bank being appended to, else the first list's.
Result<BankKind> ImportKind(const ImportArgs& a) {
  BankKind k = BankKind::kPdq;
  if (!a.kind.empty()) {
    if (!ParseBankKind(a.kind, &k)) return Status::Invalid("--kind must be pdq, vpdq, md5, sha1 or sha256");
    return k;
  }
  if (a.digest_files) return Status::Invalid("--digest-files needs --kind md5, sha1 or sha256");
  for (const std::string& in : a.inputs)
    if (IsVideoPath(in)) return BankKind::kVpdq;
  std::error_code ec;
  if (a.append && std::filesystem::exists(a.out, ec)) return DetectBankKind(a.out);
  return a.inputs.empty() ? Result<BankKind>(BankKind::kPdq) : DetectBankKind(a.inputs[0]);
}

int RunImport(ImportArgs& a) {
  if (!ValidBankName(a.name)) return Fail("--name \"" + a.name + "\" must be [a-z0-9_]+ (it is used as bank.NAME)");
  auto kind = ImportKind(a);
  if (!kind.ok()) return Fail(kind.status().message());
  if (Status s = a.audit.Open(); !s.ok()) return Fail(s.message());
  if (*kind != BankKind::kPdq) {
    MediaImportArgs m;
    m.kind = *kind;
    m.inputs = a.inputs;
    m.out = a.out;
    m.info = BankInfo{a.name, a.label, a.source, a.category, a.negative};
    m.append = a.append;
    m.digest_files = a.digest_files;
    m.seconds_per_hash = a.seconds_per_hash;
    if (int rc = RunMediaImport(m); rc != 0) return rc;
    auto written = OpenAnyBank(a.out, a.name);
    return AuditImport(a, *kind, written.ok() ? written->size() : 0);
  }
  if (a.digest_files) return Fail("--digest-files needs --kind md5, sha1 or sha256");
  std::unique_ptr<Bank> bank;
  if (a.append && IsBinaryBank(a.out)) {
    auto loaded = LoadBank(a.out);
    if (!loaded.ok()) return Fail(loaded.status().message());
    bank = std::move(loaded).value();
  } else {
    bank = std::make_unique<Bank>(BankInfo{a.name, a.label, a.source, a.category, a.negative});
  }
  size_t added = 0;
  for (const std::string& in : a.inputs) {
    HashList list;
    Status s = ReadHashList(in, &list);
    if (!s.ok()) return Fail(s.message());
    bank->AddMany(list.hashes, list.labels);
    added += list.hashes.size();
  }
  Status s = SaveBank(*bank, a.out);
  if (!s.ok()) return Fail(s.message());
  std::fprintf(stderr, "bank %s: %zu hashes imported, %zu in %s\n", bank->info().name.c_str(), added, bank->size(),
               a.out.c_str());
  return AuditImport(a, BankKind::kPdq, bank->size());
}

struct MatchArgs {
  std::string bank;
  std::vector<std::string> images;
  std::string hashes;
  int radius = kDefaultMatchRadius;
  bool dihedral = false;
  bool reference_cli = false;
  double query_pct = 80.0, target_pct = 0.0;
  float seconds_per_hash = 1.0f;
};

int RunMatch(const MatchArgs& a) {
  auto kind = DetectBankKind(a.bank);
  if (!kind.ok()) return Fail(kind.status().message());
  if (*kind != BankKind::kPdq) {
    auto any = OpenAnyBank(a.bank, "bank", &*kind);
    if (!any.ok()) return Fail(any.status().message());
    MediaMatchArgs m;
    m.bank = a.bank;
    m.files = a.images;
    m.hashes = a.hashes;
    m.radius = a.radius;
    m.query_pct = a.query_pct;
    m.target_pct = a.target_pct;
    m.seconds_per_hash = a.seconds_per_hash;
    return RunMediaMatch(std::move(any).value(), m);
  }
  auto bank = OpenBank(a.bank, "bank");
  if (!bank.ok()) return Fail(bank.status().message());
  std::vector<HashMatch> matches;
  std::string line;
  char hex[64];
  size_t queries = 0, found = 0;
  auto report = [&](const std::string& query, const Hash256* hashes, size_t n) {
    matches.clear();
    for (size_t i = 0; i < n; ++i) (*bank)->Search(hashes[i], a.radius, &matches);
    // Best distance per entry over the variants.
    std::sort(matches.begin(), matches.end(), [](const HashMatch& x, const HashMatch& y) {
      return x.id != y.id ? x.id < y.id : x.distance < y.distance;
    });
    uint32_t last = UINT32_MAX;
    for (const HashMatch& m : matches) {
      if (m.id == last) continue;
      last = m.id;
      WriteHex((*bank)->index().hash(m.id), hex);
      line = query + "," + std::string(hex, 64) + "," + std::to_string(m.distance) + "," + (*bank)->EntryLabel(m.id) + "\n";
      std::fwrite(line.data(), 1, line.size(), stdout);
      ++found;
    }
    ++queries;
  };
  if (!a.hashes.empty()) {
    HashList list;
    Status s = ReadHashList(a.hashes, &list);
    if (!s.ok()) return Fail(s.message());
    for (const Hash256& h : list.hashes) report(ToHex(h), &h, 1);
  }
  ImageDecoder decoder;
  PdqHasher hasher(a.reference_cli ? PdqMode::kReferenceCli : PdqMode::kFullResolution);
  Image image;
  int failures = 0;
  for (const std::string& file : a.images) {
    Status s = decoder.DecodeFile(file, &image);
    if (!s.ok()) {
      std::fprintf(stderr, "evenhand bank match: %s\n", s.message().c_str());
      ++failures;
      continue;
    }
    PdqDihedral d = a.dihedral ? hasher.HashDihedral(image) : PdqDihedral{};
    if (!a.dihedral) {
      PdqResult r = hasher.Hash(image);
      d.hash[0] = r.hash;
      d.quality = r.quality;
    }
    if (d.quality < 50) {
      std::fprintf(stderr, "evenhand bank match: %s: quality %d < 50, not matched\n", file.c_str(), d.quality);
      continue;
    }
    report(file, d.hash, a.dihedral ? 8 : 1);
  }
  std::fprintf(stderr, "%zu queries, %zu matches within %d bits\n", queries, found, a.radius);
  return failures == 0 ? 0 : 1;
}

int RunStats(const std::vector<std::string>& banks) {
  for (const std::string& path : banks) {
    auto start = std::chrono::steady_clock::now();
    auto kind = DetectBankKind(path);
    if (!kind.ok()) return Fail(kind.status().message());
    if (*kind != BankKind::kPdq) {
      auto any = OpenAnyBank(path, "bank", &*kind);
      if (!any.ok()) return Fail(any.status().message());
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      const BankInfo& i = any->info();
      std::printf("%s\n  name: %s\n  label: %s\n  source: %s\n  category: %s\n  kind: %s, %s\n", path.c_str(),
                  i.name.c_str(), i.label.c_str(), i.source.c_str(), i.category.c_str(), BankKindName(*kind),
                  i.negative ? "negative (safe list)" : "positive");
      PrintMediaStats(*any);
      std::printf("  loaded in: %.1f ms\n", ms);
      continue;
    }
    auto bank = OpenBank(path, "bank");
    if (!bank.ok()) return Fail(bank.status().message());
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    const BankInfo& i = (*bank)->info();
    std::printf("%s\n  name: %s\n  label: %s\n  source: %s\n  category: %s\n  kind: %s\n  hashes: %zu\n"
                "  index memory: %.1f MiB\n  loaded in: %.1f ms\n",
                path.c_str(), i.name.c_str(), i.label.c_str(), i.source.c_str(), i.category.c_str(),
                i.negative ? "negative (safe list)" : "positive", (*bank)->size(),
                (*bank)->index().MemoryBytes() / 1048576.0, ms);
  }
  return 0;
}

struct ExportArgs {
  std::string bank, out;
  BankAudit audit;
};

int RunExport(ExportArgs& a) {
  auto bank = OpenAnyBank(a.bank, "bank");
  if (!bank.ok()) return Fail(bank.status().message());
  std::string text = ExportAnyBankText(*bank);
  if (Status s = a.audit.Open(); !s.ok()) return Fail(s.message());
  if (a.out.empty() || a.out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
  } else if (Status s = WriteFileReplacing(a.out, text); !s.ok()) {
    return Fail(s.message());
  }
  nlohmann::ordered_json payload{{"verb", "export"}, {"bank", a.bank}, {"bank_sha256", FileSha256(a.bank)},
                                 {"output", a.out.empty() ? "-" : a.out}, {"entries", bank->size()}};
  if (Status s = a.audit.Append("bank.export", bank->info().name, payload); !s.ok())
    return Fail("exported, but the audit entry was not written: " + s.message());
  return 0;
}

}  // namespace

void AddBankCommand(CLI::App& app, int* exit_code) {
  CLI::App* bank = app.add_subcommand(
      "bank", "Hash banks: import lists of known hashes (PDQ images, vPDQ videos, MD5/SHA-1/SHA-256 files), match, inspect, export");
  bank->require_subcommand(1);

  auto imp = std::make_shared<ImportArgs>();
  CLI::App* c = bank->add_subcommand("import",
                                     "Build a bank file (.ehb, compact binary) from hash lists: text (one 64-hex hash a\n"
                                     "line, optionally \"hash,label\") or CSV with a hash/pdq/signal_value column");
  c->add_option("inputs", imp->inputs, "Hash lists (.txt or .csv)")->required();
  c->add_option("-o,--out", imp->out, "Bank file to write (replaced atomically)")->required();
  c->add_option("--name", imp->name, "Bank name, used in policies as bank.NAME")->required();
  c->add_option("--label", imp->label, "Human title");
  c->add_option("--source", imp->source, "Who supplied the hashes (NCMEC, GIFCT, StopNCII, internal, ...)");
  c->add_option("--category", imp->category, "Category of the listed content (child_sexual_abuse, terrorist_content, ncii, ...)");
  c->add_flag("--negative", imp->negative, "A safe list: its matches suppress matches from positive banks");
  c->add_flag("--append", imp->append, "Add to an existing bank file instead of replacing it");
  c->add_option("--kind", imp->kind,
                "pdq (images), vpdq (videos: video files or vPDQ hash files), md5, sha1 or sha256 (exact file\n"
                "hashes: NCMEC-style lists); default: detected from the inputs");
  c->add_flag("--digest-files", imp->digest_files,
              "Exact kinds: the inputs are files to hash (their bytes), not hash lists");
  c->add_option("-r,--seconds-per-hash", imp->seconds_per_hash,
                "vpdq: hash one frame every S seconds of each video (default 1; 0 = every frame)")
      ->check(CLI::Range(0.0f, 1e6f));
  imp->audit.AddFlags(c);
  c->callback([imp, exit_code]() { *exit_code = RunImport(*imp); });

  auto m = std::make_shared<MatchArgs>();
  c = bank->add_subcommand("match",
                           "Match images or hashes against a bank: prints query,match_hash,distance,label\n"
                           "(video banks: query,video_label,query_pct,target_pct,distance)");
  c->add_option("bank", m->bank, "Bank file (.ehb, or a hash list)")->required();
  c->add_option("images", m->images, "Images to hash and match (videos for a video bank; any file for an exact bank)");
  c->add_option("--hashes", m->hashes, "A hash list to match (text or CSV)");
  c->add_option("--radius", m->radius, "Match threshold in bits (default 31, upstream's)")->check(CLI::Range(0, 256));
  c->add_flag("--dihedral", m->dihedral, "Also match the 8 rotations/flips of each image");
  c->add_flag("--reference-cli", m->reference_cli, "Hash images as the reference CLI does (512x512 pre-resize)");
  c->add_option("--query-pct", m->query_pct,
                "Video banks: a video matches when at least this % of the query's frames match (default 80)");
  c->add_option("--target-pct", m->target_pct,
                "Video banks: ... and at least this % of the bank video's frames (default 0)");
  c->add_option("-r,--seconds-per-hash", m->seconds_per_hash,
                "Video banks: hash one frame every S seconds of each query video (default 1; 0 = every frame)")
      ->check(CLI::Range(0.0f, 1e6f));
  c->callback([m, exit_code]() { *exit_code = RunMatch(*m); });

  auto stats = std::make_shared<std::vector<std::string>>();
  c = bank->add_subcommand("stats", "Show a bank's name, category, size and index memory");
  c->add_option("banks", *stats, "Bank files")->required();
  c->callback([stats, exit_code]() { *exit_code = RunStats(*stats); });

  auto exp = std::make_shared<ExportArgs>();
  c = bank->add_subcommand("export", "Write a bank's live hashes as text (\"hash\" or \"hash,label\" lines)");
  c->add_option("bank", exp->bank, "Bank file")->required();
  c->add_option("-o,--out", exp->out, "Output file (default stdout)");
  exp->audit.AddFlags(c);
  c->callback([exp, exit_code]() { *exit_code = RunExport(*exp); });

  AddBankExchangeCommands(bank, exit_code);
}

}  // namespace evenhand::cli
