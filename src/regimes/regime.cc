// Look-ups on a loaded Regime, and the names of its enumerations.
#include "regimes/regime.h"

#include <algorithm>
#include <array>
#include <utility>

#include "model/category.h"

namespace evenhand {

namespace {

constexpr std::array<std::pair<PenaltyKind, std::string_view>, 6> kPenaltyKinds = {{
    {PenaltyKind::kPerItem, "per_item"},
    {PenaltyKind::kPerDayLate, "per_day_late"},
    {PenaltyKind::kFixedMax, "fixed_max"},
    {PenaltyKind::kPercentTurnover, "percent_turnover"},
    {PenaltyKind::kBlocking, "blocking"},
    {PenaltyKind::kThrottling, "throttling"},
}};

constexpr std::array<std::pair<AuthorityKind, std::string_view>, 6> kAuthorityKinds = {{
    {AuthorityKind::kCourt, "court"},
    {AuthorityKind::kRegulator, "regulator"},
    {AuthorityKind::kGovernment, "government"},
    {AuthorityKind::kLawEnforcement, "law_enforcement"},
    {AuthorityKind::kUser, "user"},
    {AuthorityKind::kTrustedFlagger, "trusted_flagger"},
}};

template <typename E, size_t N>
std::string_view NameOf(const std::array<std::pair<E, std::string_view>, N>& table, E value) {
  for (const auto& [e, name] : table)
    if (e == value) return name;
  return "?";
}

template <typename E, size_t N>
std::optional<E> ParseName(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view name) {
  for (const auto& [e, n] : table)
    if (n == name) return e;
  return std::nullopt;
}

const Hours& Pick(const Deadline& d, bool emergency) { return emergency ? d.emergency : d.normal; }

}  // namespace

std::string_view PenaltyKindName(PenaltyKind kind) { return NameOf(kPenaltyKinds, kind); }
std::optional<PenaltyKind> ParsePenaltyKind(std::string_view name) { return ParseName(kPenaltyKinds, name); }
std::string_view AuthorityKindName(AuthorityKind kind) { return NameOf(kAuthorityKinds, kind); }
std::optional<AuthorityKind> ParseAuthorityKind(std::string_view name) { return ParseName(kAuthorityKinds, name); }

const RegimeCategory* Regime::FindCategory(std::string_view category_id) const {
  for (const RegimeCategory& c : categories)
    if (c.id == category_id) return &c;
  return nullptr;
}

std::vector<const RegimeCategory*> Regime::FindByDsaCategory(std::string_view dsa) const {
  std::vector<const RegimeCategory*> out;
  std::optional<std::string_view> canon = CanonicalCategory(dsa);
  if (!canon) return out;
  for (const RegimeCategory& c : categories)
    if (std::find(c.dsa_categories.begin(), c.dsa_categories.end(), *canon) != c.dsa_categories.end())
      out.push_back(&c);
  return out;
}

std::vector<const RegimeCategory*> Regime::Resolve(std::string_view key) const {
  if (const RegimeCategory* c = FindCategory(key)) return {c};
  return FindByDsaCategory(key);
}

const Hours* Regime::DeadlineFor(std::string_view key, bool emergency) const {
  if (key == kInfoRequestKey) return &Pick(info_request, emergency);
  const Hours* best = nullptr;
  for (const RegimeCategory* c : Resolve(key)) {
    const Hours& h = Pick(c->deadline, emergency);
    if (best == nullptr || (h.value && (!best->value || *h.value < *best->value))) best = &h;
  }
  return best;
}

std::optional<double> Regime::DeadlineHours(std::string_view key, bool emergency) const {
  const Hours* h = DeadlineFor(key, emergency);
  if (h == nullptr) return std::nullopt;
  return h->value;
}

}  // namespace evenhand
