#include "exchange/signal_import.h"

#include <algorithm>
#include <unordered_map>

#include "exchange/bank_entries.h"

namespace evenhand {

void ApplySignals(const std::vector<SignalRecord>& records, BankKind kind, bool negative, const CategoryMap& map,
                  std::string* category, std::vector<std::string>* entries, SignalImportCounts* counts) {
  // key -> its entries (a PDQ bank may hold one hash under two labels)
  std::unordered_map<std::string, std::vector<std::string>> by_key;
  by_key.reserve(entries->size() + records.size());
  for (std::string& e : *entries) by_key[std::string(EntryKey(kind, e))].push_back(std::move(e));
  entries->clear();
  const SignalOpinion wanted = negative ? SignalOpinion::kNegative : SignalOpinion::kPositive;
  // ref tag -> keys whose entries' labels hold it; built at the first
  // removal by reference, then kept up to date as entries are added.
  std::unordered_map<std::string, std::vector<std::string>> by_ref;
  bool ref_index = false;
  auto index_refs = [&](const std::string& key, std::string_view entry) {
    std::string_view label = entry.substr(std::min(entry.size(), EntryKey(kind, entry).size() + 1));
    while (!label.empty()) {
      const size_t sp = label.find(' ');
      const std::string_view tag = label.substr(0, sp);
      if (tag.find(':') != std::string_view::npos) by_ref[std::string(tag)].push_back(key);
      label.remove_prefix(sp == std::string_view::npos ? label.size() : sp + 1);
    }
  };
  auto has_tag = [&](std::string_view entry, std::string_view tag) {
    std::string_view label = entry.substr(std::min(entry.size(), EntryKey(kind, entry).size() + 1));
    while (!label.empty()) {
      const size_t sp = label.find(' ');
      if (label.substr(0, sp) == tag) return true;
      label.remove_prefix(sp == std::string_view::npos ? label.size() : sp + 1);
    }
    return false;
  };
  for (const SignalRecord& r : records) {
    if (r.deleted && r.key.empty()) {  // a removal by the list's id, whatever the kind
      if (r.ref.empty()) continue;
      if (!ref_index) {
        for (const auto& [key, list] : by_key)
          for (const std::string& e : list) index_refs(key, e);
        ref_index = true;
      }
      auto it = by_ref.find(r.ref);
      if (it == by_ref.end()) continue;
      for (const std::string& key : it->second) {
        auto slot = by_key.find(key);
        if (slot == by_key.end()) continue;
        auto& list = slot->second;
        const size_t before = list.size();
        list.erase(std::remove_if(list.begin(), list.end(), [&](const std::string& e) { return has_tag(e, r.ref); }),
                   list.end());
        counts->removed += before - list.size();
        if (list.empty()) by_key.erase(slot);
      }
      by_ref.erase(it);
      continue;
    }
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
    if (ref_index) index_refs(r.key, entry);
    slot.push_back(std::move(entry));
    ++counts->added;
  }
  entries->reserve(by_key.size());
  for (auto& [key, list] : by_key)
    for (std::string& e : list) entries->push_back(std::move(e));
  Canonicalize(entries);
}

}  // namespace evenhand
