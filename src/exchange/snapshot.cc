#include "exchange/snapshot.h"

#include <algorithm>
#include <charconv>
#include <fstream>

#include "exchange/bank_entries.h"
#include "model/replace_file.h"
#include "model/time.h"
#include "tlog/hash.h"

namespace evenhand {

namespace {

constexpr std::string_view kSnapMagic = "EVHSNAP1\n";
constexpr std::string_view kDeltaMagic = "EVHDELT1\n";
constexpr std::string_view kSnapHeader = "evenhand.bank.snapshot/v1";
constexpr std::string_view kDeltaHeader = "evenhand.bank.delta/v1";
constexpr size_t kMaxNote = 1 << 16;

std::string Sha256Hex(std::string_view data) { return tlog::ToHex(tlog::Sha256(data)); }

bool ParseU64(std::string_view s, uint64_t* out) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return false;
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool IsSha256Hex(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

size_t CountLines(std::string_view s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

// The note and payload of a file; *payload_line = the file line the payload starts on.
struct Envelope {
  std::string_view note, payload;
  size_t payload_line = 1;
};

Result<Envelope> Open(std::string_view bytes, std::string_view name, std::string_view magic, const char* what) {
  const std::string n(name);
  if (!bytes.starts_with(magic)) {
    const bool other = bytes.starts_with(magic == kSnapMagic ? kDeltaMagic : kSnapMagic);
    return Status::Invalid(n + ": not a bank " + what + (other ? (magic == kSnapMagic ? " (it is a delta)" : " (it is a snapshot)") : ""));
  }
  bytes.remove_prefix(magic.size());
  const size_t nl = bytes.find('\n');
  uint64_t len = 0;
  if (nl == std::string_view::npos || !ParseU64(bytes.substr(0, nl), &len) || len == 0 || len > kMaxNote ||
      len > bytes.size() - nl - 1)
    return Status::Invalid(n + ":2: the note length is missing or past the end of the file");
  Envelope e;
  e.note = bytes.substr(nl + 1, len);
  e.payload = bytes.substr(nl + 1 + len);
  if (e.note.back() != '\n') return Status::Invalid(n + ":3: the manifest does not end in a line break");
  e.payload_line = 3 + CountLines(e.note);
  return e;
}

// Checks the signature as the options ask; returns the body.
Result<std::string> Certify(std::string_view note, std::string_view name, const char* what, const VerifyOptions& opts,
                            bool* checked) {
  const std::string n(name);
  *checked = false;
  const bool is_signed = note.find("\n\n") != std::string_view::npos;
  if (!is_signed) {
    if (!opts.allow_unsigned)
      return Status::Invalid(n + ": the " + what + " is not signed; refusing it (--allow-unsigned accepts it)");
    return std::string(note);
  }
  if (opts.verifier_key.empty()) {
    if (!opts.allow_unsigned)
      return Status::Invalid(n + ": the " + what + " is signed but no --key was given to check it (--allow-unsigned accepts it unchecked)");
    auto body = tlog::NoteBody(note);
    if (!body.ok()) return Status::Invalid(n + ": " + body.status().message());
    return body;
  }
  auto body = tlog::VerifyNote(note, opts.verifier_key);
  if (!body.ok())
    return Status::Invalid(n + ": the " + what + "'s signature does not verify with the key given (" +
                           body.status().message() + "): it was changed after signing, or signed by another key");
  *checked = true;
  return body;
}

Status SplitLines(std::string_view payload, std::string_view name, size_t first_line, std::vector<std::string_view>* out) {
  out->clear();
  if (!payload.empty() && payload.back() != '\n')
    return Status::Invalid(std::string(name) + ":" + std::to_string(first_line + CountLines(payload)) +
                           ": the last line does not end in a line break");
  while (!payload.empty()) {
    const size_t nl = payload.find('\n');
    out->push_back(payload.substr(0, nl));
    payload.remove_prefix(nl + 1);
  }
  return Status::Ok();
}

std::string Sign(const BankManifest& m, const tlog::NoteSigner* signer, Status* error) {
  const std::string body = FormatManifest(m);
  if (signer == nullptr) return body;
  auto note = signer->Sign(body);
  if (!note.ok()) {
    *error = note.status();
    return "";
  }
  return *note;
}

std::string Wrap(std::string_view magic, std::string_view note, std::string_view payload) {
  std::string out(magic);
  out += std::to_string(note.size());
  out += '\n';
  out += note;
  out += payload;
  return out;
}

std::string DeltaPayload(const std::vector<std::string>& removals, const std::vector<std::string>& additions) {
  std::string p;
  for (const std::string& e : removals) p += "-" + e + "\n";
  for (const std::string& e : additions) p += "+" + e + "\n";
  return p;
}

}  // namespace

std::string FormatManifest(const BankManifest& m) {
  std::string s(m.delta ? kDeltaHeader : kSnapHeader);
  s += "\n";
  auto field = [&](const char* k, const std::string& v) {
    s += k;
    if (!v.empty()) s += " " + v;
    s += "\n";
  };
  field("name", m.info.name);
  field("kind", BankKindName(m.kind));
  field("label", m.info.label);
  field("source", m.info.source);
  field("category", m.info.category);
  field("negative", m.info.negative ? "1" : "0");
  field("version", std::to_string(m.version));
  field("entries", std::to_string(m.entries));
  field("content", m.content);
  field("created", m.created);
  if (m.delta) {
    field("from_version", std::to_string(m.from_version));
    field("from_content", m.from_content);
    field("added", std::to_string(m.added));
    field("removed", std::to_string(m.removed));
    field("payload", m.payload);
  }
  return s;
}

Result<BankManifest> ParseManifest(std::string_view body) {
  BankManifest m;
  std::vector<std::string_view> lines;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    lines.push_back(body.substr(0, nl));
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
  }
  if (lines.empty() || (lines[0] != kSnapHeader && lines[0] != kDeltaHeader))
    return Status::Invalid("manifest line 1: want \"" + std::string(kSnapHeader) + "\" or \"" +
                           std::string(kDeltaHeader) + "\"");
  m.delta = lines[0] == kDeltaHeader;
  static const char* kSnapFields[] = {"name", "kind", "label", "source", "category", "negative",
                                      "version", "entries", "content", "created"};
  static const char* kDeltaFields[] = {"from_version", "from_content", "added", "removed", "payload"};
  std::vector<std::string> want(std::begin(kSnapFields), std::end(kSnapFields));
  if (m.delta) want.insert(want.end(), std::begin(kDeltaFields), std::end(kDeltaFields));
  if (lines.size() != want.size() + 1)
    return Status::Invalid("manifest: " + std::to_string(lines.size()) + " lines, want " +
                           std::to_string(want.size() + 1));
  for (size_t i = 0; i < want.size(); ++i) {
    std::string_view l = lines[i + 1];
    const std::string where = "manifest line " + std::to_string(i + 2) + ": ";
    if (!l.starts_with(want[i]) || (l.size() > want[i].size() && l[want[i].size()] != ' '))
      return Status::Invalid(where + "want the field \"" + want[i] + "\"");
    std::string_view v = l.size() > want[i].size() ? l.substr(want[i].size() + 1) : std::string_view();
    const std::string& f = want[i];
    bool ok = true;
    if (f == "name") {
      m.info.name = v;
      ok = ValidBankName(v);
    } else if (f == "kind") {
      ok = ParseBankKind(v, &m.kind) && v == BankKindName(m.kind);
    } else if (f == "label") {
      m.info.label = v;
    } else if (f == "source") {
      m.info.source = v;
    } else if (f == "category") {
      m.info.category = v;
    } else if (f == "negative") {
      ok = v == "0" || v == "1";
      m.info.negative = v == "1";
    } else if (f == "version") {
      ok = ParseU64(v, &m.version) && m.version > 0;
    } else if (f == "entries") {
      ok = ParseU64(v, &m.entries);
    } else if (f == "content") {
      m.content = v;
      ok = IsSha256Hex(v);
    } else if (f == "created") {
      m.created = v;
      ok = ParseTimestamp(v).has_value();
    } else if (f == "from_version") {
      ok = ParseU64(v, &m.from_version) && m.from_version > 0;
    } else if (f == "from_content") {
      m.from_content = v;
      ok = IsSha256Hex(v);
    } else if (f == "added") {
      ok = ParseU64(v, &m.added);
    } else if (f == "removed") {
      ok = ParseU64(v, &m.removed);
    } else if (f == "payload") {
      m.payload = v;
      ok = IsSha256Hex(v);
    }
    if (!ok) return Status::Invalid(where + f + ": \"" + std::string(v) + "\" is not valid");
  }
  if (m.delta && m.from_version >= m.version)
    return Status::Invalid("manifest: from_version " + std::to_string(m.from_version) + " is not before version " +
                           std::to_string(m.version));
  return m;
}

Result<std::string> EncodeSnapshot(const AnyBank& bank, uint64_t version, int64_t created,
                                   const tlog::NoteSigner* signer) {
  if (version == 0) return Status::Invalid("a snapshot version is 1 or more");
  for (const std::string* f : {&bank.info().label, &bank.info().source, &bank.info().category})
    if (f->find_first_of("\r\n") != std::string::npos)
      return Status::Invalid("the bank's label, source or category holds a line break");
  auto entries = CanonicalEntries(bank);
  if (!entries.ok()) return entries.status();
  const std::string payload = EntryText(*entries);
  BankManifest m;
  m.info = bank.info();
  m.kind = bank.kind;
  m.version = version;
  m.entries = entries->size();
  m.content = Sha256Hex(payload);
  m.created = FormatTimestamp(created);
  Status err;
  const std::string note = Sign(m, signer, &err);
  if (!err.ok()) return err;
  return Wrap(kSnapMagic, note, payload);
}

std::string EncodeState(const BankState& state) { return Wrap(kSnapMagic, state.note, EntryText(state.entries)); }

Result<std::string> EncodeDelta(const BankState& from, const BankState& to, int64_t created,
                                const tlog::NoteSigner* signer) {
  const BankManifest& a = from.manifest;
  const BankManifest& b = to.manifest;
  if (a.info.name != b.info.name || a.kind != b.kind)
    return Status::Invalid("the two snapshots are of different banks (" + a.info.name + ", " + BankKindName(a.kind) +
                           " and " + b.info.name + ", " + BankKindName(b.kind) + ")");
  if (b.version <= a.version)
    return Status::Invalid("the new snapshot's version " + std::to_string(b.version) + " is not after the old one's " +
                           std::to_string(a.version));
  std::vector<std::string> removals, additions;
  std::set_difference(from.entries.begin(), from.entries.end(), to.entries.begin(), to.entries.end(),
                      std::back_inserter(removals));
  std::set_difference(to.entries.begin(), to.entries.end(), from.entries.begin(), from.entries.end(),
                      std::back_inserter(additions));
  const std::string payload = DeltaPayload(removals, additions);
  BankManifest m = b;
  m.delta = true;
  m.created = FormatTimestamp(created);
  m.from_version = a.version;
  m.from_content = a.content;
  m.added = additions.size();
  m.removed = removals.size();
  m.payload = Sha256Hex(payload);
  Status err;
  const std::string note = Sign(m, signer, &err);
  if (!err.ok()) return err;
  return Wrap(kDeltaMagic, note, payload);
}

Result<BankState> ParseSnapshot(std::string_view bytes, std::string_view name, const VerifyOptions& opts) {
  const std::string n(name);
  auto env = Open(bytes, name, kSnapMagic, "snapshot");
  if (!env.ok()) return env.status();
  BankState st;
  auto body = Certify(env->note, name, "snapshot", opts, &st.signature_checked);
  if (!body.ok()) return body.status();
  auto m = ParseManifest(*body);
  if (!m.ok()) return Status::Invalid(n + ": " + m.status().message());
  st.manifest = std::move(m).value();
  st.note = std::string(env->note);
  const std::string sha = Sha256Hex(env->payload);
  if (sha != st.manifest.content)
    return Status::Invalid(n + ": the entries do not match the manifest (sha256 " + sha + ", the manifest says " +
                           st.manifest.content + "): changed after the snapshot was made");
  std::vector<std::string_view> lines;
  if (Status s = SplitLines(env->payload, name, env->payload_line, &lines); !s.ok()) return s;
  if (lines.size() != st.manifest.entries)
    return Status::Invalid(n + ": " + std::to_string(lines.size()) + " entries, the manifest says " +
                           std::to_string(st.manifest.entries));
  for (size_t i = 0; i < lines.size(); ++i) {
    const std::string at = n + ":" + std::to_string(env->payload_line + i) + ": ";
    if (std::string what = CheckEntry(st.manifest.kind, lines[i]); !what.empty()) return Status::Invalid(at + what);
    if (i > 0 && !(lines[i - 1] < lines[i])) return Status::Invalid(at + "out of order or repeated");
    st.entries.emplace_back(lines[i]);
  }
  return st;
}

Result<BankDelta> ParseDelta(std::string_view bytes, std::string_view name, const VerifyOptions& opts) {
  const std::string n(name);
  auto env = Open(bytes, name, kDeltaMagic, "delta");
  if (!env.ok()) return env.status();
  BankDelta d;
  d.name = n;
  auto body = Certify(env->note, name, "delta", opts, &d.signature_checked);
  if (!body.ok()) return body.status();
  auto m = ParseManifest(*body);
  if (!m.ok()) return Status::Invalid(n + ": " + m.status().message());
  if (!m->delta) return Status::Invalid(n + ": its manifest is a snapshot's, not a delta's");
  d.manifest = std::move(m).value();
  d.note = std::string(env->note);
  const std::string sha = Sha256Hex(env->payload);
  if (sha != d.manifest.payload)
    return Status::Invalid(n + ": the changes do not match the manifest (sha256 " + sha + ", the manifest says " +
                           d.manifest.payload + "): changed after the delta was made");
  std::vector<std::string_view> lines;
  if (Status s = SplitLines(env->payload, name, env->payload_line, &lines); !s.ok()) return s;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t line = env->payload_line + i;
    const std::string at = n + ":" + std::to_string(line) + ": ";
    std::string_view l = lines[i];
    if (l.empty() || (l[0] != '-' && l[0] != '+')) return Status::Invalid(at + "want \"-ENTRY\" or \"+ENTRY\"");
    const bool add = l[0] == '+';
    l.remove_prefix(1);
    if (std::string what = CheckEntry(d.manifest.kind, l); !what.empty()) return Status::Invalid(at + what);
    auto& list = add ? d.additions : d.removals;
    if (!add && !d.additions.empty()) return Status::Invalid(at + "a removal after an addition");
    if (!list.empty() && !(list.back() < l)) return Status::Invalid(at + "out of order or repeated");
    list.emplace_back(l);
    (add ? d.addition_lines : d.removal_lines).push_back(line);
  }
  if (d.additions.size() != d.manifest.added || d.removals.size() != d.manifest.removed)
    return Status::Invalid(n + ": " + std::to_string(d.additions.size()) + " additions and " +
                           std::to_string(d.removals.size()) + " removals, the manifest says " +
                           std::to_string(d.manifest.added) + " and " + std::to_string(d.manifest.removed));
  return d;
}

namespace {
Result<std::string> Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}
}  // namespace

