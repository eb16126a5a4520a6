// Hashing benchmark: PDQ of 1024x768 JPEGs including decode, one thread.
// The JPEGs are made in-process from the PDQ test photos
// (../shared/testdata/pdq/images, or the directory given): each is decoded,
// resized to 1024x768 (bilinear) and encoded with libjpeg at quality 90,
// in memory. Then every file is decoded from memory and hashed, ROUNDS times,
// in the exact mode and in the fast path (JPEG decoded at 1/2 scale), and
// the fast path's largest distance from the exact hash is reported.
//   usage: hash_bench [ROUNDS=10] [IMAGE_DIR]
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <jpeglib.h>

#include "image/decoder.h"
#include "image/pdq.h"

using namespace evenhand;

namespace {

constexpr int kW = 1024, kH = 768;

void Resize(const Image& in, std::vector<uint8_t>* out) {
  out->resize(static_cast<size_t>(kW) * kH * 3);
  for (int y = 0; y < kH; ++y) {
    const float fy = std::max(0.0f, (y + 0.5f) * in.height / kH - 0.5f);
    const int y0 = std::min(static_cast<int>(fy), in.height - 1), y1 = std::min(y0 + 1, in.height - 1);
    const float wy = fy - y0;
    for (int x = 0; x < kW; ++x) {
      const float fx = std::max(0.0f, (x + 0.5f) * in.width / kW - 0.5f);
      const int x0 = std::min(static_cast<int>(fx), in.width - 1), x1 = std::min(x0 + 1, in.width - 1);
      const float wx = fx - x0;
      for (int c = 0; c < 3; ++c) {
        auto px = [&](int yy, int xx) {
          return static_cast<float>(in.Row(yy)[xx * in.channels + (in.channels == 3 ? c : 0)]);
        };
        const float v = (1 - wy) * ((1 - wx) * px(y0, x0) + wx * px(y0, x1)) + wy * ((1 - wx) * px(y1, x0) + wx * px(y1, x1));
        (*out)[(static_cast<size_t>(y) * kW + x) * 3 + c] = static_cast<uint8_t>(std::clamp(v + 0.5f, 0.0f, 255.0f));
      }
    }
  }
}

std::vector<uint8_t> EncodeJpeg(const std::vector<uint8_t>& rgb) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr err;
  cinfo.err = jpeg_std_error(&err);
  jpeg_create_compress(&cinfo);
  unsigned char* buf = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buf, &size);
  cinfo.image_width = kW;
  cinfo.image_height = kH;
  cinfo.input_components = 3;
  cinfo.in_color_space = JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(&rgb[static_cast<size_t>(cinfo.next_scanline) * kW * 3]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> out(buf, buf + size);
  jpeg_destroy_compress(&cinfo);
  std::free(buf);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::atoi(argv[1]) : 10;
  const std::string dir = argc > 2 ? argv[2] : std::string(EVENHAND_SOURCE_DIR) + "/../shared/testdata/pdq/images";
  std::vector<std::vector<uint8_t>> files;
  ImageDecoder loader;
  Image image;
  std::vector<uint8_t> rgb;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file() || !loader.DecodeFile(e.path().string(), &image).ok()) continue;
    Resize(image, &rgb);
    files.push_back(EncodeJpeg(rgb));
  }
  std::printf("%zu JPEGs of %dx%d (quality 90), %d rounds, one thread\n", files.size(), kW, kH, rounds);
  std::vector<Hash256> exact(files.size());
  for (int denom : {1, 2}) {
    DecodeOptions options;
    options.jpeg_scale_denom = denom;
    ImageDecoder decoder(options);
    PdqHasher hasher;
    int worst = 0;
    double decode_s = 0, hash_s = 0;
    for (int r = 0; r < rounds; ++r) {
      for (size_t i = 0; i < files.size(); ++i) {
        auto t0 = std::chrono::steady_clock::now();
        Status s = decoder.DecodeMemory(files[i].data(), files[i].size(), "bench.jpg", &image);
        auto t1 = std::chrono::steady_clock::now();
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
        PdqResult h = hasher.Hash(image);
        auto t2 = std::chrono::steady_clock::now();
        decode_s += std::chrono::duration<double>(t1 - t0).count();
        hash_s += std::chrono::duration<double>(t2 - t1).count();
        if (denom == 1) exact[i] = h.hash;
        else worst = std::max(worst, Distance(h.hash, exact[i]));
        if (denom > 1 && r == 0 && std::getenv("HASH_BENCH_VERBOSE"))
          std::printf("  image %zu: quality %d, fast path %d bits from exact\n", i, h.quality, Distance(h.hash, exact[i]));
      }
    }
    const double n = static_cast<double>(files.size()) * rounds;
    std::printf("%s: %.1f images/s (decode %.2f ms, PDQ %.2f ms per image)", denom == 1 ? "exact" : "fast (1/2 DCT scale)",
                n / (decode_s + hash_s), 1e3 * decode_s / n, 1e3 * hash_s / n);
    if (denom > 1) std::printf(", largest distance from exact: %d bits", worst);
    std::printf("\n");
  }
  return 0;
}
