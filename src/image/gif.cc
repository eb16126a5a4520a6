// GIF decoding with giflib: the first frame only, drawn at its offset on the
// logical screen (filled with the background colour); transparent pixels
// keep the background. Records after the first frame are never read, so a
// file with thousands of frames costs one frame.
#include <gif_lib.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "image/codecs.h"

namespace evenhand::image_internal {
namespace {

struct Source {
  const uint8_t* data;
  size_t size;
  size_t pos;
};

int ReadFn(GifFileType* gif, GifByteType* out, int n) {
  auto* s = static_cast<Source*>(gif->UserData);
  size_t take = std::min(static_cast<size_t>(n), s->size - s->pos);
  std::memcpy(out, s->data + s->pos, take);
  s->pos += take;
  return static_cast<int>(take);
}

Status Fail(std::string_view name, GifFileType* gif, const char* what) {
  int code = gif != nullptr ? gif->Error : 0;
  std::string msg = std::string(name) + ": corrupt GIF: " + what;
  if (code != 0 && GifErrorString(code) != nullptr) msg += std::string(" (") + GifErrorString(code) + ")";
  if (gif != nullptr) DGifCloseFile(gif, nullptr);
  return Status::Corrupt(std::move(msg));
}

}  // namespace

Status DecodeGif(const uint8_t* data, size_t size, std::string_view name, const DecodeLimits& limits, Image* out) {
  Source src{data, size, 0};
  int error = 0;
  GifFileType* gif = DGifOpen(&src, ReadFn, &error);
  if (gif == nullptr) return Status::Corrupt(std::string(name) + ": corrupt GIF header");
  Status limit = CheckDimensions(name, static_cast<uint64_t>(gif->SWidth), static_cast<uint64_t>(gif->SHeight),
                                 limits);
  if (!limit.ok()) {
    DGifCloseFile(gif, nullptr);
    return limit;
  }
  int transparent = -1;
  for (int records = 0;; ++records) {
    if (records > limits.max_gif_records) return Fail(name, gif, "too many records before the first frame");
    GifRecordType type;
    if (DGifGetRecordType(gif, &type) == GIF_ERROR) return Fail(name, gif, "bad record");
    if (type == TERMINATE_RECORD_TYPE) return Fail(name, gif, "no image in file");
    if (type == EXTENSION_RECORD_TYPE) {
      int code = 0;
      GifByteType* ext = nullptr;
      if (DGifGetExtension(gif, &code, &ext) == GIF_ERROR) return Fail(name, gif, "bad extension");
      if (code == GRAPHICS_EXT_FUNC_CODE && ext != nullptr && ext[0] >= 4) {
        GraphicsControlBlock gcb;
        if (DGifExtensionToGCB(ext[0], ext + 1, &gcb) == GIF_OK) transparent = gcb.TransparentColor;
      }
      while (ext != nullptr) {
        if (DGifGetExtensionNext(gif, &ext) == GIF_ERROR) return Fail(name, gif, "bad extension");
      }
      continue;
    }
    if (type != IMAGE_DESC_RECORD_TYPE) continue;
    if (DGifGetImageDesc(gif) == GIF_ERROR) return Fail(name, gif, "bad image descriptor");
    break;
  }
  const GifImageDesc& desc = gif->Image;
  const ColorMapObject* map = desc.ColorMap != nullptr ? desc.ColorMap : gif->SColorMap;
  if (map == nullptr) return Fail(name, gif, "no colour map");
  int fw = desc.Width, fh = desc.Height;
  limit = CheckDimensions(name, static_cast<uint64_t>(fw), static_cast<uint64_t>(fh), limits);
  if (!limit.ok()) {
    DGifCloseFile(gif, nullptr);
    return limit;
  }
  // Canvas: the logical screen, grown to hold the frame if a writer got it wrong.
  int cw = std::max(gif->SWidth, desc.Left + fw), ch = std::max(gif->SHeight, desc.Top + fh);
  limit = CheckDimensions(name, static_cast<uint64_t>(cw), static_cast<uint64_t>(ch), limits);
  if (!limit.ok()) {
    DGifCloseFile(gif, nullptr);
    return limit;
  }
  GifColorType bg{0, 0, 0};
  if (gif->SColorMap != nullptr && gif->SBackGroundColor < gif->SColorMap->ColorCount) {
    bg = gif->SColorMap->Colors[gif->SBackGroundColor];
  }
  // The first line is decoded before the canvas is made: a header that
  // promises a large screen with no image data behind it is refused without
  // allocating or filling the canvas.
  std::vector<GifPixelType> line(static_cast<size_t>(fw));
  if (DGifGetLine(gif, line.data(), fw) == GIF_ERROR) return Fail(name, gif, "truncated image data");
  out->Reset(cw, ch, 3);
  // The background: one row pixel by pixel, then copied to the others.
  uint8_t* first = out->Row(0);
  for (int x = 0; x < cw; ++x) {
    first[3 * x] = bg.Red; first[3 * x + 1] = bg.Green; first[3 * x + 2] = bg.Blue;
  }
  for (int y = 1; y < ch; ++y) std::memcpy(out->Row(y), first, static_cast<size_t>(cw) * 3);
  auto draw = [&](int y) {
    uint8_t* row = out->Row(desc.Top + y) + 3 * desc.Left;
    for (int x = 0; x < fw; ++x) {
      int idx = line[x];
      if (idx == transparent || idx >= map->ColorCount) continue;
      row[3 * x] = map->Colors[idx].Red;
      row[3 * x + 1] = map->Colors[idx].Green;
      row[3 * x + 2] = map->Colors[idx].Blue;
    }
  };
  draw(0);  // row 0 comes first in both orders
  auto next = [&](int y) {
    if (DGifGetLine(gif, line.data(), fw) == GIF_ERROR) return false;
    draw(y);
    return true;
  };
  if (desc.Interlace) {
    static constexpr int kStart[4] = {0, 4, 2, 1}, kStep[4] = {8, 8, 4, 2};
    for (int pass = 0; pass < 4; ++pass) {
      for (int y = kStart[pass]; y < fh; y += kStep[pass]) {
        if (y == 0) continue;  // drawn above
        if (!next(y)) return Fail(name, gif, "truncated image data");
      }
    }
  } else {
    for (int y = 1; y < fh; ++y) {
      if (!next(y)) return Fail(name, gif, "truncated image data");
    }
  }
  DGifCloseFile(gif, nullptr);
  return Status::Ok();
}

}  // namespace evenhand::image_internal
