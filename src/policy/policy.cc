#include "policy/policy.h"

#include "policy/expr.h"

namespace evenhand {

int Policy::Evaluate(const EvalContext& ctx) const {
  const int n = static_cast<int>(rules_.size());
  for (int i = 0; i < n; ++i) {
    const Expr* when = rules_[static_cast<size_t>(i)].when.get();
    if (when != nullptr && when->EvalBool(ctx)) return i;
  }
  return -1;
}

}  // namespace evenhand
