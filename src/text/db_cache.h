// A per-user on-disk cache of compiled Vectorscan databases, so that a
// process that compiles the same term lists again (every `evenhand scan`
// with the same policy) loads the database instead (50 ms -> about 2 ms for
// the 1,000-term benchmark list).
//
// Where: $EVENHAND_CACHE_DIR when set (set and empty: no cache), else
// $XDG_CACHE_HOME/evenhand, else $HOME/.cache/evenhand. The directory is
// created 0700; it is used only when it is a directory owned by this user
// that no one else can write to, and a file only when it is a regular file
// owned by this user, writable by no one else. A file is named by the
// SHA-256 of everything the database depends on (the caller's description of
// its patterns, the Vectorscan version, this CPU's features) and holds the
// SHA-256 of its contents, checked on load; a file that fails any check is
// ignored and the database compiled. Files are written to a temporary name
// and renamed into place; at most kMaxFiles stay (least recently used go).
// The cache is best effort: every error means "compile", never a failure.
// It trusts the files of the user's own cache directory as it trusts the
// user's own binary.
//
// Thread safe (no shared state; concurrent writers of one key each rename a
// whole file).
#pragma once

#include <hs/hs.h>

#include <string>
#include <string_view>

namespace evenhand::dbcache {

constexpr size_t kMaxFiles = 16;

// The cache directory (see above), created if missing; "" when there is
// none or it fails the checks.
std::string Dir();

// The database cached under `what` in `dir`, or null.
hs_database_t* Load(const std::string& dir, std::string_view what);

// Caches `db` under `what` in `dir` (best effort).
void Store(const std::string& dir, std::string_view what, const hs_database_t* db);

}  // namespace evenhand::dbcache
