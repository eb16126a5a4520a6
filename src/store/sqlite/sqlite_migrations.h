// Private to store/sqlite (and its tests): the schema as an ordered list of
// forward migrations. Version N's step turns a version N-1 database into a
// version N one; PRAGMA user_version records the version reached. Steps are
// only ever appended: a released step is never edited, since databases in
// the field already ran it.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "store/store.h"

struct sqlite3;

namespace evenhand::sqlite_store {

struct Migration {
  int version;       // 1, 2, 3, ... in order, no gaps
  const char* what;  // one line for humans
  const char* sql;   // one or more statements
  // Run after `sql`, in the same transaction, when a step needs code (the
  // audit tree's build over the stored entries); nullptr for most steps.
  Status (*after)(sqlite3* db, const std::string& path) = nullptr;
};

// The steps this build knows; the last one's version is the current schema.
std::span<const Migration> Migrations();
int CurrentSchemaVersion();

// PRAGMA application_id of an evenhand database ("EVNH").
inline constexpr int kApplicationId = 0x45564E48;

// OpenSqliteStore with a chosen list of steps (tests exercise multi-step and
// failing migrations with it). All pending steps run in one transaction: the
// database ends at the last version or stays where it was.
Result<std::unique_ptr<Store>> OpenSqliteStoreWithMigrations(const std::string& path,
                                                             std::span<const Migration> migrations);

}  // namespace evenhand::sqlite_store
