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
// Streaming: the filter runs as rows arrive (luma and the first horizontal
// box on strips of 8 rows, the first vertical box as running sums over a
// ring of rows, the second pair only where the 64 x 64 decimation samples),
// so hashing never holds a full-size float plane, and HashMemory / HashFile
// decode a JPEG straight into it (no RGB image either). Every value is still
// the same sequence of float operations as the reference's, so the hashes
// are bit-identical to Hash(Image) and to the reference.
//
// Fast path: when the decoder's options ask for a reduced JPEG DCT scale
// (jpeg_scale_denom > 1), the smaller image is hashed with a filter matched
// to the full-size one (the window whose tent has the full-size variance,
// samples interpolated at the full-size samples' centres); not bit-exact, a
// few bits off. Hash(Image) does this too (an Image keeps the file's size).
// HashMemory / HashFile also re-decode at full size and hash exactly when
// the fast hash's quality is below fast_min_quality() (low-quality images
// are where a hash is least stable).
//
// Thread safety: a PdqHasher owns its scratch buffers, grown to the largest
// image seen and reused (no allocation per image once warm). Use one per
// thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/decoder.h"
#include "image/image.h"
#include "model/hash256.h"
#include "model/status.h"

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

class PdqHasher : private RowSink {
 public:
  explicit PdqHasher(PdqMode mode = PdqMode::kFullResolution) : mode_(mode) {}

  PdqResult Hash(const Image& image);
  PdqDihedral HashDihedral(const Image& image);

  // Decode with `decoder` (its options apply, including the fast path) and
  // hash in one streaming pass. Errors are the decoder's.
  Status HashMemory(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name,
                    PdqResult* out);
  Status HashMemoryDihedral(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name,
                            PdqDihedral* out);
  Status HashFile(ImageDecoder& decoder, const std::string& path, PdqResult* out);
  Status HashFileDihedral(ImageDecoder& decoder, const std::string& path, PdqDihedral* out);

  // The core on a row-major float luma plane (rows x cols), whatever the mode.
  PdqResult HashLuma(const float* luma, int rows, int cols);
  // An 8-bit RGB24 buffer (rows `stride` bytes apart), as the vPDQ reference
  // hashes a video frame (fillFloatLumaFromRGB, then the float-luma core):
  // the same hash as Hash() on that image. Full resolution whatever the mode.
  PdqResult HashRgb(const uint8_t* rgb, int width, int height, size_t stride);

  PdqMode mode() const { return mode_; }
  // Fast path only: below this quality the file is re-hashed at full size (default 50).
  int fast_min_quality() const { return fast_min_quality_; }
  void set_fast_min_quality(int q) { fast_min_quality_ = q; }
  // How many files the fast path has re-hashed at full size so far.
  int64_t fast_fallbacks() const { return fast_fallbacks_; }

 private:
  // RowSink: the streaming front end.
  bool AcceptsRgbx() const override { return true; }
  void Begin(int width, int height, int channels, int source_width, int source_height) override;
  void Rows(int y, int count, const uint8_t* first, size_t stride) override;

  // Decodes and runs the pipeline (re-decoding at full size when the fast
  // path's quality is low); *hashed is false when the image is too small.
  Status Run(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name, int* quality,
             bool* hashed);
  // Sets up the pipeline for a rows x cols luma plane decoded from a
  // source_rows x source_cols file (they differ on the fast path).
  void Start(int rows, int cols, int source_rows, int source_cols);
  float* NextLumaRow();  // where the next luma row goes; then CommitLumaRow
  void CommitLumaRow();
  void FlushStrip1();
  void PushV1(int t);
  void EmitV1();
  void FlushStrip2();
  // Finishes the filter, the quality and the DCT (dct_); false when the plane
  // is too small (or the rows did not all arrive).
  bool Finish(int* quality);
  void DihedralHashes(PdqDihedral* out) const;

  PdqMode mode_;
  int fast_min_quality_ = 50;
  int64_t fast_fallbacks_ = 0;

  // Geometry of the image being hashed.
  int rows_ = 0, cols_ = 0;          // luma plane
  int in_width_ = 0, in_channels_ = 0;
  bool cli_resize_ = false;
  bool fast_ = false;                // decoded at a reduced scale: the fast geometry
  int next_cli_row_ = 0;
  int src_x_[512], src_y_[512];
  int win_h_ = 1, win_v_ = 1;        // window along rows (horizontal) / along columns (vertical)
  // Sampled rows / columns: 64, or on the fast path 128 (both neighbours of
  // each sample) with the interpolation weights in frac_*.
  int pick_rows_[128], pick_cols_[128];
  float frac_rows_[64], frac_cols_[64];
  // Stage 1: luma rows -> horizontal box (strips of kStrip = 8 rows).
  std::vector<float> strip_rows_, strip_a_, strip_b_, box_sums_;
  int strip_n_ = 0, luma_rows_ = 0;
  // Stage 2: vertical box as running sums over a ring of its input rows.
  std::vector<float> ring_, v1_sums_;
  int ring_rows_ = 0, v1_current_ = 0;
  // Stage 3: second horizontal box, 64 sampled columns of every row.
  std::vector<float> strip2_rows_, cols64_;
  int strip2_n_ = 0, strip2_y0_ = 0;
  float block64_[64 * 64];
  float block128_[128 * 64];  // fast path: the 128 sampled rows before interpolation
  float dct_[16 * 16];
};

// The reference CLI's resize: true when a side exceeds 512; then
// src_x[i] / src_y[i] give the source column / row of output pixel i (512 each).
bool ReferenceCliResizeMap(int width, int height, int src_x[512], int src_y[512]);

}  // namespace evenhand
