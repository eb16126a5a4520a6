// WebP decoding with libwebp: still images decode straight to RGB; an
// animation gives its first frame (composited by the demuxer), alpha dropped.
#include <webp/decode.h>
#include <webp/demux.h>

#include <string>

#include "image/codecs.h"

namespace evenhand::image_internal {

Status DecodeWebp(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits, Image* out) {
  WebPBitstreamFeatures features;
  if (WebPGetFeatures(data, size, &features) != VP8_STATUS_OK) {
    return Status::Corrupt(std::string(name) + ": corrupt WebP header");
  }
  Status limit = CheckDimensions(name, static_cast<uint64_t>(features.width), static_cast<uint64_t>(features.height),
                                 limits);
  if (!limit.ok()) return limit;
  if (!features.has_animation) {
    out->Reset(features.width, features.height, 3);
    if (WebPDecodeRGBInto(data, size, out->pixels.data(), out->pixels.size(), features.width * 3) == nullptr) {
      return Status::Corrupt(std::string(name) + ": corrupt or truncated WebP data");
    }
    return Status::Ok();
  }
  WebPData webp{data, size};
  WebPAnimDecoderOptions opts;
  WebPAnimDecoderOptionsInit(&opts);
  opts.color_mode = MODE_RGBA;
  opts.use_threads = 0;
  WebPAnimDecoder* dec = WebPAnimDecoderNew(&webp, &opts);
  if (dec == nullptr) return Status::Corrupt(std::string(name) + ": corrupt animated WebP");
  WebPAnimInfo info;
  uint8_t* rgba = nullptr;
  int ts = 0;
  if (!WebPAnimDecoderGetInfo(dec, &info) ||
      !CheckDimensions(name, info.canvas_width, info.canvas_height, limits).ok() ||
      !WebPAnimDecoderGetNext(dec, &rgba, &ts)) {
    WebPAnimDecoderDelete(dec);
    return Status::Corrupt(std::string(name) + ": corrupt animated WebP (first frame)");
  }
  int w = static_cast<int>(info.canvas_width), h = static_cast<int>(info.canvas_height);
  out->Reset(w, h, 3);
  size_t n = static_cast<size_t>(w) * h;
  uint8_t* dst = out->pixels.data();
  for (size_t i = 0; i < n; ++i) {
    dst[3 * i] = rgba[4 * i];
    dst[3 * i + 1] = rgba[4 * i + 1];
    dst[3 * i + 2] = rgba[4 * i + 2];
  }
  WebPAnimDecoderDelete(dec);
  return Status::Ok();
}

}  // namespace evenhand::image_internal
