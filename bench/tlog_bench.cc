// The audit log's Merkle tree (issue 19): append throughput, proof time at
// 10^8 entries from tiles, storage per entry. One thread throughout.
//
//   tlog_bench append DIR [N] [BATCH]   N audit entries through Store::AppendAudit in
//                                       transactions of BATCH (chain + tree), in a new
//                                       store in DIR; then the tree alone (AppendLeaves
//                                       into SQLite tiles) and the bytes per entry
//   tlog_bench proof DIR [SIZE] [PROOFS] inclusion and consistency proofs in a tree of
//                                       SIZE leaves (default 10^8) from tiles read out of
//                                       SQLite. The leaves are random hashes; the tree over
//                                       them is built in full by AppendLeaves (so every
//                                       level agrees with the one below), and only the
//                                       tiles the proofs read are stored in SQLite. Every
//                                       proof is verified against the tree's root.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "store/audit_tree.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/tlog_sql.h"
#include "store/store.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace fs = std::filesystem;
using namespace evenhand;
using Clock = std::chrono::steady_clock;

namespace {

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

int Die(const Status& s) {
  std::fprintf(stderr, "tlog_bench: %s\n", s.message().c_str());
  return 1;
}

int64_t Scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &s, nullptr);
  int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  return v;
}

int Append(const std::string& dir, int64_t n, int64_t batch) {
  fs::create_directories(dir);
  const std::string path = dir + "/append.db";
  fs::remove(path);
  fs::remove(path + "-wal");
  fs::remove(path + "-shm");
  auto store = OpenSqliteStore(path);
  if (!store.ok()) return Die(store.status());
  Store& s = **store;
  std::string subject, payload;
  auto t0 = Clock::now();
  for (int64_t done = 0; done < n;) {
    if (Status st = s.Begin(); !st.ok()) return Die(st);
    const int64_t end = std::min(n, done + batch);
    for (; done < end; ++done) {
      subject = "p" + std::to_string(done);
      payload = "{\"action\":\"remove\",\"category\":\"spam\",\"policy\":\"bench@1\",\"n\":" + std::to_string(done) + "}";
      if (Status st = s.AppendAudit("scan", "decision", subject, payload); !st.ok()) return Die(st);
    }
    if (Status st = s.Commit(); !st.ok()) return Die(st);
  }
  auto t1 = Clock::now();
  auto report = VerifyAuditTree(s);
  if (!report.ok()) return Die(report.status());
  if (!report->ok()) return Die(Status::Corrupt(report->problems.front()));
  std::printf("store append (chain + tree, synchronous=FULL): %lld entries in batches of %lld: %.3f s, %.0f entries/s\n",
              static_cast<long long>(n), static_cast<long long>(batch), Seconds(t0, t1), n / Seconds(t0, t1));
  store->reset();

  // The tree alone: the same leaves appended again into fresh tiles in one transaction.
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", nullptr, nullptr, nullptr);
  const int64_t tile_bytes = Scalar(db, "SELECT SUM(length(hashes)) FROM tlog_tiles");
  const int64_t tiles = Scalar(db, "SELECT COUNT(*) FROM tlog_tiles");
  std::vector<tlog::Hash> leaves;
  leaves.reserve(static_cast<size_t>(n));
  {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "SELECT hashes FROM tlog_tiles WHERE level = 0 ORDER BY idx", -1, &st, nullptr);
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(st, 0));
      const int len = sqlite3_column_bytes(st, 0);
      for (int i = 0; i + 32 <= len; i += 32) {
        tlog::Hash h;
        std::copy(p + i, p + i + 32, h.begin());
        leaves.push_back(h);
      }
    }
    sqlite3_finalize(st);
  }
  sqlite3_exec(db, "BEGIN IMMEDIATE; DELETE FROM tlog_tiles;", nullptr, nullptr, nullptr);
  {
    sqlite_store::TlogSql tiles_sql(db, path);
    auto t2 = Clock::now();
    for (int64_t done = 0; done < n; done += batch) {
      const int64_t len = std::min(batch, n - done);
      if (Status st = tlog::AppendLeaves(tiles_sql, static_cast<uint64_t>(done),
                                         std::span<const tlog::Hash>(leaves.data() + done, static_cast<size_t>(len)));
          !st.ok())
        return Die(st);
    }
    auto t3 = Clock::now();
    std::printf("tree alone (AppendLeaves into SQLite tiles, one transaction, batches of %lld): %.3f s, %.0f leaves/s\n",
                static_cast<long long>(batch), Seconds(t2, t3), n / Seconds(t2, t3));
  }
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  // Storage: tile bytes, and the file with and without the tiles.
  sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE); VACUUM;", nullptr, nullptr, nullptr);
  const auto with_tree = fs::file_size(path);
  sqlite3_exec(db, "DELETE FROM tlog_tiles; VACUUM;", nullptr, nullptr, nullptr);
  const auto without_tree = fs::file_size(path);
  sqlite3_close(db);
  std::printf("storage: %lld tiles, %lld hash bytes (%.2f bytes/entry); file %llu bytes with the tree, %llu without: "
              "%.2f bytes/entry\n",
              static_cast<long long>(tiles), static_cast<long long>(tile_bytes), double(tile_bytes) / n,
              static_cast<unsigned long long>(with_tree), static_cast<unsigned long long>(without_tree),
              double(with_tree - without_tree) / n);
  return 0;
}

