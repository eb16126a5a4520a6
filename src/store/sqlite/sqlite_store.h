// SQLite backend of Store: WAL journal, prepared statements, schema
// versions with forward migrations (PRAGMA user_version).
#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace evenhand {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path, OpenMode mode = OpenMode::kCreate);

// How long a store opened after this call waits for another process's lock
// before an operation fails with an Io status saying "the database is busy"
// (default kDefaultBusyTimeoutMs, model/limits.h; the CLI's
// --busy-timeout-ms). Thread safe.
void SetStoreBusyTimeoutMs(int ms);
int StoreBusyTimeoutMs();

// The Store writes each decision's row of the analytics facts table with
// the decision. A store filled by other means (a bulk load with its own
// SQL) calls this once after: it writes the facts of every decision that
// has none, in one transaction.
Status RefreshDecisionFacts(const std::string& path);

}  // namespace evenhand
