// dbcache: see db_cache.h.

#include "text/db_cache.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace evenhand::dbcache {

namespace {

constexpr char kMagic[8] = {'E', 'V', 'H', 'S', 'D', 'B', '1', '\n'};
constexpr size_t kHeader = sizeof(kMagic) + SHA256_DIGEST_LENGTH;
constexpr off_t kMaxBytes = off_t{1} << 30;
constexpr const char* kSuffix = ".hsdb";

std::string Hex(const unsigned char* d, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s += digits[d[i] >> 4];
    s += digits[d[i] & 15];
  }
  return s;
}

// The file name for `what`: the SHA-256 of it, the Vectorscan version and
// this CPU's features (a database built for other features may not run).
std::string FileName(std::string_view what) {
  hs_platform_info_t plat{};
  hs_populate_platform(&plat);
  std::string key = "evenhand-db-cache-1\n";
  key += hs_version();
  key += '\n';
  key += std::to_string(plat.tune) + ' ' + std::to_string(plat.cpu_features) + '\n';
  key.append(what.data(), what.size());
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), d);
  return Hex(d, sizeof d) + kSuffix;
}

bool Private(const struct stat& st) { return st.st_uid == geteuid() && (st.st_mode & 022) == 0; }

bool MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) return false;
  struct stat st;
  return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Keeps the kMaxFiles most recently used cache files.
void Evict(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  std::vector<std::pair<struct timespec, std::string>> files;
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() <= std::strlen(kSuffix) || name.compare(name.size() - std::strlen(kSuffix), std::string::npos, kSuffix))
      continue;
    struct stat st;
    if (fstatat(dirfd(d), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
      files.emplace_back(st.st_mtim, name);
  }
  closedir(d);
  if (files.size() <= kMaxFiles) return;
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.first.tv_sec, a.first.tv_nsec) > std::make_pair(b.first.tv_sec, b.first.tv_nsec);
  });
  for (size_t i = kMaxFiles; i < files.size(); ++i) unlink((dir + '/' + files[i].second).c_str());
}

}  // namespace

std::string Dir() {
  std::string dir;
  if (const char* e = std::getenv("EVENHAND_CACHE_DIR")) {
    dir = e;
    if (dir.empty() || !MakeDir(dir)) return "";
  } else {
    std::string base;
    if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x == '/') {
      base = x;
    } else if (const char* h = std::getenv("HOME"); h && *h == '/') {
      base = std::string(h) + "/.cache";
    } else {
      return "";
    }
    if (!MakeDir(base)) return "";
    dir = base + "/evenhand";
    if (!MakeDir(dir)) return "";
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || !Private(st)) return "";
  return dir;
}

hs_database_t* Load(const std::string& dir, std::string_view what) {
  if (dir.empty()) return nullptr;
  const std::string path = dir + '/' + FileName(what);
  const int fd = open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st;
  std::string bytes;
  bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && Private(st) && st.st_size > static_cast<off_t>(kHeader) &&
            st.st_size < kMaxBytes;
  if (ok) {
    bytes.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t r = read(fd, bytes.data() + got, bytes.size() - got);
      if (r <= 0) break;
      got += static_cast<size_t>(r);
    }
    ok = got == bytes.size();
  }
  close(fd);
  if (!ok || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0) return nullptr;
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data() + kHeader), bytes.size() - kHeader, d);
  if (std::memcmp(d, bytes.data() + sizeof kMagic, sizeof d) != 0) return nullptr;
  hs_database_t* db = nullptr;
  if (hs_deserialize_database(bytes.data() + kHeader, bytes.size() - kHeader, &db) != HS_SUCCESS) return nullptr;
  utimensat(AT_FDCWD, path.c_str(), nullptr, AT_SYMLINK_NOFOLLOW);  // recently used
  return db;
}

void Store(const std::string& dir, std::string_view what, const hs_database_t* db) {
  if (dir.empty() || !db) return;
  char* ser = nullptr;
  size_t len = 0;
  if (hs_serialize_database(db, &ser, &len) != HS_SUCCESS) return;
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(ser), len, d);
  std::string tmp = dir + "/.tmp-XXXXXX";
  const int fd = mkstemp(tmp.data());
  bool ok = fd >= 0;
  if (ok) {
    auto put = [&](const void* p, size_t n) {
      const char* c = static_cast<const char*>(p);
      while (ok && n > 0) {
        const ssize_t r = write(fd, c, n);
        if (r <= 0) ok = false;
        else c += r, n -= static_cast<size_t>(r);
      }
    };
    put(kMagic, sizeof kMagic);
    put(d, sizeof d);
    put(ser, len);
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp.c_str(), (dir + '/' + FileName(what)).c_str()) == 0;
    if (!ok) unlink(tmp.c_str());
  }
  std::free(ser);
  if (ok) Evict(dir);
}

}  // namespace evenhand::dbcache
