// The audit entries of the `bank` verbs that bring hashes in or send them
// out (issue 21, point 4): with --db URL --actor PERSON a verb appends one
// entry, `bank.import` or `bank.export`, subject "bank:NAME", payload JSON
// naming the files, their sha256 and the counts. Without --db nothing is
// logged (the verbs work on files alone).
//
// Open() resolves the store and the actor before the verb writes anything,
// so a bad --db or --actor leaves every file as it was; Append() after.
#pragma once

#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand::cli {

class BankAudit {
 public:
  Status Open();
  // No-op without --db.
  Status Append(const char* action, const std::string& bank, const nlohmann::ordered_json& payload);
  void AddFlags(CLI::App* c);

 private:
  std::string db_, actor_, who_;
  std::unique_ptr<Store> store_;
};

// SHA-256 (hex) of a file's bytes; of nothing when it cannot be read.
std::string FileSha256(const std::string& path);

}  // namespace evenhand::cli
