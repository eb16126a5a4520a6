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
//
// Login records (sign-ups and logins: IP addresses, ports, devices are
// personal data) older than their own period (keep_login_seconds, default
// the content's) are deleted likewise, per account, one "login.deleted"
// audit entry per account (how many, oldest and newest time, never an
// address), unless a hold covers the account (an order or notice naming
// it, an open data request, a preservation in force) or the law of the
// account's country asks traffic data to be kept longer (login_minimum,
// e.g. PECA 2016 s.32: one year): then only the records older than that
// minimum go, and the rest are reported as kept with the reason.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cases/datareq_regimes.h"
#include "model/status.h"
#include "store/store.h"

namespace evenhand {

struct RetentionOptions {
  int64_t keep_seconds = 0;  // content older than now - keep_seconds goes; must be > 0
  int64_t now = 0;           // unix seconds
  std::string actor;         // audit actor of each deletion
  bool dry_run = false;      // report only
  int64_t limit = 1'000'000; // versions examined in one run
  int64_t keep_login_seconds = 0;  // login records older than this go; 0 = keep_seconds
  // The longest period the law asks an account's traffic data (login
  // records) to be kept, in seconds, and why ("pk-peca-rbuoc-2021: ..."),
  // for the account's stored record; nullopt when no law asks. May be empty.
  struct Minimum {
    int64_t seconds = 0;
    std::string why;
  };
  std::function<std::optional<Minimum>(const std::string& account)> login_minimum;
};

// Login records of one account: deleted or kept, and why kept.
struct RetentionLogins {
  std::string account;
  int64_t records = 0;
  int64_t oldest = 0, newest = 0;  // unix seconds
  std::string why;                 // empty when deleted
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
  int64_t login_cutoff = 0;
  std::vector<RetentionLogins> logins_deleted, logins_kept;
};

Result<RetentionReport> ApplyRetention(Store& store, const RetentionOptions& options);
// RetentionOptions::login_minimum from the regimes: for the account's
// stored country, the longest period `traffic` says its law asks traffic
// data kept; nullopt without a stored country or such a figure. `store`
// must outlive the function (the CLI's store, the API's writer).
std::function<std::optional<RetentionOptions::Minimum>(const std::string& account)> LoginMinimumFromRegimes(
    Store* store, TrafficRetentionLookup traffic);
nlohmann::ordered_json RetentionReportJson(const RetentionReport& report);

}  // namespace evenhand
