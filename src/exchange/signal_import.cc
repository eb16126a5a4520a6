#include "exchange/signal_import.h"

#include <algorithm>
#include <map>

#include "exchange/bank_entries.h"

namespace evenhand {

void ApplySignals(const std::vector<SignalRecord>& records, BankKind kind, bool negative, const CategoryMap& map,
                  std::string* category, std::vector<std::string>* entries, SignalImportCounts* counts) {
  // key -> its entries (a PDQ bank may hold one hash under two labels)
  std::map<std::string, std::vector<std::string>, std::less<>> by_key;
  for (std::string& e : *entries) by_key[std::string(EntryKey(kind, e))].push_back(std::move(e));
  entries->clear();
  const SignalOpinion wanted = negative ? SignalOpinion::kNegative : SignalOpinion::kPositive;
  for (const SignalRecord& r : records) {
    if (r.kind != kind) {
      ++counts->other_kind;
      continue;
    }
    const std::vector<std::string> cats = map.MapAll(r.tags);
    if (!cats.empty()) {
      if (category->empty()) *category = cats.front();
      if (std::find(cats.begin(), cats.end(), *category) == cats.end()) {
        ++counts->category;
        continue;
      }
    }
    if (r.deleted) {
      auto it = by_key.find(r.key);
      if (it != by_key.end()) {
        counts->removed += it->second.size();
        by_key.erase(it);
      }
      continue;
    }
    if (r.opinion != wanted) {
      ++counts->opinion;
      continue;
    }
    auto& slot = by_key[r.key];
    if (!slot.empty()) {
      ++counts->unchanged;
      continue;
    }
    std::string label;
    for (const std::string& t : r.tags) label += (label.empty() ? "" : " ") + t;
    if (label.empty()) label = r.collab;
    for (char& c : label)
      if (c == '\n' || c == '\r') c = ' ';
    std::string entry = r.key;
    if (!label.empty()) entry += (kind == BankKind::kVpdq ? '\t' : ',') + label;
    slot.push_back(std::move(entry));
    ++counts->added;
  }
  for (auto& [key, list] : by_key)
    for (std::string& e : list) entries->push_back(std::move(e));
  Canonicalize(entries);
}

}  // namespace evenhand
