// Outputs written under a temporary name (PATH.tmp-PID) and renamed into
// place on success. A process killed before the rename leaves its temporary
// file behind; the next run removes those of processes that are gone.
#pragma once

#include <string>

namespace evenhand::cli {

// Removes PATH.tmp-N files in PATH's directory whose process N no longer
// exists (never this process's, never a live one's), then returns
// PATH.tmp-<this pid>.
std::string TempOutputPath(const std::string& path);

}  // namespace evenhand::cli
