// PDQ against the reference's expected hashes in tests/data/pdq (a copy of ../shared/testdata/pdq):
// every image of all four files (full resolution, reference CLI, and their
// dihedral variants) must give the identical hash (Hamming distance 0) and
// the identical quality. No image is excepted: our decoders reproduce the
// reference's pixels for all 35 (RGB, CMYK and greyscale JPEG, RGBA and
// greyscale PNG). EXIF orientation is ignored, as the reference does.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "image/decoder.h"
#include "image/pdq.h"

namespace evenhand {
namespace {

const std::string kData = std::string(EVENHAND_SOURCE_DIR) + "/tests/data/pdq/";

struct Row {
  std::vector<Hash256> hashes;  // 1 or 8
  int quality = 0;
  std::string file;
};

std::vector<Row> ReadCsv(const std::string& name) {
  std::ifstream in(kData + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<Row> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    Row r;
    r.file = f.back();
    r.quality = std::stoi(f[f.size() - 2]);
    for (size_t i = 0; i + 2 < f.size(); ++i) {
      Hash256 h;
      EXPECT_TRUE(ParseHex(f[i], &h)) << f[i];
      r.hashes.push_back(h);
    }
    rows.push_back(r);
  }
  return rows;
}


void CheckAgainst(const std::string& csv, PdqMode mode, bool dihedral) {
  std::vector<Row> rows = ReadCsv(csv);
  ASSERT_GE(rows.size(), 30u) << csv;
  ImageDecoder decoder;
  PdqHasher hasher(mode);
  Image image;
  int exact = 0;
  for (const Row& row : rows) {
    SCOPED_TRACE(csv + ": " + row.file);
    Status s = decoder.DecodeFile(kData + "images/" + row.file, &image);
    ASSERT_TRUE(s.ok()) << s.ToString();
    std::vector<Hash256> got;
    int quality;
    if (dihedral) {
      PdqDihedral d = hasher.HashDihedral(image);
      got.assign(d.hash, d.hash + 8);
      quality = d.quality;
    } else {
      PdqResult r = hasher.Hash(image);
      got.push_back(r.hash);
      quality = r.quality;
    }
    ASSERT_EQ(got.size(), row.hashes.size());
    bool all_exact = true;
    for (size_t v = 0; v < got.size(); ++v) {
      int dist = Distance(got[v], row.hashes[v]);
      all_exact &= dist == 0;
      EXPECT_EQ(dist, 0) << "variant " << v << " got " << ToHex(got[v]) << " want " << ToHex(row.hashes[v]);
    }
    EXPECT_EQ(quality, row.quality);
    exact += all_exact;
  }
  EXPECT_EQ(exact, static_cast<int>(rows.size()));
  std::printf("%s: %d of %zu images bit-exact\n", csv.c_str(), exact, rows.size());
}

TEST(PdqReference, FullResolution) { CheckAgainst("expected_fullres.csv", PdqMode::kFullResolution, false); }
TEST(PdqReference, FullResolutionDihedral) {
  CheckAgainst("expected_fullres_dihedral.csv", PdqMode::kFullResolution, true);
}
TEST(PdqReference, ReferenceCli) { CheckAgainst("expected_reference_cli.csv", PdqMode::kReferenceCli, false); }
TEST(PdqReference, ReferenceCliDihedral) {
  CheckAgainst("expected_reference_cli_dihedral.csv", PdqMode::kReferenceCli, true);
}

TEST(Hash256, HexRoundTripAndBitOrder) {
  const std::string hex = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
  Hash256 h;
  ASSERT_TRUE(ParseHex(hex, &h));
  EXPECT_EQ(ToHex(h), hex);
  // The last hex digit (2 = 0b0010) holds bits 0..3: bit 1 set, bits 0, 2, 3 clear.
  EXPECT_FALSE(h.Bit(0));
  EXPECT_TRUE(h.Bit(1));
  EXPECT_EQ(h.Word16(0), 0x9b22);
  EXPECT_EQ(h.Word16(15), 0xf8f8);
  EXPECT_FALSE(ParseHex(hex.substr(1), &h));
  EXPECT_FALSE(ParseHex(hex.substr(1) + "g", &h));
}

}  // namespace
}  // namespace evenhand
