// Internal to src/image: one function per codec. Each checks `limits`
// against the header before decoding and names `name` in its errors.
#pragma once

#include <cstdint>
#include <string_view>

#include "image/decoder.h"
#include "image/image.h"
#include "model/status.h"

namespace evenhand::image_internal {

Status DecodeJpeg(const uint8_t* data, size_t size, std::string_view name, const DecodeOptions& options,
                  Image* out);
Status DecodePng(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                 Image* out);
Status DecodeWebp(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                  Image* out);
Status DecodeGif(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits,
                 Image* out);

// "NAME: image is WxH, over the limit of ..." or ok.
Status CheckDimensions(std::string_view name, uint64_t width, uint64_t height, const DecodeLimits& limits);

}  // namespace evenhand::image_internal
