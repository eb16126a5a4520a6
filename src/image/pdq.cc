#include "image/pdq.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include "image/codecs.h"

namespace evenhand {
namespace {

constexpr int kDownsample = 64;
constexpr int kMinSide = 5;
constexpr int kStrip = 8;  // rows transposed together for the horizontal passes (one vector of lanes)

constexpr float kLumaR = 0.299f, kLumaG = 0.587f, kLumaB = 0.114f;

// The reference's window: round(old / (2 * new)) the integer way.
int JaroszWindow(int old_side, int new_side) { return (old_side + 2 * new_side - 1) / (2 * new_side); }

// Every kernel below does, per value, exactly the reference's float
// operations in the reference's order (no FMA, no reassociation), so results
// are bit-identical; they only vectorise across independent values.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
// An AVX2 clone, chosen at load time where the CPU has it. Same IEEE
// operations per value (no FMA), so bit-identical results.
#define EVENHAND_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define EVENHAND_AVX2_CLONES
#endif

// Eight floats / eight 32-bit lanes (GCC vector extension; two SSE registers
// on baseline x86-64, one AVX register in the AVX2 clones). Only ever local
// variables, loaded and stored with memcpy (any alignment, no aliasing issue).
typedef float V8f __attribute__((vector_size(32)));
typedef int32_t V8i __attribute__((vector_size(32)));  // signed: converts to float in one instruction

// One box-filter pass along the slow axis of an n x (8 * kVecs) array, all
// lanes at once: lane l of row r is in[r * 8 * kVecs + l]. Per lane it is
// exactly the reference's one-dimensional box (same additions in the same
// order, same divisions). Only the npick ascending positions in `pick` are
// written, packed: output k (position pick[k]) goes to out[k * lanes + l]; a
// null `pick` writes every position.
#define EVENHAND_INLINE inline __attribute__((always_inline))

template <int kVecs>
EVENHAND_INLINE void AddLanes(V8f* sums, const float* row) {
  for (int v = 0; v < kVecs; ++v) {
    V8f x;
    std::memcpy(&x, row + 8 * v, sizeof x);
    sums[v] += x;
  }
}

template <int kVecs>
EVENHAND_INLINE void SubLanes(V8f* sums, const float* row) {
  for (int v = 0; v < kVecs; ++v) {
    V8f x;
    std::memcpy(&x, row + 8 * v, sizeof x);
    sums[v] -= x;
  }
}

// Writes output `position` (sums / d) where it is wanted; returns the next pick.
template <int kVecs>
EVENHAND_INLINE int EmitLanes(const V8f* sums, float d, float* out, int position, const int* pick, int npick,
                              int next) {
  const V8f dv = {d, d, d, d, d, d, d, d};
  if (pick == nullptr) {
    float* o = out + static_cast<size_t>(position) * 8 * kVecs;
    for (int v = 0; v < kVecs; ++v) {
      const V8f q = sums[v] / dv;
      std::memcpy(o + 8 * v, &q, sizeof q);
    }
    return next;
  }
  for (; next < npick && pick[next] == position; ++next) {
    float* o = out + static_cast<size_t>(next) * 8 * kVecs;
    for (int v = 0; v < kVecs; ++v) {
      const V8f q = sums[v] / dv;
      std::memcpy(o + 8 * v, &q, sizeof q);
    }
  }
  return next;
}

// One box-filter pass along the slow axis of an n x (8 * kVecs) array, all
// lanes at once: lane l of row r is in[r * 8 * kVecs + l]. Per lane it is
// exactly the reference's one-dimensional box (same additions in the same
// order, same divisions). Only the npick ascending positions in `pick` are
// written, packed: output k (position pick[k]) goes to out[k * lanes + l]; a
// null `pick` writes every position.
template <int kVecs>
EVENHAND_INLINE void BoxLanes(const float* in, float* out, int n, int window, const int* pick, int npick) {
  constexpr int kLanes = 8 * kVecs;
  const int half = (window + 2) / 2;
  const int p1 = half - 1, p2 = window - half + 1, p3 = n - window, p4 = half - 1;
  V8f sums[kVecs];
  for (int v = 0; v < kVecs; ++v) sums[v] = V8f{};
  const float* ri = in;
  const float* li = in;
  int position = 0;  // slow-axis index of the next output
  int next = 0;      // next pick to fill
  int current = 0;
  for (int t = 0; t < p1; ++t, ri += kLanes) {
    AddLanes<kVecs>(sums, ri);
    ++current;
  }
  for (int t = 0; t < p2; ++t, ri += kLanes) {
    ++current;
    AddLanes<kVecs>(sums, ri);
    next = EmitLanes<kVecs>(sums, static_cast<float>(current), out, position++, pick, npick, next);
  }
  for (int t = 0; t < p3; ++t, ri += kLanes, li += kLanes) {
    AddLanes<kVecs>(sums, ri);
    SubLanes<kVecs>(sums, li);
    next = EmitLanes<kVecs>(sums, static_cast<float>(current), out, position++, pick, npick, next);
  }
  for (int t = 0; t < p4; ++t, li += kLanes) {
    --current;
    SubLanes<kVecs>(sums, li);
    next = EmitLanes<kVecs>(sums, static_cast<float>(current), out, position++, pick, npick, next);
  }
}

EVENHAND_AVX2_CLONES
void BoxStrip(const float* in, float* out, int n, int window, const int* pick, int npick) {
  BoxLanes<kStrip / 8>(in, out, n, window, pick, npick);
}

EVENHAND_AVX2_CLONES
void BoxLanes64(const float* in, float* out, int n, int window, const int* pick, int npick) {
  BoxLanes<8>(in, out, n, window, pick, npick);
}

// One step of a vertical box over a whole row of n lanes: sums += add, then
// (when sub) sums -= sub, then (when out) out = sums / d.
EVENHAND_AVX2_CLONES
void BoxStep(float* sums, const float* add, const float* sub, float* out, float d, int n) {
  const V8f dv = {d, d, d, d, d, d, d, d};
  int l = 0;
  for (; l + 8 <= n; l += 8) {
    V8f s, x;
    std::memcpy(&s, sums + l, sizeof s);
    if (add != nullptr) {
      std::memcpy(&x, add + l, sizeof x);
      s += x;
    }
    if (sub != nullptr) {
      std::memcpy(&x, sub + l, sizeof x);
      s -= x;
    }
    std::memcpy(sums + l, &s, sizeof s);
    if (out != nullptr) {
      const V8f q = s / dv;
      std::memcpy(out + l, &q, sizeof q);
    }
  }
  for (; l < n; ++l) {
    float s = sums[l];
    if (add != nullptr) s += add[l];
    if (sub != nullptr) s -= sub[l];
    sums[l] = s;
    if (out != nullptr) out[l] = s / d;
  }
}

// Luma of n RGBX pixels: (0.299 R + 0.587 G) + 0.114 B in float, as the reference.
EVENHAND_AVX2_CLONES
void LumaRgbx(const uint8_t* p, int n, float* out) {
  const V8f r_coeff = {kLumaR, kLumaR, kLumaR, kLumaR, kLumaR, kLumaR, kLumaR, kLumaR};
  const V8f g_coeff = {kLumaG, kLumaG, kLumaG, kLumaG, kLumaG, kLumaG, kLumaG, kLumaG};
  const V8f b_coeff = {kLumaB, kLumaB, kLumaB, kLumaB, kLumaB, kLumaB, kLumaB, kLumaB};
  int x = 0;
  for (; x + 8 <= n; x += 8) {
    V8i px;
    std::memcpy(&px, p + 4 * x, sizeof px);  // little-endian: R in the low byte
    const V8f r = __builtin_convertvector(px & 0xff, V8f);
    const V8f g = __builtin_convertvector((px >> 8) & 0xff, V8f);
    const V8f b = __builtin_convertvector((px >> 16) & 0xff, V8f);
    const V8f y = (r_coeff * r + g_coeff * g) + b_coeff * b;
    std::memcpy(out + x, &y, sizeof y);
  }
  for (; x < n; ++x) out[x] = kLumaR * p[4 * x] + kLumaG * p[4 * x + 1] + kLumaB * p[4 * x + 2];
}

// Luma of n packed RGB pixels (video frames: RGB24), the same float
// operations per pixel as LumaRgbx. On x86-64 with AVX2 (checked once at
// run time), 8 pixels at a time: two byte shuffles spread 24 bytes into 8
// RGBX words, then the RGBX arithmetic; reads stay inside the row's 3n
// bytes. Elsewhere a plain loop (the compiler does not vectorise the
// stride-3 loads well: they were a quarter of vPDQ's time).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx2"))) void LumaRgb24Avx2(const uint8_t* p, int n, float* out) {
  const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const __m256i low = _mm256_set1_epi32(0xff);
  const __m256 r_coeff = _mm256_set1_ps(kLumaR), g_coeff = _mm256_set1_ps(kLumaG), b_coeff = _mm256_set1_ps(kLumaB);
  int x = 0;
  for (; x + 8 <= n; x += 8) {
    const uint8_t* q = p + 3 * x;
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));        // bytes 0..15
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(q + 16));  // bytes 16..23
    const __m128i lo = _mm_shuffle_epi8(a, spread);                              // pixels 0..3
    const __m128i hi = _mm_shuffle_epi8(_mm_alignr_epi8(b, a, 12), spread);      // pixels 4..7
    const __m256i px = _mm256_set_m128i(hi, lo);
    const __m256 r = _mm256_cvtepi32_ps(_mm256_and_si256(px, low));
    const __m256 g = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(px, 8), low));
    const __m256 bl = _mm256_cvtepi32_ps(_mm256_and_si256(_mm256_srli_epi32(px, 16), low));
    const __m256 y = _mm256_add_ps(_mm256_add_ps(_mm256_mul_ps(r_coeff, r), _mm256_mul_ps(g_coeff, g)),
                                   _mm256_mul_ps(b_coeff, bl));
    _mm256_storeu_ps(out + x, y);
  }
  for (; x < n; ++x) out[x] = kLumaR * p[3 * x] + kLumaG * p[3 * x + 1] + kLumaB * p[3 * x + 2];
}
#endif

