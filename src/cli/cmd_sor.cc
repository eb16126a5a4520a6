// `evenhand sor export`: one DSA statement of reasons per stored action
// decision (label, withhold, remove, suspend_account) and per item an
// authority's order in force restricts (cases/order_statements.h) and per
// item a decided notice acted on (cases/notice_statements.h), in the DSA
// Transparency Database's shape (dsa-json or dsa-csv). Statements that the
// database would refuse are reported on stderr with every field error;
// --strict turns them into a failure.
//
// Territory (issue 14 point 11): a statement of reasons is a DSA duty and
// the database takes only restrictions in the EEA, so by default only EEA
// countries are kept in territorial_scope and a statement that restricts
// nothing in the EEA (a withhold in PK) is left out and counted. The
// default file is a valid submission. --all-scopes writes them too, as an
// internal record (each reported as refused by the database); --eea-only,
// the old name of the default, is still accepted.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include "cases/notice_statements.h"
#include "model/replace_file.h"
#include "cases/order_statements.h"
#include "cases/standing.h"
#include "cases/statement_builder.h"
#include "cases/statement_export.h"
#include "cases/statement_validate.h"
#include "cli/commands.h"
#include "cli/temp_output.h"
#include "cli/regime_dir.h"
#include "regimes/regime_loader.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

struct SorArgs {
  std::string db;
  std::string format;
  std::string output = "-";
  std::string platform;
  std::string policy;
  std::string terms_url;
  std::string regimes = DefaultRegimeDir();
  bool eea_only = false;    // the default; kept for scripts that pass it
  bool all_scopes = false;  // also restrictions outside the EEA (an internal record)
  bool strict = false;
};

constexpr size_t kFlushBytes = 1 << 20;
constexpr int kErrorsShown = 10;

// Output that appears under its final name only when complete.
class Output {
 public:
  ~Output() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    if (!temp_.empty()) std::filesystem::remove(temp_);
  }
  Status Open(const std::string& path) {
    path_ = path;
    if (path == "-") {
      file_ = stdout;
      return Status::Ok();
    }
    temp_ = TempOutputPath(path);
    file_ = std::fopen(temp_.c_str(), "wb");
    if (file_ == nullptr) {
      temp_.clear();
      return Status::Io(path + ": cannot create the output file: " + std::strerror(errno));
    }
    return Status::Ok();
  }
  Status Write(std::string* buf) {
    if (!buf->empty() && std::fwrite(buf->data(), 1, buf->size(), file_) != buf->size())
      return Status::Io(path_ + ": write failed: " + std::strerror(errno));
    buf->clear();
    return Status::Ok();
  }
  Status Finish() {
    if (std::fflush(file_) != 0) return Status::Io(path_ + ": write failed: " + std::strerror(errno));
    if (file_ == stdout) return Status::Ok();
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!closed) return Status::Io(path_ + ": write failed: " + std::strerror(errno));
    if (Status s = ReplaceFile(temp_, path_); !s.ok()) return s;
    temp_.clear();
    return Status::Ok();
  }

 private:
  std::string path_;
  std::string temp_;
  std::FILE* file_ = nullptr;
};

