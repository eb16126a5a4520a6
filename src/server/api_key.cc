#include "server/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "store/sha256.h"

namespace evenhand::server {

namespace {

constexpr std::string_view kPrefix = "ehk_";
constexpr size_t kIdLen = 8;
constexpr size_t kSecretLen = 43;  // 32 bytes in unpadded base64url
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

bool IsHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }
bool IsB64(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

std::string Base64Url(const unsigned char* p, size_t n) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kB64[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kB64[(acc << (6 - bits)) & 63]);
  return out;
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAuthority: return "authority";
    case Role::kModerator: return "moderator";
    case Role::kAuditor: return "auditor";
    case Role::kAdmin: return "admin";
  }
  return "";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (int i = 0; i < kRoleCount; ++i)
    if (RoleName(static_cast<Role>(i)) == name) return static_cast<Role>(i);
  return std::nullopt;
}

Result<NewKey> GenerateApiKey(Role role, const std::string& authority, const std::string& name, int64_t now) {
  if (role == Role::kAuthority && authority.empty())
    return Status::Invalid("authority: an authority key needs the authority it speaks for");
  if (role != Role::kAuthority && !authority.empty())
    return Status::Invalid("authority: only authority keys are bound to an authority");
  for (char c : name)
    if (static_cast<unsigned char>(c) < 0x20) return Status::Invalid("name: control characters are not allowed");
  unsigned char id_bytes[kIdLen / 2];
  unsigned char secret[32];
  if (RAND_bytes(id_bytes, sizeof id_bytes) != 1 || RAND_bytes(secret, sizeof secret) != 1)
    return Status::Internal("the system's random generator failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : id_bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  NewKey k;
  k.key = std::string(kPrefix) + id + "_" + Base64Url(secret, sizeof secret);
  OPENSSL_cleanse(secret, sizeof secret);
  k.record.id = id;
  k.record.hash = Sha256Hex(k.key);
  k.record.role = std::string(RoleName(role));
  k.record.authority = authority;
  k.record.name = name;
  k.record.created = now;
  return k;
}

Result<NewKey> GenerateApiKeyFor(const PersonRecord& person, Role role, const std::string& name, int64_t now) {
  if (!HasRole(person, RoleName(role)))
    return Status::Invalid("role: person \"" + person.id + "\" does not hold role " + std::string(RoleName(role)));
  auto key = GenerateApiKey(role, role == Role::kAuthority ? person.authority : std::string(), name, now);
  if (!key.ok()) return key.status();
  key->record.person = person.id;
  return key;
}

std::optional<std::string> ApiKeyId(std::string_view key) {
  if (key.size() != kPrefix.size() + kIdLen + 1 + kSecretLen || key.substr(0, kPrefix.size()) != kPrefix)
    return std::nullopt;
  std::string_view id = key.substr(kPrefix.size(), kIdLen);
  for (char c : id)
    if (!IsHex(c)) return std::nullopt;
  if (key[kPrefix.size() + kIdLen] != '_') return std::nullopt;
  for (char c : key.substr(kPrefix.size() + kIdLen + 1))
    if (!IsB64(c)) return std::nullopt;
  return std::string(id);
}

bool ApiKeyMatches(std::string_view key, const std::string& stored_hash) {
  const std::string h = Sha256Hex(key);
  if (h.size() != stored_hash.size()) return false;
  return CRYPTO_memcmp(h.data(), stored_hash.data(), h.size()) == 0;
}

}  // namespace evenhand::server