void LumaRgb24(const uint8_t* p, int n, float* out) {
#if defined(__x86_64__) && defined(__GNUC__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) {
    LumaRgb24Avx2(p, n, out);
    return;
  }
#endif
  for (int x = 0; x < n; ++x) out[x] = kLumaR * p[3 * x] + kLumaG * p[3 * x + 1] + kLumaB * p[3 * x + 2];
}

void LumaRow(const uint8_t* p, int channels, int n, float* out) {
  if (channels == 4) {
    LumaRgbx(p, n, out);
  } else if (channels == 3) {
    LumaRgb24(p, n, out);
  } else {
    for (int x = 0; x < n; ++x) out[x] = static_cast<float>(p[x]);
  }
}

inline float LumaOf(const uint8_t* p, int channels) {
  if (channels == 1) return static_cast<float>(p[0]);
  return kLumaR * p[0] + kLumaG * p[1] + kLumaB * p[2];
}

// out (cols x rows) = transpose of in (rows x cols); 4 x 4 blocks with SSE.
void Transpose(const float* in, int rows, int cols, float* out) {
  int r0 = 0;
#if defined(__SSE2__)
  for (; r0 + 4 <= rows; r0 += 4) {
    const float* i0 = in + static_cast<size_t>(r0) * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      __m128 a = _mm_loadu_ps(i0 + c), b = _mm_loadu_ps(i0 + cols + c);
      __m128 e = _mm_loadu_ps(i0 + 2 * cols + c), f = _mm_loadu_ps(i0 + 3 * cols + c);
      _MM_TRANSPOSE4_PS(a, b, e, f);
      _mm_storeu_ps(out + static_cast<size_t>(c) * rows + r0, a);
      _mm_storeu_ps(out + static_cast<size_t>(c + 1) * rows + r0, b);
      _mm_storeu_ps(out + static_cast<size_t>(c + 2) * rows + r0, e);
      _mm_storeu_ps(out + static_cast<size_t>(c + 3) * rows + r0, f);
    }
    for (; c < cols; ++c) {
      for (int r = r0; r < r0 + 4; ++r) out[static_cast<size_t>(c) * rows + r] = in[static_cast<size_t>(r) * cols + c];
    }
  }
