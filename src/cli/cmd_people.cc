// `evenhand people add|list`: the people who act (staff and authorities'
// officers) and their roles. Keys belong to a person (`evenhand keys
// create --person`), every --actor names one, and rules such as four-eyes
// compare people (model/person.h). The first person registered in a store
// is an admin who registers themself; after that only an admin adds people.
#include <algorithm>
#include <cstdio>
#include <memory>

#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/person.h"
#include "model/time.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand people %s: %s\n", verb, message.c_str());
  return 1;
}

nlohmann::ordered_json PersonJson(const PersonRecord& p) {
  nlohmann::ordered_json j;
  j["id"] = p.id;
  j["name"] = p.name;
  j["roles"] = p.roles;
  j["authority"] = p.authority;
  j["added"] = FormatTimestamp(p.added);
  return j;
}

struct Args {
  std::string db, id, name, authority, actor, now;
  std::vector<std::string> roles;
};

int Add(const Args& a) {
  auto id = NormalizePersonId(a.id, "--id");
  if (!id.ok()) return Fail("add", id.status().message());
  int64_t now = NowUnixSeconds();
  if (!a.now.empty()) {
    auto t = ParseTimestamp(a.now);
    if (!t) return Fail("add", "--now: \"" + a.now + "\" is not an RFC 3339 time");
    now = *t;
  }
  auto store = OpenStore(a.db);
  if (!store.ok()) return Fail("add", store.status().message());
  auto people = (*store)->ListPeople();
  if (!people.ok()) return Fail("add", people.status().message());
  std::string actor;
  if (people->empty()) {
    // Bootstrap: the first person is an admin registering themself.
    const bool admin = std::find(a.roles.begin(), a.roles.end(), "admin") != a.roles.end();
    if (!admin || !SamePerson(a.actor, *id))
      return Fail("add", "no one is registered yet: the first person must be an admin registering themself "
                         "(--role admin --actor " + *id + ")");
    actor = FormatActor(*id, "cli");
  } else {
    auto resolved = ResolveActor(**store, a.actor);
    if (!resolved.ok()) return Fail("add", resolved.status().message());
    auto by = (*store)->GetPerson(std::string(ActorPerson(*resolved)));
    if (!by.ok()) return Fail("add", by.status().message());
    if (!HasRole(*by, "admin")) return Fail("add", "--actor: \"" + by->id + "\" is not an admin; only an admin adds people");
    actor = *resolved;
  }
  PersonRecord p;
  p.id = *id;
  p.name = a.name;
  p.roles = a.roles;
  p.authority = a.authority;
  p.added = now;
  if (Status s = (*store)->PutPerson(p, actor); !s.ok()) return Fail("add", s.message());
  PrintJsonLine(PersonJson(p));
  return 0;
}

}  // namespace

void AddPeopleCommand(CLI::App& app, int* exit_code) {
  auto* people = app.add_subcommand("people", "The people who act (staff, authorities' officers) and their roles");
  people->require_subcommand(1);
  auto a = std::make_shared<Args>();
  auto* add = people->add_subcommand(
      "add", "Register a person with one or more roles (the first person: an admin registering themself)");
  add->add_option("--db", a->db, "Store URL")->required();
  add->add_option("--id", a->id,
                  "Short id without spaces (e.g. mod-aisha); compared after trimming, case folding and NFKC")
      ->required();
  add->add_option("--name", a->name, "Full name, for people to read");
  add->add_option("--role", a->roles, "admin, moderator, auditor or authority (repeat for several)")
      ->check(CLI::IsMember({"admin", "moderator", "auditor", "authority"}))
      ->required();
  add->add_option("--authority", a->authority, "For --role authority: the registered authority they work for");
  add->add_option("--actor", a->actor, "The admin who registers them (audit log)")->required();
  add->add_option("--now", a->now, "Registration time, RFC 3339 (default: the clock)");
  add->callback([a, exit_code] { *exit_code = Add(*a); });

  auto db = std::make_shared<std::string>();
  auto* list = people->add_subcommand("list", "List registered people as JSON Lines");
  list->add_option("--db", *db, "Store URL")->required();
  list->callback([db, exit_code] {
    auto store = OpenStore(*db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("list", store.status().message());
      return;
    }
    auto all = (*store)->ListPeople();
    if (!all.ok()) {
      *exit_code = Fail("list", all.status().message());
      return;
    }
    for (const PersonRecord& p : *all) PrintJsonLine(PersonJson(p));
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
