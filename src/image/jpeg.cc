// JPEG decoding with libjpeg-turbo, streaming rows to a RowSink in batches.
// Errors leave through longjmp from the library's error_exit back to the
// setjmp in DecodeJpegRows, which holds only plain data; the frames skipped
// by the jump are libjpeg's own C frames (the sink is called between
// libjpeg calls, never from inside one), and the sink and the batch buffer
// belong to the caller.
#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <string>

#include <jpeglib.h>
#include <jerror.h>

#include "image/codecs.h"

namespace evenhand::image_internal {
namespace {

constexpr int kBatchRows = 2;  // one row group of 4:2:0 JPEGs: measured fastest (2, 8, 12 >> 4, 16 rows)

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

// CMYK to RGB, in place (output pixel x never overwrites input not yet read).
// Adobe-marked files (nearly all) store inverted ink values.
void CmykRowToRgb(uint8_t* row, int width, bool inverted) {
  for (int x = 0; x < width; ++x) {
    unsigned c = row[4 * x], m = row[4 * x + 1], y = row[4 * x + 2], k = row[4 * x + 3];
    if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
    row[3 * x] = static_cast<uint8_t>((c * k + 127) / 255);
    row[3 * x + 1] = static_cast<uint8_t>((m * k + 127) / 255);
    row[3 * x + 2] = static_cast<uint8_t>((y * k + 127) / 255);
  }
}

}  // namespace

void ImageSink::Begin(int width, int height, int channels, int source_width, int source_height) {
  out_->Reset(width, height, channels);
  out_->source_width = source_width;
  out_->source_height = source_height;
}

void ImageSink::Rows(int y, int count, const uint8_t* first, size_t stride) {
  const size_t bytes = static_cast<size_t>(out_->width) * out_->channels;
  for (int i = 0; i < count; ++i) std::memcpy(out_->Row(y + i), first + i * stride, bytes);
}

void StreamImage(const Image& image, RowSink* sink) {
  // An Image filled by hand may leave the source size at 0: then it is its own.
  sink->Begin(image.width, image.height, image.channels, image.source_width > 0 ? image.source_width : image.width,
              image.source_height > 0 ? image.source_height : image.height);
  const size_t stride = static_cast<size_t>(image.width) * image.channels;
  for (int y = 0; y < image.height; y += kBatchRows) {
    sink->Rows(y, std::min(kBatchRows, image.height - y), image.Row(y), stride);
  }
}

namespace {

enum class JpegOutcome { kOk, kOverLimit, kTruncated, kCorrupt };

// All of the libjpeg work, between setjmp and any longjmp, in a function that
// holds only plain data (no std::string, no Status), so nothing with a
// destructor or a register-cached value is skipped by the jump. Error text
// is left in err->message, the header's size in *width / *height.
JpegOutcome DecodeJpegRows(const uint8_t* data, size_t size, const DecodeOptions& options, int scale_denom,
                           RowSink* sink, std::vector<uint8_t>* batch, ErrorManager* err, uint64_t* width,
                           uint64_t* height) {
  jpeg_decompress_struct cinfo;
  cinfo.err = jpeg_std_error(&err->pub);
  err->pub.error_exit = ErrorExit;
  err->pub.emit_message = EmitMessage;
  err->truncated = false;
  err->message[0] = 0;
  if (setjmp(err->jump)) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::kCorrupt;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(&cinfo, TRUE);
  *width = cinfo.image_width;
  *height = cinfo.image_height;
  if (!WithinDimensionLimits(cinfo.image_width, cinfo.image_height, options.limits)) {
    jpeg_destroy_decompress(&cinfo);
    return JpegOutcome::kOverLimit;
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  const bool grey = cinfo.jpeg_color_space == JCS_GRAYSCALE;
  // RGBX gives the same R, G, B values as RGB (libjpeg-turbo's extended
  // colour spaces only change the layout), 4-byte aligned for the sink.
  const bool rgbx = !cmyk && !grey && sink->AcceptsRgbx();
  cinfo.out_color_space = cmyk ? JCS_CMYK : grey ? JCS_GRAYSCALE : rgbx ? JCS_EXT_RGBX : JCS_RGB;
  int denom = scale_denom;
  const int small_side = static_cast<int>(std::min(cinfo.image_width, cinfo.image_height));
  while (denom > 1 && small_side / denom < options.min_scaled_side) denom /= 2;
  if (denom > 1) {
    cinfo.scale_num = 1;
    cinfo.scale_denom = static_cast<unsigned>(denom);
    cinfo.dct_method = JDCT_ISLOW;
  }
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width), h = static_cast<int>(cinfo.output_height);
  const int out_channels = grey ? 1 : rgbx ? 4 : 3;
  // Rows a cache line apart from a multiple of 4 KiB: with power-of-two
  // strides the batch's rows and the sink's buffers alias in the L1 cache.
  const size_t stride = (static_cast<size_t>(w) * (cmyk ? 4 : out_channels) + 63) / 64 * 64 + 64;
  if (batch->size() < stride * kBatchRows) batch->resize(stride * kBatchRows);
  sink->Begin(w, h, out_channels, static_cast<int>(cinfo.image_width), static_cast<int>(cinfo.image_height));
  const bool inverted = cinfo.saw_Adobe_marker;
  JSAMPROW rows[kBatchRows];
  for (int i = 0; i < kBatchRows; ++i) rows[i] = batch->data() + i * stride;
  while (cinfo.output_scanline < cinfo.output_height && !err->truncated) {
    const int y = static_cast<int>(cinfo.output_scanline);
    // libjpeg returns at most one row group per call; fill the batch.
    int got = 0;
    while (got < kBatchRows && cinfo.output_scanline < cinfo.output_height && !err->truncated) {
      const JDIMENSION n = jpeg_read_scanlines(&cinfo, rows + got, static_cast<JDIMENSION>(kBatchRows - got));
      if (n == 0) err->truncated = true;  // cannot happen with a memory source; never spin
      got += static_cast<int>(n);
    }
    if (cmyk) {
      for (int i = 0; i < got; ++i) CmykRowToRgb(rows[i], w, inverted);
    }
    if (err->truncated) break;
    sink->Rows(y, got, batch->data(), stride);
  }
  if (err->truncated) {
    jpeg_abort_decompress(&cinfo);
  } else {
    jpeg_finish_decompress(&cinfo);
  }
  jpeg_destroy_decompress(&cinfo);
  return err->truncated ? JpegOutcome::kTruncated : JpegOutcome::kOk;
}

}  // namespace

Status DecodeJpeg(const uint8_t* data, size_t size, std::string_view name, const DecodeOptions& options,
                  int scale_denom, RowSink* sink, std::vector<uint8_t>* batch) {
  ErrorManager err;
  uint64_t width = 0, height = 0;
  switch (DecodeJpegRows(data, size, options, scale_denom, sink, batch, &err, &width, &height)) {
    case JpegOutcome::kOk: return Status::Ok();
    case JpegOutcome::kOverLimit: return CheckDimensions(name, width, height, options.limits);
    case JpegOutcome::kTruncated:
      return Status::Corrupt(std::string(name) + ": truncated JPEG (premature end of data)");
    case JpegOutcome::kCorrupt: break;
  }
  return Status::Corrupt(std::string(name) + ": corrupt JPEG: " + err.message);
}

}  // namespace evenhand::image_internal
