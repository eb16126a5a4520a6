#include "model/replace_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace evenhand {

namespace {

// Copies `temp` into `path` opened for writing (not created, not renamed).
Status CopyInto(const std::string& temp, const std::string& path) {
  std::FILE* in = std::fopen(temp.c_str(), "rb");
  if (in == nullptr) return Status::Io(temp + ": cannot read the finished output");
  std::FILE* out = std::fopen(path.c_str(), "wb");
  if (out == nullptr) {
    std::fclose(in);
    return Status::Io(path + ": cannot open for writing");
  }
  char buf[1 << 16];
  bool ok = true;
  for (size_t n; ok && (n = std::fread(buf, 1, sizeof buf, in)) > 0;) ok = std::fwrite(buf, 1, n, out) == n;
  ok = ok && !std::ferror(in);
  std::fclose(in);
  ok = (std::fclose(out) == 0) && ok;
  return ok ? Status::Ok() : Status::Io(path + ": write failed");
}

}  // namespace

Status ReplaceFile(const std::string& temp, const std::string& path) {
  struct stat st;
  Status s = Status::Ok();
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    s = S_ISDIR(st.st_mode) ? Status::Io(path + ": is a directory") : CopyInto(temp, path);
    if (s.ok()) std::remove(temp.c_str());
    return s;
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0)
    return Status::Io(path + ": cannot rename the finished output into place");
  return s;
}

Status WriteFileReplacing(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return Status::Io(tmp + ": cannot create: " + std::strerror(errno));
  int err = 0;  // the first failure's errno (EIO if the library left none)
  auto failed = [&err] { if (err == 0) err = errno != 0 ? errno : EIO; };
  errno = 0;
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) failed();
  if (std::fflush(f) != 0) failed();
  if (std::fclose(f) != 0) failed();
  if (err != 0) {
    std::remove(tmp.c_str());
    return Status::Io(path + ": write failed: " + std::strerror(err));
  }
  Status s = ReplaceFile(tmp, path);
  if (!s.ok()) std::remove(tmp.c_str());
  return s;
}

}  // namespace evenhand
