// ExactBank: a named list of exact file hashes of one kind (MD5, SHA-1 or
// SHA-256), matched on a file's bytes before any decoding: the NCMEC-style
// hash lists, HMA's video MD5.
//
// Hash lists it reads (ReadDigestList):
//   text  one hash a line, optionally followed by metadata after a comma,
//         tab or spaces ("hex,label", "hex<TAB>label", and md5sum/sha1sum/
//         sha256sum output "hex  file" or "hex *file", whose file name
//         becomes the label); blank lines and '#' lines are skipped.
//   CSV   a header row naming an md5, sha1 or sha256 column (or hash,
//         signal_value) and optionally label / name / filename /
//         description; RFC 4180 quoting.
// The kind comes from the caller, else the CSV column's name, else the
// length of the first hash (32 hex: MD5, 40: SHA-1); 64 hex digits are
// ambiguous with PDQ, so a SHA-256 text list needs the kind named.
//
// File ("EVHXBNK1"): u32 flags (bit 0 negative) | u32 kind | name, label,
// source, category | u64 count | count digests of DigestSize(kind) bytes,
// sorted | count labels | u64 FNV-1a of all before. Written to a
// temporary file and renamed; corrupt or truncated files are errors.
//
// Thread safety: immutable once built; Find is a binary search (no
// allocation), safe on any number of threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "media/file_digest.h"
#include "model/status.h"

namespace evenhand {

struct DigestList {
  DigestKind kind = DigestKind::kMd5;
  std::vector<Digest> digests;
  std::vector<std::string> labels;  // same length
};

// `kind` null: detect (see above); else the list must be of *kind.
Status ReadDigestList(const std::string& path, const DigestKind* kind, DigestList* out);

class ExactBank {
 public:
  ExactBank(BankInfo info, DigestKind kind) : info_(std::move(info)), kind_(kind) {}

  const BankInfo& info() const { return info_; }
  void set_info(BankInfo info) { info_ = std::move(info); }
  DigestKind kind() const { return kind_; }

  // Adds entries (a repeated digest keeps its first label); rebuilds the order.
  void AddMany(const std::vector<Digest>& digests, const std::vector<std::string>& labels);
  // The entry holding `d`, or -1.
  int64_t Find(const Digest& d) const;

  size_t size() const { return digests_.size(); }
  const Digest& digest(size_t i) const { return digests_[i]; }
  const std::string& label(size_t i) const { return labels_[i]; }

 private:
  BankInfo info_;
  DigestKind kind_;
  std::vector<Digest> digests_;  // sorted, unique
  std::vector<std::string> labels_;
};

Status SaveExactBank(const ExactBank& bank, const std::string& path);
Result<std::unique_ptr<ExactBank>> LoadExactBank(const std::string& path);
bool IsExactBankFile(const std::string& path);
// "hex" or "hex,label" lines, in digest order.
std::string ExportExactBankText(const ExactBank& bank);

}  // namespace evenhand
