#include "bank/bank.h"

#include <mutex>

namespace evenhand {

bool ValidBankName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

uint32_t Bank::Add(const Hash256& h, std::string_view label) {
  std::unique_lock lock(labels_mu_);
  uint32_t id = index_.Add(h);
  if (labels_.size() <= id) labels_.resize(id + 1);
  labels_[id] = std::string(label);
  return id;
}

void Bank::AddMany(const std::vector<Hash256>& hashes, const std::vector<std::string>& labels) {
  std::unique_lock lock(labels_mu_);
  uint32_t first = index_.Add(hashes.data(), hashes.size());
  labels_.resize(first + hashes.size());
  if (labels.size() == hashes.size()) {
    for (size_t i = 0; i < labels.size(); ++i) labels_[first + i] = labels[i];
  }
}

std::string Bank::EntryLabel(uint32_t id) const {
  std::shared_lock lock(labels_mu_);
  return id < labels_.size() ? labels_[id] : std::string();
}

}  // namespace evenhand
