// Interned strings for the analytics: each distinct dimension value of a
// record (category, jurisdiction, authority, regime, topic, language,
// region, reason) is stored once and named by a small integer, so that a
// report over millions of cases groups by integers and copies no strings.
//
// Sym 0 is always the empty string; other ids are handed out in first-seen
// order and never change. Intern() allocates only for a value not seen
// before. Not thread safe for writing; const use (Name, Find) is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace evenhand::analytics {

using Sym = uint32_t;
inline constexpr Sym kNoSym = 0;  // the empty string

// a == b, without a library call for the short values symbols hold.
inline bool SameText(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.size() > 32) return a == b;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

class Symbols {
 public:
  Symbols();

  Sym Intern(std::string_view value);
  // The id of `value` if it was interned, else nullopt ("" is always 0).
  std::optional<Sym> Find(std::string_view value) const;
  const std::string& Name(Sym id) const { return names_[id]; }
  size_t size() const { return names_.size(); }

 private:
  size_t Slot(std::string_view value, uint64_t hash) const;
  void Grow();

  std::vector<std::string> names_;
  std::vector<uint64_t> hashes_;  // of names_[i]
  std::vector<Sym> slots_;        // open addressing, linear probing; id + 1, 0 = empty
};

// Remembers the last value interned through it: for a column whose value
// repeats from one row to the next (a policy, a region in a run of posts),
// Intern() is one comparison instead of a hash lookup.
class SymCache {
 public:
  Sym Intern(Symbols& symbols, std::string_view value) {
    if (valid_ && SameText(value, symbols.Name(last_))) return last_;
    last_ = symbols.Intern(value);
    valid_ = true;
    return last_;
  }

 private:
  bool valid_ = false;
  Sym last_ = kNoSym;
};

}  // namespace evenhand::analytics
