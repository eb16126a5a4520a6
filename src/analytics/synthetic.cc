#include "analytics/synthetic.h"

#include <cmath>
#include <random>

#include "analytics/time_order.h"

namespace evenhand::analytics {

namespace {

class Draw {
 public:
  explicit Draw(uint64_t seed) : rng_(seed) {}
  double Uniform() { return (rng_() >> 11) * (1.0 / 9007199254740992.0); }  // [0, 1)
  size_t Index(size_t n) { return static_cast<size_t>(Uniform() * n); }
  double Exponential(double median) { return -std::log(1.0 - Uniform()) * median / std::log(2.0); }

 private:
  std::mt19937_64 rng_;
};


}  // namespace

Record GenerateRecord(const SyntheticSpec& spec) {
  Draw draw(spec.seed);
  Record record;
  record.as_of = spec.as_of;
  const int64_t window = 30 * 86400;
  const int64_t general = spec.cases - spec.orders;
  for (int64_t i = 0; i < general; ++i) {
    CaseRow row;
    row.source = i % 2 == 0 ? Source::kOwnInitiative : Source::kNotice;
    if (row.source == Source::kNotice) row.id = record.AddId("syn-" + std::to_string(i));
    row.category = record.Intern(spec.categories[draw.Index(spec.categories.size())]);
    row.topic = record.Intern(spec.topics[draw.Index(spec.topics.size())]);
    row.region = record.Intern(spec.regions[draw.Index(spec.regions.size())]);
    row.lang = record.Intern(spec.langs[draw.Index(spec.langs.size())]);
    row.jurisdiction = row.region;
    row.authority = record.Intern(row.source == Source::kNotice ? "user" : "synthetic@1");
    row.received = spec.as_of - static_cast<int64_t>(draw.Uniform() * window);
    double factor = 1.0, rate = spec.action_rate;
    for (const PlantedDisparity& p : spec.planted)
      if (record.Name(DimensionValue(row, p.by)) == p.group) {
        factor *= p.time_factor;
        rate += p.rate_delta;
      }
    const double hours = draw.Exponential(spec.median_hours * factor);
    const bool restricts = draw.Uniform() < rate;
    const int64_t acted = row.received + static_cast<int64_t>(hours * 3600);
    if (acted < spec.as_of) {
      row.acted = acted;
      row.outcome = restricts ? Outcome::kRemoved : (row.source == Source::kNotice ? Outcome::kNoAction
                                                                                    : Outcome::kLabelled);
      row.automated = row.source == Source::kOwnInitiative && draw.Uniform() < 0.6;
    }
    record.cases.push_back(std::move(row));
  }
  for (int64_t i = 0; i < spec.orders; ++i) {
    CaseRow row;
    row.source = Source::kOrder;
    row.id = record.AddId("syn-ord-" + std::to_string(i));
    row.category = record.Intern("synthetic_category");
    row.regime = record.Intern("synthetic-regime");
    row.jurisdiction = record.Intern("PK");
    row.authority = record.Intern("synthetic-authority");
    row.topic = record.Intern(spec.topics[draw.Index(spec.topics.size())]);
    row.region = row.jurisdiction;
    row.lang = record.Intern(spec.langs[draw.Index(spec.langs.size())]);
    // Received at least 3 days before as_of, so in-time orders are closed.
    row.received = spec.as_of - 3 * 86400 - static_cast<int64_t>(draw.Uniform() * (window - 3 * 86400));
    row.deadline = row.received + 24 * 3600;
    if (i < spec.late_orders) {
      row.acted = row.deadline + static_cast<int64_t>((2 + draw.Uniform() * 48) * 3600);
      row.outcome = Outcome::kWithheld;
    } else if (i < spec.late_orders + spec.overdue_orders) {
      // open: nothing done yet
    } else {
      row.acted = row.received + static_cast<int64_t>(draw.Uniform() * 23 * 3600);
      row.outcome = Outcome::kWithheld;
    }
    record.cases.push_back(std::move(row));
  }
  IndexByTime(&record);
  return record;
}

}  // namespace evenhand::analytics
