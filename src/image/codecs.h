// Internal to src/image: one function per codec. Each checks `limits`
// against the header before decoding and names `name` in its errors.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "image/decoder.h"
#include "image/image.h"
#include "model/status.h"

namespace evenhand::image_internal {

// Streams rows to `sink` in batches decoded into *batch (grown as needed).
// `scale_denom` (1, 2, 4, 8) is reduced so that no side drops below
// options.min_scaled_side.
Status DecodeJpeg(const uint8_t* data, size_t size, std::string_view name, const DecodeOptions& options,
                  int scale_denom, RowSink* sink, std::vector<uint8_t>* batch);

// A RowSink that fills an Image (channels 1 or 3).
class ImageSink final : public RowSink {
 public:
  explicit ImageSink(Image* out) : out_(out) {}
  void Begin(int width, int height, int channels, int source_width, int source_height) override;
  void Rows(int y, int count, const uint8_t* first, size_t stride) override;

 private:
  Image* out_;
};

// Hands the rows of `image` to `sink` in batches.
void StreamImage(const Image& image, RowSink* sink);
Status DecodePng(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                 Image* out);
Status DecodeWebp(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                  Image* out);
Status DecodeGif(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                 Image* out);

// Whether a width x height image is non-empty and within `limits`.
bool WithinDimensionLimits(uint64_t width, uint64_t height, const DecodeLimits& limits);

// "NAME: image is WxH, over the limit of ..." or ok.
Status CheckDimensions(std::string_view name, uint64_t width, uint64_t height, const DecodeLimits& limits);

}  // namespace evenhand::image_internal
