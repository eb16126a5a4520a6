// Statements of reasons for actions taken on notices (DSA Art. 16 and 17):
// one per notified item a decided notice withheld, removed or labelled.
// A notice naming a jurisdiction was judged against its law (ground:
// illegal content, the legal ground from the notice's regime); one naming
// none was judged against the terms (ground: incompatible content). The
// source is SOURCE_ARTICLE_16, or SOURCE_TRUSTED_FLAGGER (with the flagger
// as identity) for a registered trusted flagger; a notifier who is a
// private person is never named. Decisions on notices are human ones.
#pragma once

#include <functional>
#include <vector>

#include "cases/statement_builder.h"
#include "model/notice.h"
#include "model/statement.h"
#include "regimes/regime.h"
#include "store/store.h"

namespace evenhand {

// Whether the notice's decision restricts its items now (decided or
// notified, action taken, and the action withholds or removes).
bool NoticeRestricts(const Notice& notice);

Status ForEachNoticeStatement(Store& store, const std::vector<Regime>& regimes, const StatementOptions& options,
                              const std::function<void(const Statement&)>& fn);

}  // namespace evenhand
