// The on-disk cache of compiled Vectorscan databases (text/db_cache.h):
// a stored database loads back and matches as compiled; a file that fails a
// check (changed bytes, shared permissions, a symlink, another key) is not
// loaded; a directory others can write to is not used; at most kMaxFiles
// stay; a term matcher compiled through a warm or a corrupted cache matches
// exactly as one compiled without it.
#include "text/db_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <tuple>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "text/matcher.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    std::string t = (fs::temp_directory_path() / "evenhand-dbcache-XXXXXX").string();
    path = mkdtemp(t.data());
  }
  ~TempDir() { fs::remove_all(path); }
};

hs_database_t* CompileOne(const char* literal) {
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  const unsigned flag = 0, id = 7;
  const size_t len = std::strlen(literal);
  EXPECT_EQ(hs_compile_lit_multi(&literal, &flag, &id, &len, 1, HS_MODE_BLOCK, nullptr, &db, &err), HS_SUCCESS);
  return db;
}

int OnHit(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  static_cast<std::vector<unsigned long long>*>(ctx)->push_back(id * 1000 + to);
  return 0;
}

std::vector<unsigned long long> Hits(const hs_database_t* db, const std::string& text) {
  hs_scratch_t* scratch = nullptr;
  EXPECT_EQ(hs_alloc_scratch(db, &scratch), HS_SUCCESS);
  std::vector<unsigned long long> hits;
  hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, OnHit, &hits);
  hs_free_scratch(scratch);
  return hits;
}

std::vector<fs::path> CacheFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".hsdb") files.push_back(e.path());
  return files;
}

TEST(DbCache, StoredDatabaseLoadsBackUnderItsKeyOnly) {
  TempDir t;
  hs_database_t* db = CompileOne("needle");
  dbcache::Store(t.path.string(), "key one", db);
  hs_free_database(db);
  ASSERT_EQ(CacheFiles(t.path).size(), 1u);
  hs_database_t* back = dbcache::Load(t.path.string(), "key one");
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(Hits(back, "a needle, another needle"), (std::vector<unsigned long long>{7008, 7024}));
  hs_free_database(back);
  EXPECT_EQ(dbcache::Load(t.path.string(), "key two"), nullptr);
  EXPECT_EQ(dbcache::Load("", "key one"), nullptr);
}

TEST(DbCache, FileThatFailsACheckIsNotLoaded) {
  TempDir t;
  hs_database_t* db = CompileOne("needle");
  dbcache::Store(t.path.string(), "k", db);
  hs_free_database(db);
  const fs::path file = CacheFiles(t.path).at(0);
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  ASSERT_GT(bytes.size(), 100u);
  auto write = [&](const std::string& b) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << b;
  };
  std::string changed = bytes;
  changed[changed.size() / 2] ^= 1;  // one bit of the database
  write(changed);
  EXPECT_EQ(dbcache::Load(t.path.string(), "k"), nullptr);
  write(bytes.substr(0, bytes.size() - 1));  // truncated
  EXPECT_EQ(dbcache::Load(t.path.string(), "k"), nullptr);
  write(bytes);
  hs_database_t* ok = dbcache::Load(t.path.string(), "k");
  EXPECT_NE(ok, nullptr);
  hs_free_database(ok);
  chmod(file.c_str(), 0664);  // others may write to it
  EXPECT_EQ(dbcache::Load(t.path.string(), "k"), nullptr);
  chmod(file.c_str(), 0600);
  const fs::path real = t.path / "real";
  fs::rename(file, real);
  fs::create_symlink(real, file);  // a symlink in place of the file
  EXPECT_EQ(dbcache::Load(t.path.string(), "k"), nullptr);
}

TEST(DbCache, DirectoryFromTheEnvironmentMustBePrivate) {
  TempDir t;
  const fs::path shared = t.path / "shared", mine = t.path / "mine";
  fs::create_directory(shared);
  chmod(shared.c_str(), 0777);
  setenv("EVENHAND_CACHE_DIR", shared.c_str(), 1);
  EXPECT_EQ(dbcache::Dir(), "");
  setenv("EVENHAND_CACHE_DIR", mine.c_str(), 1);  // created 0700
  EXPECT_EQ(dbcache::Dir(), mine.string());
  EXPECT_EQ(fs::status(mine).permissions() & fs::perms::all, fs::perms::owner_all);
  setenv("EVENHAND_CACHE_DIR", "", 1);  // set and empty: no cache
  EXPECT_EQ(dbcache::Dir(), "");
  unsetenv("EVENHAND_CACHE_DIR");
}

TEST(DbCache, KeepsAtMostMaxFiles) {
  TempDir t;
  hs_database_t* db = CompileOne("needle");
  for (size_t i = 0; i < dbcache::kMaxFiles + 5; ++i) dbcache::Store(t.path.string(), "key " + std::to_string(i), db);
  hs_free_database(db);
  EXPECT_EQ(CacheFiles(t.path).size(), dbcache::kMaxFiles);
}

// A list big enough to be cached (compiling it takes more than 5 ms).
TermList BigList() {
  TermList l;
  l.name = "big";
  const char* syll[] = {"ka", "ro", "mi", "te", "su", "no", "ha", "li", "be", "zu"};
  for (int i = 0; i < 1500; ++i) {
    std::string w;
    for (int n = i; w.size() < 6 || n > 0; n /= 10) w += syll[n % 10];
    l.terms.push_back(i % 3 ? w : w + " " + syll[i % 10] + "x");
  }
  l.terms.push_back("easy money");
  return l;
}

std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> MatchAll(const TermMatcher& m, const std::vector<std::string>& texts) {
  Normalizer n;
  auto scratch = m.NewScratch();
  std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> all;
  NormalizedText nt;
  std::vector<TermMatch> out;
  for (const std::string& t : texts) {
    n.Normalize(t, &nt);
    m.Scan(nt, scratch.get(), &out);
    for (const TermMatch& x : out) all.emplace_back(x.term, x.begin, x.end);
  }
  return all;
}

TEST(DbCache, MatcherThroughWarmOrCorruptedCacheMatchesAsCompiled) {
  TempDir t;
  const std::vector<std::string> texts = {"e a s y  m o n e y", "kakaka roro kamiteka", "EASY, money!", "kakakaka",
                                          "nothing here"};
  Normalizer n;
  setenv("EVENHAND_CACHE_DIR", "", 1);
  auto plain = TermMatcher::Compile({BigList()}, n);
  ASSERT_TRUE(plain.ok());
  const auto want = MatchAll(**plain, texts);
  ASSERT_GE(want.size(), 2u);
  setenv("EVENHAND_CACHE_DIR", t.path.c_str(), 1);
  auto cold = TermMatcher::Compile({BigList()}, n);
  ASSERT_TRUE(cold.ok());
  EXPECT_EQ(MatchAll(**cold, texts), want);
  const auto files = CacheFiles(t.path);
  ASSERT_GE(files.size(), 1u);  // the literal database took long enough to be cached
  auto warm = TermMatcher::Compile({BigList()}, n);
  ASSERT_TRUE(warm.ok());
  EXPECT_EQ(MatchAll(**warm, texts), want);
  for (const fs::path& f : files) {  // every cached file damaged: compiled again, same matches
    std::fstream io(f, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(200);
    io.put('\x5a');
  }
  auto again = TermMatcher::Compile({BigList()}, n);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(MatchAll(**again, texts), want);
  unsetenv("EVENHAND_CACHE_DIR");
}

}  // namespace
}  // namespace evenhand
