#include "media/ocr/preprocess.h"

#include <algorithm>
#include <cstdint>

namespace evenhand::ocr {

namespace {

inline int Lum(const uint8_t* p, int channels) {
  if (channels == 1) return p[0];
  return (77 * p[0] + 150 * p[1] + 29 * p[2] + 128) >> 8;
}

inline int Chroma(const uint8_t* p, int channels) {
  if (channels == 1) return 0;
  const int hi = std::max({p[0], p[1], p[2]});
  const int lo = std::min({p[0], p[1], p[2]});
  return hi - lo;
}

}  // namespace

void Resize(const Image& in, int width, int height, Image* out) {
  const int c = in.channels;
  out->Reset(width, height, c);
  if (width <= 0 || height <= 0 || in.width <= 0 || in.height <= 0) {
    out->Reset(std::max(width, 0), std::max(height, 0), c);
    std::fill(out->pixels.begin(), out->pixels.end(), 255);
    return;
  }
  // Source coordinate of a destination pixel centre, in 16.16 fixed point.
  const int64_t sx = (static_cast<int64_t>(in.width) << 16) / width;
  const int64_t sy = (static_cast<int64_t>(in.height) << 16) / height;
  for (int y = 0; y < height; ++y) {
    int64_t fy = (y * sy) + sy / 2 - (1 << 15);
    if (fy < 0) fy = 0;
    int y0 = static_cast<int>(fy >> 16);
    if (y0 > in.height - 1) y0 = in.height - 1;
    const int y1 = std::min(y0 + 1, in.height - 1);
    const int wy = static_cast<int>((fy >> 8) & 0xff);
    const uint8_t* r0 = in.Row(y0);
    const uint8_t* r1 = in.Row(y1);
    uint8_t* o = out->Row(y);
    for (int x = 0; x < width; ++x) {
      int64_t fx = (x * sx) + sx / 2 - (1 << 15);
      if (fx < 0) fx = 0;
      int x0 = static_cast<int>(fx >> 16);
      if (x0 > in.width - 1) x0 = in.width - 1;
      const int x1 = std::min(x0 + 1, in.width - 1);
      const int wx = static_cast<int>((fx >> 8) & 0xff);
      for (int k = 0; k < c; ++k) {
        const int a = r0[x0 * c + k] * (256 - wx) + r0[x1 * c + k] * wx;
        const int b = r1[x0 * c + k] * (256 - wx) + r1[x1 * c + k] * wx;
        o[x * c + k] = static_cast<uint8_t>((a * (256 - wy) + b * wy + (1 << 15)) >> 16);
      }
    }
  }
}

void Grey(const Image& in, Image* out) {
  out->Reset(in.width, in.height, 1);
  const size_t n = static_cast<size_t>(in.width) * in.height;
  const uint8_t* p = in.pixels.data();
  for (size_t i = 0; i < n; ++i) out->pixels[i] = static_cast<uint8_t>(Lum(p + i * in.channels, in.channels));
}

void LightInkMask(const Image& in, int min_lum, int max_chroma, Image* out) {
  out->Reset(in.width, in.height, 1);
  const size_t n = static_cast<size_t>(in.width) * in.height;
  const uint8_t* p = in.pixels.data();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* q = p + i * in.channels;
    out->pixels[i] = (Lum(q, in.channels) >= min_lum && Chroma(q, in.channels) <= max_chroma) ? 0 : 255;
  }
}

void ColourInkMask(const Image& in, int min_value, int min_chroma, Image* out) {
  out->Reset(in.width, in.height, 1);
  const size_t n = static_cast<size_t>(in.width) * in.height;
  const uint8_t* p = in.pixels.data();
  const int c = in.channels;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* q = p + i * c;
    const int v = c == 1 ? q[0] : std::max({q[0], q[1], q[2]});
    out->pixels[i] = (v >= min_value && Chroma(q, c) >= min_chroma) ? 0 : 255;
  }
}

