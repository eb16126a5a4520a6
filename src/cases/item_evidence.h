// The places a signal's evidence points at, for the item view (issue 20
// point 1, issue 21's must-hold): the stored evidence strings the scanner
// writes (pipeline/scanner.cc, ocr_scan.cc, media_match.cc) read back into
// structured parts the dashboard can draw:
//
//   terms   "TERM" at [B,E); "T2" at [B,E); +N more
//           -> {"kind":"text","term","begin","end"}: byte offsets into the
//              UTF-8 text of the version decided on
//   ocr     "TERM" (N edits) in media[I] PATH at [S s ][X0,Y0,X1,Y1]; ...
//           -> {"kind":"image_region","term","edits","media","seconds","box"}
//              (seconds null for a still image; box in the image's pixels,
//              or the video frame's)
//   bank    media[I] PATH: ... [, closest frame at S s (bank video at T s)]
//           -> {"kind":"media","media","seconds","bank_seconds"}
//
// `media` lists the paths of the version's media: a path is recognised
// only where it is exactly one of them, so a path holding " at " or "; "
// reads right. Evidence that does not parse yields no part (never a wrong
// one): the signal's text is still shown as it is. A span outside
// [0, text_bytes] is dropped. Pure; thread safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/item.h"

namespace evenhand {

nlohmann::ordered_json EvidenceParts(const Signal& signal, const std::vector<Media>& media, size_t text_bytes);

}  // namespace evenhand
