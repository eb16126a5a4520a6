// TempDir: a folder under /tmp made on demand (Make) and removed with
// everything in it when the TempDir goes. For the policy revisions a
// process following a published policy unpacks (worker, serve).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "model/status.h"

namespace evenhand::cli {

class TempDir {
 public:
  TempDir() = default;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  Status Make() {
    char tmpl[] = "/tmp/evenhand-policy-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return Status::Io("cannot make a temporary folder under /tmp");
    path_ = tmpl;
    return Status::Ok();
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace evenhand::cli
