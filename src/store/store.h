// The Store: where posts, decisions and the audit chain are kept durably.
// Backends (sqlite/, postgres/) implement this interface; nothing
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
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/item.h"
#include "model/login.h"
#include "model/person.h"
#include "model/status.h"
#include "store/audit.h"

namespace evenhand {

struct DecisionCounts {
  int64_t total = 0;
  // (action, category) -> count
  std::vector<std::tuple<std::string, std::string, int64_t>> by_action_category;
};

// A stored decision with what the store knows of its post (statements of
// reasons need the post's date, region and media). `post` holds id,
// account, ts, lang, text, topic, region and media; when the post was never
// stored, post_found is false and `post` is empty but for its id.
// One month of decisions in a partitioned store: [from, to) in unix seconds.
struct StorePartition {
  std::string name;  // e.g. "decisions_2026_11"
  int64_t from = 0, to = 0;
  int64_t rows = 0;
};

struct StoredDecision {
  Decision decision;
  int64_t stored_at = 0;  // unix seconds: when the decision was made durable
  Post post;
  bool post_found = false;
};

// One version of a stored item. Versions are 1, 2, ...; a changed item
// becomes a new version and the old one is kept (Store::PutPost). Retention
// may delete a version's text and media (content_deleted != 0); its hash
// and metadata stay.
struct PostVersion {
  Post post;                  // post.version == version; media loaded
  int64_t version = 0;
  std::string content_hash;   // SHA-256 hex of the content (see sqlite/versions_sql.h)
  int64_t stored_at = 0;      // unix seconds; 0 for content stored before versions were kept
  int64_t superseded_at = 0;  // unix seconds a newer version replaced it; 0 = current
  int64_t content_deleted = 0;  // unix seconds retention deleted the content; 0 = kept
};

// A registered issuing authority (court, regulator, police, ministry) and
// the jurisdiction it may issue orders for.
struct AuthorityRecord {
  std::string id;
  std::string name;
  std::string jurisdiction;  // ISO 3166-1 alpha-2 or "EU"
  std::string kind;          // court | regulator | police | ministry | other
  int64_t added = 0;         // unix seconds
};

// A case (order, notice, data request, appeal) as stored: the columns the
// store indexes, plus the whole record as a JSON document in `body`, whose
// shape belongs to the cases module.
struct CaseRecord {
  std::string id;            // platform id, unique across kinds
  std::string kind;          // "order", "notice", "datareq", ...
  std::string issuer;        // authority id or notifier; (kind, issuer, reference) is unique
  std::string reference;     // the issuer's own reference
  std::string jurisdiction;
  std::string state;
  int64_t received = 0;      // unix seconds
  int64_t deadline = 0;      // unix seconds; 0 = none
  std::string body;          // JSON object
};

// What the analytics read of one stored decision and its post, from the
// store's narrow facts table (kept in step with decisions and posts as
// they are written): no JSON, no text columns. `profile` names the
// combination of the seven values below: within one scan equal profiles
// are equal values, and profiles are less than the number of distinct
// combinations, so a reader can map them with a vector instead of looking
// at the text of each row. The views are valid only during the callback
// that receives them.
struct DecisionFacts {
  int64_t id = 0;  // the stored decision's id (ascending in a walk; see ReviewedDecision)
  std::string_view policy, action, category;
  bool review = false;
  std::string_view topic;         // the post's; "" when no post is stored
  std::string_view lang, region;  // the post's when it has them, else the decision's
  uint32_t profile = 0;
  int64_t received = 0;   // unix seconds: the post's ts, else the decision's ts, else stored_at
  int64_t stored_at = 0;  // unix seconds: when the decision was stored
};

// A slice of the decisions table for ScanDecisionFacts: part `part` of
// `parts` (0 <= part < parts), fixed runs of the storage order dealt out
// in turn, so that the slices are about equal. Slices are disjoint and
// together hold every decision, so `parts` readers, each with its own
// Store, may read one slice each at the same time (each sees its own
// snapshot: decisions stored meanwhile may be in some slices only).
struct ScanSlice {
  int part = 0;
  int parts = 1;
};

// An API key of the HTTP server (src/server/): only the SHA-256 of the
// whole key is kept, never the key. `id` is the key's public part.
struct ApiKeyRecord {
  std::string id;         // 8 hex, unique
  std::string hash;       // sha256 hex of the whole key
  std::string role;       // authority | moderator | auditor | admin
  std::string authority;  // authority id for role "authority", else empty
  std::string name;       // a label for people
  std::string person;     // the registered person who holds it (PersonRecord::id)
  int64_t created = 0;    // unix seconds
  int64_t revoked = 0;    // unix seconds; 0 = live
};

// A moderator's review of a stored decision flagged for review.
struct DecisionReview {
  std::string item;
  std::string policy;   // "name@version" of the decision reviewed
  std::string verdict;  // confirm | overturn
  std::string reason;
  std::string actor;
  int64_t at = 0;       // unix seconds
};

// A stored decision that a person reviewed, for the analytics: `decision`
// is the id DecisionFacts::id carries (the item's first decision under the
// reviewed policy, the one the review queue shows).
struct ReviewedDecision {
  int64_t decision = 0;
  bool overturned = false;  // verdict "overturn"; else "confirm"
  int64_t at = 0;           // unix seconds: when the person decided
};

struct CaseFilter {
  std::string kind;   // empty = any
  std::string state;  // empty = any
  std::string issuer; // empty = any
};

class Store {
 public:
  virtual ~Store() = default;

