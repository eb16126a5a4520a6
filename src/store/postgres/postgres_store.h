// PostgreSQL backend of Store (issue 18): libpq, one connection per Store,
// schema migrations of its own (pg_migrations.h). Opened by OpenStore for
// "postgres://USER@HOST:PORT/DB" and "postgresql://..." URLs (any libpq
// URI: ?host=/socket/dir, sslmode, ...). The database must exist
// (`createdb`); the store creates its tables in it.
//
// Implements the whole Store interface and the AuditTreeStore (see
// docs/ARCHITECTURE.md, "Store backends").
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace evenhand {

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url, OpenMode mode = OpenMode::kCreate);

}  // namespace evenhand
