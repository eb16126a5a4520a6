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
// Thread safety: an ImageDecoder keeps a reusable file buffer; use one per
// thread. Decoding into an Image whose capacity fits allocates nothing
// beyond what the codec libraries allocate internally.
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

class ImageDecoder {
 public:
  explicit ImageDecoder(DecodeOptions options = {}) : options_(options) {}

  // Reads and decodes `path` into *out.
  Status DecodeFile(const std::string& path, Image* out);
  // Decodes an in-memory file; `name` is used in error messages.
  Status DecodeMemory(const uint8_t* data, size_t size, std::string_view name, Image* out);

  const DecodeOptions& options() const { return options_; }

 private:
  DecodeOptions options_;
  std::vector<uint8_t> file_;  // reused across DecodeFile calls
};

}  // namespace evenhand
