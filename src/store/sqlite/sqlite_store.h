// SQLite backend of Store: WAL journal, prepared statements, schema
// versions with forward migrations (PRAGMA user_version).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace evenhand {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, OpenMode mode = OpenMode::kCreate);

}  // namespace evenhand
