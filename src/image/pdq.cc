#include "image/pdq.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace evenhand {
namespace {

constexpr int kDownsample = 64;
constexpr int kMinSide = 5;
constexpr int kJaroszPasses = 2;
constexpr int kStrip = 16;  // rows transposed together for the horizontal pass

constexpr float kLumaR = 0.299f, kLumaG = 0.587f, kLumaB = 0.114f;

// The reference's window: round(old / (2 * new)) the integer way.
int JaroszWindow(int old_side, int new_side) { return (old_side + 2 * new_side - 1) / (2 * new_side); }

// One box-filter pass along the slow axis of an n x lanes array, all lanes at
// once: lane l of row r is in[r * lanes + l]. Per lane it is exactly the
// reference's one-dimensional box (same additions in the same order, same
// divisions), so results are bit-identical; across lanes it vectorises and
// walks memory in order, which is what makes the column pass cache-friendly.
// With `pick` (npick ascending slow-axis positions; else null), only those outputs are
// written, packed: output k (position pick[k]) goes to out[k * lanes + l].
// The running sums are the same, so the picked values are bit-identical.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__)
// An AVX2 clone (8 lanes a vector), chosen at load time where the CPU has
// it. Same IEEE operations per lane (no FMA), so bit-identical results.
#define EVENHAND_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EVENHAND_AVX2_CLONES
#endif

EVENHAND_AVX2_CLONES
void BoxAlongSlowAxis(const float* in, float* out, int n, int lanes, int window, float* sums,
                      const int* pick, int npick) {
  const int half = (window + 2) / 2;
  const int p1 = half - 1, p2 = window - half + 1, p3 = n - window, p4 = half - 1;
  std::fill(sums, sums + lanes, 0.0f);
  const size_t step = static_cast<size_t>(lanes);
  const float* ri = in;
  const float* li = in;
  int position = 0;  // slow-axis index of the next output
  int next = 0;      // next pick to fill
  // Writes the output at `position` (sums / d) where it is wanted.
  auto emit = [&](float d) {
    if (pick == nullptr) {
      float* oi = out + static_cast<size_t>(position) * step;
      for (int l = 0; l < lanes; ++l) oi[l] = sums[l] / d;
    } else {
      while (next < npick && pick[next] == position) {
        float* oi = out + static_cast<size_t>(next) * step;
        for (int l = 0; l < lanes; ++l) oi[l] = sums[l] / d;
        ++next;
      }
    }
    ++position;
  };
  int current = 0;
  for (int t = 0; t < p1; ++t, ri += step) {
    for (int l = 0; l < lanes; ++l) sums[l] += ri[l];
    ++current;
  }
  for (int t = 0; t < p2; ++t, ri += step) {
    ++current;
    for (int l = 0; l < lanes; ++l) sums[l] += ri[l];
    emit(static_cast<float>(current));
  }
  {
    const float d = static_cast<float>(current);
    for (int t = 0; t < p3; ++t, ri += step, li += step) {
      for (int l = 0; l < lanes; ++l) {
        sums[l] += ri[l];
        sums[l] -= li[l];
      }
      emit(d);
    }
  }
  for (int t = 0; t < p4; ++t, li += step) {
    --current;
    for (int l = 0; l < lanes; ++l) sums[l] -= li[l];
    emit(static_cast<float>(current));
  }
}

// 16 x 64 DCT-II basis rows 1..16 (DC skipped), scaled by sqrt(2/64), as the reference builds it.
struct DctMatrix {
  float d[16][64];
  float dt[64][16];
  DctMatrix() {
    const float scale = static_cast<float>(std::sqrt(2.0 / 64.0));
    for (int i = 0; i < 16; ++i) {
      for (int j = 0; j < 64; ++j) {
        d[i][j] = static_cast<float>(scale * std::cos((M_PI / 2 / 64.0) * (i + 1) * (2 * j + 1)));
        dt[j][i] = d[i][j];
      }
    }
  }
};

const DctMatrix& Dct() {
  static const DctMatrix m;
  return m;
}

void Dct64To16(const float* a /*64x64*/, float* out /*16x16*/) {
  const DctMatrix& m = Dct();
  float t[16][64];
  for (int i = 0; i < 16; ++i) {
    float* row = t[i];
    std::fill(row, row + 64, 0.0f);
    for (int k = 0; k < 64; ++k) {
      const float dik = m.d[i][k];
      const float* ak = a + 64 * k;
      for (int j = 0; j < 64; ++j) row[j] += dik * ak[j];
    }
  }
  for (int i = 0; i < 16; ++i) {
    float* row = out + 16 * i;
    std::fill(row, row + 16, 0.0f);
    for (int k = 0; k < 64; ++k) {
      const float tik = t[i][k];
      for (int j = 0; j < 16; ++j) row[j] += tik * m.dt[k][j];
    }
  }
}

int Quality(const float* b /*64x64*/) {
  int sum = 0;
  for (int i = 0; i < 63; ++i) {
    for (int j = 0; j < 64; ++j) {
      float u = b[64 * i + j], v = b[64 * (i + 1) + j];
      int d = static_cast<int>(((u - v) * 100) / 255);
      sum += std::abs(d);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (int j = 0; j < 63; ++j) {
      float u = b[64 * i + j], v = b[64 * i + j + 1];
      int d = static_cast<int>(((u - v) * 100) / 255);
      sum += std::abs(d);
    }
  }
  return std::min(sum / 90, 100);
}

Hash256 BitsAboveMedian(const float* dct /*16x16*/) {
  float sorted[256];
  std::memcpy(sorted, dct, sizeof sorted);
  std::nth_element(sorted, sorted + 127, sorted + 256);
  const float median = sorted[127];  // the 128th smallest, as the reference's Torben median
  Hash256 h;
  for (int k = 0; k < 256; ++k) {
    if (dct[k] > median) h.SetBit(k);
  }
  return h;
}

// Dihedral variants in the DCT domain. Coefficient (i, j) is frequency
// (i+1, j+1): mirroring an axis multiplies it by (-1)^(freq), i.e. negates
// even indexes; a transpose swaps i and j.
void DihedralDct(const float* a, int which, float* b) {
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 16; ++j) {
      const float v = a[16 * i + j];
      const bool i_odd = i & 1, j_odd = j & 1;
      switch (which) {
        case kPdqOriginal: b[16 * i + j] = v; break;
        case kPdqRot90: b[16 * j + i] = j_odd ? v : -v; break;
        case kPdqRot180: b[16 * i + j] = (i_odd ^ j_odd) ? -v : v; break;
        case kPdqRot270: b[16 * j + i] = i_odd ? v : -v; break;
        case kPdqFlipX: b[16 * i + j] = i_odd ? v : -v; break;
        case kPdqFlipY: b[16 * i + j] = j_odd ? v : -v; break;
        case kPdqFlipPlus1: b[16 * j + i] = v; break;
        case kPdqFlipMinus1: b[16 * j + i] = (i_odd ^ j_odd) ? -v : v; break;
      }
    }
  }
}

