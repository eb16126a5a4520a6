// People: who does things. Staff and authority officers are registered
// people (Store::PutPerson); API keys belong to one; every audit entry names
// the person and what they acted through ("alice via key:0123abcd", "alice
// via cli"). Rules that need two different people (four-eyes on a
// disclosure, a decision reviewed by someone else) compare people with
// SamePerson, never raw strings: "Alice ", "alice" and "ａｌｉｃｅ" are one
// person. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace evenhand {

// A registered person. `id` is normalised (NormalizePersonId).
struct PersonRecord {
  std::string id;
  std::string name;                // for people to read; may be empty
  std::vector<std::string> roles;  // each one of kPersonRoles
  std::string authority;           // the authority a person with role "authority" works for, else ""
  int64_t added = 0;               // unix seconds
};

// The roles a person may hold (the API roles of a key).
inline constexpr std::string_view kPersonRoles[] = {"admin", "moderator", "auditor", "authority"};
bool IsPersonRole(std::string_view role);
bool HasRole(const PersonRecord& person, std::string_view role);

// `s` without Unicode White_Space and default-ignorable code points (zero
// width spaces, joiners, BOM) at either end. Invalid UTF-8 is kept as is.
std::string_view TrimSpace(std::string_view s);
// Whether nothing but white space and invisible characters is in `s`: a
// blank legal basis, reason or id is a missing one.
bool IsBlank(std::string_view s);

// The canonical form of a person id: trimmed (TrimSpace), then Unicode
// NFKC with case folding (NFKC_Casefold, which also drops invisible
// characters). Invalid when the result is empty, longer than 64 bytes, or
// holds white space, a control character, or invalid UTF-8; the message
// names `field`.
Result<std::string> NormalizePersonId(std::string_view raw, std::string_view field = "person");

// The audit actor of `person` acting through `via` ("key:0123abcd", "cli"):
// "PERSON via VIA".
std::string FormatActor(std::string_view person, std::string_view via);
// The person part of an actor ("alice" of "alice via key:0123abcd"); the
// whole actor when it names no channel (entries written before people
// were registered, system actors such as "scan:policy@1").
std::string_view ActorPerson(std::string_view actor);
// The channel part ("key:0123abcd", "cli"), or "" when there is none.
std::string_view ActorVia(std::string_view actor);

// THE rule for "the same person": the person parts of two actors (or two
// person ids) are equal after NormalizePersonId. Parts that do not
// normalise are compared as they are, trimmed. An empty part is no one:
// SamePerson("", x) is false.
bool SamePerson(std::string_view a, std::string_view b);

}  // namespace evenhand