  // One clock (issue 14 point 7): the time this store stamps audit entries
  // and storage times with, in unix seconds; the wall clock unless set. The
  // CLI sets it from --now and the API from its own clock, so a case's
  // record and its audit history tell the same time.
  void SetClock(std::function<int64_t()> clock) { clock_ = std::move(clock); }
  int64_t Now() const;

  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
  // For a store that commits often with callers waiting on each commit (the
  // server's writer): the SQLite backend moves its WAL checkpoints off the
  // commits to a thread and connection of its own (store/sqlite/
  // wal_checkpointer.h; durability unchanged). Other backends: nothing.
  virtual Status CheckpointInBackground() { return Status::Ok(); }

  // Upserts an account record (latest wins).
  virtual Status PutAccount(const Account& account) = 0;
  // Stores a post. Stored content is evidence and never changes silently:
  // a post whose id is stored with the same content changes nothing; with
  // a different content (account, ts, lang, text, topic, region or media)
  // it becomes the item's next version, the old one is kept, and an
  // "item.version" audit entry (by "store", with both content hashes) is
  // appended in the same transaction.
  virtual Status PutPost(const Post& post, const std::string& actor = "store") = 0;
  // Every version of item `id`, oldest first; empty when not stored.
  virtual Result<std::vector<PostVersion>> PostVersions(const std::string& id) = 0;
  // Versions whose content is kept and which are older than `cutoff` (unix
  // seconds, by the post's ts, else when stored), oldest first, at most `limit`.
  virtual Result<std::vector<PostVersion>> ContentOlderThan(int64_t cutoff, int64_t limit) = 0;
  // Deletes the text and media of one version (hash and metadata kept) with
  // an "item.content_deleted" audit entry by `actor` naming the version, its
  // content hash and `reason`. NotFound / Conflict (deleted already).
  virtual Status DeleteContent(const std::string& id, int64_t version, int64_t now, const std::string& actor,
                               const std::string& reason) = 0;

  // Stores a decision about the item's current version (decision.version
  // is set from the stored post; 0 when none is stored) unless one with the
  // same (item, version, policy) already exists; an inserted decision also
  // appends a "decision" audit entry by `actor` (with the version and its
  // content hash). Sets *inserted accordingly. Invalid when item or policy is
  // empty or item/actor hold a line break (see audit.h). Atomic: a failed
  // call stores neither the decision nor its audit entry.
  virtual Status PutDecision(const Decision& decision, const std::string& actor, bool* inserted) = 0;

