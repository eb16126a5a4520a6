// Signed bank snapshots and deltas between two evenhand deployments
// (issue 21, point 4): what a bank held at version N, and what changed from
// version N to M, each signed with an Ed25519 key (a C2SP signed note,
// tlog/checkpoint.h; keys from `evenhand audit keygen`).
//
// Manifest (the note's body; one "field value" a line, in this order):
//   evenhand.bank.snapshot/v1 | evenhand.bank.delta/v1
//   name N / kind K / label L / source S / category C / negative 0|1
//   version V          the version the payload brings the bank to
//   entries E          how many entries the bank holds at V
//   content H          sha256 (hex) of the entries at V (bank_entries.h EntryText)
//   created T          RFC 3339, UTC
// a delta adds:
//   from_version F / from_content H  the state it applies to
//   added A / removed R / payload H  (sha256 of the delta's payload)
//
// Files:
//   "EVHSNAP1\n" | decimal note length "\n" | note | entries text (sorted)
//   "EVHDELT1\n" | decimal note length "\n" | note | "-ENTRY\n"... then "+ENTRY\n"...
// An unsigned file's note is the body alone. A snapshot whose note is a
// delta's manifest is the state that delta produced (what ApplyDelta
// writes): the delta's signature certifies its `content`.
//
// Promises:
//  - ReadSnapshot / ReadDelta refuse, naming the file: an unsigned file
//    unless allow_unsigned; a signed one whose signature does not verify
//    with the key given (or with no key given, unless allow_unsigned); a
//    payload whose sha256 or count differs from the manifest (tampered);
//    an entry out of order or malformed ("FILE:LINE: what").
//  - ApplyDelta refuses a delta for another bank, a replay (the bank is at
//    the delta's version or later), a gap (the delta starts from another
//    version), a delta from another state of the same version (content),
//    a removal of an absent entry or an addition of a present one, and a
//    result whose sha256 or count is not the delta's. Nothing is changed
//    on any error (it returns a new state).
//  - Never crashes on any file (fuzzed: tests/fuzz/signal_list_fuzz.cc).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "media/any_bank.h"
#include "model/status.h"
#include "tlog/checkpoint.h"

namespace evenhand {

struct BankManifest {
  bool delta = false;
  BankInfo info;
  BankKind kind = BankKind::kPdq;
  uint64_t version = 0, entries = 0;
  std::string content;  // sha256 hex
  std::string created;
  uint64_t from_version = 0, added = 0, removed = 0;
  std::string from_content, payload;
};

std::string FormatManifest(const BankManifest& m);
Result<BankManifest> ParseManifest(std::string_view body);

struct VerifyOptions {
  std::string verifier_key;  // "<name>+<hash>+<key>"; empty: none
  bool allow_unsigned = false;
};

// A snapshot read and checked: its manifest, its entries (sorted, unique)
// and the note that certifies them.
struct BankState {
  BankManifest manifest;
  std::vector<std::string> entries;
  std::string note;
  bool signature_checked = false;  // false: accepted unsigned / unverified
};

struct BankDelta {
  BankManifest manifest;
  std::vector<std::string> removals, additions;  // each sorted
  std::vector<size_t> removal_lines, addition_lines;
  std::string note;
  std::string name;  // the file, for errors
  bool signature_checked = false;
};

// The snapshot of `bank` at `version`; signer null: unsigned.
Result<std::string> EncodeSnapshot(const AnyBank& bank, uint64_t version, int64_t created,
                                   const tlog::NoteSigner* signer);
// The file of a state (ApplyDelta's result), certified by its note.
std::string EncodeState(const BankState& state);
// The delta from `from` to `to` (same bank name and kind, to newer).
Result<std::string> EncodeDelta(const BankState& from, const BankState& to, int64_t created,
                                const tlog::NoteSigner* signer);

Result<BankState> ParseSnapshot(std::string_view bytes, std::string_view name, const VerifyOptions& opts);
Result<BankDelta> ParseDelta(std::string_view bytes, std::string_view name, const VerifyOptions& opts);
Result<BankState> ReadSnapshot(const std::string& path, const VerifyOptions& opts);
Result<BankDelta> ReadDelta(const std::string& path, const VerifyOptions& opts);
// True when the file starts with the delta magic.
bool IsDeltaFile(const std::string& path);

Result<BankState> ApplyDelta(const BankState& base, const BankDelta& delta);

// Writes bytes to path through a temporary file and ReplaceFile.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

}  // namespace evenhand