template <typename Px>
inline float LumaOf(const Px* p, int channels) {
  if (channels == 1) return static_cast<float>(p[0]);
  return kLumaR * p[0] + kLumaG * p[1] + kLumaB * p[2];
}

}  // namespace

bool ReferenceCliResizeMap(int width, int height, int src_x[512], int src_y[512]) {
  if (width <= 512 && height <= 512) return false;
  // CImg's nearest-neighbour resize (boundary conditions 0): the source
  // offset advances by a running double sum of the scale factor.
  auto fill = [](int from, int* map) {
    const double f = 512 > from ? (from - 1.0) / (512 - 1) : static_cast<double>(from) / 512;
    double curr = 0;
    for (int i = 0; i < 512; ++i) {
      map[i] = static_cast<int>(static_cast<unsigned long>(curr));
      curr += f;
    }
  };
  fill(width, src_x);
  fill(height, src_y);
  return true;
}

bool PdqHasher::Transform(const Image& image, int* quality) {
  int rows = image.height, cols = image.width;
  const int ch = image.channels;
  int src_x[512], src_y[512];
  const bool resize = mode_ == PdqMode::kReferenceCli && ReferenceCliResizeMap(cols, rows, src_x, src_y);
  if (resize) rows = cols = 512;
  const size_t n = static_cast<size_t>(rows) * cols;
  if (luma_.size() < n) luma_.resize(n);
  float* luma = luma_.data();
  if (resize) {
    for (int y = 0; y < 512; ++y) {
      const uint8_t* row = image.Row(src_y[y]);
      float* dst = luma + 512 * y;
      for (int x = 0; x < 512; ++x) dst[x] = LumaOf(row + ch * src_x[x], ch);
    }
  } else if (ch == 1) {
    const uint8_t* p = image.pixels.data();
    for (size_t i = 0; i < n; ++i) luma[i] = static_cast<float>(p[i]);
  } else {
    const uint8_t* p = image.pixels.data();
    for (size_t i = 0; i < n; ++i) luma[i] = kLumaR * p[3 * i] + kLumaG * p[3 * i + 1] + kLumaB * p[3 * i + 2];
  }
  return TransformLuma(luma, rows, cols, quality);
}

