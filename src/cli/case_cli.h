// What the case verbs (`order`, `notice`, `datareq`) share: the common
// flags, the reference time, durations, loading the regimes with a
// deployment's overrides, reading JSON Lines submissions, printing JSON.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/status.h"
#include "model/time.h"
#include "regimes/regime.h"
#include "cli/regime_dir.h"
#include "store/store.h"

namespace evenhand::cli {

struct CaseFlags {
  std::string db;
  std::string regimes = DefaultRegimeDir();  // cli/regime_dir.h
  std::string overrides;
  std::string actor;
  std::string now;  // RFC 3339; empty = the clock
};

// Adds --db, --now, --actor (required when `with_actor`), and --regimes and
// --overrides when `regimes_help` is given (what the regimes are used for).
void AddCaseFlags(CLI::App* cmd, CaseFlags* flags, bool with_actor, const char* regimes_help = nullptr);

// The audit actor for an --actor flag: the registered person it names
// (compared after normalisation, model/person.h) acting through the CLI,
// "PERSON via cli". "" for an empty flag. Invalid, naming the flag, when it
// names no registered person.
Result<std::string> ResolveActor(Store& store, const std::string& flag);

// --now as unix seconds, or the clock when it is empty; Invalid names the flag.
Result<int64_t> ResolveNow(const CaseFlags& flags);

// Opens the store of flags.db with its clock set from --now (Store::SetClock),
// so audit entries carry the same time as the record (one clock).
Result<std::unique_ptr<Store>> OpenCaseStore(const CaseFlags& flags, OpenMode mode);

// ParseDuration ("6h", "90m", ...) is in model/time.h.

// The regimes of flags.regimes with flags.overrides applied.
Result<std::vector<Regime>> LoadRegimes(const CaseFlags& flags);

// Calls `parse` on every non-blank line of `path` ("-" = stdin). Each line it
// refuses is printed to stderr as "PATH:LINE: message". Returns the number of
// lines parsed, or an error when the file cannot be read or any line was
// refused (callers then store nothing).
Result<int64_t> ParseEachLine(const std::string& path, const std::function<Status(std::string_view line)>& parse);

// One JSON value on one line of stdout (invalid UTF-8 replaced).
void PrintJsonLine(const nlohmann::ordered_json& j);

}  // namespace evenhand::cli
