// A jurisdiction regime: what one law (or one reading of it) asks of a
// platform that receives a takedown order or an information request there.
//
// A regime is plain data loaded from a YAML file (format in
// regime_loader.h). It holds, per category of content, the deadline in
// hours for a normal and for an emergency order; the deadline for
// information requests; the penalty schedule; whether withholding the
// item in the jurisdiction satisfies an order; and the kinds of authority
// that issue orders. Every figure carries its source.
//
// An hour figure is optional: nullopt means that the law sets no hour
// figure ("without undue delay", "immediately", or set in each order). A
// deployment may fill such a gap (or replace a figure) with an override
// (overrides.h); the figure then says that it came from the deployment.
//
// Regime values are immutable after loading and overriding; const methods
// are safe to call from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand {

// One hour figure and where it comes from.
struct Hours {
  std::optional<double> value;   // nullopt: the law sets no hour figure
  bool from_deployment = false;  // true: set by an override, not by the law
  std::string source;            // URL (law), or the override file:line
  std::string note;              // the override's reason, if any
};

struct Deadline {
  Hours normal;
  Hours emergency;
};

// Whom a category's deadline binds (issue 14 point 11): legal orders from
// authorities, notices from users and trusted flaggers, or both. A clock
// the law sets for an authority's order never runs for a user's notice.
enum class CaseKind { kOrder, kNotice };

struct RegimeCategory {
  std::string id;                           // snake_case, unique in the regime
  std::string name;                         // human wording of the law's category
  std::vector<std::string> dsa_categories;  // DSA short forms (model/category.h), at least one
  Deadline deadline;
  bool for_orders = true;    // `deadline_for` holds "orders" (the default when absent)
  bool for_notices = false;  // `deadline_for` holds "notices"
  bool For(CaseKind kind) const { return kind == CaseKind::kOrder ? for_orders : for_notices; }
  std::string source;  // URL for the category and its deadline
  std::string note;
};

enum class PenaltyKind { kPerItem, kPerDayLate, kFixedMax, kPercentTurnover, kBlocking, kThrottling };

// "per_item", "per_day_late", "fixed_max", "percent_turnover", "blocking",
// "throttling".
std::string_view PenaltyKindName(PenaltyKind kind);
std::optional<PenaltyKind> ParsePenaltyKind(std::string_view name);

struct Penalty {
  PenaltyKind kind = PenaltyKind::kFixedMax;
  // Money for per_item / per_day_late / fixed_max; a percentage (0-100] for
  // percent_turnover (of turnover) and throttling (of bandwidth); nullopt
  // when the law states no number (the note says what it does state).
  std::optional<double> amount;
  std::string currency;       // ISO 4217, empty when not money
  std::optional<double> cap;  // in `currency`, if the law caps it
  int step = 0;               // escalation order (1 = first); 0 = not staged
  std::string applies_to = "platform";  // "platform" or "individual"
  bool precedent = false;     // amount taken from a reported case, not a schedule
  std::string source;
  std::string note;
};

enum class AuthorityKind { kCourt, kRegulator, kGovernment, kLawEnforcement, kUser, kTrustedFlagger };

// "court", "regulator", "government", "law_enforcement", "user",
// "trusted_flagger".
std::string_view AuthorityKindName(AuthorityKind kind);
std::optional<AuthorityKind> ParseAuthorityKind(std::string_view name);

struct Authority {
  AuthorityKind kind = AuthorityKind::kRegulator;
  std::string name;  // e.g. "Pakistan Telecommunication Authority (PTA)"
  std::string note;
};

// Preservation of an account's data at an authority's request, pending
// legal process (Budapest Convention Art. 16 and the national provisions
// that follow it), and the retention of traffic data the law asks for.
// Day figures are optional: nullopt where the law sets none or the figure
// could not be established from the sources (the note says which).
struct PreservationRules {
  bool present = false;                        // the regime file has a preservation block
  std::optional<double> days;                  // the initial period
  std::optional<double> extension_days;        // the one extension
  std::optional<double> traffic_retention_days;  // how long traffic data must be kept
  std::string source;  // URL of the figures (required when one is set)
  std::string note;    // which provisions, and why a figure is null
};

// The reserved category key that names the information-request deadline in
// overrides and in DeadlineHours().
inline constexpr std::string_view kInfoRequestKey = "info_request";

struct Regime {
  std::string id;            // e.g. "pk-peca-rbuoc-2021"
  std::string jurisdiction;  // ISO 3166-1 alpha-2, or "EU"
  std::string instrument;
  std::string status;        // in_force | phased | superseded | pending
  std::vector<RegimeCategory> categories;
  Deadline info_request;  // sources: info_request_source
  std::string info_request_note;
  std::vector<Penalty> penalties;
  std::optional<bool> geo_restriction_satisfies;  // nullopt: not established
  std::string geo_restriction_source;
  std::string geo_restriction_note;
  std::vector<Authority> authorities;
  PreservationRules preservation;
  std::string note;
  std::string file;  // where it was loaded from

  // The category with this id, or nullptr.
  const RegimeCategory* FindCategory(std::string_view id) const;
  // The categories that map to a DSA category (short form or
  // STATEMENT_CATEGORY_* key), in file order; empty if none or unknown.
  std::vector<const RegimeCategory*> FindByDsaCategory(std::string_view dsa) const;
  // The categories an order naming `key` falls under: the category with that
  // id if there is one, else those mapped to `key` as a DSA category.
  std::vector<const RegimeCategory*> Resolve(std::string_view key) const;

  // The deadline in hours for an order naming `key` (a category id, a DSA
  // category, or kInfoRequestKey). nullopt when the key matches nothing or
  // the law sets no hour figure. When a DSA category matches several
  // categories, the shortest figure among them is returned (the platform
  // must meet the strictest one that may apply).
  std::optional<double> DeadlineHours(std::string_view key, bool emergency) const;
  // As DeadlineHours, with provenance; nullptr when `key` matches nothing.
  const Hours* DeadlineFor(std::string_view key, bool emergency) const;
};

}  // namespace evenhand
