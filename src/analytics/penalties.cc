#include "analytics/penalties.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace evenhand::analytics {

namespace {

std::string Money(double amount, const std::string& currency) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", amount);
  std::string digits = buf;
  const size_t dot = digits.find('.');
  std::string whole = digits.substr(0, dot), frac = digits.substr(dot);
  std::string grouped;
  for (size_t i = 0; i < whole.size(); ++i) {
    if (i > 0 && (whole.size() - i) % 3 == 0 && whole[i - 1] != '-') grouped += ',';
    grouped += whole[i];
  }
  if (frac == ".00") frac.clear();
  return currency + " " + grouped + frac;
}

struct CaseFacts {
  int64_t days_late;  // 0 when no deadline applies
};

void AddTo(std::vector<MoneyRange>* ranges, const std::string& currency, double low, double high) {
  for (MoneyRange& r : *ranges)
    if (r.currency == currency) {
      r.low += low;
      r.high += high;
      return;
    }
  ranges->push_back({currency, low, high});
}

}  // namespace

PenaltyExposure ComputePenaltyExposure(const Regime& regime, const Record& record,
                                       const std::optional<Turnover>& turnover) {
  PenaltyExposure e;
  e.regime = regime.id;
  e.jurisdiction = regime.jurisdiction;
  e.instrument = regime.instrument;
  std::vector<CaseFacts> bad;
  const std::optional<Sym> regime_sym = regime.id.empty() ? std::nullopt : record.symbols.Find(regime.id);
  for (const CaseRow& c : record.cases) {
    if (!regime_sym || c.regime != *regime_sym || c.outcome == Outcome::kRejected ||
        c.source == Source::kOwnInitiative)
      continue;
    ++e.cases;
    bool non_compliant = false;
    if (c.outcome == Outcome::kNoAction) {
      ++e.refused;
      non_compliant = true;
    } else if (c.open()) {
      if (c.deadline != 0 && c.deadline < record.as_of) ++e.open_overdue, non_compliant = true;
    } else if (c.deadline != 0 && c.acted > c.deadline) {
      ++e.late;
      non_compliant = true;
    }
    if (!non_compliant) continue;
    const int64_t end = c.acted != 0 && c.outcome != Outcome::kNoAction ? c.acted : record.as_of;
    const int64_t days = c.deadline != 0 && end > c.deadline ? (end - c.deadline + 86399) / 86400 : 0;
    bad.push_back({days});
    e.days_late += days;
  }
  e.non_compliant = static_cast<int64_t>(bad.size());
  const bool triggered = e.non_compliant > 0;

  for (const Penalty& p : regime.penalties) {
    PenaltyLine line;
    line.penalty = p;
    line.triggered = triggered;
    line.currency = p.currency;
    if (p.kind == PenaltyKind::kBlocking || p.kind == PenaltyKind::kThrottling) {
      line.basis = p.kind == PenaltyKind::kBlocking ? "blocking" : "throttling";
      if (p.amount) line.basis += " (" + std::to_string(static_cast<int>(*p.amount)) + "% of bandwidth)";
      line.basis += ", escalation step " + std::to_string(p.step);
      e.escalation.push_back(std::move(line));
      continue;
    }
    if (p.kind == PenaltyKind::kPercentTurnover) {
      if (!p.amount || !turnover) {
        line.basis = !p.amount ? "share of turnover not stated" : "no turnover configured (--turnover)";
      } else {
        line.currency = turnover->currency;
        line.exposure = triggered ? *p.amount / 100.0 * turnover->amount : 0.0;
        char pct[32];
        std::snprintf(pct, sizeof pct, "%g", *p.amount);
        line.basis = std::string("up to ") + pct + "% of turnover " + Money(turnover->amount, turnover->currency);
      }
    } else if (!p.amount) {
      line.basis = "amount not stated in the schedule";
    } else if (p.kind == PenaltyKind::kFixedMax) {
      const double max = p.cap ? std::min(*p.amount, *p.cap) : *p.amount;
      line.exposure = triggered ? max : 0.0;
      line.basis = "up to " + Money(max, p.currency);
    } else {  // per item, per day late: accrue per case, each capped
      line.mechanical = true;
      double sum = 0;
      for (const CaseFacts& f : bad) {
        const double units = p.kind == PenaltyKind::kPerItem ? 1.0 : static_cast<double>(f.days_late);
        double amount = units * *p.amount;
        if (p.cap) amount = std::min(amount, *p.cap);
        sum += amount;
      }
      line.exposure = sum;
      line.basis = p.kind == PenaltyKind::kPerItem
                       ? std::to_string(e.non_compliant) + " non-compliant case(s) x " + Money(*p.amount, p.currency)
                       : std::to_string(e.days_late) + " day(s) late x " + Money(*p.amount, p.currency) + " a day";
      if (p.cap) line.basis += ", capped at " + Money(*p.cap, p.currency) + " a case";
    }
    if (!line.exposure) {
      e.unquantified.push_back(line);
      if (p.applies_to == "individual") e.individual.push_back(std::move(line));
      else if (p.precedent) e.precedent.push_back(std::move(line));
      else e.statutory.push_back(std::move(line));
      continue;
    }
    const double low = line.mechanical ? *line.exposure : 0.0;
    if (p.applies_to == "individual") {
      e.individual.push_back(std::move(line));
    } else if (p.precedent) {
      AddTo(&e.precedent_range, line.currency, low, *line.exposure);
      e.precedent.push_back(std::move(line));
    } else {
      AddTo(&e.range, line.currency, low, *line.exposure);
      e.statutory.push_back(std::move(line));
    }
  }
  std::stable_sort(e.escalation.begin(), e.escalation.end(),
                   [](const PenaltyLine& a, const PenaltyLine& b) { return a.penalty.step < b.penalty.step; });
  return e;
}

