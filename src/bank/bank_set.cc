#include "bank/bank_set.h"

#include <algorithm>

namespace evenhand {

int BankSet::Find(const std::string& name) const {
  for (size_t i = 0; i < banks_.size(); ++i) {
    if (banks_[i].bank->info().name == name) return static_cast<int>(i);
  }
  return -1;
}

BankSet::Outcome BankSet::Match(const Hash256* hashes, size_t n, int quality, Scratch* scratch, int* best) const {
  Outcome outcome;
  for (size_t i = 0; i < banks_.size(); ++i) best[i] = -1;
  if (quality < min_quality_) {
    outcome.low_quality = true;
    return outcome;
  }
  for (size_t i = 0; i < banks_.size(); ++i) {
    scratch->matches.clear();
    const size_t queries = banks_[i].dihedral ? n : std::min<size_t>(n, 1);
    for (size_t k = 0; k < queries; ++k) banks_[i].bank->Search(hashes[k], banks_[i].radius, &scratch->matches);
    for (const HashMatch& m : scratch->matches) {
      if (best[i] < 0 || m.distance < best[i]) best[i] = m.distance;
    }
    if (best[i] >= 0 && banks_[i].bank->info().negative) outcome.suppressed = true;
  }
  if (outcome.suppressed) {
    for (size_t i = 0; i < banks_.size(); ++i) {
      if (!banks_[i].bank->info().negative) best[i] = -1;
    }
  }
  return outcome;
}

}  // namespace evenhand
