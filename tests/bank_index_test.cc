// Hash banks: the multi-index-hashing search against the reference's
// needles/haystack pairs and against brute force; adds, removals, safe banks,
// dihedral queries and the file formats.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <set>
#include <thread>
#include <tuple>

#include "bank/bank.h"
#include "bank/bank_io.h"
#include "bank/bank_set.h"
#include "bank/mih_index.h"

namespace evenhand {
namespace {

const std::string kHashes = std::string(EVENHAND_SOURCE_DIR) + "/tests/data/pdq/hashes/";

std::vector<std::pair<uint32_t, int>> Sorted(std::vector<HashMatch> v) {
  std::vector<std::pair<uint32_t, int>> out;
  for (auto& m : v) out.push_back({m.id, m.distance});
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<uint32_t, int>> BruteForce(const std::vector<Hash256>& bank, const Hash256& q, int r,
                                                 const std::set<uint32_t>& removed = {}) {
  std::vector<std::pair<uint32_t, int>> out;
  for (uint32_t i = 0; i < bank.size(); ++i) {
    int d = Distance(bank[i], q);
    if (d <= r && !removed.count(i)) out.push_back({i, d});
  }
  return out;
}

Hash256 RandomHash(std::mt19937_64& rng) {
  Hash256 h;
  for (auto& w : h.w) w = rng();
  return h;
}

Hash256 FlipBits(Hash256 h, int bits, std::mt19937_64& rng) {
  std::vector<int> pos(256);
  for (int i = 0; i < 256; ++i) pos[i] = i;
  std::shuffle(pos.begin(), pos.end(), rng);
  for (int i = 0; i < bits; ++i) h.w[pos[i] >> 6] ^= uint64_t{1} << (pos[i] & 63);
  return h;
}

TEST(BankIndex, NeedlesVsHaystackRadius31IsExactly250Pairs) {
  HashList needles, haystack;
  ASSERT_TRUE(ReadHashList(kHashes + "needles.txt", &needles).ok());
  ASSERT_TRUE(ReadHashList(kHashes + "haystack.txt", &haystack).ok());
  ASSERT_EQ(needles.hashes.size(), 100u);
  ASSERT_EQ(haystack.hashes.size(), 1350u);
  HashIndex index;
  index.Add(haystack.hashes.data(), haystack.hashes.size());
  std::set<std::tuple<int, int, int>> got, want;
  std::vector<HashMatch> out;
  for (size_t n = 0; n < needles.hashes.size(); ++n) {
    out.clear();
    index.Search(needles.hashes[n], 31, &out);
    for (auto& m : out) EXPECT_TRUE(got.insert({int(n), int(m.id), m.distance}).second) << "duplicate";
  }
  std::ifstream in(kHashes + "expected_matches_r31.csv");
  std::string line;
  while (std::getline(in, line)) {
    int a, b, d;
    if (std::sscanf(line.c_str(), "%d,%d,%d", &a, &b, &d) == 3) want.insert({a, b, d});
  }
  ASSERT_EQ(want.size(), 250u);
  EXPECT_EQ(got, want);
  // The other radii of expected_match_counts.csv.
  std::ifstream counts(kHashes + "expected_match_counts.csv");
  int checked = 0;
  while (std::getline(counts, line)) {
    int r, c;
    if (std::sscanf(line.c_str(), "%d,%d", &r, &c) != 2) continue;
    size_t total = 0;
    for (auto& q : needles.hashes) {
      out.clear();
      index.Search(q, r, &out);
      total += out.size();
    }
    EXPECT_EQ(total, static_cast<size_t>(c)) << "radius " << r;
    ++checked;
  }
  EXPECT_EQ(checked, 9);
}

// The property: for random banks with planted neighbours at every distance
// 0..40, the index returns exactly what brute force returns, at radii on
// both sides of the 16/32/48 flip boundaries.
TEST(BankIndex, EqualsBruteForceWithPlantedNeighbours) {
  std::mt19937_64 rng(42);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<Hash256> bank;
    std::vector<Hash256> queries;
    for (int i = 0; i < 3000 + 1000 * trial; ++i) bank.push_back(RandomHash(rng));
    for (int q = 0; q < 60; ++q) {
      Hash256 query = RandomHash(rng);
      queries.push_back(query);
      for (int d = 0; d <= 40; ++d) bank.push_back(FlipBits(query, d, rng));
      // Neighbours whose flips crowd into few chunks (the pigeonhole's edge).
      Hash256 crowded = query;
      for (int b = 0; b < 31; ++b) crowded.w[0] ^= uint64_t{1} << (b * 2);
      bank.push_back(crowded);
    }
    std::shuffle(bank.begin(), bank.end(), rng);
    HashIndex index;
    // Trial-dependent loading: one bulk add, or many small adds (segments + delta).
    if (trial % 2 == 0) {
      index.Add(bank.data(), bank.size());
    } else {
      for (size_t i = 0; i < bank.size(); i += 333) index.Add(bank.data() + i, std::min<size_t>(333, bank.size() - i));
    }
    std::vector<HashMatch> out;
    for (int r : {0, 1, 15, 16, 31, 32, 40, 47, 48, 60}) {
      for (const Hash256& q : queries) {
        out.clear();
        index.Search(q, r, &out);
        ASSERT_EQ(Sorted(out), BruteForce(bank, q, r)) << "trial " << trial << " radius " << r;
      }
    }
  }
}

// Neighbours placed against the index's filter bounds: chunk tables carry
// 96 signature bits (chunks c+1..c+6) and credit each earlier chunk outside
// them with flips + 1 bits. Here the first k chunks (k = 0..15) have exactly
// flips + 1 bits set, chunk k has `flips` bits (so table k reports it), and
// the remaining distance sits in the chunks right after k (the signature)
// or at the far end, giving totals at radius - 1, radius and radius + 1.
TEST(BankIndex, EqualsBruteForceAtTheFilterBounds) {
  std::mt19937_64 rng(99);
  std::vector<Hash256> bank;
  for (int i = 0; i < 2000; ++i) bank.push_back(RandomHash(rng));
  std::vector<Hash256> queries;
  auto flip_in_chunk = [&](Hash256* h, int chunk, int bits) {
    std::vector<int> pos(16);
    for (int i = 0; i < 16; ++i) pos[i] = i;
    std::shuffle(pos.begin(), pos.end(), rng);
    for (int i = 0; i < bits; ++i) {
      const int b = chunk * 16 + pos[i];
      h->w[b >> 6] ^= uint64_t{1} << (b & 63);
    }
  };
  for (int radius : {15, 31, 47}) {
    const int flips = radius / 16;
    for (int k = 0; k < 16; ++k) {
      for (int extra : {-1, 0, 1}) {
        for (bool far : {false, true}) {
          Hash256 q = RandomHash(rng);
          queries.push_back(q);
          Hash256 h = q;
          int used = 0;
          for (int c = 0; c < k; ++c) {
            flip_in_chunk(&h, c, flips + 1);
            used += flips + 1;
          }
          flip_in_chunk(&h, k, flips);
          used += flips;
          int left = radius + extra - used;
          for (int c = far ? 15 : k + 1; left > 0 && c > k && c < 16; c += far ? -1 : 1) {
            const int bits = std::min(left, 16);
            flip_in_chunk(&h, c, bits);
            left -= bits;
          }
          if (left == 0) bank.push_back(h);
        }
      }
    }
  }
  std::shuffle(bank.begin(), bank.end(), rng);
  HashIndex index;
  index.Add(bank.data(), bank.size());
  std::vector<HashMatch> out;
  for (int r : {14, 15, 16, 30, 31, 32, 46, 47}) {
    for (const Hash256& q : queries) {
      out.clear();
      index.Search(q, r, &out);
      ASSERT_EQ(Sorted(out), BruteForce(bank, q, r)) << "radius " << r;
    }
  }
}

TEST(BankIndex, AddRemoveWithoutRebuildAndConcurrentReaders) {
  std::mt19937_64 rng(7);
  std::vector<Hash256> bank;
  HashIndex index;
  for (int i = 0; i < 20000; ++i) {
    bank.push_back(RandomHash(rng));
    index.Add(bank.back());
  }
  EXPECT_LT(index.segment_count(), 16u);  // log-structured, not one segment per flush
  std::set<uint32_t> removed;
  for (uint32_t id = 0; id < bank.size(); id += 7) {
    ASSERT_TRUE(index.Remove(id));
    removed.insert(id);
  }
  EXPECT_FALSE(index.Remove(0));
  EXPECT_EQ(index.live_size(), bank.size() - removed.size());
  std::vector<Hash256> queries;
  for (int i = 0; i < 200; ++i) queries.push_back(FlipBits(bank[rng() % bank.size()], int(rng() % 32), rng));
  auto check = [&]() {
    std::vector<HashMatch> out;
    for (const auto& q : queries) {
      out.clear();
      index.Search(q, 31, &out);
      if (Sorted(out) != BruteForce(bank, q, 31, removed)) return false;
    }
    return true;
  };
  EXPECT_TRUE(check());
  // Readers on 4 threads beside a writer adding far-away hashes.
  std::vector<std::thread> readers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&]() {
      std::vector<HashMatch> out;
      for (int round = 0; round < 20; ++round) {
        for (const auto& q : queries) {
          out.clear();
          index.Search(q, 31, &out);
          for (auto& m : out) {
            if (m.id < bank.size() && (removed.count(m.id) || Distance(bank[m.id], q) != m.distance)) ++failures;
          }
        }
      }
    });
  }
  Hash256 far;
  for (int i = 0; i < 5000; ++i) index.Add(far);  // all-zero hashes: never near a random query
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  index.Compact();
  EXPECT_EQ(index.segment_count(), 1u);
  EXPECT_TRUE(check());
}

