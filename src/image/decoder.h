// ImageDecoder: reads JPEG (libjpeg-turbo), PNG (libpng), WebP (libwebp,
// first frame of an animation) and GIF (giflib, first frame) into an Image.
//
// The format is sniffed from the first bytes, never from the file name.
// Every failure is a Status whose message starts with the file name and
// says what is wrong: unreadable, too large, unsupported, over a pixel
// limit (checked from the header, before decoding), corrupt or truncated.
// A malformed file never crashes the process.
//
// EXIF orientation is ignored, as the PDQ reference does, so hashes match
// the reference's.
//
// Streaming: DecodeMemoryTo hands the rows to a RowSink in batches, top to
// bottom. JPEG rows come straight from libjpeg's scanline loop (no full-size
// buffer); the other formats are decoded into an internal Image first.
//
// Thread safety: an ImageDecoder keeps reusable file, row and image buffers;
// use one per thread. Once they have grown to the largest image seen,
// decoding allocates nothing beyond what the codec libraries allocate
// internally.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/image.h"
#include "model/status.h"

namespace evenhand {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kGif };

// The format from the leading magic bytes, kUnknown when none fits.
ImageFormat SniffImageFormat(const uint8_t* data, size_t size);
const char* ImageFormatName(ImageFormat f);

struct DecodeOptions {
  DecodeLimits limits;
  // JPEG only: decode at 1/jpeg_scale_denom of the size in the DCT domain
  // (1, 2, 4 or 8). 1 is exact; larger is the fast path (not bit-exact).
  // The scale is reduced so that neither side drops below min_scaled_side.
  int jpeg_scale_denom = 1;
  int min_scaled_side = 256;
};

// Receives decoded rows. Begin is called once, before any row, with the
// decoded size and the file's own size (they differ only when a JPEG is
// decoded at a reduced DCT scale). `channels` is 1 (grey), 3 (RGB) or 4
// (RGB plus an unused byte, only when AcceptsRgbx()). Rows arrives with
// rows [y, y + count) in order; row i starts at first + i * stride.
// A sink must not throw; after an error Status the rows seen are partial.
class RowSink {
 public:
  virtual bool AcceptsRgbx() const { return false; }
  virtual void Begin(int width, int height, int channels, int source_width, int source_height) = 0;
  virtual void Rows(int y, int count, const uint8_t* first, size_t stride) = 0;

 protected:
  ~RowSink() = default;
};

class ImageDecoder {
 public:
  explicit ImageDecoder(DecodeOptions options = {}) : options_(options) {}

  // Reads and decodes `path` into *out.
  Status DecodeFile(const std::string& path, Image* out);
  // Decodes an in-memory file; `name` is used in error messages.
  Status DecodeMemory(const uint8_t* data, size_t size, std::string_view name, Image* out);

  // Streams the decoded rows of an in-memory file to `sink`. `jpeg_scale_denom`
  // overrides options().jpeg_scale_denom when > 0.
  Status DecodeMemoryTo(const uint8_t* data, size_t size, std::string_view name, RowSink* sink,
                        int jpeg_scale_denom = 0);

  // Reads `path` (checking the file-size limit) into file(), for DecodeMemoryTo.
  Status LoadFile(const std::string& path);
  const std::vector<uint8_t>& file() const { return file_; }

  const DecodeOptions& options() const { return options_; }

 private:
  DecodeOptions options_;
  std::vector<uint8_t> file_;   // reused across LoadFile / DecodeFile calls
  std::vector<uint8_t> batch_;  // JPEG rows handed to a sink, reused
  Image image_;                 // non-JPEG formats when streaming, reused
};

}  // namespace evenhand