int Export(const SorArgs& args) {
  const auto fail = [](const std::string& msg) {
    std::fprintf(stderr, "evenhand sor export: %s\n", msg.c_str());
    return 1;
  };
  std::optional<StatementFormat> format = ParseStatementFormat(args.format);
  if (!format) return fail("--format must be dsa-json or dsa-csv, not \"" + args.format + "\"");
  if (args.eea_only && args.all_scopes) return fail("--eea-only and --all-scopes exclude each other");
  const bool eea_only = !args.all_scopes;
  auto store = OpenStore(args.db, OpenMode::kMustExist);
  if (!store.ok()) return fail(store.status().message());

  Output out;
  if (Status s = out.Open(args.output); !s.ok()) return fail(s.message());
  StatementOptions options;
  options.platform_name = args.platform;
  options.terms_url = args.terms_url;

  std::string buf;
  if (*format == StatementFormat::kDsaCsv) AppendDsaCsvHeader(&buf);
  int64_t decisions = 0, ordered = 0, noticed = 0, written = 0, outside_eea = 0, invalid = 0, reversed = 0;
  // A statement whose decision was reversed (on review or appeal; an order
  // reversed on appeal) is not written: the restriction no longer applies
  // (cases/standing.h). It is counted on stderr.
  auto reversals = DecisionReversals::Load(**store);
  if (!reversals.ok()) return fail(reversals.status().message());
  std::vector<std::string> shown;
  Status write_status;
  // Writes one statement; false once writing failed.
  auto emit = [&](std::optional<Statement> st) {
    if (!st) return true;  // allow / review: nothing restricted
    if (eea_only && !RestrictToEea(&*st)) {
      ++outside_eea;
      return true;
    }
    std::vector<FieldError> errors = ValidateStatement(*st);
    if (!errors.empty()) {
      ++invalid;
      if (static_cast<int>(shown.size()) < kErrorsShown) shown.push_back(st->puid + ": " + DescribeErrors(errors));
    }
    if (*format == StatementFormat::kDsaJson) {
      AppendDsaJson(&buf, *st);
    } else {
      AppendDsaCsvRow(&buf, *st);
    }
    ++written;
    if (buf.size() >= kFlushBytes) write_status = out.Write(&buf);
    return write_status.ok();
  };
  Status walk = (*store)->ForEachDecision(args.policy, [&](const StoredDecision& row) {
    ++decisions;
    if (reversals->Find(row.decision) != nullptr) {
      reversed += BuildStatement(row.decision, row.post, row.stored_at, options).has_value();
      return true;
    }
    return emit(BuildStatement(row.decision, row.post, row.stored_at, options));
  });
  if (!walk.ok()) return fail(walk.message());
  if (!write_status.ok()) return fail(write_status.message());
  if (args.policy.empty()) {  // orders are under no policy: exported with "all"
    auto regimes = LoadRegimeDir(args.regimes);
    if (!regimes.ok()) return fail(regimes.status().message());
    walk = ForEachOrderStatement(**store, *regimes, options, [&](const Statement& st) {
      ++ordered;
      if (write_status.ok()) emit(st);
    }, &reversed);
    if (!walk.ok()) return fail(walk.message());
    walk = ForEachNoticeStatement(**store, *regimes, options, [&](const Statement& st) {
      ++noticed;
      if (write_status.ok()) emit(st);
    });
    if (!walk.ok()) return fail(walk.message());
    if (!write_status.ok()) return fail(write_status.message());
  }

  for (const std::string& line : shown) std::fprintf(stderr, "  %s\n", line.c_str());
  if (invalid > static_cast<int64_t>(shown.size()))
    std::fprintf(stderr, "  ... and %lld more\n", static_cast<long long>(invalid - static_cast<int64_t>(shown.size())));
  if (invalid > 0 && args.strict)
    return fail(fmt::format("{} of {} statements fail the DSA schema (listed above); nothing was written", invalid,
                            written));

  if (Status s = out.Write(&buf); !s.ok()) return fail(s.message());
  if (Status s = out.Finish(); !s.ok()) return fail(s.message());
  std::fprintf(stderr,
               "wrote %lld statements of reasons (%s) for %lld stored decisions, %lld ordered actions and %lld "
               "actions on notices",
               static_cast<long long>(written), args.format.c_str(), static_cast<long long>(decisions),
               static_cast<long long>(ordered), static_cast<long long>(noticed));
  if (eea_only)
    std::fprintf(stderr, "; %lld restrict nothing in the EEA and were left out (--all-scopes writes them)",
                 static_cast<long long>(outside_eea));
  if (reversed > 0)
    std::fprintf(stderr, "; %lld left out because their decision was reversed (on review or appeal)",
                 static_cast<long long>(reversed));
  std::fprintf(stderr, "\n");
  if (invalid > 0)
    std::fprintf(stderr,
                 "%lld statements fail the DSA schema (listed above); the database would refuse them. "
                 "Leave out --all-scopes for a submission file, or use --strict to fail instead.\n",
                 static_cast<long long>(invalid));
  return 0;
}

}  // namespace

void AddSorCommand(CLI::App& app, int* exit_code) {
  auto* sor = app.add_subcommand("sor", "Statements of reasons (DSA Art. 17) for the stored decisions");
  sor->require_subcommand(1);

  auto args = std::make_shared<SorArgs>();
  auto* exp = sor->add_subcommand(
      "export",
      "Write one statement of reasons per stored action decision (label, withhold, remove, suspend_account) and\n"
      "per item restricted by an authority's order in force, in the DSA Transparency Database's shape. allow\n"
      "and review decisions restrict nothing and give none; nor do decisions and orders reversed on review or\n"
      "appeal (counted on stderr).\n"
      "puids are stable: exporting again gives the same ids.");
  exp->add_option("--db", args->db, "Store URL: sqlite:PATH or a path to an SQLite file")->required();
  exp->add_option("--format", args->format,
                  "dsa-json: one submission-API JSON object a line; dsa-csv: the database's CSV columns")
      ->required();
  exp->add_option("-o,--output", args->output,
                  "Output file ('-' = stdout); a file appears only when the export succeeds")
      ->capture_default_str();
  exp->add_option("--platform", args->platform, "Platform name for the platform_name column (dsa-csv)");
  exp->add_option("--policy", args->policy,
                  "Only decisions of this policy version (name@version); default: all decisions and all orders");
  exp->add_option("--regimes", args->regimes, "Directory of regime files (maps an order's category to a DSA one)")
      ->capture_default_str();
  exp->add_option("--terms-url", args->terms_url,
                  "URL of the terms of service, written as decision_ground_reference_url of own-initiative "
                  "statements");
  exp->add_flag("--all-scopes", args->all_scopes,
                "Also write restrictions outside the EEA (e.g. a withhold in PK) with their own territory: an "
                "internal record, which the database refuses (each is reported). By default only EEA countries "
                "are kept in territorial_scope and statements restricting nothing in the EEA are left out");
  exp->add_flag("--eea-only", args->eea_only, "The default (kept for scripts that pass it)");
  exp->add_flag("--strict", args->strict, "Fail, writing nothing, if any statement breaks the DSA schema");
  exp->callback([args, exit_code] { *exit_code = Export(*args); });
}

}  // namespace evenhand::cli
