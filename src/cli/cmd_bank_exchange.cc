// `evenhand bank import-signals|export-signals|snapshot|verify|delta|apply`:
// hash exchange (issue 21, point 4).
//
//   import-signals LIST... -o BANK --name N [--format auto|te-csv|te-file|te-updates|stopncii|ncmec-xml]
//                  [--kind K] [--category C] [--map TAG=CATEGORY]... [--negative] [--append]
//   export-signals BANK [-o FILE] [--format te-csv|te-file] [--collab NAME]
//   snapshot BANK --version N (--key KEYFILE | --unsigned) -o SNAP
//   verify SNAP|DELTA [--key VERIFIER] [--allow-unsigned] [-o BANK]
//   delta OLD.snap NEW.snap (--key KEYFILE | --unsigned) -o DELTA
//   apply BASE.snap DELTA... [--key VERIFIER] [--allow-unsigned] -o OUT.snap [--bank-out BANK]
//
// Formats: exchange/signal_list.h (lists), exchange/snapshot.h (snapshots,
// deltas); keys: `evenhand audit keygen`. Every verb reads and checks all
// its inputs before it writes anything; outputs are written to a temporary
// file and renamed; a bad input is exit 1 with FILE:LINE: FIELD: what, and
// the bank and every other file are left as they were. With --db URL
// --actor PERSON each verb appends one audit entry (bank.import /
// bank.export) naming the files, their sha256 and the counts.
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/bank_audit.h"
#include "cli/commands.h"
#include "exchange/bank_entries.h"
#include "exchange/signal_import.h"
#include "exchange/signal_list.h"
#include "exchange/snapshot.h"
#include "model/category.h"
#include "model/replace_file.h"
#include "store/sha256.h"
#include "store/store.h"