  // Stores posts[i] and then decisions[i] (about posts[i]: same item) for
  // each i in turn, exactly as PutPost(posts[i]) then PutDecision(
  // decisions[i], actor) would: the same rows, the same audit entries in
  // the same order. For the stream workers' batches; a backend may do it in
  // fewer round trips (PostgreSQL: a few multi-row statements when every
  // post is new). Inside a batch (Begin/Commit) it is part of the batch;
  // outside one each post and decision is its own write, as those calls
  // would be. *inserted (may be null) counts the decisions newly stored.
  // Invalid (nothing written) when the spans differ in length or an item
  // differs.
  virtual Status PutPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions,
                                      const std::string& actor, int64_t* inserted);

  // Appends one audit entry (seq, prev_hash, hash and ts assigned here).
  // Fields are checked with ValidateAuditFields (audit.h).
  virtual Status AppendAudit(const std::string& actor, const std::string& action, const std::string& subject,
                             const std::string& payload) = 0;

  // Walks the whole audit chain in seq order. `fn` must not call this Store.
  virtual Status ForEachAudit(const std::function<void(const AuditEntry&)>& fn) = 0;
  // The entries about one subject (an order, a notice, an item), in seq
  // order, through an index: a case's history without walking the chain.
  virtual Status ForEachAuditOf(const std::string& subject, const std::function<void(const AuditEntry&)>& fn) = 0;

  // Decisions stored under `policy_id` ("name@version"; empty = all
  // policies), grouped by (action, category), ordered by action then category.
  virtual Result<DecisionCounts> CountDecisions(const std::string& policy_id) = 0;

  // Walks the decisions stored under `policy_id` ("name@version"; empty =
  // all), in the order they were stored. `fn` must not call this Store;
  // returning false from it stops the walk early (still Ok).
  virtual Status ForEachDecision(const std::string& policy_id,
                                 const std::function<bool(const StoredDecision&)>& fn) = 0;
  // The decisions about one item (every version, every policy), in the
  // order they were stored, through the (item, version, policy) index.
  virtual Status ForEachDecisionOf(const std::string& item, const std::function<bool(const StoredDecision&)>& fn) = 0;
  // The same walk over every policy's decisions, newest first, so a caller
  // that wants the latest N stops after N (the review queue).
  virtual Status ForEachDecisionNewestFirst(const std::function<bool(const StoredDecision&)>& fn) = 0;

  // Read-only, for the analytics: walks every decision of `slice` (all
  // policies) in the order they were stored, with the facts of its post
  // (DecisionFacts), in one read transaction. `fn` must not call this
  // Store; returning false from it stops the walk early (still Ok).
  virtual Status ScanDecisionFacts(const ScanSlice& slice, const std::function<bool(const DecisionFacts&)>& fn) = 0;
  // How many decisions ScanDecisionFacts(ScanSlice{}) would visit now (for
  // reserving memory before a scan).
  virtual Result<int64_t> CountDecisionFacts() = 0;

