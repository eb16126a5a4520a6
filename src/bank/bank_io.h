// Reading and writing banks.
//
//   text:   one hash a line, 64 hex digits, optionally ",label"; blank lines
//           and lines starting with '#' are skipped.
//   CSV:    a header row naming a `hash` (or `pdq`, `signal_value`) column
//           and optionally a `label` column; RFC 4180 quoting. A file whose
//           first row starts with a hash is read as headerless hash,label.
//   binary: the compact format for fast loading (`.ehb`):
//             "EVHBANK1" | u32 flags (bit 0: negative) | u64 count |
//             4 strings name,label,source,category (u32 length + bytes) |
//             count x 32-byte hashes (four little-endian u64, w[0] first) |
//             count labels (u32 length + bytes) | u64 FNV-1a of all before.
//           Written to a temporary file and renamed, so a reader never sees
//           half a bank.
//
// Errors name the file and line ("FILE:LINE: what"). Loading never crashes
// on a corrupt file: lengths are checked against the file size and the
// checksum is verified.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "model/status.h"

namespace evenhand {

struct HashList {
  std::vector<Hash256> hashes;
  std::vector<std::string> labels;  // same length as hashes
};

// Text or CSV, told apart by the extension (.csv) or a header row.
Status ReadHashList(const std::string& path, HashList* out);

Status SaveBank(const Bank& bank, const std::string& path);
Result<std::unique_ptr<Bank>> LoadBank(const std::string& path);
// True when the file starts with the binary magic.
bool IsBinaryBank(const std::string& path);

// A bank from any of the three formats (binary by magic, else text/CSV).
// Text and CSV banks take `name` and no category; binary banks keep their own.
Result<std::unique_ptr<Bank>> OpenBank(const std::string& path, const std::string& name);

// "hex" or "hex,label" lines of the live entries, in id order.
std::string ExportText(const Bank& bank);

}  // namespace evenhand