// Records which tiles a proof reads (contents are placeholders): which tiles
// a proof touches depends on the tree size and the indices, never on the hashes.
class TileRecorder final : public tlog::TileStorage {
 public:
  explicit TileRecorder(uint64_t size) : size_(size) {}
  Result<std::string> ReadTile(int level, uint64_t index) override {
    read_.insert({level, index});
    return std::string(32 * tlog::TileWidthAt(level, index, size_), '\x5a');
  }
  Status WriteTile(int, uint64_t, std::string_view) override { return Status::Internal("read only"); }
  const std::set<std::pair<int, uint64_t>>& read() const { return read_; }

 private:
  uint64_t size_;
  std::set<std::pair<int, uint64_t>> read_;
};

// The tiles AppendLeaves writes for a whole tree, keeping every tile above
// level 0 (1/256 of the leaves' bytes) but, of level 0, only the tiles in
// `wanted` and the rightmost one (which the next append extends).
class KeptTiles final : public tlog::TileStorage {
 public:
  explicit KeptTiles(const std::set<std::pair<int, uint64_t>>& wanted) : wanted_(wanted) {}
  Result<std::string> ReadTile(int level, uint64_t index) override {
    if (level == 0 && index == last_index_) return last_;
    auto it = kept_.find({level, index});
    return it == kept_.end() ? std::string() : it->second;
  }
  Status WriteTile(int level, uint64_t index, std::string_view hashes) override {
    if (level == 0) {
      last_index_ = index;
      last_.assign(hashes);
      if (!wanted_.count({0, index})) return Status::Ok();
    }
    kept_[{level, index}].assign(hashes);
    return Status::Ok();
  }
  std::string Wanted(int level, uint64_t index) {
    auto r = ReadTile(level, index);
    return r.ok() ? *r : std::string();
  }

 private:
  const std::set<std::pair<int, uint64_t>>& wanted_;
  std::map<std::pair<int, uint64_t>, std::string> kept_;
  uint64_t last_index_ = UINT64_MAX;
  std::string last_;
};

