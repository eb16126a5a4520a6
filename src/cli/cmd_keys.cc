// `evenhand keys create|list|revoke`: API keys of `evenhand serve`. A new
// key is printed once; the store keeps only its SHA-256.
#include <cstdio>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/case_cli.h"
#include "cli/commands.h"
#include "model/person.h"
#include "model/time.h"
#include "server/api_key.h"
#include "store/store.h"

namespace evenhand::cli {

namespace {

int Fail(const char* verb, const std::string& message) {
  std::fprintf(stderr, "evenhand keys %s: %s\n", verb, message.c_str());
  return 1;
}

void Print(const ApiKeyRecord& k, const std::string* key) {
  nlohmann::ordered_json j;
  j["id"] = k.id;
  if (key != nullptr) j["key"] = *key;
  j["role"] = k.role;
  j["authority"] = k.authority;
  j["name"] = k.name;
  j["person"] = k.person;
  j["created"] = FormatTimestamp(k.created);
  j["revoked"] = k.revoked != 0 ? FormatTimestamp(k.revoked) : std::string();
  std::printf("%s\n", j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace).c_str());
}

struct Args {
  std::string db, role, authority, name, person, actor, id;
};

int Create(const Args& a) {
  auto role = server::ParseRole(a.role);
  if (!role) return Fail("create", "--role: authority, moderator, auditor or admin");
  auto person_id = NormalizePersonId(a.person, "--person");
  if (!person_id.ok()) return Fail("create", person_id.status().message());
  auto store = OpenStore(a.db);
  if (!store.ok()) return Fail("create", store.status().message());
  auto actor = ResolveActor(**store, a.actor);
  if (!actor.ok()) return Fail("create", actor.status().message());
  auto person = (*store)->GetPerson(*person_id);
  if (!person.ok()) return Fail("create", "--person: " + person.status().message());
  if (!a.authority.empty() && a.authority != person->authority)
    return Fail("create", "--authority: \"" + person->id + "\" works for \"" + person->authority + "\", not \"" +
                              a.authority + "\"");
  auto key = server::GenerateApiKeyFor(*person, *role, a.name, static_cast<int64_t>(std::time(nullptr)));
  if (!key.ok()) return Fail("create", key.status().message());
  if (Status s = (*store)->PutApiKey(key->record, *actor); !s.ok()) return Fail("create", s.message());
  Print(key->record, &key->key);  // printed only once stored
  std::fprintf(stderr, "keep the key now: it is not stored and cannot be shown again\n");
  return 0;
}

}  // namespace

void AddKeysCommand(CLI::App& app, int* exit_code) {
  auto* keys = app.add_subcommand("keys", "API keys for `evenhand serve`: create (shown once), list, revoke");
  keys->require_subcommand(1);
  auto a = std::make_shared<Args>();
  auto* create = keys->add_subcommand("create", "Create a key; prints it once as JSON (the store keeps its hash)");
  create->add_option("--db", a->db, "Store URL")->required();
  create->add_option("--role", a->role, "authority, moderator, auditor or admin")
      ->check(CLI::IsMember({"authority", "moderator", "auditor", "admin"}))
      ->required();
  create->add_option("--person", a->person, "The registered person who holds it (evenhand people add)")->required();
  create->add_option("--authority", a->authority,
                     "For --role authority: the authority it speaks for (default: the person's; must match)");
  create->add_option("--name", a->name, "A label (e.g. the device it is used on)");
  create->add_option("--actor", a->actor, "The registered person who creates it (audit log)")->required();
  create->callback([a, exit_code] { *exit_code = Create(*a); });

  auto* list = keys->add_subcommand("list", "List keys as JSON Lines (ids, roles; never secrets)");
  list->add_option("--db", a->db, "Store URL")->required();
  list->callback([a, exit_code] {
    auto store = OpenStore(a->db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("list", store.status().message());
      return;
    }
    auto all = (*store)->ListApiKeys();
    if (!all.ok()) {
      *exit_code = Fail("list", all.status().message());
      return;
    }
    for (const ApiKeyRecord& k : *all) Print(k, nullptr);
    *exit_code = 0;
  });

  auto* revoke = keys->add_subcommand("revoke", "Revoke a key (a running server stops accepting it within 2 s)");
  revoke->add_option("--db", a->db, "Store URL")->required();
  revoke->add_option("ID", a->id, "Key id (the 8 hex after ehk_)")->required();
  revoke->add_option("--actor", a->actor, "The registered person who revokes it (audit log)")->required();
  revoke->callback([a, exit_code] {
    auto store = OpenStore(a->db, OpenMode::kMustExist);
    if (!store.ok()) {
      *exit_code = Fail("revoke", store.status().message());
      return;
    }
    auto actor = ResolveActor(**store, a->actor);
    if (!actor.ok()) {
      *exit_code = Fail("revoke", actor.status().message());
      return;
    }
    if (Status s = (*store)->RevokeApiKey(a->id, static_cast<int64_t>(std::time(nullptr)), *actor); !s.ok()) {
      *exit_code = Fail("revoke", s.message());
      return;
    }
    auto k = (*store)->GetApiKey(a->id);
    if (k.ok()) Print(*k, nullptr);
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
