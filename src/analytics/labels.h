// Words for people: what a report shows in place of the ids the store
// keeps. Every category, action, outcome, authority, notifier kind, legal
// process and source has a label; the ids stay in the JSON and CSV beside
// the labels, so that machines and people each read what suits them.
//
// Where a label comes from, first that applies:
//   - categories: the DSA statement-of-reasons categories have fixed
//     English names; a regime category has the short form of its `name` in
//     the regime file (AddRegimeLabels); any other id is spelled out
//     ("crimes_against_honour" -> "Crimes against honour");
//   - authorities: the name they were registered with (LoadRecord reads
//     them from the store), else the id;
//   - actions, outcomes, notifier kinds, legal processes and sources: fixed
//     names here.
// A label is never empty: an empty id reads "(none)". Pure; const use is
// thread safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "regimes/regime.h"

namespace evenhand::analytics {

struct Labels {
  std::map<std::string, std::string, std::less<>> authorities;  // id -> registered name
  std::map<std::string, std::string, std::less<>> categories;   // regime category id -> short name

  std::string Category(std::string_view id) const;
  std::string Authority(std::string_view id) const;
};

// Adds the short name of every category of `regimes` (the regime file's
// `name` up to its first ":" or " - ", or before a parenthesis that follows
// at least 12 characters, so "Class 1 material (e.g. ...)" reads "Class 1
// material"). A category id that two regimes name differently keeps the first.
void AddRegimeLabels(const std::vector<Regime>& regimes, Labels* labels);

// "crimes_against_honour" -> "Crimes against honour"; "" -> "(none)".
std::string SpellOut(std::string_view id);
// The English name of a DSA category short form ("scams_and_fraud" ->
// "Scams and fraud"); "" when `id` is not one.
std::string_view DsaCategoryLabel(std::string_view id);
// Outcome ids of record.h (OutcomeName): "removed" -> "Removed", "open" ->
// "Awaiting a decision", "withheld" -> "Withheld in some countries", ...
std::string OutcomeLabel(std::string_view outcome);
// "user" -> "Users", "trusted_flagger" -> "Trusted flaggers".
std::string NotifierLabel(std::string_view kind);
// Legal-process kinds of data requests ("court_order" -> "Court order";
// "none" and "emergency_none" -> "None (emergency request)").
std::string LegalProcessLabel(std::string_view kind);
// Sources of record.h (SourceName): "own_initiative" -> "Own initiative", ...
std::string SourceLabel(std::string_view source);
// Reason outcomes of the transparency report: "rejected" -> "Rejected at
// intake", "not_complied" -> "Not complied".
std::string ReasonOutcomeLabel(std::string_view outcome);

}  // namespace evenhand::analytics
