// PDQ: Meta's 256-bit perceptual image hash and its quality metric,
// implemented from the public algorithm description, bit-compatible with
// the reference (same pixels in => same hash and quality out).
//
//   luma (0.299 R + 0.587 G + 0.114 B, float) -> two passes of a Jarosz
//   box-filter pair (window ceil-ish(side / 128)) -> decimate to 64x64 ->
//   quality from 64x64 gradients -> 16x16 of the 64x64 DCT (DC skipped) ->
//   bit set where the coefficient is above the median.
//
// Modes: kFullResolution (default; what HMA, the Java and Rust ports and
// the Python binding hash) feeds the decoded image as is; kReferenceCli
// first resizes any image with a side over 512 to exactly 512x512 by
// nearest neighbour, as the reference's pdq-photo-hasher (CImg) does.
//
// Dihedral hashes are derived from one DCT by sign flips and transposes, in
// the reference's order: original, rot90 (counter-clockwise), rot180, rot270,
// flipX, flipY, flip-plus-1 (transpose), flip-minus-1 (anti-transpose).
//
// Images with a side under 5 pixels hash to all zeros with quality 0.
//
// Thread safety: a PdqHasher owns float scratch buffers, grown to the
// largest image seen and reused (no allocation per image once warm). Use
// one per thread.
#pragma once

#include <cstdint>
#include <vector>

#include "image/image.h"
#include "model/hash256.h"

namespace evenhand {

enum class PdqMode { kFullResolution, kReferenceCli };

struct PdqResult {
  Hash256 hash;
  int quality = 0;  // 0..100; below 50 the hash should not be trusted
};

enum PdqDihedralIndex { kPdqOriginal = 0, kPdqRot90, kPdqRot180, kPdqRot270, kPdqFlipX, kPdqFlipY,
                        kPdqFlipPlus1, kPdqFlipMinus1 };

struct PdqDihedral {
  Hash256 hash[8];
  int quality = 0;
};

class PdqHasher {
 public:
  explicit PdqHasher(PdqMode mode = PdqMode::kFullResolution) : mode_(mode) {}

  PdqResult Hash(const Image& image);
  PdqDihedral HashDihedral(const Image& image);

  // The core on a row-major float luma plane (rows x cols). `luma` is used
  // as scratch and overwritten.
  PdqResult HashLuma(float* luma, int rows, int cols);

  PdqMode mode() const { return mode_; }

 private:
  // Fills dct_ (16x16) and returns the quality; false when the image is too small.
  bool Transform(const Image& image, int* quality);
  bool TransformLuma(float* luma, int rows, int cols, int* quality);

  PdqMode mode_;
  std::vector<float> luma_, tmp_, strip_a_, strip_b_, sums_;
  float block64_[64 * 64];
  float dct_[16 * 16];
};

// The reference CLI's resize: true when a side exceeds 512; then
// src_x[i] / src_y[i] give the source column / row of output pixel i (512 each).
bool ReferenceCliResizeMap(int width, int height, int src_x[512], int src_y[512]);

}  // namespace evenhand
