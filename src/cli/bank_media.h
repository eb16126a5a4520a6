// The `bank` verbs for the media kinds (issue 21): video banks (vPDQ) and
// exact file-hash banks (MD5, SHA-1, SHA-256). cmd_bank.cc hands a bank of
// those kinds here; PDQ banks stay in cmd_bank.cc.
//
//   import: --kind vpdq: inputs are videos (hashed at -r seconds per hash,
//           label = file name) or vPDQ hash files ("# video LABEL" lines
//           separate videos); --kind md5|sha1|sha256: inputs are hash lists
//           (media/exact_bank.h), or with --digest-files any files, whose
//           bytes are hashed (label = file name).
//   match:  vpdq: "query,label,query_pct,target_pct,distance" per matching
//           bank video (the reference's rule: media/vpdq_match.h); exact:
//           "query,hash,0,label" per file whose bytes are listed.
//   stats, export: as for PDQ banks, with the kind.
// Every function returns the verb's exit code (0 ok, 1 bad input).
#pragma once

#include <string>
#include <vector>

#include "media/any_bank.h"

namespace evenhand::cli {

struct MediaImportArgs {
  BankKind kind = BankKind::kVpdq;
  std::vector<std::string> inputs;
  std::string out;
  BankInfo info;
  bool append = false;
  bool digest_files = false;
  float seconds_per_hash = 1.0f;
};
int RunMediaImport(const MediaImportArgs& a);

struct MediaMatchArgs {
  std::string bank;
  std::vector<std::string> files;  // videos or any files (exact)
  std::string hashes;              // vPDQ hash file (vpdq) or hash list (exact)
  int radius = 31;
  double query_pct = 80.0, target_pct = 0.0;
  float seconds_per_hash = 1.0f;
};
int RunMediaMatch(AnyBank bank, const MediaMatchArgs& a);

// The stats lines after the common ones, and the text export.
void PrintMediaStats(const AnyBank& bank);

// True when a file's first bytes look like a video (and not an image).
bool IsVideoPath(const std::string& path);

}  // namespace evenhand::cli
