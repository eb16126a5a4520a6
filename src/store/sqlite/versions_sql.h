// Private to store/sqlite: versions of stored content (issue 14 point 3).
// The posts table holds each item's current version; post_versions holds
// the versions it replaced, so stored content never changes silently: a
// changed item is a new version (Store::PutPost audits it with both
// content hashes) and decisions name the version they were about.
// Retention deletes a version's content (text and media) and keeps its
// hash and metadata. Each function runs on `db` inside the caller's
// transaction; `path` is for error messages.
#pragma once

#include <sqlite3.h>

#include <string>
#include <vector>

#include "store/content_hash.h"
#include "store/store.h"

namespace evenhand::sqlite_store {

// Schema step 7: post versions, content hashes, decisions by (item, version, policy).
extern const char kVersionsMigrationSql[];

// Copies item `id`'s current version into post_versions, superseded at `now`.
Status ArchiveCurrentVersion(sqlite3* db, const std::string& path, const std::string& id, int64_t now);

// Every version of `id`, oldest first (the current one last); empty when unknown.
Result<std::vector<PostVersion>> ReadPostVersions(sqlite3* db, const std::string& path, const std::string& id);

// Versions stored before `cutoff` (by the post's ts, else when stored) whose
// content is still there, oldest first, at most `limit`.
Result<std::vector<PostVersion>> ReadVersionsOlderThan(sqlite3* db, const std::string& path, int64_t cutoff,
                                                       int64_t limit);

// Empties the text and media of (id, version) and marks it deleted at
// `now`; *hash receives its content hash (computed now when it was never
// stored). NotFound when there is no such version; Conflict when its
// content is deleted already.
Status DeleteVersionContent(sqlite3* db, const std::string& path, const std::string& id, int64_t version, int64_t now,
                            std::string* hash);

}  // namespace evenhand::sqlite_store
