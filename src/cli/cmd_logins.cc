// `evenhand logins import FILE --db PATH --actor ID`: takes in sign-up and
// login records (model/login.h) from a JSON Lines file of
// {"kind":"login",...} lines. Every line is checked first: one bad line is
// reported as FILE:LINE: field: what, and nothing is stored. The records go
// in one transaction with one "login.intake" audit entry by the actor
// (counts only: addresses never enter the audit log). `evenhand scan` takes
// the same lines mixed with accounts and posts.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/jsonl_reader.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "evenhand logins import: %s\n", message.c_str());
  return 1;
}

int Import(const CaseFlags& flags, const std::string& path) {
  auto reader = JsonlReader::Open(path);
  if (!reader.ok()) return Fail(reader.status().message());
  Post post;
  ReadError error;
  for (;;) {
    JsonlReader::Next next = (*reader)->NextPost(&post, &error);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) return Fail(error.ToString() + " (nothing was stored)");
    return Fail(path + ":" + std::to_string(post.line) + ": kind: expected \"login\" (posts go to `evenhand scan`); "
                "nothing was stored");
  }
  const std::vector<LoginRecord>& logins = (*reader)->logins();
  auto store = OpenStore(flags.db);
  if (!store.ok()) return Fail(store.status().message());
  Store& s = **store;
  auto actor = ResolveActor(s, flags.actor);
  if (!actor.ok()) return Fail(actor.status().message());
  int64_t added = 0;
  Status st = s.Begin();
  for (size_t i = 0; st.ok() && i < logins.size(); ++i) {
    bool inserted = false;
    st = s.PutLogin(logins[i], &inserted);
    added += inserted ? 1 : 0;
  }
  if (st.ok()) {
    nlohmann::ordered_json payload{{"records", logins.size()}, {"new", added}, {"file", path}};
    st = s.AppendAudit(*actor, "login.intake", "logins", payload.dump());
  }
  if (st.ok()) st = s.Commit();
  if (!st.ok()) {
    s.Rollback();
    return Fail(st.message() + " (nothing was stored)");
  }
  PrintJsonLine({{"received", logins.size()}, {"stored", added},
                 {"repeats", static_cast<int64_t>(logins.size()) - added}});
  return 0;
}

}  // namespace

void AddLoginsCommand(CLI::App& app, int* exit_code) {
  auto* logins = app.add_subcommand("logins", "Sign-up and login records (personal data, for data requests)");
  logins->require_subcommand(1);
  struct Args {
    CaseFlags flags;
    std::string file;
  };
  auto a = std::make_shared<Args>();
  auto* import = logins->add_subcommand(
      "import", "Store {\"kind\":\"login\",\"account\",\"ts\",\"ip\",\"port\",\"device\",\"event\"} lines; all or "
                "nothing, audited by count");
  AddCaseFlags(import, &a->flags, true);
  import->add_option("FILE", a->file, "JSON Lines of login records ('-' = stdin)")->required();
  import->callback([a, exit_code] { *exit_code = Import(a->flags, a->file); });
}

}  // namespace evenhand::cli
