// API keys of the HTTP server: roles, generating a key, and checking one.
//
// A key reads "ehk_" + 8 hex (the key id, public: it names the key in lists
// and in the audit chain) + "_" + 43 base64url characters (256 random bits,
// secret). The store keeps only the SHA-256 hex of the whole key; a
// presented key is hashed and compared with the stored hash in constant
// time. Pure functions; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/status.h"
#include "store/store.h"

namespace evenhand::server {

enum class Role { kAuthority, kModerator, kAuditor, kAdmin };
inline constexpr int kRoleCount = 4;

std::string_view RoleName(Role role);  // "authority", "moderator", "auditor", "admin"
std::optional<Role> ParseRole(std::string_view name);

// A freshly made key: `key` is shown once; `record` (hash only) is stored.
struct NewKey {
  std::string key;
  ApiKeyRecord record;
};

// Makes a key from the system's CSPRNG. An authority key needs an
// authority id; other roles must not have one (Invalid otherwise).
Result<NewKey> GenerateApiKey(Role role, const std::string& authority, const std::string& name, int64_t now);

// A key for `person` in one of their roles (the authority a person with
// role authority works for); Invalid when the person does not hold `role`.
Result<NewKey> GenerateApiKeyFor(const PersonRecord& person, Role role, const std::string& name, int64_t now);

// The key id of a well-formed key, or nullopt when `key` is malformed.
std::optional<std::string> ApiKeyId(std::string_view key);

// Whether sha256(key) equals `stored_hash` (hex), compared in constant time.
bool ApiKeyMatches(std::string_view key, const std::string& stored_hash);

}  // namespace evenhand::server
