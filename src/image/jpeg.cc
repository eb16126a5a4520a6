// JPEG decoding with libjpeg-turbo. Errors leave through longjmp from the
// library's error_exit back to DecodeJpeg's setjmp; no object with a
// destructor lives between the two.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <string>

#include <jpeglib.h>
#include <jerror.h>

#include "image/codecs.h"

namespace evenhand::image_internal {
namespace {

struct ErrorManager {
  jpeg_error_mgr pub;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool truncated;
};

void ErrorExit(j_common_ptr cinfo) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, err->message);
  std::longjmp(err->jump, 1);
}

// Warnings are ignored except premature end of data: a truncated file is an error.
void EmitMessage(j_common_ptr cinfo, int level) {
  auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
  if (level < 0 && cinfo->err->msg_code == JWRN_JPEG_EOF) err->truncated = true;
}

// CMYK to RGB. Adobe-marked files (nearly all) store inverted ink values.
void CmykRowToRgb(const uint8_t* in, uint8_t* out, int width, bool inverted) {
  for (int x = 0; x < width; ++x) {
    unsigned c = in[4 * x], m = in[4 * x + 1], y = in[4 * x + 2], k = in[4 * x + 3];
    if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
    out[3 * x] = static_cast<uint8_t>((c * k + 127) / 255);
    out[3 * x + 1] = static_cast<uint8_t>((m * k + 127) / 255);
    out[3 * x + 2] = static_cast<uint8_t>((y * k + 127) / 255);
  }
}

}  // namespace

Status DecodeJpeg(const uint8_t* data, size_t size, std::string_view name, const DecodeOptions& options,
                  Image* out) {
  jpeg_decompress_struct cinfo;
  ErrorManager err;
  cinfo.err = jpeg_std_error(&err.pub);
  err.pub.error_exit = ErrorExit;
  err.pub.emit_message = EmitMessage;
  err.truncated = false;
  err.message[0] = 0;
  // Everything the error path needs is plain data declared above the setjmp.
  volatile int stage = 0;  // 1: header refused by limits, 2: truncated
  uint8_t* volatile cmyk_row = nullptr;
  Status limit_status;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    delete[] cmyk_row;
    return Status::Corrupt(std::string(name) + ": corrupt JPEG: " + err.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  limit_status = CheckDimensions(name, cinfo.image_width, cinfo.image_height, options.limits);
  if (!limit_status.ok()) {
    stage = 1;
  } else {
    bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    bool grey = cinfo.jpeg_color_space == JCS_GRAYSCALE;
    cinfo.out_color_space = cmyk ? JCS_CMYK : grey ? JCS_GRAYSCALE : JCS_RGB;
    int denom = options.jpeg_scale_denom;
    int small_side = static_cast<int>(std::min(cinfo.image_width, cinfo.image_height));
    while (denom > 1 && small_side / denom < options.min_scaled_side) denom /= 2;
    if (denom > 1) {
      cinfo.scale_num = 1;
      cinfo.scale_denom = static_cast<unsigned>(denom);
      cinfo.dct_method = JDCT_ISLOW;
    }
    jpeg_start_decompress(&cinfo);
    int w = static_cast<int>(cinfo.output_width), h = static_cast<int>(cinfo.output_height);
    out->Reset(w, h, grey ? 1 : 3);
    if (cmyk) cmyk_row = new uint8_t[static_cast<size_t>(w) * 4];
    bool inverted = cinfo.saw_Adobe_marker;
    while (cinfo.output_scanline < cinfo.output_height) {
      int y = static_cast<int>(cinfo.output_scanline);
      JSAMPROW row = cmyk ? cmyk_row : out->Row(y);
      jpeg_read_scanlines(&cinfo, &row, 1);
      if (cmyk) CmykRowToRgb(cmyk_row, out->Row(y), w, inverted);
      if (err.truncated) break;
    }
    if (err.truncated) {
      stage = 2;
      jpeg_abort_decompress(&cinfo);
    } else {
      jpeg_finish_decompress(&cinfo);
    }
  }
  jpeg_destroy_decompress(&cinfo);
  delete[] cmyk_row;
  if (stage == 1) return limit_status;
  if (stage == 2) return Status::Corrupt(std::string(name) + ": truncated JPEG (premature end of data)");
  return Status::Ok();
}

}  // namespace evenhand::image_internal