int Proof(const std::string& dir, uint64_t size, int proofs) {
  fs::create_directories(dir);
  const std::string path = dir + "/proof.db";
  fs::remove(path);
  std::mt19937_64 rng(19);
  std::vector<uint64_t> leaves(static_cast<size_t>(proofs)), olds(static_cast<size_t>(proofs));
  for (int i = 0; i < proofs; ++i) {
    leaves[i] = rng() % size;
    olds[i] = 1 + rng() % (size - 1);
  }
  // Which tiles the proofs (and the roots they are checked against) read.
  TileRecorder recorder(size);
  {
    tlog::TileSource src(recorder, size);
    if (!tlog::TreeHash(src, size).ok()) return Die(Status::Internal("root"));
    for (int i = 0; i < proofs; ++i) {
      tlog::TileSource s1(recorder, size);
      if (auto p = tlog::InclusionProof(s1, leaves[i], size); !p.ok()) return Die(p.status());
      tlog::TileSource s0(recorder, size);
      if (auto h = s0.Subtree(0, leaves[i]); !h.ok()) return Die(h.status());
      tlog::TileSource s2(recorder, size);
      if (auto p = tlog::ConsistencyProof(s2, olds[i], size); !p.ok()) return Die(p.status());
      tlog::TileSource s3(recorder, olds[i]);
      if (auto r = tlog::TreeHash(s3, olds[i]); !r.ok()) return Die(r.status());
    }
  }
  // The real tree over random leaves, built by the log's own append.
  KeptTiles kept(recorder.read());
  {
    auto t0 = Clock::now();
    std::vector<tlog::Hash> batch(1 << 16);
    for (uint64_t done = 0; done < size;) {
      const size_t len = static_cast<size_t>(std::min<uint64_t>(batch.size(), size - done));
      for (size_t i = 0; i < len; ++i)
        for (size_t j = 0; j < 32; j += 8) {
          const uint64_t v = rng();
          std::memcpy(batch[i].data() + j, &v, 8);
        }
      if (Status s = tlog::AppendLeaves(kept, done, std::span<const tlog::Hash>(batch.data(), len)); !s.ok())
        return Die(s);
      done += len;
    }
    std::printf("built the tree of %llu random leaves with AppendLeaves in %.1f s\n",
                static_cast<unsigned long long>(size), Seconds(t0, Clock::now()));
  }
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA journal_mode = WAL;", nullptr, nullptr, nullptr);
  sqlite3_exec(db, sqlite_store::kTlogMigrationSql, nullptr, nullptr, nullptr);
  sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr);
  sqlite_store::TlogSql sql(db, path);
  for (const auto& [level, index] : recorder.read())
    if (Status s = sql.WriteTile(level, index, kept.Wanted(level, index)); !s.ok()) return Die(s);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  std::printf("tree of %llu leaves: %zu tiles stored (those %d proofs read), file %llu bytes\n",
              static_cast<unsigned long long>(size), recorder.read().size(), proofs,
              static_cast<unsigned long long>(fs::file_size(path)));

  tlog::TileSource root_src(sql, size);
  const tlog::Hash root = *tlog::TreeHash(root_src, size);
  std::vector<double> inc, con;
  int tiles_read = 0;
  for (int i = 0; i < proofs; ++i) {
    auto t0 = Clock::now();
    tlog::TileSource src(sql, size);  // a fresh source: every tile read from SQLite again
    auto p = tlog::InclusionProof(src, leaves[i], size);
    auto t1 = Clock::now();
    if (!p.ok()) return Die(p.status());
    tiles_read += src.tiles_read();
    inc.push_back(Seconds(t0, t1) * 1e6);
    tlog::TileSource leaf_src(sql, size);
    if (Status v = tlog::VerifyInclusion(*leaf_src.Subtree(0, leaves[i]), leaves[i], size, *p, root); !v.ok())
      return Die(v);
    auto t2 = Clock::now();
    tlog::TileSource csrc(sql, size);
    auto c = tlog::ConsistencyProof(csrc, olds[i], size);
    auto t3 = Clock::now();
    if (!c.ok()) return Die(c.status());
    con.push_back(Seconds(t2, t3) * 1e6);
    tlog::TileSource old_src(sql, olds[i]);
    if (Status v = tlog::VerifyConsistency(olds[i], size, *tlog::TreeHash(old_src, olds[i]), root, *c); !v.ok())
      return Die(v);
  }
  sqlite3_close(db);
  auto report = [](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    std::printf("%s: median %.1f us, p99 %.1f us, max %.1f us (%zu proofs, each verified)\n", what, v[v.size() / 2],
                v[v.size() * 99 / 100], v.back(), v.size());
  };
  report("inclusion proof from SQLite tiles", inc);
  report("consistency proof from SQLite tiles", con);
  std::printf("tiles read per inclusion proof: %.2f\n", double(tiles_read) / proofs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: tlog_bench append DIR [N] [BATCH] | proof DIR [SIZE] [PROOFS]\n");
    return 2;
  }
  const std::string mode = argv[1], dir = argv[2];
  if (mode == "append")
    return Append(dir, argc > 3 ? std::stoll(argv[3]) : 1000000, argc > 4 ? std::stoll(argv[4]) : 10000);
  if (mode == "proof")
    return Proof(dir, argc > 3 ? std::stoull(argv[3]) : 100000000ULL, argc > 4 ? std::stoi(argv[4]) : 1000);
  std::fprintf(stderr, "tlog_bench: unknown mode %s\n", mode.c_str());
  return 2;
}
