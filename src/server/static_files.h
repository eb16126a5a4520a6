// The dashboard's static files, read from one directory. Thread safe.
#pragma once

#include <string>

namespace evenhand::server {

// Reads the file that `path` (a target path already checked by ParseTarget:
// decoded, no dot segments, no control bytes) names under `dir`; "/" and
// paths ending in '/' name index.html. Refuses hidden names (a segment that
// starts with '.'), anything but regular files, and files over 16 MiB.
// False when there is no such file.
bool ReadStaticFile(const std::string& dir, const std::string& path, std::string* body, std::string* content_type);

}  // namespace evenhand::server
