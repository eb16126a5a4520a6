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
//
// WriteFileReplacing(path, data): the whole of it for an output held in
// memory: writes `data` to PATH.tmp, checks every write and the close (a full
// disk shows only there), then ReplaceFile. On any error PATH.tmp is removed,
// PATH is as it was, and the Status names the file and the OS error.
// Thread safe (no state); two writers of one PATH at once are not.
#pragma once

#include <string>
#include <string_view>

#include "model/status.h"

namespace evenhand {

Status ReplaceFile(const std::string& temp, const std::string& path);
Status WriteFileReplacing(const std::string& path, std::string_view data);

}  // namespace evenhand