namespace {

nlohmann::ordered_json LineToJson(const PenaltyLine& l) {
  nlohmann::ordered_json j;
  j["kind"] = std::string(PenaltyKindName(l.penalty.kind));
  j["amount"] = l.penalty.amount ? nlohmann::ordered_json(*l.penalty.amount) : nlohmann::ordered_json();
  j["currency"] = l.currency;
  j["cap"] = l.penalty.cap ? nlohmann::ordered_json(*l.penalty.cap) : nlohmann::ordered_json();
  if (l.penalty.step != 0) j["step"] = l.penalty.step;
  j["applies_to"] = l.penalty.applies_to;
  j["precedent"] = l.penalty.precedent;
  j["triggered"] = l.triggered;
  j["exposure"] = l.exposure ? nlohmann::ordered_json(*l.exposure) : nlohmann::ordered_json();
  j["counts_in_low"] = l.mechanical;
  j["basis"] = l.basis;
  j["source"] = l.penalty.source;
  j["note"] = l.penalty.note;
  return j;
}

nlohmann::ordered_json Lines(const std::vector<PenaltyLine>& lines) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& l : lines) a.push_back(LineToJson(l));
  return a;
}

nlohmann::ordered_json Ranges(const std::vector<MoneyRange>& ranges) {
  nlohmann::ordered_json a = nlohmann::ordered_json::array();
  for (const auto& r : ranges) a.push_back({{"currency", r.currency}, {"low", r.low}, {"high", r.high}});
  return a;
}

}  // namespace

nlohmann::ordered_json PenaltyExposureToJson(const PenaltyExposure& e) {
  nlohmann::ordered_json j;
  j["regime"] = e.regime;
  j["jurisdiction"] = e.jurisdiction;
  j["instrument"] = e.instrument;
  j["cases"] = e.cases;
  j["late"] = e.late;
  j["open_overdue"] = e.open_overdue;
  j["refused"] = e.refused;
  j["non_compliant"] = e.non_compliant;
  j["days_late"] = e.days_late;
  j["range"] = Ranges(e.range);
  j["precedent_range"] = Ranges(e.precedent_range);
  j["statutory"] = Lines(e.statutory);
  j["precedent"] = Lines(e.precedent);
  j["individual"] = Lines(e.individual);
  j["escalation"] = Lines(e.escalation);
  return j;
}

}  // namespace evenhand::analytics
