// Bank: a named set of 256-bit PDQ hashes with a label, a source and a
// category (e.g. child_sexual_abuse, terrorist_content, ncii), indexed for
// exact radius search. A negative ("safe") bank lists known false positives:
// a hash that matches it is not reported from any positive bank (BankSet).
//
// Thread safety: Match/Search and the accessors may run on many threads at
// once; Add/Remove may run beside them (they take exclusive locks briefly).
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bank/mih_index.h"
#include "model/hash256.h"

namespace evenhand {

struct BankInfo {
  std::string name;      // [a-z0-9_]+, used in policy signals: bank.NAME.match
  std::string label;     // human title
  std::string source;    // who supplied the hashes (e.g. "NCMEC", "GIFCT", "internal")
  std::string category;  // DSA-style category of the content the bank lists
  bool negative = false;  // a safe list: suppresses matches instead of raising them
};

// True when `name` is a valid bank name ([a-z0-9_]+, 1..64 bytes).
bool ValidBankName(std::string_view name);

constexpr int kDefaultMatchRadius = 31;  // upstream's recommended PDQ threshold

class Bank {
 public:
  explicit Bank(BankInfo info) : info_(std::move(info)) {}

  const BankInfo& info() const { return info_; }
  void set_info(BankInfo info) { info_ = std::move(info); }

  // Adds one hash with an optional per-entry label; returns its id.
  uint32_t Add(const Hash256& h, std::string_view label = {});
  // Adds many (one index update): labels may be empty or have n entries.
  void AddMany(const std::vector<Hash256>& hashes, const std::vector<std::string>& labels);
  bool Remove(uint32_t id) { return index_.Remove(id); }

  // Appends the live entries within `radius` of `query` to *out.
  void Search(const Hash256& query, int radius, std::vector<HashMatch>* out) const {
    index_.Search(query, radius, out);
  }

  std::string EntryLabel(uint32_t id) const;
  const HashIndex& index() const { return index_; }
  HashIndex& index() { return index_; }
  size_t size() const { return index_.live_size(); }

 private:
  BankInfo info_;
  HashIndex index_;
  mutable std::shared_mutex labels_mu_;
  std::vector<std::string> labels_;  // by id; empty when unlabelled
};

}  // namespace evenhand
