// Pixel preprocessing for OCR (src/media/ocr): the image variants the OCR
// engine hands to tesseract. Pure functions over Image (image/image.h); no
// tesseract here, so they are tested and fuzzed on their own.
//
//   Resize       bilinear, any channel count.
//   Grey         luminance (BT.601 integer weights) of an RGB or grey image.
//   LightInkMask memes: light, nearly colourless text with a dark outline
//                over a photo. Ink (0) where luminance >= min_lum and
//                chroma (max - min of R, G, B) <= max_chroma, paper (255)
//                elsewhere, so the outline and the photo become paper.
//   KeepOutlined drops from a LightInkMask the ink that is not meme text:
//                connected parts too big for a letter (taller than
//                max_height_frac of the image or wider than max_width_frac:
//                sky, white walls, stripes) and parts whose rim is mostly not
//                next to dark pixels of the source (text has a dark outline,
//                a photo's highlights do not).
//   ColourInkMask coloured meme and caption text (yellow, red, green, ...):
//                ink (0) where the brightest channel >= min_value and chroma
//                >= min_chroma; white and grey (LightInkMask's) are paper.
//                Followed by KeepOutlined, as LightInkMask is.
//   Invert       255 - v (light text on a dark plain background, dark mode).
//   Measure      what decides which variants are worth their time.
//
// Promises: outputs are 1-channel Images sized as stated; inputs of any size
// (0 x 0 included) are handled; no allocation once out's capacity fits.
#pragma once

#include <cstdint>
#include <vector>

#include "image/image.h"

namespace evenhand::ocr {

void Resize(const Image& in, int width, int height, Image* out);
void Grey(const Image& in, Image* out);
void LightInkMask(const Image& in, int min_lum, int max_chroma, Image* out);
void ColourInkMask(const Image& in, int min_value, int min_chroma, Image* out);
void Invert(Image* grey);
struct OutlineScratch {
  std::vector<int32_t> label;  // per pixel: component id, or -1
  std::vector<int32_t> stack;
  struct Part { int x0, y0, x1, y1; int rim = 0, rim_dark = 0; };
  std::vector<Part> parts;
};
void KeepOutlined(const Image& source, Image* mask, double max_height_frac, double max_width_frac,
                  double min_dark_rim, OutlineScratch* scratch);

struct ImageStats {
  double mean_lum = 0;       // 0..255
  double light_ink = 0;      // share of pixels LightInkMask would mark as ink (defaults below)
  double dark = 0;           // share of pixels with luminance < 64
  double colour_ink = 0;     // share ColourInkMask(150, 64) would mark (RGB only)
};
ImageStats Measure(const Image& in, int min_lum = 200, int max_chroma = 48);

}  // namespace evenhand::ocr
