// Hash lists in the formats the hash-exchange field uses (issue 21, point
// 4): Meta's ThreatExchange / python-threatexchange / HMA, and StopNCII.
// Read into SignalRecords; banks written back out.
//
// Formats read (ParseSignalList; kAuto tells them apart from the text):
//   te-csv     python-threatexchange's `threatexchange dataset -P --csv`: a
//              header row naming signal_type and signal_str (or
//              signal_value), optionally collab, category, tags (tags
//              separated by spaces); RFC 4180 quoting.
//   te-file    python-threatexchange's local-file exchange: "SIGNAL_TYPE
//              SIGNAL" a line (split at the first space); blank and '#'
//              lines skipped.
//   te-updates ThreatExchange's /threat_updates answer: {"data": [...]} or
//              an array; each record's indicator, type (HASH_PDQ, ...),
//              should_delete, descriptors.data[].tags / status
//              (NON_MALICIOUS: a negative opinion).
//   stopncii   StopNCII's FetchHashes answer: {"hashRecords": [...]}, each
//              signalType (ImagePDQ, VideoMD5), hashValue, hashStatus
//              (Withdrawn / Deleted: a removal); tagged "stopncii".
//   ncmec-xml  NCMEC's hash-sharing answer (GET /v2/entries XML): md5, sha1,
//              sha256 and (images) pdq fingerprints; deleted entries remove
//              by their id (exchange/ncmec_xml.h).
// Signal types: pdq; vpdq (also video_vpdq): a JSON list of
// "pdqHex,quality,timestamp" strings, the frames numbered 0, 1, 2, ... in
// order (the exchange format has no frame numbers); video_md5 (also md5),
// sha1, video_sha256 (also sha256). Records of other types (raw_text, url,
// tmk, ...) are skipped and counted by type, never an error.
// Opinions (te-csv category): POSITIVE_CLASS (also TRUE_POSITIVE, or no
// category), NEGATIVE_CLASS (FALSE_POSITIVE), INVESTIGATION_SEED
// (WORTH_INVESTIGATING), DISPUTED.
//
// Promises: a malformed record of a supported type is Invalid, naming
// "FILE:LINE: FIELD: what" (for JSON, the line its record starts on and the
// field's path); nothing is returned then. Never crashes on any input
// (fuzzed: tests/fuzz/signal_list_fuzz.cc). Hex is returned lowercase.
//
// Formats written (FormatSignals): te-csv (collab = the bank's name,
// category POSITIVE_CLASS / NEGATIVE_CLASS for a safe bank, tags = the
// entry's label split at spaces) and te-file.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "media/any_bank.h"
#include "model/status.h"

namespace evenhand {

enum class SignalFormat { kAuto, kTeCsv, kTeFile, kTeUpdates, kStopNcii, kNcmecXml };
bool ParseSignalFormat(std::string_view name, SignalFormat* out);
const char* SignalFormatName(SignalFormat f);

enum class SignalOpinion { kPositive, kNegative, kSeed, kDisputed };

struct SignalRecord {
  BankKind kind = BankKind::kPdq;
  std::string key;  // the bank entry key: lowercase hex, or vPDQ frames (exchange/bank_entries.h)
  std::vector<std::string> tags;
  std::string collab;
  SignalOpinion opinion = SignalOpinion::kPositive;
  bool deleted = false;  // a removal (tombstone) in an update stream
  // The list's own id of the record, kept among the tags (so in the bank
  // entry's label): "ncmec:image:ID". A removal with an empty key removes
  // the entries whose label holds its ref, whatever their kind.
  std::string ref;
  size_t line = 0;       // where the record starts
};

struct SignalList {
  SignalFormat format = SignalFormat::kAuto;  // the format read
  std::vector<SignalRecord> records;
  std::map<std::string, size_t> skipped_types;  // unsupported signal type -> records
};

// The bank kind of an exchange signal type name (pdq, vpdq, video_md5, ...,
// or a ThreatExchange indicator type HASH_PDQ, ...); false when unsupported.
bool SignalTypeKind(std::string_view type, BankKind* out);
// The exchange name of a bank kind: pdq, vpdq, video_md5, sha1, video_sha256.
const char* SignalTypeName(BankKind kind);

// The bank entry key of `value` as a signal of `kind` (lowercase hex, or
// vPDQ frames) in *key; "" or what is wrong with it.
std::string NormalizeSignalValue(BankKind kind, std::string_view value, std::string* key);

Status ParseSignalList(std::string_view text, std::string_view name, SignalFormat format, SignalList* out);
Status ReadSignalList(const std::string& path, SignalFormat format, SignalList* out);

// A bank as te-csv or te-file text; `collab` empty: the bank's name.
Result<std::string> FormatSignals(const AnyBank& bank, SignalFormat format, std::string_view collab = {});

}  // namespace evenhand
