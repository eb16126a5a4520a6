// Statements of reasons for ordered actions: one per item an order in force
// restricts (Order::InForce — withheld in its jurisdiction, or removed
// globally; an account target restricts every stored post of the account).
// The statement's category is the DSA category of the order's regime
// category (its first mapping), or the order's category itself when that is
// already a DSA short form. Orders with no action, rejected, pending or
// reversed on appeal (cases/standing.h) give none; `reversed_left_out`,
// when given, counts the statements reversed orders would have given.
#pragma once

#include <functional>
#include <vector>

#include "cases/statement_builder.h"
#include "model/statement.h"
#include "regimes/regime.h"
#include "store/store.h"

namespace evenhand {

// Calls `fn` for each statement, orders in received order, targets in order.
Status ForEachOrderStatement(Store& store, const std::vector<Regime>& regimes, const StatementOptions& options,
                             const std::function<void(const Statement&)>& fn, int64_t* reversed_left_out = nullptr);

}  // namespace evenhand
