// AnyBank: one bank of any kind the `bank` commands and policies take:
//   pdq     still images by PDQ (src/bank; .ehb, text or CSV hash lists)
//   vpdq    videos by vPDQ (media/video_bank.h; EVHVBNK1, vPDQ hash files)
//   md5, sha1, sha256   exact file hashes (media/exact_bank.h; EVHXBNK1,
//           NCMEC-style hash lists)
//
// DetectBankKind tells them apart from the file: a binary bank by its magic;
// a text file by its first data line (a vPDQ line or a "# video" line: vpdq;
// a CSV header naming an md5 / sha1 / sha256 column and no pdq column: that; a 32 or 40 hex
// digit hash: md5 / sha1; anything else: pdq, as before). A SHA-256 text
// list without such a header is read as PDQ (same length): import it with
// `bank import --kind sha256`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "bank/bank.h"
#include "media/exact_bank.h"
#include "media/video_bank.h"
#include "model/status.h"

namespace evenhand {

enum class BankKind { kPdq, kVpdq, kMd5, kSha1, kSha256 };

const char* BankKindName(BankKind k);
bool ParseBankKind(std::string_view name, BankKind* out);
// The digest of an exact kind (kMd5/kSha1/kSha256); false for pdq / vpdq.
bool ExactDigestKind(BankKind k, DigestKind* out);

struct AnyBank {
  BankKind kind = BankKind::kPdq;
  std::unique_ptr<Bank> pdq;
  std::unique_ptr<VideoBank> video;
  std::unique_ptr<ExactBank> exact;

  const BankInfo& info() const;
  void set_info(BankInfo info);
  size_t size() const;  // hashes (pdq, exact) or videos (vpdq)
};

Result<BankKind> DetectBankKind(const std::string& path);

// Opens a bank file or hash list; `kind` null: DetectBankKind. Text lists
// get `name` (and no category); binary banks keep their own.
Result<AnyBank> OpenAnyBank(const std::string& path, const std::string& name, const BankKind* kind = nullptr);

// Its live entries as text, in the format its kind imports.
std::string ExportAnyBankText(const AnyBank& bank);

}  // namespace evenhand
