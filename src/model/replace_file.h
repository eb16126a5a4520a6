// Putting a finished output in place. Every verb that writes a file writes
// it under a temporary name first and calls ReplaceFile when it is complete,
// so a killed run never leaves a half-written output under the real name.
//
// ReplaceFile(temp, path): when `path` is missing or a regular file, renames
// `temp` over it (atomic). When `path` exists and is anything else -- a
// character device such as /dev/null, a FIFO, a terminal, a socket -- a
// rename would replace that node with a regular file (as root, /dev/null
// itself), so the contents of `temp` are copied into `path` opened for
// writing instead, and `temp` is removed. On success `temp` is gone; on
// error it is left for the caller (to remove, or to point the user at).
// Thread safe (no state).
#pragma once

#include <string>

#include "model/status.h"

namespace evenhand {

Status ReplaceFile(const std::string& temp, const std::string& path);

}  // namespace evenhand
