// Helpers for the end-to-end tests that run the `evenhand` binary from the
// source directory (EVENHAND_SOURCE_DIR, EVENHAND_BINARY come from CMake).
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace evenhand::e2e {

inline const std::string kSource = EVENHAND_SOURCE_DIR;
inline const std::string kBinary = EVENHAND_BINARY;

struct Outcome {
  int exit_code = -1;
  std::string out;  // stdout, and stderr when merged
};

// Runs `evenhand ARGS` in the source directory.
inline Outcome Exec(const std::string& args, bool merge_stderr = true) {
  const std::string cmd =
      "cd " + kSource + " && " + kBinary + " " + args + (merge_stderr ? " 2>&1" : " 2>/dev/null");
  Outcome r;
  std::FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// Registers the people the CLI's --actor names (every --actor must be a
// registered person): "admin" (role admin, registering themself first),
// then each of `staff` as a moderator. Returns false when a step failed.
inline bool RegisterPeople(const std::string& db, const std::vector<std::string>& staff) {
  if (Exec("people add --db " + db + " --id admin --role admin --actor admin").exit_code != 0) return false;
  for (const std::string& id : staff)
    if (Exec("people add --db " + db + " --id " + id + " --role moderator --actor admin").exit_code != 0) return false;
  return true;
}

// Every non-empty line parsed as JSON (a line that is not JSON is discarded
// JSON, which the caller's checks then fail on).
inline std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(nlohmann::json::parse(line, nullptr, false));
  return out;
}

}  // namespace evenhand::e2e
