// NCMEC's hash-sharing API answers (issue 21, point 4): the XML of
// GET /v2/entries (namespace https://hashsharing.ncmec.org/hashsharing/v2),
// read into SignalRecords (exchange/signal_list.h) by ParseNcmecXml.
//
// What is read, under the root <queryResult>:
//   <images> holds <image> and <deletedImage>; <videos> holds <video> and
//   <deletedVideo>. An entry has <member id="N">, <timestamp>, <id>,
//   <classification> (A1, A2, B1, B2), <fingerprints> and <feedback>.
//   Fingerprints read: md5 -> an MD5 bank, sha1 -> SHA-1, sha256 ->
//   SHA-256, pdq (images) -> PDQ; one record each. Others (pdna, tmk-pdqf,
//   videntifier, ... by value or by href) are skipped, counted by type as
//   "image.pdna", never an error. <paging> and <feedback>'s members are
//   not needed: a platform imports every page it fetched, in order.
//   Each record is tagged "ncmec" (-> protection_of_minors), its
//   classification ("ncmec_a1") and its reference "ncmec:image:ID" (kept in
//   the bank entry's label); collab "NCMEC member N".
//   <negativeFeedback type="Md5"> (members said the md5 is not what the
//   entry says) makes that fingerprint's record DISPUTED: not imported.
//   <deletedImage>/<deletedVideo> name only an id: one removal record per
//   bank kind, key empty, ref "ncmec:image:ID"; ApplySignals removes the
//   entries whose label holds that reference (from this import or an
//   earlier one).
//
// Promises: any input is refused or read, never a crash (fuzzed with the
// other list formats); a DOCTYPE (entity tricks) is refused; nesting past
// 32 levels is refused; a malformed entry is Invalid naming
// "FILE:LINE: PATH: what", PATH like images.image[2].fingerprints.md5,
// LINE where that element starts; nothing is returned then.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <string_view>

#include "exchange/signal_list.h"
#include "model/status.h"

namespace evenhand {

// True when text looks like an NCMEC answer (its first element is
// queryResult, any namespace prefix).
bool LooksLikeNcmecXml(std::string_view text);

// Appends the records of `text` (file `name`) to out->records and the
// skipped types to out->skipped_types.
Status ParseNcmecXml(std::string_view text, std::string_view name, SignalList* out);

}  // namespace evenhand
