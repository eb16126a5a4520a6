// A bank of any kind as a sorted set of text entries, one a line: the form
// signed snapshots, deltas and hash-exchange imports work on (issue 21,
// point 4), independent of the binary layouts.
//
// Entry lines (no line break inside; hex lowercase):
//   pdq                 HASH64[,LABEL]
//   md5 / sha1 / sha256 DIGEST[,LABEL]
//   vpdq                FRAME;FRAME;...[\tLABEL]   FRAME = frameNumber,quality,pdqHash,timestamp
//                       (the reference's line, timestamp with 3 decimals)
// The label is everything after the first ',' (or the tab), as stored.
//
// Promises:
//  - CanonicalEntries gives the entries sorted (bytewise) and unique;
//    BuildBank(kind, info, CanonicalEntries(b)) gives a bank whose
//    CanonicalEntries are the same lines (tests/exchange_test.cc).
//  - EntryText is the lines joined, each ending in "\n": the bytes a
//    snapshot's content hash covers.
//  - A label holding a line break cannot be an entry: Invalid, naming it.
//  - BuildBank refuses a malformed line with "NAME:LINE: what".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "media/any_bank.h"
#include "model/status.h"

namespace evenhand {

Result<std::vector<std::string>> CanonicalEntries(const AnyBank& bank);

// Sorts and de-duplicates *entries in place.
void Canonicalize(std::vector<std::string>* entries);

std::string EntryText(const std::vector<std::string>& entries);

// The part of an entry that names the content, without the label: the hash
// (pdq, exact kinds) or the frames (vpdq).
std::string_view EntryKey(BankKind kind, std::string_view entry);

// Checks one entry line of `kind`; "" when it is well formed, else what is wrong.
std::string CheckEntry(BankKind kind, std::string_view entry);

// A bank of `kind` holding `entries`; errors name `name` and line
// first_line + i for entries[i].
Result<AnyBank> BuildBank(BankKind kind, const BankInfo& info, const std::vector<std::string>& entries,
                          std::string_view name, size_t first_line = 1);

// One entry from its parts (the label may be empty).
std::string PdqEntry(const Hash256& h, std::string_view label);
std::string DigestEntry(const Digest& d, DigestKind kind, std::string_view label);
std::string VideoEntry(const std::vector<VpdqFrame>& frames, std::string_view label);

// Writes a bank of any kind to its binary file (SaveBank, SaveVideoBank, SaveExactBank).
Status SaveAnyBank(const AnyBank& bank, const std::string& path);

}  // namespace evenhand
