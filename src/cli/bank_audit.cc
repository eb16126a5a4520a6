#include "cli/bank_audit.h"

#include <fstream>
#include <iterator>

#include "cli/case_cli.h"
#include "store/sha256.h"

namespace evenhand::cli {

Status BankAudit::Open() {
  if (db_.empty()) {
    if (!actor_.empty()) return Status::Invalid("--actor needs --db (the store whose audit log records the verb)");
    return Status::Ok();
  }
  if (actor_.empty()) return Status::Invalid("--db needs --actor (who does this, for the audit log)");
  auto s = OpenStore(db_);
  if (!s.ok()) return s.status();
  store_ = std::move(s).value();
  auto a = ResolveActor(*store_, actor_);
  if (!a.ok()) return a.status();
  who_ = *a;
  return Status::Ok();
}

Status BankAudit::Append(const char* action, const std::string& bank, const nlohmann::ordered_json& payload) {
  if (!store_) return Status::Ok();
  return store_->AppendAudit(who_, action, "bank:" + bank, payload.dump());
}

void BankAudit::AddFlags(CLI::App* c) {
  c->add_option("--db", db_, "Store URL whose audit log records this (bank.import / bank.export)");
  c->add_option("--actor", actor_, "The registered person doing it (with --db)");
}

std::string FileSha256(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  return Sha256Hex(bytes);
}

}  // namespace evenhand::cli