#endif
  for (; r0 < rows; ++r0) {
    for (int c = 0; c < cols; ++c) out[static_cast<size_t>(c) * rows + r0] = in[static_cast<size_t>(r0) * cols + c];
  }
}

// The fast path's window: the one whose two passes on the decoded image
// (plus the DCT scaling's own average of `scale` pixels) best match the
// variance of the full-size filter, in full-size pixels.
int FastWindow(int full_window, double scale) {
  const double want = 2.0 * (full_window * full_window - 1) / 12.0;
  int best = 1;
  double best_err = 1e300;
  for (int w = 1; w <= full_window; ++w) {
    const double got = 2.0 * scale * scale * (w * w - 1) / 12.0 + (scale * scale - 1) / 12.0;
    if (std::abs(got - want) < best_err) {
      best_err = std::abs(got - want);
      best = w;
    }
  }
  return best;
}

// The fast path's sample positions on a side of `side` decoded pixels from
// `source` ones: where the full-size sample's filter is centred. Two passes of
// an even window shift the centre by one pixel, of an odd one by none. The
// centre falls between two decoded pixels: pick gets both (2i, 2i + 1) and
// frac the weight of the second, for a linear interpolation.
void FastPicks(int source, int side, int full_window, int window, int* pick, float* frac) {
  const double scale = static_cast<double>(source) / side;
  for (int i = 0; i < kDownsample; ++i) {
    const int full_pick = static_cast<int>(((i + 0.5) * source) / kDownsample);
    const double centre = full_pick + 0.5 + (full_window % 2 == 0 ? 1 : 0);
    const double q = std::clamp(centre / scale - 0.5 - (window % 2 == 0 ? 1 : 0), 0.0, side - 1.0);
    const int q0 = std::min(static_cast<int>(q), side - 2);
    pick[2 * i] = q0;
    pick[2 * i + 1] = q0 + 1;
    frac[i] = static_cast<float>(q - q0);
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

void PdqHasher::Begin(int width, int height, int channels, int source_width, int source_height) {
  in_width_ = width;
  in_channels_ = channels;
  cli_resize_ = mode_ == PdqMode::kReferenceCli && ReferenceCliResizeMap(width, height, src_x_, src_y_);
  next_cli_row_ = 0;
  if (cli_resize_) {
    Start(512, 512, 512, 512);
  } else if (mode_ == PdqMode::kFullResolution) {
    Start(height, width, source_height, source_width);
  } else {
    Start(height, width, height, width);
  }
}

void PdqHasher::Start(int rows, int cols, int source_rows, int source_cols) {
  rows_ = rows;
  cols_ = cols;
  strip_n_ = luma_rows_ = 0;
  v1_current_ = 0;
  strip2_n_ = strip2_y0_ = 0;
  fast_ = source_rows != rows || source_cols != cols;
  if (rows < kMinSide || cols < kMinSide) return;  // hashed as zeros; rows are ignored
  if (fast_) {
    const int full_h = JaroszWindow(source_cols, kDownsample), full_v = JaroszWindow(source_rows, kDownsample);
    win_h_ = FastWindow(full_h, static_cast<double>(source_cols) / cols);
    win_v_ = FastWindow(full_v, static_cast<double>(source_rows) / rows);
    FastPicks(source_cols, cols, full_h, win_h_, pick_cols_, frac_cols_);
    FastPicks(source_rows, rows, full_v, win_v_, pick_rows_, frac_rows_);
  } else {
    win_h_ = JaroszWindow(cols, kDownsample);
    win_v_ = JaroszWindow(rows, kDownsample);
    for (int i = 0; i < kDownsample; ++i) {
      pick_rows_[i] = static_cast<int>(((i + 0.5) * rows) / kDownsample);
      pick_cols_[i] = static_cast<int>(((i + 0.5) * cols) / kDownsample);
    }
  }
  // The ring holds whole strips (a multiple of kStrip rows) and at least
  // window + kStrip rows, so a strip written into it never overwrites a row
  // the vertical box still has to subtract.
  ring_rows_ = (win_v_ + 2 * kStrip - 1) / kStrip * kStrip;
  const size_t c = static_cast<size_t>(cols);
  auto grow = [](std::vector<float>* v, size_t n) {
    if (v->size() < n) v->resize(n);
  };
  grow(&strip_rows_, kStrip * c);
  grow(&strip_a_, kStrip * std::max<size_t>(c, 2 * kDownsample));
  grow(&strip_b_, kStrip * std::max<size_t>(c, 2 * kDownsample));
  grow(&strip2_rows_, kStrip * c);
  grow(&ring_, static_cast<size_t>(ring_rows_) * c);
  grow(&cols64_, static_cast<size_t>(rows) * kDownsample);
  grow(&v1_sums_, c);
  std::fill(v1_sums_.begin(), v1_sums_.begin() + cols, 0.0f);
}

float* PdqHasher::NextLumaRow() { return strip_rows_.data() + static_cast<size_t>(strip_n_) * cols_; }

void PdqHasher::CommitLumaRow() {
  ++luma_rows_;
  if (++strip_n_ == kStrip) FlushStrip1();
}

void PdqHasher::Rows(int y, int count, const uint8_t* first, size_t stride) {
  if (rows_ < kMinSide || cols_ < kMinSide) return;
  for (int i = 0; i < count; ++i) {
    const uint8_t* row = first + i * stride;
    if (cli_resize_) {
      for (; next_cli_row_ < 512 && src_y_[next_cli_row_] == y + i; ++next_cli_row_) {
        float* out = NextLumaRow();
        for (int x = 0; x < 512; ++x) out[x] = LumaOf(row + in_channels_ * src_x_[x], in_channels_);
        CommitLumaRow();
      }
    } else {
      LumaRow(row, in_channels_, in_width_, NextLumaRow());
      CommitLumaRow();
    }
  }
}

// First horizontal box on the strip's rows (transposed so the box runs with
// kStrip lanes in memory order), written back as rows into the ring, then the
// vertical box takes them one by one. A partial last strip runs all kStrip lanes
// (the unused ones on stale values) and keeps only its own rows.
void PdqHasher::FlushStrip1() {
  const int t0 = luma_rows_ - strip_n_;
  Transpose(strip_rows_.data(), kStrip, cols_, strip_a_.data());
  BoxStrip(strip_a_.data(), strip_b_.data(), cols_, win_h_, nullptr, 0);
  Transpose(strip_b_.data(), cols_, kStrip, ring_.data() + static_cast<size_t>(t0 % ring_rows_) * cols_);
  for (int t = t0; t < luma_rows_; ++t) PushV1(t);
  strip_n_ = 0;
}

// The reference's box phases, one input row at a time (lanes = columns).
void PdqHasher::PushV1(int t) {
  const int half = (win_v_ + 2) / 2, p1 = half - 1;
  const float* row = ring_.data() + static_cast<size_t>(t % ring_rows_) * cols_;
  ++v1_current_;
  if (t < p1) {
    BoxStep(v1_sums_.data(), row, nullptr, nullptr, 1.0f, cols_);
  } else if (t < win_v_) {
    BoxStep(v1_sums_.data(), row, nullptr, strip2_rows_.data() + static_cast<size_t>(strip2_n_) * cols_,
            static_cast<float>(v1_current_), cols_);
    EmitV1();
  } else {
    v1_current_ = win_v_;
    const float* old = ring_.data() + static_cast<size_t>((t - win_v_) % ring_rows_) * cols_;
    BoxStep(v1_sums_.data(), row, old, strip2_rows_.data() + static_cast<size_t>(strip2_n_) * cols_,
            static_cast<float>(v1_current_), cols_);
    EmitV1();
  }
}

void PdqHasher::EmitV1() {
  if (++strip2_n_ == kStrip) FlushStrip2();
}

// Second horizontal box: only the 64 sampled columns of each row are kept.
void PdqHasher::FlushStrip2() {
  Transpose(strip2_rows_.data(), kStrip, cols_, strip_a_.data());
  BoxStrip(strip_a_.data(), strip_b_.data(), cols_, win_h_, pick_cols_, fast_ ? 2 * kDownsample : kDownsample);
  for (int r = 0; r < strip2_n_; ++r) {
    float* dst = cols64_.data() + static_cast<size_t>(strip2_y0_ + r) * kDownsample;
    const float* sb = strip_b_.data() + r;
    if (fast_) {
      for (int k = 0; k < kDownsample; ++k) {
        const float f = frac_cols_[k];
        dst[k] = (1 - f) * sb[static_cast<size_t>(2 * k) * kStrip] + f * sb[static_cast<size_t>(2 * k + 1) * kStrip];
      }
    } else {
      for (int k = 0; k < kDownsample; ++k) dst[k] = sb[static_cast<size_t>(k) * kStrip];
    }
  }
  strip2_y0_ += strip2_n_;
  strip2_n_ = 0;
}

bool PdqHasher::Finish(int* quality) {
  *quality = 0;
  if (rows_ < kMinSide || cols_ < kMinSide || luma_rows_ != rows_) return false;
  if (strip_n_ > 0) FlushStrip1();
  // The vertical box's last phase: the window shrinks past the bottom edge.
  const int p4 = (win_v_ + 2) / 2 - 1;
  for (int k = 0; k < p4; ++k) {
    const float* old = ring_.data() + static_cast<size_t>((rows_ - win_v_ + k) % ring_rows_) * cols_;
    --v1_current_;
    BoxStep(v1_sums_.data(), nullptr, old, strip2_rows_.data() + static_cast<size_t>(strip2_n_) * cols_,
            static_cast<float>(v1_current_), cols_);
    EmitV1();
  }
  if (strip2_n_ > 0) FlushStrip2();
  // Second vertical box on the 64 kept columns, only at the 64 sampled rows.
  if (fast_) {
    // Both neighbours of every sampled row, then the interpolation.
    BoxLanes64(cols64_.data(), block128_, rows_, win_v_, pick_rows_, 2 * kDownsample);
    for (int i = 0; i < kDownsample; ++i) {
      const float f = frac_rows_[i];
      const float* a = block128_ + 2 * i * kDownsample;
      for (int j = 0; j < kDownsample; ++j) block64_[i * kDownsample + j] = (1 - f) * a[j] + f * a[kDownsample + j];
    }
  } else {
    BoxLanes64(cols64_.data(), block64_, rows_, win_v_, pick_rows_, kDownsample);
  }
  *quality = Quality(block64_);
  Dct64To16(block64_, dct_);
  return true;
}

Status PdqHasher::Run(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name,
                      int* quality, bool* hashed) {
  Status s = decoder.DecodeMemoryTo(data, size, name, this);
  if (!s.ok()) return s;
  *hashed = Finish(quality);
  if (fast_ && *quality < fast_min_quality_) {
    ++fast_fallbacks_;
    s = decoder.DecodeMemoryTo(data, size, name, this, /*jpeg_scale_denom=*/1);
    if (!s.ok()) return s;
    *hashed = Finish(quality);
  }
  return Status::Ok();
}

Status PdqHasher::HashMemory(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name,
                             PdqResult* out) {
  *out = PdqResult{};
  bool hashed = false;
  Status s = Run(decoder, data, size, name, &out->quality, &hashed);
  if (s.ok() && hashed) out->hash = BitsAboveMedian(dct_);
  return s;
}

Status PdqHasher::HashMemoryDihedral(ImageDecoder& decoder, const uint8_t* data, size_t size, std::string_view name,
                                     PdqDihedral* out) {
  *out = PdqDihedral{};
  bool hashed = false;
  Status s = Run(decoder, data, size, name, &out->quality, &hashed);
  if (s.ok() && hashed) DihedralHashes(out);
  return s;
}

Status PdqHasher::HashFile(ImageDecoder& decoder, const std::string& path, PdqResult* out) {
  *out = PdqResult{};
  Status s = decoder.LoadFile(path);
  if (!s.ok()) return s;
  return HashMemory(decoder, decoder.file().data(), decoder.file().size(), path, out);
}

Status PdqHasher::HashFileDihedral(ImageDecoder& decoder, const std::string& path, PdqDihedral* out) {
  *out = PdqDihedral{};
  Status s = decoder.LoadFile(path);
  if (!s.ok()) return s;
  return HashMemoryDihedral(decoder, decoder.file().data(), decoder.file().size(), path, out);
}

PdqResult PdqHasher::Hash(const Image& image) {
  PdqResult r;
  image_internal::StreamImage(image, this);
  if (Finish(&r.quality)) r.hash = BitsAboveMedian(dct_);
  return r;
}

PdqDihedral PdqHasher::HashDihedral(const Image& image) {
  PdqDihedral r;
  image_internal::StreamImage(image, this);
  if (Finish(&r.quality)) DihedralHashes(&r);
  return r;
}

void PdqHasher::DihedralHashes(PdqDihedral* out) const {
  float variant[256];
  for (int v = 0; v < 8; ++v) {
    DihedralDct(dct_, v, variant);
    out->hash[v] = BitsAboveMedian(variant);
  }
}

PdqResult PdqHasher::HashRgb(const uint8_t* rgb, int width, int height, size_t stride) {
  PdqResult r;
  const PdqMode mode = mode_;
  mode_ = PdqMode::kFullResolution;
  Begin(width, height, 3, width, height);
  Rows(0, height, rgb, stride);
  mode_ = mode;
  if (Finish(&r.quality)) r.hash = BitsAboveMedian(dct_);
  return r;
}

PdqResult PdqHasher::HashLuma(const float* luma, int rows, int cols) {
  PdqResult r;
  cli_resize_ = false;
  Start(rows, cols, rows, cols);
  if (rows >= kMinSide && cols >= kMinSide) {
    for (int y = 0; y < rows; ++y) {
      std::memcpy(NextLumaRow(), luma + static_cast<size_t>(y) * cols, sizeof(float) * cols);
      CommitLumaRow();
    }
  }
  if (Finish(&r.quality)) r.hash = BitsAboveMedian(dct_);
  return r;
}

}  // namespace evenhand