namespace evenhand::cli {
namespace {

int Fail(const char* verb, const std::string& msg) {
  std::fprintf(stderr, "evenhand bank %s: %s\n", verb, msg.c_str());
  return 1;
}

// A verifier key given as text or as a file holding it.
std::string ReadKeyArg(const std::string& arg) {
  std::error_code ec;
  if (arg.empty() || !std::filesystem::is_regular_file(arg, ec)) return arg;
  std::ifstream f(arg);
  std::string line;
  std::getline(f, line);
  return line;
}

Result<std::unique_ptr<tlog::NoteSigner>> Signer(const std::string& key_file, bool unsigned_ok) {
  if (key_file.empty()) {
    if (!unsigned_ok) return Status::Invalid("--key KEYFILE signs it (`evenhand audit keygen` makes one); --unsigned writes it unsigned");
    return std::unique_ptr<tlog::NoteSigner>();
  }
  auto s = tlog::NoteSigner::FromFile(key_file);
  if (!s.ok()) return s.status();
  return std::make_unique<tlog::NoteSigner>(std::move(s).value());
}

// ---- import-signals ----

struct ImportArgs {
  std::vector<std::string> inputs;
  std::string out, name, label, source, category, format = "auto", kind;
  std::vector<std::string> maps;
  bool negative = false, append = false;
  BankAudit audit;
};

int RunImport(ImportArgs& a) {
  const char* verb = "import-signals";
  if (!ValidBankName(a.name)) return Fail(verb, "--name \"" + a.name + "\" must be [a-z0-9_]+ (it is used as bank.NAME)");
  SignalFormat format;
  if (!ParseSignalFormat(a.format, &format)) return Fail(verb, "--format: auto, te-csv, te-file, te-updates, stopncii or ncmec-xml");
  CategoryMap map;
  for (const std::string& m : a.maps)
    if (Status s = map.AddRule(m); !s.ok()) return Fail(verb, s.message());
  std::string category = a.category;
  if (!category.empty()) {
    auto canon = CanonicalCategory(category);
    if (!canon) return Fail(verb, "--category \"" + category + "\" is not a category (a DSA short form, e.g. protection_of_minors)");
    category = std::string(*canon);
  }
  // Every list is read and checked before anything is written.
  std::vector<SignalList> lists(a.inputs.size());
  for (size_t i = 0; i < a.inputs.size(); ++i)
    if (Status s = ReadSignalList(a.inputs[i], format, &lists[i]); !s.ok()) return Fail(verb, s.message());
  AnyBank existing;
  const bool have_existing = a.append && std::filesystem::exists(a.out);
  if (have_existing) {
    auto b = OpenAnyBank(a.out, a.name);
    if (!b.ok()) return Fail(verb, b.status().message());
    existing = std::move(b).value();
  }
  BankKind kind = BankKind::kPdq;
  if (!a.kind.empty()) {
    if (!ParseBankKind(a.kind, &kind)) return Fail(verb, "--kind must be pdq, vpdq, md5, sha1 or sha256");
    if (have_existing && kind != existing.kind)
      return Fail(verb, a.out + " is a " + BankKindName(existing.kind) + " bank, not " + BankKindName(kind));
  } else if (have_existing) {
    kind = existing.kind;
  } else {
    bool found = false;
    for (size_t i = 0; i < lists.size(); ++i)
      for (const SignalRecord& r : lists[i].records) {
        if (r.key.empty()) continue;  // a removal by id names no kind
        if (!found) {
          kind = r.kind;
          found = true;
        } else if (r.kind != kind) {
          return Fail(verb, a.inputs[i] + ":" + std::to_string(r.line) + ": signal_type: " + SignalTypeName(r.kind) +
                                " after " + SignalTypeName(kind) + " signals: a bank holds one kind, name it with --kind");
        }
      }
    if (!found) return Fail(verb, "no signal of a kind evenhand matches (pdq, vpdq, video_md5, sha1, video_sha256) in the lists");
  }
  std::vector<std::string> entries;
  BankInfo info{a.name, a.label, a.source, category, a.negative};
  if (have_existing) {
    auto e = CanonicalEntries(existing);
    if (!e.ok()) return Fail(verb, a.out + ": " + e.status().message());
    entries = std::move(e).value();
    const BankInfo& old = existing.info();
    if (info.label.empty()) info.label = old.label;
    if (info.source.empty()) info.source = old.source;
    if (info.category.empty()) info.category = old.category;
    info.negative = info.negative || old.negative;
  }
  if (info.source.empty() && !lists.empty())
    info.source = lists[0].format == SignalFormat::kStopNcii    ? "StopNCII"
                  : lists[0].format == SignalFormat::kNcmecXml ? "NCMEC"
                                                               : "ThreatExchange";
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  SignalImportCounts counts;
  for (const SignalList& list : lists)
    ApplySignals(list.records, kind, info.negative, map, &info.category, &entries, &counts);
  auto bank = BuildBank(kind, info, entries, a.out);
  if (!bank.ok()) return Fail(verb, bank.status().message());
  if (Status s = SaveAnyBank(*bank, a.out); !s.ok()) return Fail(verb, s.message());
  std::fprintf(stderr,
               "bank %s (%s, category %s): %zu added, %zu removed, %zu already there; skipped: %zu of another kind, "
               "%zu not %s, %zu of another category; %zu entries in %s\n",
               info.name.c_str(), BankKindName(kind), info.category.empty() ? "none" : info.category.c_str(),
               counts.added, counts.removed, counts.unchanged, counts.other_kind, counts.opinion,
               info.negative ? "NEGATIVE_CLASS" : "POSITIVE_CLASS", counts.category, entries.size(), a.out.c_str());
  for (size_t i = 0; i < lists.size(); ++i)
    for (const auto& [type, n] : lists[i].skipped_types)
      std::fprintf(stderr, "%s: %zu %s signals skipped (a type evenhand does not match)\n", a.inputs[i].c_str(), n,
                   type.c_str());
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json files = nlohmann::ordered_json::array();
  for (size_t i = 0; i < lists.size(); ++i) {
    nlohmann::ordered_json skipped = nlohmann::ordered_json::object();
    for (const auto& [type, n] : lists[i].skipped_types) skipped[type] = n;
    files.push_back({{"file", a.inputs[i]},
                     {"format", SignalFormatName(lists[i].format)},
                     {"sha256", FileSha256(a.inputs[i])},
                     {"records", lists[i].records.size()},
                     {"skipped_types", skipped}});
  }
  nlohmann::ordered_json payload{{"verb", "import-signals"}, {"bank", a.out}, {"kind", BankKindName(kind)},
                                 {"category", info.category}, {"inputs", files}, {"added", counts.added},
                                 {"removed", counts.removed}, {"entries", entries.size()},
                                 {"bank_sha256", FileSha256(a.out)}};
  if (Status s = a.audit.Append("bank.import", info.name, payload); !s.ok())
    return Fail(verb, "the bank was written but the audit entry was not: " + s.message());
  return 0;
}

// ---- export-signals ----

struct ExportArgs {
  std::string bank, out, format = "te-csv", collab;
  BankAudit audit;
};

int RunExport(ExportArgs& a) {
  const char* verb = "export-signals";
  SignalFormat format;
  if (!ParseSignalFormat(a.format, &format) || (format != SignalFormat::kTeCsv && format != SignalFormat::kTeFile))
    return Fail(verb, "--format: te-csv or te-file");
  auto bank = OpenAnyBank(a.bank, "bank");
  if (!bank.ok()) return Fail(verb, bank.status().message());
  auto text = FormatSignals(*bank, format, a.collab);
  if (!text.ok()) return Fail(verb, text.status().message());
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  if (a.out.empty() || a.out == "-") {
    std::fwrite(text->data(), 1, text->size(), stdout);
  } else if (Status s = WriteFileReplacing(a.out, *text); !s.ok()) {
    return Fail(verb, s.message());
  }
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json payload{{"verb", "export-signals"}, {"bank", a.bank},
                                 {"bank_sha256", FileSha256(a.bank)}, {"format", SignalFormatName(format)},
                                 {"output", a.out.empty() ? "-" : a.out}, {"sha256", Sha256Hex(*text)},
                                 {"entries", bank->size()}};
  if (Status s = a.audit.Append("bank.export", bank->info().name, payload); !s.ok())
    return Fail(verb, "exported, but the audit entry was not written: " + s.message());
  return 0;
}

// ---- snapshot / delta ----

struct SnapshotArgs {
  std::string bank, out, key, name = "bank";
  uint64_t version = 0;
  bool unsigned_ok = false;
  BankAudit audit;
};

int RunSnapshot(SnapshotArgs& a) {
  const char* verb = "snapshot";
  auto signer = Signer(a.key, a.unsigned_ok);
  if (!signer.ok()) return Fail(verb, signer.status().message());
  if (!ValidBankName(a.name)) return Fail(verb, "--name \"" + a.name + "\" must be [a-z0-9_]+");
  auto bank = OpenAnyBank(a.bank, a.name);
  if (!bank.ok()) return Fail(verb, bank.status().message());
  auto bytes = EncodeSnapshot(*bank, a.version, std::time(nullptr), signer->get());
  if (!bytes.ok()) return Fail(verb, bytes.status().message());
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  if (Status s = WriteFileReplacing(a.out, *bytes); !s.ok()) return Fail(verb, s.message());
  std::fprintf(stderr, "snapshot of %s at version %llu: %zu entries, %s, in %s\n", bank->info().name.c_str(),
               static_cast<unsigned long long>(a.version), bank->size(),
               *signer ? ("signed by " + (*signer)->name()).c_str() : "unsigned", a.out.c_str());
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json payload{{"verb", "snapshot"}, {"bank", a.bank}, {"version", a.version},
                                 {"output", a.out}, {"sha256", Sha256Hex(*bytes)},
                                 {"signed_by", *signer ? (*signer)->name() : ""}};
  if (Status s = a.audit.Append("bank.export", bank->info().name, payload); !s.ok())
    return Fail(verb, "written, but the audit entry was not: " + s.message());
  return 0;
}

struct DeltaArgs {
  std::string from, to, out, key;
  bool unsigned_ok = false;
  BankAudit audit;
};

int RunDelta(DeltaArgs& a) {
  const char* verb = "delta";
  auto signer = Signer(a.key, a.unsigned_ok);
  if (!signer.ok()) return Fail(verb, signer.status().message());
  VerifyOptions own;  // the sender's own snapshots: their content is checked, not their signature
  own.allow_unsigned = true;
  auto from = ReadSnapshot(a.from, own);
  if (!from.ok()) return Fail(verb, from.status().message());
  auto to = ReadSnapshot(a.to, own);
  if (!to.ok()) return Fail(verb, to.status().message());
  auto bytes = EncodeDelta(*from, *to, std::time(nullptr), signer->get());
  if (!bytes.ok()) return Fail(verb, bytes.status().message());
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  if (Status s = WriteFileReplacing(a.out, *bytes); !s.ok()) return Fail(verb, s.message());
  auto d = ParseDelta(*bytes, a.out, own);
  if (d.ok())
    std::fprintf(stderr, "delta of %s from version %llu to %llu: %zu added, %zu removed, in %s\n",
                 d->manifest.info.name.c_str(), static_cast<unsigned long long>(d->manifest.from_version),
                 static_cast<unsigned long long>(d->manifest.version), d->additions.size(), d->removals.size(),
                 a.out.c_str());
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json payload{{"verb", "delta"}, {"from", a.from}, {"to", a.to}, {"output", a.out},
                                 {"sha256", Sha256Hex(*bytes)}, {"signed_by", *signer ? (*signer)->name() : ""}};
  if (Status s = a.audit.Append("bank.export", to->manifest.info.name, payload); !s.ok())
    return Fail(verb, "written, but the audit entry was not: " + s.message());
  return 0;
}

// ---- verify / apply ----

void PrintManifest(const std::string& path, const BankManifest& m, bool checked, bool delta_file) {
  const std::string what = delta_file ? "delta" : m.delta ? "snapshot (certified by the signed delta that made it)" : "snapshot";
  std::printf("%s\n  %s of bank %s (%s), category %s%s\n  version %llu, %llu entries, content sha256 %s\n  created %s\n",
              path.c_str(), what.c_str(), m.info.name.c_str(), BankKindName(m.kind),
              m.info.category.empty() ? "none" : m.info.category.c_str(), m.info.negative ? " (safe list)" : "",
              static_cast<unsigned long long>(m.version), static_cast<unsigned long long>(m.entries),
              m.content.c_str(), m.created.c_str());
  if (m.delta)
    std::printf("  from version %llu: %llu added, %llu removed\n", static_cast<unsigned long long>(m.from_version),
                static_cast<unsigned long long>(m.added), static_cast<unsigned long long>(m.removed));
  std::printf("  signature: %s\n", checked ? "verified" : "NOT VERIFIED (accepted with --allow-unsigned)");
}

Status WriteBankOf(const BankState& st, const std::string& path) {
  auto bank = BuildBank(st.manifest.kind, st.manifest.info, st.entries, path);
  if (!bank.ok()) return bank.status();
  return SaveAnyBank(*bank, path);
}

struct VerifyArgs {
  std::string file, key, bank_out;
  bool allow_unsigned = false;
  BankAudit audit;
};

int RunVerify(VerifyArgs& a) {
  const char* verb = "verify";
  VerifyOptions opts{ReadKeyArg(a.key), a.allow_unsigned};
  if (IsDeltaFile(a.file)) {
    if (!a.bank_out.empty()) return Fail(verb, "-o writes the bank of a snapshot; a delta is applied with `bank apply`");
    auto d = ReadDelta(a.file, opts);
    if (!d.ok()) return Fail(verb, d.status().message());
    PrintManifest(a.file, d->manifest, d->signature_checked, true);
    return 0;
  }
  auto st = ReadSnapshot(a.file, opts);
  if (!st.ok()) return Fail(verb, st.status().message());
  PrintManifest(a.file, st->manifest, st->signature_checked, false);
  if (a.bank_out.empty()) return 0;
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  if (Status s = WriteBankOf(*st, a.bank_out); !s.ok()) return Fail(verb, s.message());
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json payload{{"verb", "verify"}, {"snapshot", a.file}, {"sha256", FileSha256(a.file)},
                                 {"version", st->manifest.version}, {"signature_verified", st->signature_checked},
                                 {"bank", a.bank_out}, {"entries", st->entries.size()}};
  if (Status s = a.audit.Append("bank.import", st->manifest.info.name, payload); !s.ok())
    return Fail(verb, "written, but the audit entry was not: " + s.message());
  return 0;
}

struct ApplyArgs {
  std::string base, out, key, bank_out;
  std::vector<std::string> deltas;
  bool allow_unsigned = false;
  BankAudit audit;
};

int RunApply(ApplyArgs& a) {
  const char* verb = "apply";
  VerifyOptions opts{ReadKeyArg(a.key), a.allow_unsigned};
  auto state = ReadSnapshot(a.base, opts);
  if (!state.ok()) return Fail(verb, state.status().message());
  const uint64_t from_version = state->manifest.version;
  nlohmann::ordered_json applied = nlohmann::ordered_json::array();
  for (const std::string& path : a.deltas) {
    auto d = ReadDelta(path, opts);
    if (!d.ok()) return Fail(verb, d.status().message() + " (nothing written)");
    auto next = ApplyDelta(*state, *d);
    if (!next.ok()) return Fail(verb, next.status().message() + " (nothing written)");
    applied.push_back({{"file", path}, {"sha256", FileSha256(path)}, {"to_version", d->manifest.version}});
    state = std::move(next);
  }
  if (Status s = a.audit.Open(); !s.ok()) return Fail(verb, s.message());
  if (Status s = WriteFileReplacing(a.out, EncodeState(*state)); !s.ok()) return Fail(verb, s.message());
  if (!a.bank_out.empty())
    if (Status s = WriteBankOf(*state, a.bank_out); !s.ok()) return Fail(verb, s.message());
  std::fprintf(stderr, "bank %s: version %llu -> %llu, %zu entries, in %s\n", state->manifest.info.name.c_str(),
               static_cast<unsigned long long>(from_version),
               static_cast<unsigned long long>(state->manifest.version), state->entries.size(), a.out.c_str());
  if (!a.audit.enabled()) return 0;
  nlohmann::ordered_json payload{{"verb", "apply"}, {"base", a.base}, {"from_version", from_version},
                                 {"deltas", applied}, {"to_version", state->manifest.version},
                                 {"output", a.out}, {"entries", state->entries.size()},
                                 {"signature_verified", state->signature_checked}};
  if (Status s = a.audit.Append("bank.import", state->manifest.info.name, payload); !s.ok())
    return Fail(verb, "written, but the audit entry was not: " + s.message());
  return 0;
}

}  // namespace

void AddBankExchangeCommands(CLI::App* bank, int* exit_code) {
  auto imp = std::make_shared<ImportArgs>();
  CLI::App* c = bank->add_subcommand(
      "import-signals",
      "Build or update a bank from an industry hash list: ThreatExchange / HMA (python-threatexchange CSV or\n"
      "signal file, /threat_updates JSON) or StopNCII (FetchHashes JSON); removals in update lists remove");
  c->add_option("inputs", imp->inputs, "Hash lists")->required();
  c->add_option("-o,--out", imp->out, "Bank file to write (replaced atomically)")->required();
  c->add_option("--name", imp->name, "Bank name, used in policies as bank.NAME")->required();
  c->add_option("--format", imp->format, "auto (default), te-csv, te-file, te-updates, stopncii or ncmec-xml");
  c->add_option("--kind", imp->kind, "pdq, vpdq, md5, sha1 or sha256: the signals to take (default: the lists')");
  c->add_option("--category", imp->category,
                "The bank's category (a DSA short form); records whose tags map to another are skipped");
  c->add_option("--map", imp->maps, "TAG=CATEGORY: a tag of the list means this category (repeatable)");
  c->add_option("--label", imp->label, "Human title");
  c->add_option("--source", imp->source, "Who supplied the list (default: ThreatExchange or StopNCII)");
  c->add_flag("--negative", imp->negative, "A safe list: takes the NEGATIVE_CLASS signals");
  c->add_flag("--append", imp->append, "Apply the lists to the existing bank (additions and removals)");
  imp->audit.AddFlags(c);
  c->callback([imp, exit_code]() { *exit_code = RunImport(*imp); });

  auto exp = std::make_shared<ExportArgs>();
  c = bank->add_subcommand("export-signals",
                           "Write a bank as a ThreatExchange / HMA hash list (te-csv: collab,signal_type,signal_str,"
                           "category,tags; te-file)");
  c->add_option("bank", exp->bank, "Bank file")->required();
  c->add_option("-o,--out", exp->out, "Output file (default stdout)");
  c->add_option("--format", exp->format, "te-csv (default) or te-file");
  c->add_option("--collab", exp->collab, "The collab column (default: the bank's name)");
  exp->audit.AddFlags(c);
  c->callback([exp, exit_code]() { *exit_code = RunExport(*exp); });

  auto snap = std::make_shared<SnapshotArgs>();
  c = bank->add_subcommand("snapshot", "Write a signed snapshot of a bank at a version (its entries and a manifest)");
  c->add_option("bank", snap->bank, "Bank file")->required();
  c->add_option("--version", snap->version, "The snapshot's version (1, 2, ...)")->required()->check(CLI::PositiveNumber);
  c->add_option("--key", snap->key, "Ed25519 private key file (`evenhand audit keygen`)");
  c->add_flag("--unsigned", snap->unsigned_ok, "Write it unsigned (receivers must pass --allow-unsigned)");
  c->add_option("--name", snap->name, "The bank's name when BANK is a hash list (a bank file keeps its own)");
  c->add_option("-o,--out", snap->out, "Snapshot file to write")->required();
  snap->audit.AddFlags(c);
  c->callback([snap, exit_code]() { *exit_code = RunSnapshot(*snap); });

  auto ver = std::make_shared<VerifyArgs>();
  c = bank->add_subcommand("verify",
                           "Check a snapshot or delta: signature, content hash, entries; -o writes the snapshot's bank");
  c->add_option("file", ver->file, "Snapshot or delta file")->required();
  c->add_option("--key", ver->key, "The signer's verifier key, or a file holding it (KEY.pub)");
  c->add_flag("--allow-unsigned", ver->allow_unsigned, "Accept an unsigned or unchecked file (its content is still checked)");
  c->add_option("-o,--out", ver->bank_out, "Bank file to write from a verified snapshot");
  ver->audit.AddFlags(c);
  c->callback([ver, exit_code]() { *exit_code = RunVerify(*ver); });

  auto del = std::make_shared<DeltaArgs>();
  c = bank->add_subcommand("delta", "Write the signed changes (additions, removals) from one snapshot to a newer one");
  c->add_option("from", del->from, "The older snapshot")->required();
  c->add_option("to", del->to, "The newer snapshot")->required();
  c->add_option("--key", del->key, "Ed25519 private key file (`evenhand audit keygen`)");
  c->add_flag("--unsigned", del->unsigned_ok, "Write it unsigned");
  c->add_option("-o,--out", del->out, "Delta file to write")->required();
  del->audit.AddFlags(c);
  c->callback([del, exit_code]() { *exit_code = RunDelta(*del); });

  auto app = std::make_shared<ApplyArgs>();
  c = bank->add_subcommand("apply",
                           "Apply deltas in order to a snapshot (a gap or a replay is refused); writes the new snapshot");
  c->add_option("base", app->base, "The snapshot the receiver holds")->required();
  c->add_option("deltas", app->deltas, "Delta files, oldest first")->required();
  c->add_option("--key", app->key, "The sender's verifier key, or a file holding it");
  c->add_flag("--allow-unsigned", app->allow_unsigned, "Accept unsigned or unchecked files");
  c->add_option("-o,--out", app->out, "The new snapshot to write")->required();
  c->add_option("--bank-out", app->bank_out, "Also write the new bank file (for policies)");
  app->audit.AddFlags(c);
  c->callback([app, exit_code]() { *exit_code = RunApply(*app); });
}

}  // namespace evenhand::cli