  // ---- Cases (see cases/) ----
  // Registers an authority, or updates the name and kind of one registered
  // for the same jurisdiction, with an "authority.put" audit entry (a
  // repeat of what is on file changes nothing). Conflict when the id is
  // registered for another jurisdiction (its keys and people would follow
  // silently): that takes ReplaceAuthority. Invalid when the jurisdiction
  // is not an assigned ISO 3166-1 alpha-2 code or "EU".
  virtual Status PutAuthority(const AuthorityRecord& authority, const std::string& actor) = 0;
  // Replaces a registered authority's record, jurisdiction included, with
  // an "authority.replace" audit entry holding the record before and after
  // and `reason` (which must not be blank). NotFound when not registered.
  virtual Status ReplaceAuthority(const AuthorityRecord& authority, const std::string& reason,
                                  const std::string& actor) = 0;
  virtual Result<std::vector<AuthorityRecord>> ListAuthorities() = 0;
  virtual Result<bool> HasPost(const std::string& id) = 0;
  // The stored post's current version (account, ts, region, ..., version); NotFound when unknown.
  virtual Result<Post> GetPost(const std::string& id) = 0;
  virtual Result<bool> HasAccount(const std::string& id) = 0;
  // Inserts `c` unless a case with the same (kind, issuer, reference) exists;
  // then *inserted is false and *existing holds the stored one. An insert
  // appends the audit entry (actor, audit_action, c.id, audit_payload) in
  // the same transaction. Returns once durable.
  virtual Status InsertCase(const CaseRecord& c, const std::string& actor, const std::string& audit_action,
                            const std::string& audit_payload, bool* inserted, CaseRecord* existing) = 0;
  // Replaces case c.id if its stored state is still `expected_state`
  // (Conflict otherwise; NotFound if there is no such case) and appends the
  // audit entry, atomically. Returns once durable.
  virtual Status UpdateCase(const CaseRecord& c, const std::string& expected_state, const std::string& actor,
                            const std::string& audit_action, const std::string& audit_payload) = 0;
  // NotFound when there is no such case.
  virtual Result<CaseRecord> GetCase(const std::string& id) = 0;
  // Ordered by received time, then id.
  virtual Result<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) = 0;
  // Data-disclosure reads (cases/datareq_package.h). The stored account;
  // NotFound when no account record exists (posts may still name it).
  virtual Result<Account> GetAccount(const std::string& id) = 0;
  // The stored posts of `account_id` (media not loaded), ordered by ts then
  // id; empty when there are none.
  virtual Result<std::vector<Post>> PostsByAccount(const std::string& account_id) = 0;

  // ---- Sign-up and login records (model/login.h) ----
  // Stores a record unless the same one (account, ts, event, ip, port,
  // device) is stored; *inserted (may be null) says which. Not audited on
  // its own (like a post, it is the platform's record, not a decision);
  // its disclosure is. Invalid when account or ip is empty.
  virtual Status PutLogin(const LoginRecord& login, bool* inserted) = 0;
  // The records of `account`, oldest first; empty when there are none.
  virtual Result<std::vector<LoginRecord>> LoginsOf(const std::string& account) = 0;
  // Per account, the login records older than `cutoff` (ts < cutoff, unix
  // seconds): how many, the oldest and the newest ts; by account id.
  // (Both retention methods have a default, an error naming the method, so
  // that a store which does not implement them yet still builds and its
  // retention runs fail instead of keeping addresses silently.)
  virtual Result<std::vector<LoginAge>> LoginsOlderThan(int64_t cutoff) {
    (void)cutoff;
    return Status::Invalid("LoginsOlderThan: not implemented by this store");
  }
  // Deletes the login records of `account` older than `cutoff` (retention;
  // IP addresses are personal data) with one "login.deleted" audit entry by
  // `actor` holding how many, the oldest and newest ts, the cutoff and
  // `reason` -- never an address, a port or a device (the audit log is
  // kept for ever). Nothing deleted: no entry, *deleted 0. Atomic.
  virtual Status DeleteLoginsOlderThan(const std::string& account, int64_t cutoff, const std::string& actor,
                                       const std::string& reason, int64_t* deleted) {
    (void)account, (void)cutoff, (void)actor, (void)reason;
    *deleted = 0;
    return Status::Invalid("DeleteLoginsOlderThan: not implemented by this store");
  }

  // ---- People (model/person.h) ----
  // Registers a person with a "person.add" audit entry by `actor`. Conflict
  // when the id is registered already; Invalid when the id is not
  // normalised (NormalizePersonId), a role is unknown, or role "authority"
  // lacks a registered authority or is mixed with staff roles.
  virtual Status PutPerson(const PersonRecord& person, const std::string& actor) = 0;
  // `id` as stored (normalise first); NotFound when no such person.
  virtual Result<PersonRecord> GetPerson(const std::string& id) = 0;
  virtual Result<std::vector<PersonRecord>> ListPeople() = 0;  // by id

  // ---- API keys and decision reviews (server/) ----
  // Inserts a key (Conflict when the id exists) and appends a "key.create"
  // audit entry (role, authority, name, person; never the hash) by `actor`.
  // Invalid unless key.person is registered and holds key.role (and, for
  // role authority, works for key.authority).
  virtual Status PutApiKey(const ApiKeyRecord& key, const std::string& actor) = 0;
  // NotFound when there is no such key (revoked keys are returned).
  virtual Result<ApiKeyRecord> GetApiKey(const std::string& id) = 0;
  virtual Result<std::vector<ApiKeyRecord>> ListApiKeys() = 0;  // by creation, then id
  // Marks a key revoked at `now` with a "key.revoke" audit entry; NotFound /
  // Conflict (already revoked).
  virtual Status RevokeApiKey(const std::string& id, int64_t now, const std::string& actor) = 0;
  // Stores a review with a "decision.review" audit entry by review.actor;
  // Conflict when (item, policy) was reviewed already.
  virtual Status PutDecisionReview(const DecisionReview& review) = 0;
  virtual Result<std::vector<DecisionReview>> ListDecisionReviews() = 0;  // in the order stored
  // Every reviewed decision, by ascending decision id (a review of a
  // decision no longer stored is left out).
  virtual Result<std::vector<ReviewedDecision>> ListReviewedDecisions() = 0;

  // ---- partitions by time (PostgreSQL; an SQLite store has none) ----
  // Decisions are kept in one partition per month of the time they were
  // stored (UTC). The attached ones, oldest first, with their rows.
  // Unimplemented on a backend without partitions.
  virtual Result<std::vector<StorePartition>> DecisionPartitions() {
    return Status::Unimplemented("this store keeps decisions in one table (only PostgreSQL stores are partitioned)");
  }
  // Detaches every month that ends at or before `before` (unix seconds)
  // from the decisions, each with a "decisions.detach" audit entry by
  // `actor` (payload: the partition, its range, rows, whether dropped), in
  // one transaction: the month's decisions leave every read and report; its
  // table stays in the database for an archive (drop = false) or is dropped
  // (drop = true). The items keep their place in decision_keys, so a
  // redelivered post of a detached month is not decided again under the
  // same policy version. *detached receives what was detached.
  virtual Status DetachDecisionPartitions(int64_t before, bool drop, const std::string& actor,
                                          std::vector<StorePartition>* detached) {
    (void)before, (void)drop, (void)actor, (void)detached;
    return Status::Unimplemented("this store keeps decisions in one table (only PostgreSQL stores are partitioned)");
  }

  virtual int schema_version() = 0;

 protected:
  // The Invalid of PutPostsAndDecisions for spans that do not pair up.
  static Status CheckPostsAndDecisions(std::span<const Post> posts, std::span<const Decision> decisions);

 private:
  std::function<int64_t()> clock_;
};

// Opens a store by URL: "sqlite:PATH" or a plain PATH (SQLite), or
// "postgres://USER@HOST:PORT/DB" (PostgreSQL, store/postgres/: the database
// must exist).
// Creates the store's tables and migrates its schema to the current version.
// With OpenMode::kMustExist a missing database is a NotFound error instead
// of a new empty one (for readers such as `audit verify`).
enum class OpenMode { kCreate, kMustExist };
Result<std::unique_ptr<Store>> OpenStore(const std::string& url, OpenMode mode = OpenMode::kCreate);

// Verifies the audit chain of `store`.
Result<AuditVerifyReport> VerifyAudit(Store& store);

}  // namespace evenhand