TEST(BankSet, SafeBankSuppressesAndLowQualityNeverMatches) {
  std::mt19937_64 rng(3);
  Hash256 known = RandomHash(rng), benign = RandomHash(rng);
  auto positive = std::make_shared<Bank>(BankInfo{"known_csam", "Known CSAM", "test", "child_sexual_abuse", false});
  positive->Add(known, "case-1");
  positive->Add(benign, "false-positive");
  auto safe = std::make_shared<Bank>(BankInfo{"safe", "Known false positives", "test", "", true});
  safe->Add(benign);
  BankSet set;
  set.Add(positive);
  set.Add(safe);
  BankSet::Scratch scratch;
  int best[2];
  Hash256 q = FlipBits(known, 5, rng);
  auto o = set.Match(&q, 1, 90, &scratch, best);
  EXPECT_FALSE(o.suppressed);
  EXPECT_EQ(best[0], 5);
  EXPECT_EQ(best[1], -1);
  o = set.Match(&q, 1, 49, &scratch, best);
  EXPECT_TRUE(o.low_quality);
  EXPECT_EQ(best[0], -1);
  Hash256 b = FlipBits(benign, 3, rng);
  o = set.Match(&b, 1, 100, &scratch, best);
  EXPECT_TRUE(o.suppressed);
  EXPECT_EQ(best[0], -1);
  EXPECT_EQ(best[1], 3);
  // Dihedral: a query set containing the match among 8 variants.
  Hash256 variants[8];
  for (auto& v : variants) v = RandomHash(rng);
  variants[5] = FlipBits(known, 9, rng);
  set.Match(variants, 8, 100, &scratch, best);
  EXPECT_EQ(best[0], -1) << "a bank added without dihedral looks at the first hash only";
  BankSet dihedral;
  dihedral.Add(positive, 31, true);
  EXPECT_TRUE(dihedral.any_dihedral());
  dihedral.Match(variants, 8, 100, &scratch, best);
  EXPECT_EQ(best[0], 9);
}

