#include "tlog/checkpoint.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <memory>

namespace evenhand::tlog {

namespace {

constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space
constexpr unsigned char kAlgEd25519 = 0x01;

struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

bool ValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name)
    if (c <= 0x20 || c == '+' || c == 0x7f) return false;
  return true;
}

uint32_t KeyHash(std::string_view name, std::string_view public_key) {
  std::string data(name);
  data += '\n';
  data += static_cast<char>(kAlgEd25519);
  data += public_key;
  Hash h = Sha256(data);
  return uint32_t{h[0]} << 24 | uint32_t{h[1]} << 16 | uint32_t{h[2]} << 8 | uint32_t{h[3]};
}

std::string Hex8(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

std::string FourBytes(uint32_t v) {
  std::string out(4, '\0');
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (24 - 8 * i));
  return out;
}

Result<std::string> PublicFromSeed(std::string_view seed) {
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()),
                                        seed.size()));
  if (!key) return Status::Invalid("not an Ed25519 private key");
  std::string pub(32, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(key.get(), reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 || len != 32)
    return Status::Internal("libcrypto could not derive the Ed25519 public key");
  return pub;
}

std::string VerifierKey(const std::string& name, std::string_view pub) {
  return name + "+" + Hex8(KeyHash(name, pub)) + "+" + Base64(std::string(1, static_cast<char>(kAlgEd25519)) + std::string(pub));
}

// Splits at `sep` into at most `max` fields: the last keeps the rest (a
// base64 key may hold '+').
std::vector<std::string_view> Split(std::string_view s, char sep, size_t max = SIZE_MAX) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || (s[i] == sep && out.size() + 1 < max)) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string FormatCheckpoint(const Checkpoint& c) {
  return c.origin + "\n" + std::to_string(c.size) + "\n" + Base64(Bytes(c.root)) + "\n";
}

Result<Checkpoint> ParseCheckpoint(std::string_view body) {
  if (body.empty() || body.back() != '\n') return Status::Invalid("checkpoint: does not end in a line break");
  std::vector<std::string_view> lines = Split(body.substr(0, body.size() - 1), '\n');
  if (lines.size() < 3) return Status::Invalid("checkpoint: needs 3 lines (origin, tree size, root hash)");
  Checkpoint c;
  if (lines[0].empty()) return Status::Invalid("checkpoint: line 1: origin is empty");
  c.origin = std::string(lines[0]);
  std::string_view size = lines[1];
  if (size.empty() || size.size() > 19 || (size.size() > 1 && size[0] == '0'))
    return Status::Invalid("checkpoint: line 2: tree size \"" + std::string(size) + "\" is not a decimal number");
  for (char ch : size) {
    if (ch < '0' || ch > '9')
      return Status::Invalid("checkpoint: line 2: tree size \"" + std::string(size) + "\" is not a decimal number");
    c.size = c.size * 10 + static_cast<uint64_t>(ch - '0');
  }
  auto root = HashFromBase64(lines[2]);
  if (!root) return Status::Invalid("checkpoint: line 3: root hash is not 32 bytes of standard base64");
  c.root = *root;
  for (size_t i = 3; i < lines.size(); ++i)
    if (lines[i].empty()) return Status::Invalid("checkpoint: line " + std::to_string(i + 1) + ": empty line in the body");
  return c;
}

Result<KeyPair> GenerateKey(const std::string& name) {
  if (!ValidKeyName(name)) return Status::Invalid("key name \"" + name + "\": must be non-empty, without spaces or '+'");
  std::string seed(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()), 32) != 1)
    return Status::Internal("libcrypto could not produce random bytes for the key");
  Result<std::string> pub = PublicFromSeed(seed);
  if (!pub.ok()) return pub.status();
  KeyPair k;
  const std::string hash = Hex8(KeyHash(name, *pub));
  k.private_key = "PRIVATE+KEY+" + name + "+" + hash + "+" + Base64(std::string(1, static_cast<char>(kAlgEd25519)) + seed);
  k.verifier_key = VerifierKey(name, *pub);
  return k;
}

Result<NoteSigner> NoteSigner::FromPrivateKey(std::string_view text) {
  std::vector<std::string_view> f = Split(Trim(text), '+', 5);
  if (f.size() != 5 || f[0] != "PRIVATE" || f[1] != "KEY")
    return Status::Invalid("signing key: not of the form PRIVATE+KEY+<name>+<hash>+<key>");
  if (!ValidKeyName(f[2])) return Status::Invalid("signing key: bad key name \"" + std::string(f[2]) + "\"");
  auto raw = FromBase64(f[4]);
  if (!raw || raw->size() != 33 || static_cast<unsigned char>((*raw)[0]) != kAlgEd25519)
    return Status::Invalid("signing key: the key is not an Ed25519 key (algorithm 1, 32 bytes)");
  NoteSigner s;
  s.name_ = std::string(f[2]);
  s.seed_ = raw->substr(1);
  Result<std::string> pub = PublicFromSeed(s.seed_);
  if (!pub.ok()) return pub.status();
  if (Hex8(KeyHash(s.name_, *pub)) != f[3])
    return Status::Invalid("signing key: its key hash " + std::string(f[3]) + " does not match the key");
  s.verifier_key_ = VerifierKey(s.name_, *pub);
  return s;
}

