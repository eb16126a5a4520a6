#include "behavior_gen_images.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <jpeglib.h>

namespace evenhand::gen {

namespace {

constexpr int kBase = 192;  // base picture side, pixels

struct Rng {
  uint64_t s;
  // The seed is mixed first: seeds n and n + 1 must not give shifted copies of one sequence.
  explicit Rng(uint64_t seed) : s(seed * 0x9e3779b97f4a7c15ULL + 0x1234567ULL) { s = Next(); }
  uint64_t Next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return (Next() >> 11) * (1.0 / 9007199254740992.0); }
  int Range(int lo, int hi) { return lo + static_cast<int>(Next() % static_cast<uint64_t>(hi - lo + 1)); }
};

std::vector<uint8_t> BasePicture(uint64_t seed) {
  Rng r(seed);
  std::vector<uint8_t> px(static_cast<size_t>(kBase) * kBase * 3);
  int c0[3], c1[3];
  for (int k = 0; k < 3; ++k) c0[k] = r.Range(0, 255), c1[k] = r.Range(0, 255);
  double angle = 6.283185307179586 * r.Uniform(), gx = std::cos(angle), gy = std::sin(angle);
  for (int y = 0; y < kBase; ++y)
    for (int x = 0; x < kBase; ++x) {
      double t = 0.5 + ((x - kBase / 2) * gx + (y - kBase / 2) * gy) / (1.5 * kBase);  // 0..1 along a random direction
      for (int k = 0; k < 3; ++k)
        px[(static_cast<size_t>(y) * kBase + x) * 3 + k] = static_cast<uint8_t>(c0[k] + (c1[k] - c0[k]) * t);
    }
  int shapes = r.Range(10, 24);
  for (int s = 0; s < shapes; ++s) {
    int cx = r.Range(0, kBase - 1), cy = r.Range(0, kBase - 1), rad = r.Range(8, kBase / 3);
    bool disc = r.Uniform() < 0.5;
    int col[3];
    for (int& c : col) c = r.Range(0, 255);
    for (int y = std::max(0, cy - rad); y < std::min(kBase, cy + rad); ++y)
      for (int x = std::max(0, cx - rad); x < std::min(kBase, cx + rad); ++x) {
        if (disc && (x - cx) * (x - cx) + (y - cy) * (y - cy) > rad * rad) continue;
        for (int k = 0; k < 3; ++k) px[(static_cast<size_t>(y) * kBase + x) * 3 + k] = static_cast<uint8_t>(col[k]);
      }
  }
  // Texture: a few random waves over everything, so pictures differ in the
  // middle frequencies a perceptual hash reads, as photographs do.
  for (int wv = 0; wv < 4; ++wv) {
    double a = 6.283185307179586 * r.Uniform(), f = 6.283185307179586 * (2 + 10 * r.Uniform()) / kBase;
    double fx = f * std::cos(a), fy = f * std::sin(a), ph = 6.283185307179586 * r.Uniform(), amp = 12 + 20 * r.Uniform();
    for (int y = 0; y < kBase; ++y)
      for (int x = 0; x < kBase; ++x) {
        int d = static_cast<int>(amp * std::sin(fx * x + fy * y + ph));
        for (int k = 0; k < 3; ++k) {
          uint8_t& v = px[(static_cast<size_t>(y) * kBase + x) * 3 + k];
          v = static_cast<uint8_t>(std::clamp(v + d, 0, 255));
        }
      }
  }
  return px;
}

bool WriteJpeg(const std::string& path, const std::vector<uint8_t>& rgb, int w, int h, int quality) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return false;
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f);
  cinfo.image_width = static_cast<JDIMENSION>(w);
  cinfo.image_height = static_cast<JDIMENSION>(h);
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(&rgb[static_cast<size_t>(cinfo.next_scanline) * w * 3]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  return std::fclose(f) == 0;
}

}  // namespace

bool WriteImageCopy(const std::string& path, uint64_t base_seed, uint64_t copy_seed, const ImageEdit& edit) {
  std::vector<uint8_t> base = BasePicture(base_seed);
  Rng r(copy_seed);
  int x0 = static_cast<int>(kBase * edit.crop * r.Uniform()), x1 = kBase - static_cast<int>(kBase * edit.crop * r.Uniform());
  int y0 = static_cast<int>(kBase * edit.crop * r.Uniform()), y1 = kBase - static_cast<int>(kBase * edit.crop * r.Uniform());
  double scale = edit.resize ? 0.6 + 0.7 * r.Uniform() : 1.0;
  int w = std::max(16, static_cast<int>((x1 - x0) * scale)), h = std::max(16, static_cast<int>((y1 - y0) * scale));
  int shift = edit.brightness > 0 ? r.Range(-edit.brightness, edit.brightness) : 0;
  // Bilinear resampling of the crop [x0, x1) x [y0, y1) to w x h (what an
  // upload pipeline's resize does; nearest neighbour would alias).
  std::vector<uint8_t> out(static_cast<size_t>(w) * h * 3);
  auto at = [&](int y, int x, int k) { return base[(static_cast<size_t>(y) * kBase + x) * 3 + k]; };
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double fx = std::clamp(x0 + (x + 0.5) * (x1 - x0) / w - 0.5, double(x0), double(x1 - 1));
      double fy = std::clamp(y0 + (y + 0.5) * (y1 - y0) / h - 0.5, double(y0), double(y1 - 1));
      int ix = static_cast<int>(fx), iy = static_cast<int>(fy);
      int jx = std::min(ix + 1, x1 - 1), jy = std::min(iy + 1, y1 - 1);
      double ax = fx - ix, ay = fy - iy;
      for (int k = 0; k < 3; ++k) {
        double v = (1 - ay) * ((1 - ax) * at(iy, ix, k) + ax * at(iy, jx, k)) + ay * ((1 - ax) * at(jy, ix, k) + ax * at(jy, jx, k));
        out[(static_cast<size_t>(y) * w + x) * 3 + k] = static_cast<uint8_t>(std::clamp(static_cast<int>(v + 0.5) + shift, 0, 255));
      }
    }
  return WriteJpeg(path, out, w, h, edit.quality);
}

}  // namespace evenhand::gen