Result<BankState> ReadSnapshot(const std::string& path, const VerifyOptions& opts) {
  auto bytes = Slurp(path);
  if (!bytes.ok()) return bytes.status();
  return ParseSnapshot(*bytes, path, opts);
}

Result<BankDelta> ReadDelta(const std::string& path, const VerifyOptions& opts) {
  auto bytes = Slurp(path);
  if (!bytes.ok()) return bytes.status();
  return ParseDelta(*bytes, path, opts);
}

bool IsDeltaFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  char head[9] = {};
  f.read(head, sizeof head);
  return f.gcount() == 9 && std::string_view(head, 9) == kDeltaMagic;
}

Result<BankState> ApplyDelta(const BankState& base, const BankDelta& delta) {
  const BankManifest& b = base.manifest;
  const BankManifest& d = delta.manifest;
  const std::string& n = delta.name;
  if (b.info.name != d.info.name || b.kind != d.kind)
    return Status::Invalid(n + ": a delta of bank " + d.info.name + " (" + BankKindName(d.kind) + "), not of " +
                           b.info.name + " (" + BankKindName(b.kind) + ")");
  const std::string span = "takes bank " + d.info.name + " from version " + std::to_string(d.from_version) + " to " +
                           std::to_string(d.version);
  if (d.version <= b.version)
    return Status::Conflict(n + ": replay: it " + span + ", but the bank is at version " + std::to_string(b.version) +
                            " already");
  if (d.from_version != b.version)
    return Status::Conflict(n + ": gap: it " + span + ", but the bank is at version " + std::to_string(b.version) +
                            "; apply the deltas from version " + std::to_string(b.version) + " first");
  if (d.from_content != b.content)
    return Status::Conflict(n + ": it " + span + " from another state of version " + std::to_string(d.from_version) +
                            " (content " + d.from_content + ", the bank's is " + b.content + ")");
  BankState out;
  out.manifest = d;
  out.note = delta.note;
  out.signature_checked = delta.signature_checked;
  std::vector<std::string> kept;
  kept.reserve(base.entries.size());
  size_t r = 0;
  for (const std::string& e : base.entries) {
    if (r < delta.removals.size() && delta.removals[r] == e) {
      ++r;
      continue;
    }
    if (r < delta.removals.size() && delta.removals[r] < e)
      return Status::Conflict(n + ":" + std::to_string(delta.removal_lines[r]) +
                              ": removes an entry the bank does not hold");
    kept.push_back(e);
  }
  if (r < delta.removals.size())
    return Status::Conflict(n + ":" + std::to_string(delta.removal_lines[r]) + ": removes an entry the bank does not hold");
  out.entries.reserve(kept.size() + delta.additions.size());
  size_t i = 0;
  for (size_t a = 0; a < delta.additions.size(); ++a) {
    while (i < kept.size() && kept[i] < delta.additions[a]) out.entries.push_back(kept[i++]);
    if (i < kept.size() && kept[i] == delta.additions[a])
      return Status::Conflict(n + ":" + std::to_string(delta.addition_lines[a]) + ": adds an entry the bank holds already");
    out.entries.push_back(delta.additions[a]);
  }
  while (i < kept.size()) out.entries.push_back(kept[i++]);
  const std::string sha = Sha256Hex(EntryText(out.entries));
  if (sha != d.content || out.entries.size() != d.entries)
    return Status::Conflict(n + ": applied, the bank does not come to the delta's version " + std::to_string(d.version) +
                            " (sha256 " + sha + ", " + std::to_string(out.entries.size()) + " entries; want " +
                            d.content + ", " + std::to_string(d.entries) + ")");
  return out;
}

Status WriteFileAtomically(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    f.close();
    if (!f) {
      std::remove(tmp.c_str());
      return Status::Io(path + ": write failed");
    }
  }
  Status s = ReplaceFile(tmp, path);
  if (!s.ok()) std::remove(tmp.c_str());
  return s;
}

}  // namespace evenhand
