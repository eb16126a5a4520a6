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
//   Invert       255 - v (light text on a dark plain background, dark mode).
//   Measure      what decides which variants are worth their time.
//
// Promises: outputs are 1-channel Images sized as stated; inputs of any size
// (0 x 0 included) are handled; no allocation once out's capacity fits.
#pragma once

#include "image/image.h"

namespace evenhand::ocr {

void Resize(const Image& in, int width, int height, Image* out);
void Grey(const Image& in, Image* out);
void LightInkMask(const Image& in, int min_lum, int max_chroma, Image* out);
void Invert(Image* grey);

struct ImageStats {
  double mean_lum = 0;       // 0..255
  double light_ink = 0;      // share of pixels LightInkMask would mark as ink (defaults below)
  double dark = 0;           // share of pixels with luminance < 64
};
ImageStats Measure(const Image& in, int min_lum = 200, int max_chroma = 48);

}  // namespace evenhand::ocr
