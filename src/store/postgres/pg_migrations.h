// Private to store/postgres: the PostgreSQL schema as an ordered list of
// forward migrations, numbered on their own (1, 2, ...; SQLite's numbers
// are another sequence). The table evenhand_schema records each step
// applied. Steps are only ever appended; a released step is never edited.
//
// Migrate() runs every pending step in one transaction under an advisory
// lock, so two processes opening a new database at once migrate it once.
// A database with tables but no evenhand_schema is someone else's and is
// refused; one migrated by a newer evenhand is refused too.
#pragma once

#include <span>

#include "store/postgres/pg_conn.h"
#include "store/store.h"

namespace evenhand::pg_store {

struct Migration {
  int version;       // 1, 2, 3, ... in order, no gaps
  const char* what;  // one line for humans
  const char* sql;   // one or more statements
  // Run after `sql`, in the same transaction, when a step needs code (the
  // audit tree's secret); nullptr for most steps.
  Status (*after)(PgConn& conn) = nullptr;
};

std::span<const Migration> Migrations();
int CurrentSchemaVersion();

// Brings the connected database to the last version of `steps`. With
// OpenMode::kMustExist a database holding no evenhand schema is NotFound
// (and is left untouched). *version receives the version reached.
Status Migrate(PgConn& conn, std::span<const Migration> steps, OpenMode mode, int* version);

}  // namespace evenhand::pg_store