bool PdqHasher::TransformLuma(float* luma, int rows, int cols, int* quality) {
  if (rows < kMinSide || cols < kMinSide) return false;
  const size_t n = static_cast<size_t>(rows) * cols;
  // tmp_ also holds the last pass's rows x 64 samples; strips its 64 x kStrip.
  const size_t tmp_size = std::max(n, static_cast<size_t>(rows) * kDownsample);
  if (tmp_.size() < tmp_size) tmp_.resize(tmp_size);
  const size_t strip = static_cast<size_t>(std::max(cols, kDownsample)) * kStrip;
  if (strip_a_.size() < strip) {
    strip_a_.resize(strip);
    strip_b_.resize(strip);
  }
  const size_t lanes_max = static_cast<size_t>(std::max({cols, kStrip, kDownsample}));
  if (sums_.size() < lanes_max) sums_.resize(lanes_max);
  const int window_along_rows = JaroszWindow(cols, kDownsample);
  const int window_along_cols = JaroszWindow(rows, kDownsample);
  float* a = luma;
  float* b = tmp_.data();
  // The 64 x 64 sample positions of the decimation.
  int pick_rows[kDownsample], pick_cols[kDownsample];
  for (int i = 0; i < kDownsample; ++i) {
    pick_rows[i] = static_cast<int>(((i + 0.5) * rows) / kDownsample);
    pick_cols[i] = static_cast<int>(((i + 0.5) * cols) / kDownsample);
  }
  for (int pass = 0; pass < kJaroszPasses; ++pass) {
    // The last pass computes only what the decimation reads: its horizontal
    // half writes the 64 sampled columns of every row (into b, rows x 64),
    // its vertical half runs on those 64 columns and writes the 64 sampled
    // rows. Each output is still the same running sum, so bit-identical.
    const bool last = pass == kJaroszPasses - 1;
    // Along rows (horizontal): transpose strips of kStrip rows so the pass
    // walks memory in order with kStrip lanes.
    for (int y0 = 0; y0 < rows; y0 += kStrip) {
      const int lanes = std::min(kStrip, rows - y0);
      float* sa = strip_a_.data();
      for (int r = 0; r < lanes; ++r) {
        const float* src = a + static_cast<size_t>(y0 + r) * cols;
        for (int x = 0; x < cols; ++x) sa[static_cast<size_t>(x) * lanes + r] = src[x];
      }
      const float* sb = strip_b_.data();
      if (last) {
        BoxAlongSlowAxis(sa, strip_b_.data(), cols, lanes, window_along_rows, sums_.data(), pick_cols, kDownsample);
        for (int r = 0; r < lanes; ++r) {
          float* dst = b + static_cast<size_t>(y0 + r) * kDownsample;
          for (int k = 0; k < kDownsample; ++k) dst[k] = sb[static_cast<size_t>(k) * lanes + r];
        }
        continue;
      }
      BoxAlongSlowAxis(sa, strip_b_.data(), cols, lanes, window_along_rows, sums_.data(), nullptr, 0);
      for (int r = 0; r < lanes; ++r) {
        float* dst = b + static_cast<size_t>(y0 + r) * cols;
        for (int x = 0; x < cols; ++x) dst[x] = sb[static_cast<size_t>(x) * lanes + r];
      }
    }
    // Along columns (vertical): every column at once, rows in memory order.
    if (last) {
      BoxAlongSlowAxis(b, block64_, rows, kDownsample, window_along_cols, sums_.data(), pick_rows, kDownsample);
    } else {
      BoxAlongSlowAxis(b, a, rows, cols, window_along_cols, sums_.data(), nullptr, 0);
    }
  }
  *quality = Quality(block64_);
  Dct64To16(block64_, dct_);
  return true;
}

PdqResult PdqHasher::Hash(const Image& image) {
  PdqResult r;
  if (Transform(image, &r.quality)) r.hash = BitsAboveMedian(dct_);
  return r;
}

PdqResult PdqHasher::HashLuma(float* luma, int rows, int cols) {
  PdqResult r;
  if (TransformLuma(luma, rows, cols, &r.quality)) r.hash = BitsAboveMedian(dct_);
  return r;
}

PdqDihedral PdqHasher::HashDihedral(const Image& image) {
  PdqDihedral r;
  if (!Transform(image, &r.quality)) return r;
  float variant[256];
  for (int v = 0; v < 8; ++v) {
    DihedralDct(dct_, v, variant);
    r.hash[v] = BitsAboveMedian(variant);
  }
  return r;
}

}  // namespace evenhand
