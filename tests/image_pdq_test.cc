// PDQ against the reference's expected hashes in tests/data/pdq (a copy of ../shared/testdata/pdq):
// every image of all four files (full resolution, reference CLI, and their
// dihedral variants) must give the identical hash (Hamming distance 0) and
// the identical quality. No image is excepted: our decoders reproduce the
// reference's pixels for all 35 (RGB, CMYK and greyscale JPEG, RGBA and
// greyscale PNG). EXIF orientation is ignored, as the reference does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
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


// `streaming`: PdqHasher::HashFile (JPEG rows straight from libjpeg into the
// hash) instead of DecodeFile + Hash(Image). Both must be bit-exact.
void CheckAgainst(const std::string& csv, PdqMode mode, bool dihedral, bool streaming = false) {
  std::vector<Row> rows = ReadCsv(csv);
  ASSERT_GE(rows.size(), 30u) << csv;
  ImageDecoder decoder;
  PdqHasher hasher(mode);
  Image image;
  int exact = 0;
  for (const Row& row : rows) {
    SCOPED_TRACE(csv + ": " + row.file);
    const std::string path = kData + "images/" + row.file;
    std::vector<Hash256> got;
    int quality;
    if (streaming) {
      PdqDihedral d;
      PdqResult r;
      Status s = dihedral ? hasher.HashFileDihedral(decoder, path, &d) : hasher.HashFile(decoder, path, &r);
      ASSERT_TRUE(s.ok()) << s.ToString();
      if (dihedral) {
        got.assign(d.hash, d.hash + 8);
        quality = d.quality;
      } else {
        got.push_back(r.hash);
        quality = r.quality;
      }
    } else {
      Status s = decoder.DecodeFile(path, &image);
      ASSERT_TRUE(s.ok()) << s.ToString();
      if (dihedral) {
        PdqDihedral d = hasher.HashDihedral(image);
        got.assign(d.hash, d.hash + 8);
        quality = d.quality;
      } else {
        PdqResult r = hasher.Hash(image);
        got.push_back(r.hash);
        quality = r.quality;
      }
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
  std::printf("%s%s: %d of %zu images bit-exact\n", csv.c_str(), streaming ? " (streaming)" : "", exact, rows.size());
}

TEST(PdqReference, FullResolution) { CheckAgainst("expected_fullres.csv", PdqMode::kFullResolution, false); }
TEST(PdqReference, FullResolutionDihedral) {
  CheckAgainst("expected_fullres_dihedral.csv", PdqMode::kFullResolution, true);
}
TEST(PdqReference, ReferenceCli) { CheckAgainst("expected_reference_cli.csv", PdqMode::kReferenceCli, false); }
TEST(PdqReference, ReferenceCliDihedral) {
  CheckAgainst("expected_reference_cli_dihedral.csv", PdqMode::kReferenceCli, true);
}
TEST(PdqReference, FullResolutionStreaming) {
  CheckAgainst("expected_fullres.csv", PdqMode::kFullResolution, false, true);
}
TEST(PdqReference, FullResolutionDihedralStreaming) {
  CheckAgainst("expected_fullres_dihedral.csv", PdqMode::kFullResolution, true, true);
}
TEST(PdqReference, ReferenceCliStreaming) {
  CheckAgainst("expected_reference_cli.csv", PdqMode::kReferenceCli, false, true);
}

// The same hasher, reused across images of different sizes and both entry
// points, still gives the reference's hashes (no state leaks between images).
TEST(PdqReference, ReusedHasherMixedSizes) {
  std::vector<Row> rows = ReadCsv("expected_fullres.csv");
  ImageDecoder decoder;
  PdqHasher hasher;
  Image image;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row& row = rows[(i * 7 + pass) % rows.size()];  // a shuffled order: big, small, big...
      SCOPED_TRACE(row.file);
      PdqResult r;
      if ((i + pass) % 2 == 0) {
        ASSERT_TRUE(hasher.HashFile(decoder, kData + "images/" + row.file, &r).ok());
      } else {
        ASSERT_TRUE(decoder.DecodeFile(kData + "images/" + row.file, &image).ok());
        r = hasher.Hash(image);
      }
      EXPECT_EQ(Distance(r.hash, row.hashes[0]), 0);
      EXPECT_EQ(r.quality, row.quality);
    }
  }
}

