// The Store: where posts, decisions and the audit chain are kept durably.
// Backends (sqlite/, later postgres/) implement this interface; nothing
// backend-specific is visible outside the backend's folder.
//
// Writes are grouped: Begin() ... Commit() makes a batch durable at once;
// Rollback() leaves stored data as it was before Begin(). Commit() returns
// ok only once the batch is on disk, so its success may be acknowledged.
// Outside Begin()/Commit() each write is its own durable transaction.
// Destroying a Store with a batch open rolls the batch back. A Store object is
// used by one thread at a time (the pipeline's writer thread); open one
// Store per thread otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/item.h"
#include "model/status.h"
#include "store/audit.h"

namespace evenhand {

struct DecisionCounts {
  int64_t total = 0;
  // (action, category) -> count
  std::vector<std::tuple<std::string, std::string, int64_t>> by_action_category;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;

  // Upserts an account / post record (latest wins).
  virtual Status PutAccount(const Account& account) = 0;
  virtual Status PutPost(const Post& post) = 0;

  // Stores a decision unless one with the same (item, policy) already
  // exists; an inserted decision also appends a "decision" audit entry by
  // `actor`. Sets *inserted accordingly. Invalid when item or policy is
  // empty or item/actor hold a line break (see audit.h). Atomic: a failed
  // call stores neither the decision nor its audit entry.
  virtual Status PutDecision(const Decision& decision, const std::string& actor, bool* inserted) = 0;

  // Appends one audit entry (seq, prev_hash, hash and ts assigned here).
  // Fields are checked with ValidateAuditFields (audit.h).
  virtual Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                             const std::string& payload) = 0;

  // Walks the whole audit chain in seq order. `fn` must not call this Store.
  virtual Status ForEachAudit(const std::function<void(const AuditEntry&)>& fn) = 0;

  // Decisions stored under `policy_id` ("name@version"; empty = all
  // policies), grouped by (action, category), ordered by action then category.
  virtual Result<DecisionCounts> CountDecisions(const std::string& policy_id) = 0;

  virtual int schema_version() = 0;
};

// Opens a store by URL: "sqlite:PATH" or a plain PATH (SQLite). Creates the
// database and migrates its schema to the current version.
// With OpenMode::kMustExist a missing database is a NotFound error instead
// of a new empty one (for readers such as `audit verify`).
enum class OpenMode { kCreate, kMustExist };
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, OpenMode mode = OpenMode::kCreate);

// Verifies the audit chain of `store`.
Result<AuditVerifyReport> VerifyAudit(Store& store);

}  // namespace evenhand
