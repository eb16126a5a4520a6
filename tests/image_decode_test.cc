// ImageDecoder on files written here with the codec libraries' own encoders
// (libpng, libwebp, giflib) or cut from the example JPEGs: 16-bit PNG scaled
// to 8 bits, WebP (still and the first frame of an animation), GIF first
// frame, decompression bombs refused from the header, and truncated or
// corrupt files giving an error that names the file, never a crash.
#include <gif_lib.h>
#include <png.h>
#include <webp/encode.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "image/decoder.h"
#include "image/pdq.h"

namespace evenhand {
namespace {

using Bytes = std::vector<uint8_t>;

const std::string kMedia = std::string(EVENHAND_SOURCE_DIR) + "/examples/known-media/media/";

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return Bytes(std::istreambuf_iterator<char>(in), {});
}

// A smooth RGB test pattern, w x h.
Bytes Pattern(int w, int h) {
  Bytes rgb(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
      p[0] = static_cast<uint8_t>(x * 255 / (w - 1));
      p[1] = static_cast<uint8_t>(y * 255 / (h - 1));
      p[2] = static_cast<uint8_t>((x ^ y) & 0xff);
    }
  return rgb;
}

// ---- PNG writer (libpng) ----

void PngWrite(png_structp png, png_bytep data, png_size_t n) {
  auto* out = static_cast<Bytes*>(png_get_io_ptr(png));
  out->insert(out->end(), data, data + n);
}
void PngFlush(png_structp) {}

// Writes a PNG. `rows` holds h rows of w * channels samples of `depth` bits
// (16-bit samples big-endian, as PNG stores them). With header_only, stops
// after the IHDR: enough for a decoder to refuse it from the header.
Bytes EncodePng(int w, int h, int color_type, int depth, const Bytes& samples, bool header_only = false) {
  Bytes out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    ADD_FAILURE() << "libpng write failed";
    return {};
  }
  png_set_write_fn(png, &out, PngWrite, PngFlush);
  png_set_IHDR(png, info, static_cast<png_uint_32>(w), static_cast<png_uint_32>(h), depth, color_type,
               PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  if (!header_only) {
    size_t stride = samples.size() / static_cast<size_t>(h);
    for (int y = 0; y < h; ++y) png_write_row(png, const_cast<png_bytep>(&samples[stride * y]));
    png_write_end(png, nullptr);
  }
  png_destroy_write_struct(&png, &info);
  return out;
}

// ---- GIF writer (giflib) ----

int GifWrite(GifFileType* gif, const GifByteType* data, int n) {
  auto* out = static_cast<Bytes*>(gif->UserData);
  out->insert(out->end(), data, data + n);
  return n;
}

struct GifFrame {
  int left, top, w, h;
  uint8_t index;  // every pixel of the frame has this palette index
};

// A GIF89a of `screen_w` x `screen_h` with palette {black, red, green, blue},
// background index `bg`, and the given frames.
Bytes EncodeGif(int screen_w, int screen_h, int bg, const std::vector<GifFrame>& frames) {
  Bytes out;
  int error = 0;
  GifFileType* gif = EGifOpen(&out, GifWrite, &error);
  if (gif == nullptr) {
    ADD_FAILURE() << "EGifOpen failed";
    return {};
  }
  EGifSetGifVersion(gif, true);
  GifColorType colors[4] = {{0, 0, 0}, {255, 0, 0}, {0, 255, 0}, {0, 0, 255}};
  ColorMapObject* map = GifMakeMapObject(4, colors);
  EXPECT_EQ(EGifPutScreenDesc(gif, screen_w, screen_h, 2, bg, map), GIF_OK);
  for (const GifFrame& f : frames) {
    EXPECT_EQ(EGifPutImageDesc(gif, f.left, f.top, f.w, f.h, false, nullptr), GIF_OK);
    std::vector<GifPixelType> line(static_cast<size_t>(f.w), f.index);
    for (int y = 0; y < f.h; ++y) EXPECT_EQ(EGifPutLine(gif, line.data(), f.w), GIF_OK);
  }
  EGifCloseFile(gif, &error);
  GifFreeMapObject(map);
  return out;
}

// ---- WebP (libwebp, plus a hand-assembled animation container) ----

Bytes EncodeWebpLossless(const Bytes& rgb, int w, int h) {
  uint8_t* data = nullptr;
  size_t n = WebPEncodeLosslessRGB(rgb.data(), w, h, w * 3, &data);
  Bytes out(data, data + n);
  WebPFree(data);
  return out;
}

void Put24(Bytes* b, uint32_t v) {
  for (int i = 0; i < 3; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put32(Bytes* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void PutChunk(Bytes* b, const char* tag, const Bytes& payload) {
  b->insert(b->end(), tag, tag + 4);
  Put32(b, static_cast<uint32_t>(payload.size()));
  b->insert(b->end(), payload.begin(), payload.end());
  if (payload.size() % 2) b->push_back(0);
}

// An animated WebP (VP8X + ANIM + one ANMF per frame), each frame a
// full-canvas lossless still made by libwebp.
Bytes AnimatedWebp(const std::vector<Bytes>& frames_rgb, int w, int h) {
  Bytes body = {'W', 'E', 'B', 'P'};
  Bytes vp8x = {0x02, 0, 0, 0};  // animation flag
  Put24(&vp8x, w - 1);
  Put24(&vp8x, h - 1);
  PutChunk(&body, "VP8X", vp8x);
  Bytes anim;
  Put32(&anim, 0xffffffff);  // background colour
  anim.push_back(0);         // loop count 0
  anim.push_back(0);
  PutChunk(&body, "ANIM", anim);
  for (const Bytes& rgb : frames_rgb) {
    Bytes still = EncodeWebpLossless(rgb, w, h);
    Bytes anmf;
    Put24(&anmf, 0);  // x / 2
    Put24(&anmf, 0);  // y / 2
    Put24(&anmf, w - 1);
    Put24(&anmf, h - 1);
    Put24(&anmf, 100);  // duration (ms)
    anmf.push_back(0x02);  // no blending, no disposal
    anmf.insert(anmf.end(), still.begin() + 12, still.end());  // the VP8L chunk, without RIFF/WEBP
    PutChunk(&body, "ANMF", anmf);
  }
  Bytes out = {'R', 'I', 'F', 'F'};
  Put32(&out, static_cast<uint32_t>(body.size()));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Status Decode(const Bytes& file, const std::string& name, Image* image, DecodeOptions options = {}) {
  ImageDecoder decoder(options);
  return decoder.DecodeMemory(file.data(), file.size(), name, image);
}

// ---- tests ----

TEST(ImageDecode, Png16BitIsScaledTo8Bits) {
  const int w = 64, h = 48;
  Bytes rgb8 = Pattern(w, h);
  Bytes rgb16;
  for (uint8_t v : rgb8) {  // v * 257 maps back to exactly v
    unsigned s = v * 257u;
    rgb16.push_back(static_cast<uint8_t>(s >> 8));
    rgb16.push_back(static_cast<uint8_t>(s & 0xff));
  }
  Image a, b;
  ASSERT_TRUE(Decode(EncodePng(w, h, PNG_COLOR_TYPE_RGB, 16, rgb16), "deep.png", &a).ok());
  ASSERT_TRUE(Decode(EncodePng(w, h, PNG_COLOR_TYPE_RGB, 8, rgb8), "flat.png", &b).ok());
  EXPECT_EQ(a.width, w);
  EXPECT_EQ(a.height, h);
  EXPECT_EQ(a.channels, 3);
  EXPECT_EQ(a.pixels, rgb8);
  EXPECT_EQ(b.pixels, rgb8);
  PdqHasher hasher;
  EXPECT_EQ(Distance(hasher.Hash(a).hash, hasher.Hash(b).hash), 0);

  // 16-bit grey with alpha: one channel, alpha dropped, rounding to nearest.
  Bytes ga = {0x00, 0x00, 0xff, 0xff,  0xff, 0xff, 0x00, 0x00,  0x80, 0x00, 0x12, 0x34};
  Image g;
  Status s = Decode(EncodePng(3, 1, PNG_COLOR_TYPE_GRAY_ALPHA, 16, ga), "grey16.png", &g);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(g.channels, 1);
  ASSERT_EQ(g.pixels.size(), 3u);
  EXPECT_EQ(g.pixels[0], 0);
  EXPECT_EQ(g.pixels[1], 255);
  EXPECT_EQ(g.pixels[2], 128);  // 32768 / 257 = 127.5 -> 128
}

TEST(ImageDecode, WebpLosslessStill) {
  const int w = 40, h = 30;
  Bytes rgb = Pattern(w, h);
  Image image;
  Status s = Decode(EncodeWebpLossless(rgb, w, h), "still.webp", &image);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(image.width, w);
  EXPECT_EQ(image.height, h);
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.pixels, rgb);
}

TEST(ImageDecode, WebpAnimationGivesTheFirstFrame) {
  const int w = 32, h = 24;
  Bytes first = Pattern(w, h);
  Bytes second(first.size(), 7);
  Image image;
  Status s = Decode(AnimatedWebp({first, second}, w, h), "anim.webp", &image);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(image.width, w);
  EXPECT_EQ(image.height, h);
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.pixels, first);
}

TEST(ImageDecode, GifFirstFrameOnTheBackground) {
  // Screen 8x6 on green (index 2); frame 1: a red 4x2 block at (2,3);
  // frame 2 (never drawn): blue over everything.
  Bytes gif = EncodeGif(8, 6, 2, {{2, 3, 4, 2, 1}, {0, 0, 8, 6, 3}});
  Image image;
  Status s = Decode(gif, "two.gif", &image);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(image.width, 8);
  ASSERT_EQ(image.height, 6);
  ASSERT_EQ(image.channels, 3);
  for (int y = 0; y < 6; ++y)
    for (int x = 0; x < 8; ++x) {
      const uint8_t* p = image.Row(y) + 3 * x;
      bool in_frame = x >= 2 && x < 6 && y >= 3 && y < 5;
      SCOPED_TRACE("pixel " + std::to_string(x) + "," + std::to_string(y));
      EXPECT_EQ(p[0], in_frame ? 255 : 0);
      EXPECT_EQ(p[1], in_frame ? 0 : 255);
      EXPECT_EQ(p[2], 0);
    }
}

// Within the limits, a GIF whose header promises a 4000 x 3000 screen with no
// image data behind the frame's descriptor fails as truncated before its
// canvas is made (36 MB allocated and filled for a 50-byte file before).
TEST(ImageDecode, GifWithoutImageDataMakesNoCanvas) {
  Bytes gif = EncodeGif(4000, 3000, 0, {{0, 0, 1, 1, 1}});
  // Cut after the image descriptor (0x2C, left, top, 1, 1, no flags) and the
  // LZW code size byte that follows it.
  const uint8_t desc[] = {0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0};
  auto at = std::search(gif.begin(), gif.end(), std::begin(desc), std::end(desc));
  ASSERT_NE(at, gif.end());
  gif.erase(at + sizeof desc + 1, gif.end());
  Image image;
  Status s = Decode(gif, "empty.gif", &image);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message().rfind("empty.gif: corrupt GIF: truncated image data", 0), 0u) << s.message();
  EXPECT_EQ(image.pixels.capacity(), 0u) << "a canvas was made for a frame with no data";
}

// A bomb is refused with a message naming the file and the limit, before
// any pixel is decoded: these files hold no pixel data at all, so an
// attempt to decode would have failed as truncated instead.
TEST(ImageDecode, DecompressionBombsAreRefusedFromTheHeader) {
  auto expect_refused = [](const Bytes& file, const std::string& name) {
    Image image;
    Status s = Decode(file, name, &image);
    ASSERT_FALSE(s.ok()) << name;
    EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
    EXPECT_EQ(s.message().rfind(name + ":", 0), 0u) << s.message();
    EXPECT_NE(s.message().find("over the limit"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("refused without decoding"), std::string::npos) << s.message();
    EXPECT_EQ(image.pixels.size(), 0u);
  };
  // PNG: 20000 x 20000 (400 Mpixel, 1.2 GB as RGB) from a 47-byte file:
  // signature, IHDR, then the start of an IDAT chunk (libpng reads its
  // header before handing over the image info) holding no real data.
  Bytes png = EncodePng(20000, 20000, PNG_COLOR_TYPE_RGB, 8, {}, true);
  const uint8_t idat[] = {0, 0, 0, 2, 'I', 'D', 'A', 'T', 0x78, 0x9c, 0, 0, 0, 0};
  png.insert(png.end(), idat, idat + sizeof idat);
  expect_refused(png, "bomb.png");

  // JPEG: a real file with its frame header claiming 12000 x 12000.
  Bytes jpeg = ReadFile(kMedia + "bridge.jpg");
  bool patched = false;
  for (size_t i = 2; i + 9 < jpeg.size();) {  // walk the markers to the SOFn
    ASSERT_EQ(jpeg[i], 0xFF);
    uint8_t m = jpeg[i + 1];
    size_t len = (jpeg[i + 2] << 8) | jpeg[i + 3];
    if (m >= 0xC0 && m <= 0xC2) {
      jpeg[i + 5] = 12000 >> 8; jpeg[i + 6] = 12000 & 0xff;  // height
      jpeg[i + 7] = 12000 >> 8; jpeg[i + 8] = 12000 & 0xff;  // width
      patched = true;
      break;
    }
    i += 2 + len;
  }
  ASSERT_TRUE(patched);
  jpeg.resize(jpeg.size() / 4);  // the header is all the decoder may read
  expect_refused(jpeg, "bomb.jpg");

  // GIF: a 1x1 frame on a 30001 x 2 logical screen (over the per-side limit).
  expect_refused(EncodeGif(30001, 2, 0, {{0, 0, 1, 1, 1}}), "bomb.gif");

  // WebP: a tiny real file, refused under a small pixel limit.
  DecodeOptions small;
  small.limits.max_pixels = 100;
  Image image;
  Status s = Decode(EncodeWebpLossless(Pattern(20, 20), 20, 20), "big.webp", &image, small);
  EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
  EXPECT_NE(s.message().find("refused without decoding"), std::string::npos) << s.message();

  // File size limit, checked before reading.
  DecodeOptions tiny;
  tiny.limits.max_file_bytes = 1000;
  ImageDecoder decoder(tiny);
  s = decoder.DecodeFile(kMedia + "bridge.jpg", &image);
  EXPECT_EQ(s.code(), Status::Code::kInvalid) << s.ToString();
  EXPECT_NE(s.message().find("bridge.jpg"), std::string::npos);
}

// Every format, cut short or with bytes overwritten: an error naming the
// file or (for damage the format cannot detect) a decoded image; never a
// crash or a hang. Cutting off half the file is always an error.
TEST(ImageDecode, TruncatedAndCorruptFilesAreErrorsNamingTheFile) {
  const int w = 48, h = 40;
  Bytes rgb = Pattern(w, h);
  struct Case {
    std::string name;
    Bytes file;
  };
  std::vector<Case> cases = {
      {"photo.jpg", ReadFile(kMedia + "street.jpg")},
      {"photo.png", EncodePng(w, h, PNG_COLOR_TYPE_RGB, 8, rgb)},
      {"photo.webp", EncodeWebpLossless(rgb, w, h)},
      {"photo.gif", EncodeGif(w, h, 0, {{0, 0, w, h, 1}})},
  };
  std::mt19937 rng(42);
  Image image;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ASSERT_GT(c.file.size(), 16u);
    Status s = Decode(c.file, c.name, &image);
    ASSERT_TRUE(s.ok()) << s.ToString();

    Bytes half(c.file.begin(), c.file.begin() + c.file.size() / 2);
    s = Decode(half, c.name, &image);
    EXPECT_FALSE(s.ok()) << "half of the file decoded";
    EXPECT_EQ(s.message().rfind(c.name + ":", 0), 0u) << s.message();

    for (size_t cut = 0; cut < c.file.size(); cut += 1 + c.file.size() / 64) {
      Bytes part(c.file.begin(), c.file.begin() + cut);
      s = Decode(part, c.name, &image);
      EXPECT_FALSE(s.ok()) << "cut at " << cut << " of " << c.file.size();
      if (!s.ok()) {
        EXPECT_EQ(s.message().rfind(c.name + ":", 0), 0u) << s.message();
      }
    }
    for (int trial = 0; trial < 200; ++trial) {
      Bytes bad = c.file;
      int flips = 1 + static_cast<int>(rng() % 8);
      for (int k = 0; k < flips; ++k) bad[12 + rng() % (bad.size() - 12)] = static_cast<uint8_t>(rng());
      s = Decode(bad, c.name, &image);
      if (!s.ok()) {
        EXPECT_EQ(s.message().rfind(c.name + ":", 0), 0u) << s.message();
      }
    }
  }

  // Empty, unknown and missing files.
  Status s = Decode({}, "empty.jpg", &image);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("empty.jpg"), std::string::npos);
  s = Decode({'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!'}, "text.png", &image);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not a JPEG, PNG, WebP or GIF"), std::string::npos) << s.message();
  ImageDecoder decoder;
  s = decoder.DecodeFile(kMedia + "no-such-file.jpg", &image);
  EXPECT_EQ(s.code(), Status::Code::kIo);
  EXPECT_NE(s.message().find("no-such-file.jpg"), std::string::npos);
}

}  // namespace
}  // namespace evenhand