// The fast path (JPEGs decoded at 1/2 DCT scale, the filter matched to the
// full-size one, full-size re-hash below quality 50) must stay within 10 bits
// of the reference's full-resolution hash on every image, and must really
// have taken the reduced scale on the large JPEGs.
TEST(PdqFastPath, WithinTenBitsOfFullResolution) {
  std::vector<Row> rows = ReadCsv("expected_fullres.csv");
  ASSERT_GE(rows.size(), 30u);
  DecodeOptions fast_options;
  fast_options.jpeg_scale_denom = 2;
  ImageDecoder fast(fast_options), full;
  PdqHasher hasher;
  Image small, big;
  int reduced = 0, worst = 0;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.file);
    const std::string path = kData + "images/" + row.file;
    PdqResult r;
    Status s = hasher.HashFile(fast, path, &r);
    ASSERT_TRUE(s.ok()) << s.ToString();
    const int d = Distance(r.hash, row.hashes[0]);
    EXPECT_LE(d, 10) << "fast " << ToHex(r.hash) << " quality " << r.quality << " want " << ToHex(row.hashes[0]);
    worst = std::max(worst, d);
    ASSERT_TRUE(fast.DecodeFile(path, &small).ok());
    ASSERT_TRUE(full.DecodeFile(path, &big).ok());
    if (small.width < big.width) {
      ++reduced;
      // Hash(Image) of the reduced decode uses the same matched filter (the
      // Image keeps the file's size), so it is the same fast hash.
      const PdqResult from_image = hasher.Hash(small);
      if (r.quality >= hasher.fast_min_quality()) {
        EXPECT_EQ(Distance(from_image.hash, r.hash), 0);
      }
      if (r.quality >= hasher.fast_min_quality()) {
        EXPECT_GE(r.quality, 80) << "fast-path quality far off";
      }
    }
  }
  EXPECT_GE(reduced, 20) << "the fast path was not taken";
  std::printf("fast path: %d of %zu images decoded at 1/2 scale, %lld re-hashed at full size, largest distance %d bits\n",
              reduced, rows.size(), static_cast<long long>(hasher.fast_fallbacks()), worst);
}

// Streaming hashing of a broken file is the decoder's error naming the file
// (the longjmp out of libjpeg happens mid-stream, after rows reached the
// hasher), and the same hasher then still hashes a good file exactly.
TEST(PdqStreaming, BrokenJpegIsAnErrorAndTheHasherRecovers) {
  std::ifstream in(kData + "images/bridge-mods/aaa-orig.jpg", std::ios::binary);
  std::vector<uint8_t> jpeg((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_GT(jpeg.size(), 10000u);
  ImageDecoder decoder;
  PdqHasher hasher;
  PdqResult r;
  // Truncated: the first half only.
  Status s = hasher.HashMemory(decoder, jpeg.data(), jpeg.size() / 2, "half.jpg", &r);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("half.jpg"), std::string::npos) << s.message();
  // Corrupt entropy-coded data: libjpeg may only warn (then it is hashed) or
  // fail; either way no crash (the sanitizer build checks), and an error names the file.
  std::vector<uint8_t> bad = jpeg;
  for (size_t i = bad.size() / 3; i < bad.size() / 3 + 4096; ++i) bad[i] = (i % 2) ? 0xFF : 0xD9 - (i % 7);
  s = hasher.HashMemory(decoder, bad.data(), bad.size(), "bad.jpg", &r);
  if (!s.ok()) {
    EXPECT_NE(s.message().find("bad.jpg"), std::string::npos) << s.message();
  }
  const std::vector<Row> rows = ReadCsv("expected_fullres.csv");
  ASSERT_EQ(rows[0].file, "bridge-mods/aaa-orig.jpg");
  s = hasher.HashMemory(decoder, jpeg.data(), jpeg.size(), "good.jpg", &r);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(Distance(r.hash, rows[0].hashes[0]), 0);
  EXPECT_EQ(r.quality, rows[0].quality);
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
