// Proofs and checkpoints of the audit log's Merkle tree, in the JSON and
// signed-note forms `evenhand audit proof`, the API and tools/verify-proof
// share (docs/AUDIT.md "Formats").
//
// Inclusion proof:
//   {"type":"evenhand.inclusion/v2", "leaf_index":N-1, "tree_size":S,
//    "leaf_hash":"<hex>", "proof":["<hex>",...], "checkpoint":"<signed note>",
//    "entry":{seq,ts,actor,action,subject,payload,prev_hash,hash,
//             actor_commit,payload_commit,prev_commit,salt_actor,salt_payload,salt_prev}}
//   (entry only when `full`; the API redacts it for an authority and adds
//   "withheld": [...], server/field_visibility.h). "evenhand.inclusion/v1"
//   and no commitments or salts: a store of schema v9 (leaf data v1).
// Consistency proof:
//   {"type":"evenhand.consistency/v1", "old_size":M, "new_size":N,
//    "proof":["<hex>",...], "old_checkpoint":"<note>", "new_checkpoint":"<note>"}
//
// Proofs are built from the store's tiles for the checkpoint's tree size,
// whatever the checkpoint's root says: checking is the verifier's job (a
// proof against a checkpoint of a rewritten history fails there). Where the
// store's root at that size differs from the checkpoint's, `warning` says so.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "store/audit_tree_store.h"
#include "store/store.h"
#include "tlog/checkpoint.h"

namespace evenhand {

// The store's tree root at `size` (<= its tree size), from the tiles.
Result<tlog::Hash> AuditTreeRoot(Store& store, uint64_t size);

// Signs and stores a checkpoint of the tree as it is now, unless the newest
// stored one already has this size and `force` is false (then that one).
Result<StoredCheckpoint> IssueCheckpoint(Store& store, const tlog::NoteSigner& signer, int64_t now, bool force = false);

// Parses a signed checkpoint (without checking the signature: the caller
// may not hold the key, the verifier does) and checks it against the store.
Result<tlog::Checkpoint> CheckCheckpoint(Store& store, const std::string& note);

// Resolves "C" as the command line and API take it: a tree size of a
// checkpoint the log stored (the newest at that size), "latest", or the
// text of a signed note itself.
Result<std::string> FindCheckpoint(Store& store, const std::string& spec);

struct ProofAnswer {
  nlohmann::ordered_json proof;
  std::string warning;  // empty, or why a verifier will refuse the proof
};

// Inclusion proof of audit entry `seq` in the tree of checkpoint `note`;
// the entry in full when `full`, else only its leaf hash.
Result<ProofAnswer> InclusionProofJson(Store& store, int64_t seq, const std::string& note, bool full);
Result<ProofAnswer> ConsistencyProofJson(Store& store, const std::string& old_note, const std::string& new_note);

nlohmann::ordered_json AuditEntryJson(const AuditEntry& e);

}  // namespace evenhand
