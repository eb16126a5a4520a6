// Signed checkpoints: the C2SP tlog-checkpoint body in a C2SP signed note,
// signed with Ed25519 (OpenSSL libcrypto).
//
// Checkpoint body (every line ends in "\n"):
//   <origin>               the log's name, e.g. "evenhand.example/audit"
//   <tree size>            decimal
//   <root hash>            standard base64 of the 32-byte RFC 9162 root
//   [extension lines]      optional, none written by evenhand
// Signed note: the body, an empty line, then one line per signature:
//   "— <key name> <base64(key hash (4 bytes) || Ed25519 signature (64 bytes))>"
// where the key hash is the first 4 bytes of SHA-256(key name || "\n" ||
// 0x01 || public key) and the signature covers the body bytes exactly.
//
// Keys, in the text forms of the Go note package (so other tools read them):
//   private: "PRIVATE+KEY+<name>+<hash 8 hex>+<base64(0x01 || 32-byte seed)>"
//   public (verifier key): "<name>+<hash 8 hex>+<base64(0x01 || 32-byte public key)>"
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "tlog/hash.h"

namespace evenhand::tlog {

struct Checkpoint {
  std::string origin;
  uint64_t size = 0;
  Hash root{};
};

std::string FormatCheckpoint(const Checkpoint& c);
// Strict: origin non-empty, size decimal without leading zeros, root 32 bytes.
Result<Checkpoint> ParseCheckpoint(std::string_view body);

struct KeyPair {
  std::string private_key;   // "PRIVATE+KEY+..."
  std::string verifier_key;  // "<name>+<hash>+<key>"
};

// A fresh Ed25519 key named `name` (no spaces, no "+", not empty).
Result<KeyPair> GenerateKey(const std::string& name);

class NoteSigner {
 public:
  // From the "PRIVATE+KEY+..." text (surrounding white space ignored).
  static Result<NoteSigner> FromPrivateKey(std::string_view text);
  // From a key file `evenhand audit keygen` wrote; errors name the file.
  static Result<NoteSigner> FromFile(const std::string& path);
  // The signed note: body, empty line, signature line. `body` must end in "\n".
  Result<std::string> Sign(std::string_view body) const;
  const std::string& name() const { return name_; }
  const std::string& verifier_key() const { return verifier_key_; }

 private:
  std::string name_;
  std::string seed_;  // 32 bytes
  std::string verifier_key_;
};

// Checks a signed note against a verifier key: a signature line by that
// key (name and key hash) must verify over the body. Returns the body.
Result<std::string> VerifyNote(std::string_view note, std::string_view verifier_key);
// VerifyNote, then ParseCheckpoint of the body, whose origin must be `origin`
// when that is not empty.
Result<Checkpoint> VerifyCheckpoint(std::string_view note, std::string_view verifier_key,
                                    std::string_view origin = {});
// The body of a signed note without checking its signature (for a reader
// that verifies elsewhere); Invalid when the note has no signature block.
Result<std::string> NoteBody(std::string_view note);

}  // namespace evenhand::tlog