Result<NoteSigner> NoteSigner::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read the audit signing key (make one with `evenhand audit keygen`)");
  std::stringstream text;
  text << in.rdbuf();
  Result<NoteSigner> s = FromPrivateKey(text.str());
  if (!s.ok()) return Status::Invalid(path + ": " + s.status().message());
  return s;
}

Result<std::string> NoteSigner::Sign(std::string_view body) const {
  if (body.empty() || body.back() != '\n') return Status::Invalid("note: the text must end in a line break");
  Pkey key(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                        reinterpret_cast<const unsigned char*>(seed_.data()), seed_.size()));
  MdCtx ctx(EVP_MD_CTX_new());
  if (!key || !ctx) return Status::Internal("libcrypto could not load the Ed25519 key");
  std::string sig(64, '\0');
  size_t len = sig.size();
  if (EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(body.data()), body.size()) != 1 ||
      len != 64)
    return Status::Internal("libcrypto could not sign with Ed25519");
  Result<std::string> pub = PublicFromSeed(seed_);
  if (!pub.ok()) return pub.status();
  std::string out(body);
  out += "\n";
  out += kSigPrefix;
  out += name_ + " " + Base64(FourBytes(KeyHash(name_, *pub)) + sig) + "\n";
  return out;
}

Result<std::string> NoteBody(std::string_view note) {
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Status::Invalid("signed note: no empty line before the signatures");
  return std::string(note.substr(0, split + 1));
}

Result<std::string> VerifyNote(std::string_view note, std::string_view verifier_key) {
  std::vector<std::string_view> vk = Split(Trim(verifier_key), '+', 3);
  if (vk.size() != 3 || !ValidKeyName(vk[0]))
    return Status::Invalid("verifier key: not of the form <name>+<hash>+<key>");
  auto raw = FromBase64(vk[2]);
  if (!raw || raw->size() != 33 || static_cast<unsigned char>((*raw)[0]) != kAlgEd25519)
    return Status::Invalid("verifier key: not an Ed25519 key");
  const std::string pub = raw->substr(1);
  const std::string name(vk[0]);
  const uint32_t hash = KeyHash(name, pub);
  if (Hex8(hash) != vk[1]) return Status::Invalid("verifier key: its key hash does not match the key");
  if (note.empty() || note.back() != '\n') return Status::Invalid("signed note: does not end in a line break");
  // The signature block follows the last empty line.
  const size_t split = note.rfind("\n\n");
  if (split == std::string_view::npos) return Status::Invalid("signed note: no empty line before the signatures");
  const std::string_view body = note.substr(0, split + 1);
  std::string_view sigs = note.substr(split + 2);
  sigs.remove_suffix(1);
  bool named = false;
  for (std::string_view line : Split(sigs, '\n')) {
    if (!line.starts_with(kSigPrefix)) return Status::Invalid("signed note: a signature line does not start with \"— \"");
    line.remove_prefix(kSigPrefix.size());
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return Status::Invalid("signed note: a signature line has no signature");
    if (line.substr(0, sp) != name) continue;
    auto sig = FromBase64(line.substr(sp + 1));
    if (!sig || sig->size() != 68) return Status::Invalid("signed note: signature by " + name + " is malformed");
    if (sig->substr(0, 4) != FourBytes(hash)) continue;  // another key of the same name
    named = true;
    Pkey key(EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(pub.data()),
                                         pub.size()));
    MdCtx ctx(EVP_MD_CTX_new());
    if (!key || !ctx) return Status::Internal("libcrypto could not load the Ed25519 public key");
    if (EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1 &&
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(sig->data() + 4), 64,
                         reinterpret_cast<const unsigned char*>(body.data()), body.size()) == 1)
      return std::string(body);
  }
  if (!named) return Status::Invalid("signed note: no signature by key " + name + "+" + std::string(vk[1]));
  return Status::Invalid("signed note: the signature by " + name + " does not verify (the note was changed or forged)");
}

Result<Checkpoint> VerifyCheckpoint(std::string_view note, std::string_view verifier_key, std::string_view origin) {
  Result<std::string> body = VerifyNote(note, verifier_key);
  if (!body.ok()) return body.status();
  Result<Checkpoint> c = ParseCheckpoint(*body);
  if (!c.ok()) return c.status();
  if (!origin.empty() && c->origin != origin)
    return Status::Invalid("checkpoint: origin \"" + c->origin + "\" is not this log's, \"" + std::string(origin) + "\"");
  return c;
}

}  // namespace evenhand::tlog
