// Decoded images and decoding limits.
//
// An Image is 8-bit, row-major and tightly packed, with one channel (grey) or
// three (RGB). Alpha is dropped on decoding, as Meta's PDQ reference does
// (it never composites); 16-bit samples are scaled to 8 bits with rounding;
// palettes are expanded; CMYK JPEGs are converted to RGB.
//
// DecodeLimits are checked from the file size and the header's dimensions
// BEFORE any pixel is decoded, so a decompression bomb is refused cheaply.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace evenhand {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 0;             // 1 (grey) or 3 (RGB)
  std::vector<uint8_t> pixels;  // height * width * channels bytes; capacity reused
  // The size stored in the file: differs from width x height only when a
  // JPEG was decoded at a reduced DCT scale (the hash's fast path uses it).
  int source_width = 0;
  int source_height = 0;

  const uint8_t* Row(int y) const { return pixels.data() + static_cast<size_t>(y) * width * channels; }
  uint8_t* Row(int y) { return pixels.data() + static_cast<size_t>(y) * width * channels; }
  // Sets the shape and sizes `pixels` (keeps capacity; no allocation when it fits).
  void Reset(int w, int h, int c) {
    width = w; height = h; channels = c;
    source_width = w; source_height = h;
    pixels.resize(static_cast<size_t>(w) * h * c);
  }
};

struct DecodeLimits {
  uint64_t max_file_bytes = 64ull << 20;  // 64 MiB
  uint64_t max_pixels = 64'000'000;       // width * height (e.g. 8000 x 8000)
  int max_dimension = 30000;              // either side
  int max_gif_records = 1024;             // extension blocks scanned before the first frame
};

}  // namespace evenhand
