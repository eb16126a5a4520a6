#include "analytics/labels.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace evenhand::analytics {

namespace {

using Pair = std::pair<std::string_view, std::string_view>;

std::string_view Find(const Pair* begin, const Pair* end, std::string_view id) {
  for (const Pair* p = begin; p != end; ++p)
    if (p->first == id) return p->second;
  return {};
}

// The DSA Transparency Database's statement categories, in plain English.
constexpr std::array<Pair, 16> kDsa = {{
    {"animal_welfare", "Animal welfare"},
    {"consumer_information", "Consumer information infringements"},
    {"cyber_violence", "Cyber violence"},
    {"cyber_violence_against_women", "Cyber violence against women"},
    {"data_protection_and_privacy_violations", "Data protection and privacy violations"},
    {"illegal_or_harmful_speech", "Illegal or harmful speech"},
    {"intellectual_property_infringements", "Intellectual property infringements"},
    {"negative_effects_on_civic_discourse_or_elections", "Negative effects on civic discourse or elections"},
    {"not_specified_notice", "Not specified in the notice"},
    {"other_violation_tc", "Other violation of the terms and conditions"},
    {"protection_of_minors", "Protection of minors"},
    {"risk_for_public_security", "Risk for public security"},
    {"scams_and_fraud", "Scams and fraud"},
    {"self_harm", "Self-harm"},
    {"unsafe_and_prohibited_products", "Unsafe and prohibited products"},
    {"violence", "Violence"},
}};

constexpr std::array<Pair, 7> kOutcomes = {{
    {"open", "Awaiting a decision"},
    {"rejected", "Rejected at intake"},
    {"no_action", "No action"},
    {"withheld", "Withheld in some countries"},
    {"removed", "Removed"},
    {"labelled", "Labelled"},
    {"suspended", "Account suspended"},
}};

constexpr std::array<Pair, 7> kProcesses = {{
    {"", "None named"},
    {"none", "None named"},
    {"court_order", "Court order"},
    {"warrant", "Warrant"},
    {"subpoena", "Subpoena"},
    {"statutory_notice", "Statutory notice"},
    {"emergency_none", "None yet (emergency request)"},
}};

constexpr std::array<Pair, 4> kSources = {{
    {"own_initiative", "Own initiative"},
    {"notice", "Notices"},
    {"order", "Authority orders"},
    {"all", "All"},
}};

// The regime file's name up to its first ":" or " - ", or before a "("
// that follows at least 12 characters; trailing spaces and commas dropped.
std::string ShortName(const std::string& name) {
  size_t cut = name.size();
  for (std::string_view sep : {":", " - "}) cut = std::min(cut, name.find(sep));
  const size_t paren = name.find(" (");
  if (paren != std::string::npos && paren >= 12) cut = std::min(cut, paren);
  std::string out = name.substr(0, cut);
  while (!out.empty() && (out.back() == ' ' || out.back() == ',')) out.pop_back();
  return out.empty() ? name : out;
}

}  // namespace

std::string SpellOut(std::string_view id) {
  if (id.empty()) return "(none)";
  std::string out;
  out.reserve(id.size());
  for (char c : id) out.push_back(c == '_' ? ' ' : c);
  if (std::islower(static_cast<unsigned char>(out[0]))) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

std::string_view DsaCategoryLabel(std::string_view id) { return Find(kDsa.begin(), kDsa.end(), id); }

std::string Labels::Category(std::string_view id) const {
  if (std::string_view dsa = DsaCategoryLabel(id); !dsa.empty()) return std::string(dsa);
  if (auto it = categories.find(id); it != categories.end()) return it->second;
  return SpellOut(id);
}

std::string Labels::Authority(std::string_view id) const {
  if (auto it = authorities.find(id); it != authorities.end() && !it->second.empty()) return it->second;
  return id.empty() ? "(none)" : std::string(id);
}

void AddRegimeLabels(const std::vector<Regime>& regimes, Labels* labels) {
  for (const Regime& r : regimes)
    for (const RegimeCategory& c : r.categories)
      if (!c.name.empty()) labels->categories.emplace(c.id, ShortName(c.name));
}

std::string OutcomeLabel(std::string_view outcome) {
  std::string_view s = Find(kOutcomes.begin(), kOutcomes.end(), outcome);
  return s.empty() ? SpellOut(outcome) : std::string(s);
}

std::string NotifierLabel(std::string_view kind) {
  if (kind == "user") return "Users";
  if (kind == "trusted_flagger") return "Trusted flaggers";
  return SpellOut(kind);
}

std::string LegalProcessLabel(std::string_view kind) {
  std::string_view s = Find(kProcesses.begin(), kProcesses.end(), kind);
  return s.empty() ? SpellOut(kind) : std::string(s);
}

std::string SourceLabel(std::string_view source) {
  std::string_view s = Find(kSources.begin(), kSources.end(), source);
  return s.empty() ? SpellOut(source) : std::string(s);
}

std::string ReasonOutcomeLabel(std::string_view outcome) {
  if (outcome == "rejected") return "Rejected at intake";
  if (outcome == "not_complied") return "Not complied";
  return SpellOut(outcome);
}

}  // namespace evenhand::analytics
