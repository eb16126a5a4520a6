// Penalty exposure: a regime's penalty schedule applied to the actual
// record of the cases it governs (orders and notices whose deadline came
// from it). Each schedule line says what it contributes and why, with its
// source; figures taken from reported cases (precedent) are kept apart
// from the statutory ones, and lines that fall on individuals apart from
// those on the platform.
//
// Non-compliance, per case: acted on after its deadline, open past it, or
// refused (no action) — the worst case the record allows. Days late are
// counted per case, any part of a day as a whole day, up to the action or,
// when there is none, up to the record's reference time.
//
// The range, per currency, of the statutory platform lines:
//   low  = the lines that accrue mechanically from the record at the rate
//          the schedule states (per item x non-compliant cases, per day late
//          x days late, each case capped at the line's cap);
//   high = low + every discretionary maximum the record triggers (fixed
//          maxima; percentages of the configured turnover).
// Lines without a figure (amount null, or a turnover share with no
// turnover configured) are listed as unquantified; blocking and throttling
// are listed as the escalation steps the schedule allows, in step order.
// Nothing is triggered, and the range is zero, when no case is
// non-compliant. Pure function; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analytics/record.h"
#include "regimes/regime.h"

namespace evenhand::analytics {

struct Turnover {
  double amount = 0;
  std::string currency;  // ISO 4217
};

struct PenaltyLine {
  Penalty penalty;
  bool triggered = false;
  std::optional<double> exposure;  // the line's maximum on this record; nullopt: unquantified
  std::string currency;
  bool mechanical = false;  // counts in the low end
  std::string basis;        // how the figure was reached, in words
};

struct MoneyRange {
  std::string currency;
  double low = 0, high = 0;
};

struct PenaltyExposure {
  std::string regime, jurisdiction, instrument;
  int64_t cases = 0;          // cases the regime governs (not rejected)
  int64_t late = 0;           // acted on after the deadline
  int64_t open_overdue = 0;   // open past the deadline
  int64_t refused = 0;        // no action taken
  int64_t non_compliant = 0;  // late + open_overdue + refused
  int64_t days_late = 0;      // summed over the non-compliant cases
  std::vector<PenaltyLine> statutory, precedent, individual, escalation, unquantified;
  std::vector<MoneyRange> range;            // statutory platform lines
  std::vector<MoneyRange> precedent_range;  // precedent lines, the same arithmetic
};

PenaltyExposure ComputePenaltyExposure(const Regime& regime, const Record& record,
                                       const std::optional<Turnover>& turnover);
nlohmann::ordered_json PenaltyExposureToJson(const PenaltyExposure& e);

}  // namespace evenhand::analytics
