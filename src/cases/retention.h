// Retention (issue 14 point 3): content older than a configured period is
// deleted, its hash and metadata kept, each deletion audited
// ("item.content_deleted"), unless something still needs it as evidence:
//  * a case names the item: an order or a notice that was not rejected;
//  * a legal hold covers its account: a data request still open (received,
//    accepted, prepared or approved) names it, or a preservation request in
//    force does (kind "preservation", state "active" or "extended", body
//    {"targets":[account ids], "until": RFC 3339}).
// Age is the post's ts, else when it was stored. Every version counts on
// its own (a replaced version ages from its own ts).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct RetentionOptions {
  int64_t keep_seconds = 0;  // content older than now - keep_seconds goes; must be > 0
  int64_t now = 0;           // unix seconds
  std::string actor;         // audit actor of each deletion
  bool dry_run = false;      // report only
  int64_t limit = 1'000'000; // versions examined in one run
};

struct RetentionKept {
  std::string item;
  int64_t version = 0;
  std::string why;  // "order ord-..." / "preservation prs-... until ..." / ...
};

struct RetentionReport {
  int64_t cutoff = 0;
  int64_t examined = 0;
  std::vector<std::pair<std::string, int64_t>> deleted;  // (item, version)
  std::vector<RetentionKept> kept;
};

Result<RetentionReport> ApplyRetention(Store& store, const RetentionOptions& options);
nlohmann::ordered_json RetentionReportJson(const RetentionReport& report);

}  // namespace evenhand
