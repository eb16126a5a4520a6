// The vocabulary of a scan: accounts, posts, the signals detectors raise and
// the decision a policy reaches. Plain data; no I/O. Field names match the
// JSON Lines formats in DESIGN.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/action.h"

namespace evenhand {

struct Account {
  std::string id;
  int64_t created = 0;  // unix seconds
  std::string country;  // ISO 3166-1 alpha-2, may be empty
};

struct Media {
  std::string path;
};

struct Post {
  std::string id;
  std::string account;                   // may be empty
  const Account* account_ref = nullptr;  // resolved by the reader when known
  int64_t ts = 0;       // unix seconds; 0 when the line had no "ts"
  std::string lang;     // as given; detected when empty (see text/langid.h)
  std::string text;
  std::string topic;
  std::string region;  // ISO 3166-1 alpha-2 where the post is published
  std::vector<Media> media;
  int64_t line = 0;  // 1-based line in the input, for error messages
  int64_t version = 0;  // the stored version (1, 2, ...) when read from a store; 0 otherwise

  void Clear() {
    id.clear(); account.clear(); account_ref = nullptr; ts = 0; lang.clear(); text.clear();
    topic.clear(); region.clear(); media.clear(); line = 0; version = 0;
  }
};

// One piece of evidence from a detector, e.g. a term-list match.
struct Signal {
  std::string detector;  // "terms", later "bank", "classifier", "behavior"
  std::string name;      // list, bank or model name
  double score = 1.0;
  std::string evidence;  // the matched term and its byte span in the original text
};

struct Decision {
  std::string item;
  std::string account;
  Action action = Action::kAllow;
  std::vector<std::string> scope;  // jurisdictions for withhold; empty = global
  std::string category;            // DSA short form, empty for allow
  std::string rule;                // rule id, empty when the default applied
  std::string policy;              // "name@version"
  std::string reason;
  bool review = false;
  std::string lang;
  std::string region;
  int64_t ts = 0;
  std::vector<Signal> signals;
  int64_t version = 0;  // the stored version of the item decided on (set by the Store); 0 = none stored

  void Clear() {
    item.clear(); account.clear(); action = Action::kAllow; scope.clear(); category.clear();
    rule.clear(); policy.clear(); reason.clear(); review = false; lang.clear(); region.clear();
    ts = 0; signals.clear(); version = 0;
  }
};

}  // namespace evenhand
