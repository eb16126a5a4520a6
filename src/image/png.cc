// PNG decoding with libpng: palette and low-bit grey expanded, 16-bit scaled
// to 8 with rounding, alpha stripped, interlacing handled. libpng errors
// leave through its longjmp back to DecodePng's setjmp.
#include <png.h>

#include <cstring>
#include <string>

#include "image/codecs.h"

namespace evenhand::image_internal {
namespace {

struct Reader {
  const uint8_t* data;
  size_t size;
  size_t pos;
  char message[256];
};

void ReadFn(png_structp png, png_bytep out, png_size_t n) {
  auto* r = static_cast<Reader*>(png_get_io_ptr(png));
  if (r->size - r->pos < n) png_error(png, "truncated file (premature end of data)");
  std::memcpy(out, r->data + r->pos, n);
  r->pos += n;
}

void ErrorFn(png_structp png, png_const_charp msg) {
  auto* r = static_cast<Reader*>(png_get_io_ptr(png));
  std::snprintf(r->message, sizeof r->message, "%s", msg);
  png_longjmp(png, 1);
}

void WarningFn(png_structp, png_const_charp) {}

}  // namespace

Status DecodePng(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits, Image* out) {
  Reader reader{data, size, 0, {0}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &reader, ErrorFn, WarningFn);
  if (png == nullptr) return Status::Internal(std::string(name) + ": cannot create PNG reader");
  png_infop info = png_create_info_struct(png);
  if (info == nullptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    return Status::Internal(std::string(name) + ": cannot create PNG reader");
  }
  png_set_read_fn(png, &reader, ReadFn);
  // Decompressed chunk size bound (zTXt/iCCP bombs); pixel data is bounded below.
  png_set_chunk_malloc_max(png, 8u << 20);
  png_bytep* volatile rows = nullptr;
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, nullptr);
    delete[] rows;
    return Status::Corrupt(std::string(name) + ": corrupt PNG: " + reader.message);
  }
  png_read_info(png, info);
  png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
  if (Status limit = CheckDimensions(name, w, h, limits); !limit.ok()) {
    // Returned directly: a longjmp past `limit` would skip its destructor.
    png_destroy_read_struct(&png, &info, nullptr);
    return limit;
  }
  int color = png_get_color_type(png, info);
  int depth = png_get_bit_depth(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (png_get_valid(png, info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
  if (depth == 16) png_set_scale_16(png);
  png_set_strip_alpha(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  int channels = png_get_channels(png, info);
  if (channels != 1 && channels != 3) {
    std::snprintf(reader.message, sizeof reader.message, "unexpected channel count %d", channels);
    png_longjmp(png, 1);
  }
  out->Reset(static_cast<int>(w), static_cast<int>(h), channels);
  rows = new png_bytep[h];
  for (png_uint_32 y = 0; y < h; ++y) rows[y] = out->Row(static_cast<int>(y));
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info, nullptr);
  delete[] rows;
  return Status::Ok();
}

}  // namespace evenhand::image_internal
