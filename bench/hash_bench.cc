// Hashing benchmark: PDQ of 1024x768 JPEGs including decode, one thread.
// The JPEGs are made in-process from the PDQ test photos
// (../shared/testdata/pdq/images, or the directory given): each is decoded,
// resized to 1024x768 (bilinear) and encoded with libjpeg at quality 90,
// in memory. Then every file is decoded from memory and hashed, ROUNDS times:
//   exact           PdqHasher::HashMemory: libjpeg's rows stream into the hash
//   exact (Image)   ImageDecoder::DecodeMemory into an RGB Image, then Hash
//   fast            HashMemory with the JPEG decoded at 1/2 DCT scale
// and the largest distance of each from the exact hash is reported (the two
// exact ones must be 0).
//   usage: hash_bench [ROUNDS=10] [IMAGE_DIR] [--write-jpegs DIR] [--fast-min-quality Q]
// --write-jpegs also writes the 35 JPEGs to DIR (for peers measured on the same files).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <jpeglib.h>
#include <time.h>

#include "image/decoder.h"
#include "image/pdq.h"

using namespace evenhand;

namespace {

constexpr int kW = 1024, kH = 768;

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

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
  int rounds = 10;
  std::string dir = std::string(EVENHAND_SOURCE_DIR) + "/../shared/testdata/pdq/images";
  std::string write_dir;
  int fast_min_quality = -1;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--write-jpegs") == 0 && i + 1 < argc) {
      write_dir = argv[++i];
    } else if (std::strcmp(argv[i], "--fast-min-quality") == 0 && i + 1 < argc) {
      fast_min_quality = std::atoi(argv[++i]);
    } else if (positional++ == 0) {
      rounds = std::atoi(argv[i]);
    } else {
      dir = argv[i];
    }
  }
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) names.push_back(e.path().string());
  }
  std::sort(names.begin(), names.end());
  std::vector<std::vector<uint8_t>> files;
  std::vector<std::string> kept;
  ImageDecoder loader;
  Image image;
  std::vector<uint8_t> rgb;
  for (const std::string& name : names) {
    if (!loader.DecodeFile(name, &image).ok()) continue;
    Resize(image, &rgb);
    files.push_back(EncodeJpeg(rgb));
    kept.push_back(std::filesystem::relative(name, dir).string());
  }
  if (!write_dir.empty()) {
    std::filesystem::create_directories(write_dir);
    for (size_t i = 0; i < files.size(); ++i) {
      char name[32];
      std::snprintf(name, sizeof name, "/%02zu.jpg", i);
      std::ofstream(write_dir + name, std::ios::binary)
          .write(reinterpret_cast<const char*>(files[i].data()), static_cast<std::streamsize>(files[i].size()));
    }
    std::printf("wrote %zu JPEGs to %s (NN.jpg in the order below)\n", files.size(), write_dir.c_str());
  }
  std::printf("%zu JPEGs of %dx%d (quality 90), %d rounds, one thread\n", files.size(), kW, kH, rounds);
  std::vector<PdqResult> exact(files.size());
  const bool verbose = std::getenv("HASH_BENCH_VERBOSE") != nullptr;
  enum Way { kExact, kExactImage, kFast };
  for (Way way : {kExact, kExactImage, kFast}) {
    DecodeOptions options;
    options.jpeg_scale_denom = way == kFast ? 2 : 1;
    ImageDecoder decoder(options);
    PdqHasher hasher;
    if (fast_min_quality >= 0) hasher.set_fast_min_quality(fast_min_quality);
    int worst = 0;
    double seconds = 0, cpu_seconds = 0;
    for (int r = -1; r < rounds; ++r) {  // round -1 warms buffers and caches, untimed
      for (size_t i = 0; i < files.size(); ++i) {
        PdqResult h;
        auto t0 = std::chrono::steady_clock::now();
        const double c0 = ThreadCpuSeconds();
        Status s;
        if (way == kExactImage) {
          s = decoder.DecodeMemory(files[i].data(), files[i].size(), "bench.jpg", &image);
          if (s.ok()) h = hasher.Hash(image);
        } else {
          s = hasher.HashMemory(decoder, files[i].data(), files[i].size(), "bench.jpg", &h);
        }
        if (r >= 0) {
          seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          cpu_seconds += ThreadCpuSeconds() - c0;
        }
        if (!s.ok()) {
          std::fprintf(stderr, "%s\n", s.ToString().c_str());
          return 1;
        }
        if (way == kExact) exact[i] = h;
        const int d = Distance(h.hash, exact[i].hash);
        worst = std::max(worst, d);
        if (way == kFast && r == -1 && verbose)
          std::printf("  %02zu %s: exact quality %d, fast quality %d, %d bits from exact\n", i, kept[i].c_str(),
                      exact[i].quality, h.quality, d);
      }
    }
    const double n = static_cast<double>(files.size()) * rounds;
    const char* label = way == kExact ? "exact (streaming HashMemory)" : way == kExactImage ? "exact (DecodeMemory + Hash(Image))" : "fast (1/2 DCT scale)";
    std::printf("%s: %.1f images/s (%.2f ms per image; by thread CPU time %.1f images/s), largest distance from exact: %d bits",
                label, n / seconds, 1e3 * seconds / n, n / cpu_seconds, worst);
    if (way == kExact && !write_dir.empty()) {
      std::ofstream out(write_dir + "/evenhand_exact.csv");
      for (size_t i = 0; i < files.size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "%02zu.jpg", i);
        out << ToHex(exact[i].hash) << ',' << exact[i].quality << ',' << name << '\n';
      }
    }
    if (way == kFast) {
      std::printf(", %lld of %zu files re-hashed at full size (fast quality < %d)",
                  static_cast<long long>(hasher.fast_fallbacks() / (rounds + 1)), files.size(), hasher.fast_min_quality());
    }
    std::printf("\n");
  }
  return 0;
}
