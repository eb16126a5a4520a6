// The time-to-action order of a record, sorted once and shared by every
// report of a run: the audit, the time breakdowns and the transparency
// report each walk it and so get each group's observations already sorted
// (Kaplan-Meier and the log-rank test need them sorted) without sorting
// again per report or per group, and read it front to back.
//
// The order holds every case but rejected ones (which are not
// observations), by ascending HoursToAction(row, record.as_of); ties in any
// order (no estimate depends on the order within a tie).
#pragma once

#include <vector>

#include "analytics/record.h"

namespace evenhand::analytics {

// Sorts (a radix sort on whole seconds: linear in the number of cases).
TimeColumns SortByTime(const Record& record);

// Sets record->by_time (and the fields that say what it was made from).
void IndexByTime(Record* record);

// record.by_time when it was made for the record's current cases and as_of;
// otherwise sorts into *scratch and returns that.
const TimeColumns& TimeOrder(const Record& record, TimeColumns* scratch);

}  // namespace evenhand::analytics
