// Applying an exchange hash list (exchange/signal_list.h) to a bank's
// entries (exchange/bank_entries.h): which records a bank takes, and what
// a removal does.
//
// A record is taken when
//   - its kind is the bank's (others are counted in other_kind),
//   - its opinion fits the bank: POSITIVE_CLASS for a positive bank,
//     NEGATIVE_CLASS for a safe (--negative) bank; INVESTIGATION_SEED and
//     DISPUTED never (counted in opinion),
//   - its tags map (CategoryMap) to no category, or to the bank's category
//     among others (counted in category otherwise). When the bank has no
//     category yet, the first record that maps to one sets it (*category)
//     and the others are held to it.
// A taken record adds the entry KEY[,LABEL] (label: its tags joined by
// spaces, else its collab) unless an entry with that key is there
// (unchanged); a deleted record (a tombstone) removes every entry with its
// key (removed) — records apply in file order, so the last word wins. A
// removal with an empty key and a ref (NCMEC's deleted entries) removes,
// whatever its kind, every entry whose label holds the ref as a tag.
//
// Thread safety: pure function of its arguments.
#pragma once

#include <string>
#include <vector>

#include "exchange/category_map.h"
#include "exchange/signal_list.h"

namespace evenhand {

struct SignalImportCounts {
  size_t added = 0, removed = 0, unchanged = 0;
  size_t other_kind = 0, opinion = 0, category = 0;
};

// *entries: sorted, unique (bank_entries.h); left sorted and unique.
void ApplySignals(const std::vector<SignalRecord>& records, BankKind kind, bool negative, const CategoryMap& map,
                  std::string* category, std::vector<std::string>* entries, SignalImportCounts* counts);

}  // namespace evenhand
