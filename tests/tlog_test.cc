// The audit Merkle tree (src/tlog): RFC 9162 hashing and proofs against the
// Certificate Transparency test vectors (the 8-leaf tree of CT's test data,
// recomputed here from RFC 9162's definitions), against a naive tree written
// straight from the RFC's recursive definitions for every size up to 1,000,
// tiles against memory, and tampering: every edited leaf, index, path
// element, size or root is refused by the verifiers.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "tlog/checkpoint.h"
#include "tlog/hash.h"
#include "tlog/proof.h"
#include "tlog/tiles.h"

namespace evenhand::tlog {
namespace {

Hash H(const char* hex) {
  auto h = HashFromHex(hex);
  EXPECT_TRUE(h.has_value()) << hex;
  return h.value_or(Hash{});
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// ---- the naive tree: RFC 9162 2.1.1, 2.1.3.1, 2.1.4.1 over leaf hashes, by recursion on slices
uint64_t K(uint64_t n) {
  uint64_t k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
// MTH(D[a:b]), PATH and SUBPROOF by the RFC's recursion over slices of
// `leaves`; MTH remembered per (a, b) so that proofs for every size stay cheap.
class NaiveTree {
 public:
  explicit NaiveTree(const std::vector<Hash>& leaves) : l_(leaves) {}
  Hash Mth(uint64_t a, uint64_t b) {
    if (b == a) return EmptyTreeHash();
    if (b - a == 1) return l_[a];
    auto key = std::make_pair(a, b);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    uint64_t k = K(b - a);
    Hash h = NodeHash(Mth(a, a + k), Mth(a + k, b));
    memo_.emplace(key, h);
    return h;
  }
  void Path(uint64_t m, uint64_t a, uint64_t b, std::vector<Hash>* out) {
    if (b - a <= 1) return;
    uint64_t k = K(b - a);
    if (m < k) {
      Path(m, a, a + k, out);
      out->push_back(Mth(a + k, b));
    } else {
      Path(m - k, a + k, b, out);
      out->push_back(Mth(a, a + k));
    }
  }
  void Subproof(uint64_t m, uint64_t a, uint64_t b, bool flag, std::vector<Hash>* out) {
    if (m == b - a) {
      if (!flag) out->push_back(Mth(a, b));
      return;
    }
    uint64_t k = K(b - a);
    if (m <= k) {
      Subproof(m, a, a + k, flag, out);
      out->push_back(Mth(a + k, b));
    } else {
      Subproof(m - k, a + k, b, false, out);
      out->push_back(Mth(a, a + k));
    }
  }

 private:
  const std::vector<Hash>& l_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> memo_;
};

// Subtree hashes straight from the leaves in memory.
class MemorySource final : public SubtreeSource {
 public:
  explicit MemorySource(const std::vector<Hash>& leaves) : leaves_(leaves), naive_(leaves) {}
  Result<Hash> Subtree(int height, uint64_t index) override {
    uint64_t a = index << height, b = (index + 1) << height;
    if (b > leaves_.size()) return Status::Invalid("outside");
    return naive_.Mth(a, b);
  }

 private:
  const std::vector<Hash>& leaves_;
  NaiveTree naive_;
};

class MemoryTiles final : public TileStorage {
 public:
  Result<std::string> ReadTile(int level, uint64_t index) override {
    auto it = tiles.find({level, index});
    return it == tiles.end() ? std::string() : it->second;
  }
  Status WriteTile(int level, uint64_t index, std::string_view hashes) override {
    tiles[{level, index}] = std::string(hashes);
    ++writes;
    return Status::Ok();
  }
  std::map<std::pair<int, uint64_t>, std::string> tiles;
  int writes = 0;
};

// The CT test data's eight leaves (certificate-transparency merkle tree tests).
const char* kLeaves[] = {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                         "606162636465666768696a6b6c6d6e6f"};
// MTH of the first n of them, n = 0..8 (RFC 9162: the empty tree is SHA-256 of "").
const char* kRoots[] = {
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

std::vector<Hash> CtLeafHashes() {
  std::vector<Hash> out;
  for (const char* l : kLeaves) out.push_back(LeafHash(Unhex(l)));
  return out;
}

TEST(TlogHash, PrefixesAreRfc9162s) {
  // Leaf "" hashes as SHA-256 of the single byte 0x00; a node of two equal
  // children as SHA-256(0x01 || a || a): not the plain hash of the bytes.
  EXPECT_EQ(ToHex(LeafHash("")), kRoots[1]);
  EXPECT_NE(ToHex(LeafHash("")), ToHex(Sha256("")));
  Hash a = LeafHash("a");
  std::string raw = std::string(1, '\x01') + std::string(Bytes(a)) + std::string(Bytes(a));
  EXPECT_EQ(NodeHash(a, a), Sha256(raw));
  EXPECT_NE(NodeHash(a, a), Sha256(raw.substr(1)));
}

// RFC 4231's HMAC-SHA256 test cases 1, 2 and 6 (a key longer than a block):
// the leaves' salts (store/audit_leaf.h) are HMAC-SHA256.
TEST(TlogHash, HmacSha256IsRfc4231s) {
  EXPECT_EQ(ToHex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(ToHex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(ToHex(HmacSha256(std::string(131, '\xaa'), "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

// The in-place forms hash the parts' concatenation: equal to the string
// forms for every split, empty parts and a key longer than a block.
TEST(TlogHash, PartsFormsEqualTheConcatenation) {
  const std::string text = "evenhand.audit.commit/v2\nactor\nsalt\nmod-aisha";
  for (size_t a = 0; a <= text.size(); a += 7)
    for (size_t b = a; b <= text.size(); b += 11) {
      const std::string_view t(text), x = t.substr(0, a), y = t.substr(a, b - a), z = t.substr(b);
      EXPECT_EQ(Sha256Parts({x, y, "", z}), Sha256(text)) << a << " " << b;
      EXPECT_EQ(Sha256Parts({x, y, z}, 0x00), LeafHash(text)) << a << " " << b;
      EXPECT_EQ(HmacSha256Parts("Jefe", {x, y, z}), HmacSha256("Jefe", text)) << a << " " << b;
      EXPECT_EQ(HmacSha256Parts(std::string(131, '\xaa'), {x, "", y, z}), HmacSha256(std::string(131, '\xaa'), text));
    }
  EXPECT_EQ(ToHex(HmacSha256Parts("Jefe", {"what do ya ", "want for nothing?"})),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  char buf[64];
  ToHex(LeafHash("a"), buf);
  EXPECT_EQ(std::string(buf, 64), ToHex(LeafHash("a")));
}

TEST(TlogVectors, TreeHashesOfTheCtTestData) {
  std::vector<Hash> leaves = CtLeafHashes();
  MemorySource src(leaves);
  for (uint64_t n = 0; n <= 8; ++n) {
    Result<Hash> root = TreeHash(src, n);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(ToHex(*root), kRoots[n]) << "size " << n;
  }
}

TEST(TlogVectors, InclusionProofsOfTheCtTestData) {
  std::vector<Hash> leaves = CtLeafHashes();
  MemorySource src(leaves);
  struct V {
    uint64_t index, size;
    std::vector<const char*> path;
  } vectors[] = {
      {0, 1, {}},
      {0, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const V& v : vectors) {
    Result<std::vector<Hash>> proof = InclusionProof(src, v.index, v.size);
    ASSERT_TRUE(proof.ok());
    ASSERT_EQ(proof->size(), v.path.size()) << v.index << "/" << v.size;
    for (size_t i = 0; i < v.path.size(); ++i) EXPECT_EQ(ToHex((*proof)[i]), v.path[i]);
    EXPECT_TRUE(VerifyInclusion(leaves[v.index], v.index, v.size, *proof, H(kRoots[v.size])).ok());
  }
}

TEST(TlogVectors, ConsistencyProofsOfTheCtTestData) {
  std::vector<Hash> leaves = CtLeafHashes();
  MemorySource src(leaves);
  struct V {
    uint64_t m, n;
    std::vector<const char*> proof;
  } vectors[] = {
      {1, 1, {}},
      {1, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
      {4, 8, {"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
  };
  for (const V& v : vectors) {
    Result<std::vector<Hash>> proof = ConsistencyProof(src, v.m, v.n);
    ASSERT_TRUE(proof.ok());
    ASSERT_EQ(proof->size(), v.proof.size()) << v.m << "->" << v.n;
    for (size_t i = 0; i < v.proof.size(); ++i) EXPECT_EQ(ToHex((*proof)[i]), v.proof[i]);
    EXPECT_TRUE(VerifyConsistency(v.m, v.n, H(kRoots[v.m]), H(kRoots[v.n]), *proof).ok()) << v.m << "->" << v.n;
  }
}

std::vector<Hash> SyntheticLeaves(uint64_t n) {
  std::vector<Hash> out;
  for (uint64_t i = 0; i < n; ++i) out.push_back(LeafHash("entry " + std::to_string(i)));
  return out;
}

// Every size 1..1000: tiles appended in uneven batches give the naive root at
// every size; every inclusion proof equals the naive PATH and verifies.
TEST(TlogProperty, TilesAndInclusionMatchTheNaiveTreeForEverySizeTo1000) {
  const uint64_t kMax = 1000;
  std::vector<Hash> leaves = SyntheticLeaves(kMax);
  MemoryTiles tiles;
  std::mt19937_64 rng(19);
  uint64_t size = 0;
  NaiveTree naive(leaves);
  std::vector<Hash> naive_roots(kMax + 1);
  for (uint64_t n = 0; n <= kMax; ++n) naive_roots[n] = naive.Mth(0, n);
  while (size < kMax) {
    uint64_t batch = std::min<uint64_t>(kMax - size, 1 + rng() % 40);
    ASSERT_TRUE(AppendLeaves(tiles, size, std::span<const Hash>(leaves.data() + size, batch)).ok());
    size += batch;
    TileSource src(tiles, size);
    Result<Hash> root = TreeHash(src, size);
    ASSERT_TRUE(root.ok()) << root.status().message();
    ASSERT_EQ(*root, naive_roots[size]) << "size " << size;
  }
  // Every older size still answers from the final tiles (partial tiles are prefixes).
  for (uint64_t n = 1; n <= kMax; ++n) {
    TileSource src(tiles, n);
    Result<Hash> root = TreeHash(src, n);
    ASSERT_TRUE(root.ok());
    ASSERT_EQ(*root, naive_roots[n]) << "size " << n;
    for (uint64_t m = 0; m < n; ++m) {
      Result<std::vector<Hash>> proof = InclusionProof(src, m, n);
      ASSERT_TRUE(proof.ok());
      std::vector<Hash> expect;
      naive.Path(m, 0, n, &expect);
      ASSERT_EQ(*proof, expect) << m << " in " << n;
      ASSERT_TRUE(VerifyInclusion(leaves[m], m, n, *proof, naive_roots[n]).ok()) << m << " in " << n;
    }
  }
}

TEST(TlogProperty, ConsistencyMatchesTheNaiveTreeForEverySizeTo1000) {
  const uint64_t kMax = 1000;
  std::vector<Hash> leaves = SyntheticLeaves(kMax);
  MemoryTiles tiles;
  ASSERT_TRUE(AppendLeaves(tiles, 0, leaves).ok());
  NaiveTree naive(leaves);
  std::vector<Hash> roots(kMax + 1);
  for (uint64_t n = 0; n <= kMax; ++n) roots[n] = naive.Mth(0, n);
  for (uint64_t n = 1; n <= kMax; ++n) {
    TileSource src(tiles, n);
    for (uint64_t m = 1; m <= n; ++m) {
      Result<std::vector<Hash>> proof = ConsistencyProof(src, m, n);
      ASSERT_TRUE(proof.ok());
      std::vector<Hash> expect;
      if (m < n) naive.Subproof(m, 0, n, true, &expect);
      ASSERT_EQ(*proof, expect) << m << "->" << n;
      ASSERT_TRUE(VerifyConsistency(m, n, roots[m], roots[n], *proof).ok()) << m << "->" << n;
      // The old root of another history is refused.
      if (m < n) {
        ASSERT_FALSE(VerifyConsistency(m, n, roots[m - 1], roots[n], *proof).ok()) << m << "->" << n;
      }
    }
  }
}

TEST(TlogTiles, OnlyTheRightEdgeIsRewrittenAndPathsAreC2sp) {
  MemoryTiles tiles;
  std::vector<Hash> leaves = SyntheticLeaves(256 * 256 + 300);
  ASSERT_TRUE(AppendLeaves(tiles, 0, std::span<const Hash>(leaves.data(), 256 * 256 + 299)).ok());
  tiles.writes = 0;
  ASSERT_TRUE(AppendLeaves(tiles, 256 * 256 + 299, std::span<const Hash>(leaves.data() + 256 * 256 + 299, 1)).ok());
  EXPECT_EQ(tiles.writes, 1);  // the partial level-0 tile only
  EXPECT_EQ((tiles.tiles[{0, 257}].size()), 44u * 32);
  EXPECT_EQ((tiles.tiles[{1, 1}].size()), 1u * 32);   // level-1 hashes of full tiles 256
  EXPECT_EQ((tiles.tiles[{2, 0}].size()), 1u * 32);   // one complete 65,536-leaf subtree
  EXPECT_EQ(TilePath(0, 1234067, 256), "tile/0/x001/x234/067");
  EXPECT_EQ(TilePath(1, 7, 12), "tile/1/007.p/12");
  EXPECT_EQ(TilePath(2, 1000, 256), "tile/2/x001/000");
  EXPECT_EQ(TileWidthAt(0, 257, 256 * 256 + 300), 44u);
  EXPECT_EQ(TileWidthAt(1, 0, 256 * 256 + 300), 256u);
  EXPECT_EQ(TileWidthAt(1, 1, 256 * 256 + 300), 1u);
  EXPECT_EQ(TileWidthAt(1, 2, 256 * 256 + 300), 0u);
}

TEST(TlogTiles, AShortTileIsReportedCorrupt) {
  MemoryTiles tiles;
  std::vector<Hash> leaves = SyntheticLeaves(300);
  ASSERT_TRUE(AppendLeaves(tiles, 0, leaves).ok());
  tiles.tiles[std::make_pair(0, uint64_t{1})].resize(10 * 32);  // 44 hashes cut to 10
  TileSource src(tiles, 300);
  Result<Hash> root = TreeHash(src, 300);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(root.status().message().find("tile 0/1 holds 10 hashes"), std::string::npos) << root.status().message();
  EXPECT_FALSE(AppendLeaves(tiles, 300, leaves).ok());
}

// ---- tampering
TEST(TlogTamper, InclusionRefusesEveryChange) {
  std::vector<Hash> leaves = SyntheticLeaves(37);
  MemorySource src(leaves);
  const uint64_t n = 37, m = 21;
  Hash root = *TreeHash(src, n);
  std::vector<Hash> proof = *InclusionProof(src, m, n);
  ASSERT_TRUE(VerifyInclusion(leaves[m], m, n, proof, root).ok());
  // An edited entry (another leaf hash).
  EXPECT_FALSE(VerifyInclusion(LeafHash("entry 21 edited"), m, n, proof, root).ok());
  // The entry claimed at another position (reordered).
  EXPECT_FALSE(VerifyInclusion(leaves[m], m + 1, n, proof, root).ok());
  EXPECT_FALSE(VerifyInclusion(leaves[m], m - 1, n, proof, root).ok());
  // Every single path element flipped.
  for (size_t i = 0; i < proof.size(); ++i) {
    std::vector<Hash> bad = proof;
    bad[i][i % 32] ^= 0x01;
    EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, bad, root).ok()) << i;
  }
  // Shortened, lengthened, the wrong tree size or root.
  std::vector<Hash> shorter(proof.begin(), proof.end() - 1);
  EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, shorter, root).ok());
  std::vector<Hash> longer = proof;
  longer.push_back(root);
  EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, longer, root).ok());
  // (The tree size is bound by the checkpoint's signature, not by the path:
  // a path may fit more than one size.)
  EXPECT_FALSE(VerifyInclusion(leaves[m], m, n, proof, *TreeHash(src, n - 1)).ok());
  // A leaf hash given as a node (no 0x00 prefix) is not the leaf.
  EXPECT_FALSE(VerifyInclusion(Sha256("entry 21"), m, n, proof, root).ok());
  // Index past the tree.
  EXPECT_FALSE(VerifyInclusion(leaves[m], n, n, proof, root).ok());
}

TEST(TlogTamper, ARewrittenHistoryFailsConsistency) {
  std::vector<Hash> honest = SyntheticLeaves(100);
  std::vector<Hash> rewritten = honest;
  rewritten[40] = LeafHash("entry 40, rewritten after the dispute");
  MemorySource hs(honest), rs(rewritten);
  Hash old_root = *TreeHash(hs, 60);  // what the authority kept
  Hash new_root = *TreeHash(rs, 100);
  std::vector<Hash> proof = *ConsistencyProof(rs, 60, 100);
  Status s = VerifyConsistency(60, 100, old_root, new_root, proof);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("old root"), std::string::npos) << s.message();
  // An entry removed: the log "shrinks" and regrows to the same size.
  std::vector<Hash> removed = honest;
  removed.erase(removed.begin() + 10);
  removed.push_back(LeafHash("filler"));
  MemorySource ms(removed);
  EXPECT_FALSE(VerifyConsistency(60, 100, old_root, *TreeHash(ms, 100), *ConsistencyProof(ms, 60, 100)).ok());
  // Two entries swapped.
  std::vector<Hash> swapped = honest;
  std::swap(swapped[5], swapped[6]);
  MemorySource ss(swapped);
  EXPECT_FALSE(VerifyConsistency(60, 100, old_root, *TreeHash(ss, 100), *ConsistencyProof(ss, 60, 100)).ok());
  // The honest extension verifies, and a flipped proof element does not.
  std::vector<Hash> good = *ConsistencyProof(hs, 60, 100);
  Hash honest_root = *TreeHash(hs, 100);
  EXPECT_TRUE(VerifyConsistency(60, 100, old_root, honest_root, good).ok());
  for (size_t i = 0; i < good.size(); ++i) {
    std::vector<Hash> bad = good;
    bad[i][0] ^= 0x80;
    EXPECT_FALSE(VerifyConsistency(60, 100, old_root, honest_root, bad).ok()) << i;
  }
  // Same size, different roots: a fork.
  EXPECT_FALSE(VerifyConsistency(100, 100, honest_root, new_root, {}).ok());
  // A log that shrank.
  EXPECT_FALSE(VerifyConsistency(100, 60, honest_root, old_root, good).ok());
}

TEST(TlogEncoding, HexAndBase64RoundTripAndRefuseJunk) {
  Hash h = LeafHash("x");
  EXPECT_EQ(HashFromHex(ToHex(h)), h);
  EXPECT_EQ(HashFromBase64(Base64(Bytes(h))), h);
  EXPECT_EQ(Base64("ab"), "YWI=");
  EXPECT_EQ(FromBase64("YWI="), std::string("ab"));
  EXPECT_FALSE(FromBase64("YWI").has_value());
  EXPECT_FALSE(FromBase64("YW!=").has_value());
  EXPECT_FALSE(HashFromHex("zz").has_value());
  EXPECT_FALSE(HashFromBase64("YWI=").has_value());  // not 32 bytes
}

// ---- checkpoints and signed notes
TEST(TlogCheckpoint, SignedNotesVerifyAndRefuseEveryChange) {
  Result<KeyPair> key = GenerateKey("example.org/audit");
  ASSERT_TRUE(key.ok()) << key.status().message();
  EXPECT_TRUE(key->private_key.starts_with("PRIVATE+KEY+example.org/audit+"));
  EXPECT_TRUE(key->verifier_key.starts_with("example.org/audit+"));
  Result<NoteSigner> signer = NoteSigner::FromPrivateKey(key->private_key + "\n");
  ASSERT_TRUE(signer.ok()) << signer.status().message();
  EXPECT_EQ(signer->verifier_key(), key->verifier_key);
  Checkpoint c{"example.org/audit", 1234567, LeafHash("root")};
  const std::string body = FormatCheckpoint(c);
  EXPECT_EQ(body, "example.org/audit\n1234567\n" + Base64(Bytes(c.root)) + "\n");
  Result<std::string> note = signer->Sign(body);
  ASSERT_TRUE(note.ok());
  // body, empty line, "— name base64(4-byte key hash + 64-byte signature)"
  ASSERT_TRUE(note->starts_with(body + "\n\xE2\x80\x94 example.org/audit "));
  const std::string sig_b64 = note->substr(body.size() + 1 + 4 + 18, note->size() - body.size() - 1 - 4 - 18 - 1);
  auto sig = FromBase64(sig_b64);
  ASSERT_TRUE(sig.has_value()) << sig_b64;
  EXPECT_EQ(sig->size(), 68u);
  Result<Checkpoint> back = VerifyCheckpoint(*note, key->verifier_key, "example.org/audit");
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->size, 1234567u);
  EXPECT_EQ(back->root, c.root);
  // The tree size changed, the root changed, the origin changed: refused.
  std::string bigger = *note;
  bigger.replace(bigger.find("1234567"), 7, "1234568");
  EXPECT_FALSE(VerifyNote(bigger, key->verifier_key).ok());
  std::string other_root = *note;
  other_root[body.size() - 3] = other_root[body.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyNote(other_root, key->verifier_key).ok());
  EXPECT_FALSE(VerifyCheckpoint(*note, key->verifier_key, "another.log").ok());
  // Another key of the same name: its signature is not this key's.
  Result<KeyPair> other = GenerateKey("example.org/audit");
  ASSERT_TRUE(other.ok());
  Status s = VerifyNote(*note, other->verifier_key).status();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no signature by key"), std::string::npos) << s.message();
  // A note signed by the other key, with this key's name and hash line forged.
  Result<NoteSigner> forger = NoteSigner::FromPrivateKey(other->private_key);
  ASSERT_TRUE(forger.ok());
  std::string forged = *forger->Sign(body);
  std::string mine = note->substr(body.size() + 1);
  std::string theirs = forged.substr(body.size() + 1);
  // Keep this key's 4-byte hash, take the other key's signature bytes.
  auto m = FromBase64(mine.substr(mine.find(' ', 4) + 1, mine.size() - mine.find(' ', 4) - 2));
  auto t = FromBase64(theirs.substr(theirs.find(' ', 4) + 1, theirs.size() - theirs.find(' ', 4) - 2));
  ASSERT_TRUE(m && t);
  std::string spliced = body + "\n\xE2\x80\x94 example.org/audit " + Base64(m->substr(0, 4) + t->substr(4)) + "\n";
  s = VerifyNote(spliced, key->verifier_key).status();
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("does not verify"), std::string::npos) << s.message();
}

TEST(TlogCheckpoint, MalformedInputIsRefusedWithTheLine) {
  EXPECT_NE(ParseCheckpoint("o\n01\nAAAA\n").status().message().find("line 2"), std::string::npos);
  EXPECT_NE(ParseCheckpoint("o\n1\nAAAA\n").status().message().find("line 3"), std::string::npos);
  EXPECT_NE(ParseCheckpoint("\n1\nAAAA\n").status().message().find("line 1"), std::string::npos);
  EXPECT_FALSE(ParseCheckpoint("o\n1\n").ok());
  EXPECT_FALSE(NoteSigner::FromPrivateKey("PRIVATE+KEY+x+00000000+AAAA").ok());
  EXPECT_FALSE(NoteSigner::FromPrivateKey("nonsense").ok());
  EXPECT_FALSE(GenerateKey("has space").ok());
  EXPECT_FALSE(GenerateKey("a+b").ok());
  Result<KeyPair> key = GenerateKey("k");
  ASSERT_TRUE(key.ok());
  std::string wrong_hash = key->private_key;
  wrong_hash[wrong_hash.find("+", 12) + 1] ^= 1;
  EXPECT_FALSE(NoteSigner::FromPrivateKey(wrong_hash).ok());
  EXPECT_FALSE(VerifyNote("no signatures\n", key->verifier_key).ok());
  EXPECT_FALSE(VerifyNote("x\n", "k+zz+AAAA").ok());
}

}  // namespace
}  // namespace evenhand::tlog