TEST(BankIo, TextCsvAndBinaryRoundTrip) {
  const std::string dir = ::testing::TempDir();
  const std::string hex1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  const std::string hex2 = "30a10efd71cc3d429013d48d0ffffc52e34e0e17ada952a9d29685211ea9e5af";
  {
    std::ofstream f(dir + "/b.txt");
    f << "# comment\n" << hex1 << ",bridge\n\n" << hex2 << "\n";
  }
  HashList list;
  ASSERT_TRUE(ReadHashList(dir + "/b.txt", &list).ok());
  ASSERT_EQ(list.hashes.size(), 2u);
  EXPECT_EQ(list.labels[0], "bridge");
  {
    std::ofstream f(dir + "/b.csv");
    f << "id,signal_value,label\n1," << hex1 << ",\"a, quoted\"\n2," << hex2 << ",x\n";
  }
  ASSERT_TRUE(ReadHashList(dir + "/b.csv", &list).ok());
  ASSERT_EQ(list.hashes.size(), 2u);
  EXPECT_EQ(list.labels[0], "a, quoted");
  EXPECT_EQ(ToHex(list.hashes[1]), hex2);
  {
    std::ofstream f(dir + "/bad.txt");
    f << hex1 << "\nnot-a-hash\n";
  }
  Status s = ReadHashList(dir + "/bad.txt", &list);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("bad.txt:2:"), std::string::npos) << s.message();

  Bank bank(BankInfo{"known_terror", "GIFCT sample", "GIFCT", "terrorist_content", false});
  ASSERT_TRUE(ReadHashList(dir + "/b.csv", &list).ok());
  bank.AddMany(list.hashes, list.labels);
  bank.Remove(1);
  ASSERT_TRUE(SaveBank(bank, dir + "/b.ehb").ok());
  EXPECT_TRUE(IsBinaryBank(dir + "/b.ehb"));
  auto loaded = LoadBank(dir + "/b.ehb");
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->info().category, "terrorist_content");
  EXPECT_EQ((*loaded)->size(), 1u);
  EXPECT_EQ(ExportText(**loaded), hex1 + ",\"a, quoted\"\n");
  // Corruption is detected, never crashes.
  std::string bytes;
  {
    std::ifstream f(dir + "/b.ehb", std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  for (size_t cut : {size_t{5}, size_t{30}, bytes.size() - 1}) {
    std::ofstream f(dir + "/c.ehb", std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(cut));
    f.close();
    EXPECT_FALSE(LoadBank(dir + "/c.ehb").ok());
  }
  bytes[40] ^= 1;
  {
    std::ofstream f(dir + "/c.ehb", std::ios::binary);
    f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  auto bad = LoadBank(dir + "/c.ehb");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("checksum"), std::string::npos);
}

}  // namespace
}  // namespace evenhand
