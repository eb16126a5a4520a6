#include "cli/case_cli.h"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>

#include "model/person.h"
#include "model/time.h"
#include "regimes/overrides.h"
#include "regimes/regime_loader.h"

namespace evenhand::cli {

void AddCaseFlags(CLI::App* cmd, CaseFlags* flags, bool with_actor, const char* regimes_help) {
  cmd->add_option("--db", flags->db, "Store URL: sqlite:PATH or a path to an SQLite file")->required();
  if (regimes_help != nullptr) {
    cmd->add_option("--regimes", flags->regimes, regimes_help)->capture_default_str();
    cmd->add_option("--overrides", flags->overrides, "Deployment overrides of regime deadlines (YAML)");
  }
  cmd->add_option("--now", flags->now, "Reference time, RFC 3339 (default: the clock)");
  if (with_actor) cmd->add_option("--actor", flags->actor, "Who does this (recorded in the audit log)")->required();
}

Result<std::string> ResolveActor(Store& store, const std::string& flag) {
  if (flag.empty()) return std::string();
  auto id = NormalizePersonId(flag, "--actor");
  if (!id.ok()) return id.status();
  auto person = store.GetPerson(*id);
  if (!person.ok()) {
    if (person.status().code() == Status::Code::kNotFound)
      return Status::Invalid("--actor: \"" + flag + "\" is not a registered person (register people with "
                             "`evenhand people add`)");
    return person.status();
  }
  return FormatActor(person->id, "cli");
}

Result<int64_t> ResolveNow(const CaseFlags& flags) {
  if (flags.now.empty()) return NowUnixSeconds();
  auto t = ParseTimestamp(flags.now);
  if (!t) return Status::Invalid("--now: \"" + flags.now + "\" is not an RFC 3339 time");
  return *t;
}

Result<std::unique_ptr<Store>> OpenCaseStore(const CaseFlags& flags, OpenMode mode) {
  auto now = ResolveNow(flags);
  if (!now.ok()) return now.status();
  auto store = OpenStore(flags.db, mode);
  if (!store.ok()) return store.status();
  if (!flags.now.empty()) (*store)->SetClock([t = *now] { return t; });
  return store;
}

Result<std::vector<Regime>> LoadRegimes(const CaseFlags& flags) {
  auto regimes = LoadRegimeDir(flags.regimes);
  if (!regimes.ok()) return regimes.status();
  std::vector<Regime> loaded = std::move(regimes).value();
  if (!flags.overrides.empty())
    if (Status s = ApplyOverrides(flags.overrides, &loaded); !s.ok()) return s;
  return loaded;
}

Result<int64_t> ParseEachLine(const std::string& path, const std::function<Status(std::string_view line)>& parse) {
  std::unique_ptr<std::ifstream> file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*file) return Status::Io(path + ": cannot open");
    in = file.get();
  }
  std::string line;
  int64_t parsed = 0;
  bool bad = false;
  for (long long line_no = 1; std::getline(*in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (Status s = parse(line); !s.ok()) {
      std::fprintf(stderr, "%s:%lld: %s\n", path.c_str(), line_no, s.message().c_str());
      bad = true;
      continue;
    }
    ++parsed;
  }
  if (in->bad()) return Status::Io(path + ": read failed");
  if (bad) return Status::Invalid("nothing was submitted (bad lines above)");
  return parsed;
}

void PrintJsonLine(const nlohmann::ordered_json& j) {
  std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

}  // namespace evenhand::cli
