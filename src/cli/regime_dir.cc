#include "cli/regime_dir.h"

#include <filesystem>
#include <system_error>

namespace evenhand::cli {

namespace {

bool IsDir(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_directory(p, ec);
}

}  // namespace

std::string DefaultRegimeDir() {
  const std::string relative = "policies/regimes";
  if (IsDir(relative)) return relative;
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path beside = exe.parent_path().parent_path() / "share" / "evenhand" / "regimes";
    if (IsDir(beside)) return beside.string();
  }
#ifdef EVENHAND_SOURCE_REGIMES
  if (IsDir(EVENHAND_SOURCE_REGIMES)) return EVENHAND_SOURCE_REGIMES;
#endif
  return relative;
}

}  // namespace evenhand::cli
