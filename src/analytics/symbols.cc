#include "analytics/symbols.h"

namespace evenhand::analytics {

namespace {

// FNV-1a, 64 bit: values are short, so a simple byte loop is enough.
uint64_t Hash(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

}  // namespace

Symbols::Symbols() {
  slots_.assign(64, 0);
  names_.emplace_back();
  hashes_.push_back(Hash(""));
  slots_[Slot("", hashes_[0])] = 1;
}

// The slot holding `value`, or the empty slot where it would go.
size_t Symbols::Slot(std::string_view value, uint64_t hash) const {
  const size_t mask = slots_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Sym s = slots_[i];
    if (s == 0 || (hashes_[s - 1] == hash && SameText(names_[s - 1], value))) return i;
  }
}

void Symbols::Grow() {
  slots_.assign(slots_.size() * 2, 0);
  const size_t mask = slots_.size() - 1;
  for (Sym id = 0; id < names_.size(); ++id) {
    size_t i = hashes_[id] & mask;
    while (slots_[i] != 0) i = (i + 1) & mask;
    slots_[i] = id + 1;
  }
}

Sym Symbols::Intern(std::string_view value) {
  const uint64_t h = Hash(value);
  size_t i = Slot(value, h);
  if (slots_[i] != 0) return slots_[i] - 1;
  if ((names_.size() + 1) * 2 > slots_.size()) {
    Grow();
    i = Slot(value, h);
  }
  const Sym id = static_cast<Sym>(names_.size());
  names_.emplace_back(value);
  hashes_.push_back(h);
  slots_[i] = id + 1;
  return id;
}

std::optional<Sym> Symbols::Find(std::string_view value) const {
  const size_t i = Slot(value, Hash(value));
  if (slots_[i] == 0) return std::nullopt;
  return slots_[i] - 1;
}

}  // namespace evenhand::analytics