void Invert(Image* grey) {
  for (uint8_t& v : grey->pixels) v = static_cast<uint8_t>(255 - v);
}

void KeepOutlined(const Image& source, Image* mask, double max_height_frac, double max_width_frac,
                  double min_dark_rim, OutlineScratch* sc) {
  const int w = mask->width, h = mask->height;
  const size_t n = static_cast<size_t>(w) * h;
  if (n == 0 || source.width != w || source.height != h) return;
  uint8_t* m = mask->pixels.data();
  sc->label.assign(n, -1);
  sc->parts.clear();
  const uint8_t* src = source.pixels.data();
  const int c = source.channels;
  auto dark = [&](int x, int y) { return Lum(src + (static_cast<size_t>(y) * w + x) * c, c) < 96; };
  static const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
  for (size_t start = 0; start < n; ++start) {
    if (m[start] != 0 || sc->label[start] >= 0) continue;
    const int id = static_cast<int>(sc->parts.size());
    OutlineScratch::Part part{w, h, -1, -1};
    sc->stack.clear();
    sc->stack.push_back(static_cast<int32_t>(start));
    sc->label[start] = id;
    while (!sc->stack.empty()) {
      const int32_t p = sc->stack.back();
      sc->stack.pop_back();
      const int x = p % w, y = p / w;
      part.x0 = std::min(part.x0, x), part.y0 = std::min(part.y0, y);
      part.x1 = std::max(part.x1, x), part.y1 = std::max(part.y1, y);
      bool rim = false, rim_dark = false;
      for (int k = 0; k < 4; ++k) {
        const int nx = x + dx[k], ny = y + dy[k];
        if (nx < 0 || ny < 0 || nx >= w || ny >= h) continue;
        const int32_t q = ny * w + nx;
        if (m[q] == 0) {
          if (sc->label[q] < 0) {
            sc->label[q] = id;
            sc->stack.push_back(q);
          }
          continue;
        }
        // Paper next to ink: the outline is here or one pixel further out.
        rim = true;
        const int fx = nx + dx[k], fy = ny + dy[k];
        if (dark(nx, ny) || (fx >= 0 && fy >= 0 && fx < w && fy < h && dark(fx, fy))) rim_dark = true;
      }
      part.rim += rim;
      part.rim_dark += rim_dark;
    }
    sc->parts.push_back(part);
  }
  const int max_h = static_cast<int>(h * max_height_frac), max_w = static_cast<int>(w * max_width_frac);
  for (size_t i = 0; i < n; ++i) {
    if (sc->label[i] < 0) continue;
    const OutlineScratch::Part& part = sc->parts[static_cast<size_t>(sc->label[i])];
    const bool too_big = part.y1 - part.y0 + 1 > max_h || part.x1 - part.x0 + 1 > max_w;
    const bool outlined = part.rim > 0 && part.rim_dark >= min_dark_rim * part.rim;
    if (too_big || !outlined) m[i] = 255;
  }
}

ImageStats Measure(const Image& in, int min_lum, int max_chroma) {
  ImageStats s;
  const size_t n = static_cast<size_t>(in.width) * in.height;
  if (n == 0) return s;
  uint64_t sum = 0, ink = 0, dark = 0, colour = 0;
  const uint8_t* p = in.pixels.data();
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* q = p + i * in.channels;
    const int l = Lum(q, in.channels);
    sum += static_cast<uint64_t>(l);
    if (l >= min_lum && Chroma(q, in.channels) <= max_chroma) ++ink;
    if (l < 64) ++dark;
    if (in.channels == 3 && std::max({q[0], q[1], q[2]}) >= 150 && Chroma(q, 3) >= 64) ++colour;
  }
  s.mean_lum = static_cast<double>(sum) / static_cast<double>(n);
  s.light_ink = static_cast<double>(ink) / static_cast<double>(n);
  s.dark = static_cast<double>(dark) / static_cast<double>(n);
  s.colour_ink = static_cast<double>(colour) / static_cast<double>(n);
  return s;
}

}  // namespace evenhand::ocr
