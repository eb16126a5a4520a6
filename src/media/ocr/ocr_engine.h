// OcrEngine: text in an image, by tesseract 5 (LSTM), with the preprocessing
// that memes and screenshots need and a time budget per image.
//
// Recognize runs tesseract in passes over variants of the image (see
// preprocess.h), in this order, within one budget for them all:
//   image           the image at its own size (RGB or grey), every language:
//                   what plain `tesseract -l urd+eng` does
//   grey            its luminance (averages noise out), when it has colour
//   light-ink       light, colourless pixels with a dark outline only (white
//                   meme text over a photo); when the image has some but not
//                   too many light pixels
//   colour-ink      bright, coloured pixels (yellow, red, green, ...) with a dark
//                   outline or on a dark caption box; when the image has some
//                   (parts up to 0.3 of the image high: long Nastaliq words
//                   are tall). The ink passes (light, colour, solo) let
//                   tesseract estimate the resolution from the letters' size;
//                   the others say 300 dpi
//   inverted        the grey inverted; when the image is mostly dark
//   image-solo, light-ink-solo, colour-ink-solo
//                   the same with solo_language (Urdu) alone, when a line in
//                   its script was read or nothing was: with several
//                   languages loaded tesseract reads some Urdu words as English
//   image-up, image-up-solo
//                   upscaled (to upscale_to), when the image is small and some
//                   line is small or nothing was read (screenshots)
// Every line of every pass is kept (a later pass's line that repeats an
// earlier one in the same place is dropped): a policy's lists are matched in
// all of them. `best` marks, among lines whose boxes overlap, the one
// tesseract was most confident of. Boxes are in the input image's pixels.
//
// Budget: each tesseract call gets the time left as its deadline (tesseract's
// ETEXT_DESC monitor); when the budget runs out, recognition stops, the lines
// found so far are returned and timed_out is set. The budget bounds the
// recognition; preprocessing (a few ms) is counted in it too.
//
// Thread safety: an OcrEngine owns a tesseract::TessBaseAPI, which is not
// thread-safe: use one engine per thread. Create loads the language models
// (~0.1 s for urd+eng); Recognize then allocates only in tesseract and for
// the result's strings. tesseract uses OpenMP inside; run with
// OMP_THREAD_LIMIT=1 when several threads each run an engine.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "image/image.h"
#include "model/status.h"

namespace tesseract {
class TessBaseAPI;
}

namespace evenhand::ocr {

struct OcrOptions {
  std::string languages = "urd+eng";  // tesseract's LANG[+LANG...]
  std::string tessdata;               // folder of LANG.traineddata; "" = TESSDATA_PREFIX, else tesseract's default
  int budget_ms = 900;                // per image, all variants together; <= 0 = no limit
  bool variants = true;               // false: only the first pass (the image as plain tesseract reads it)
  std::string solo_language = "urd";  // also read alone (see the passes above); "" = no solo pass
  int upscale_below = 1000;           // images whose longer side is under this, with small lines, are upscaled...
  int upscale_to = 1600;              // ...to this longer side (at most 2.5x)
  int small_line_px = 24;             // a line lower than this (input pixels) is small
  int max_side = 2400;                // larger images are downscaled to this longer side
  int min_confidence = 10;            // lines tesseract is less sure of (0..100) are dropped
  // Arabic-script text read again at a fraction of its size (the solo language on the image and its
  // ink masks): tesseract's Urdu model reads lines near its training height far better than large
  // caption letters (clean Naskh: 9 of 9 phrases at 28 px, 5 of 9 at 96 px). 0 = off.
  double arabic_rescale = 0.5;
  int arabic_rescale_min_side = 480;  // only images at least this large (longer side, pixels)
};

struct OcrLine {
  std::string text;  // UTF-8, in reading order, no trailing newline
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // box in the input image's pixels, [x0,x1) x [y0,y1)
  float confidence = 0;                // tesseract's, 0..100
  const char* variant = "";            // the pass: "image", "light-ink", "colour-ink", "inverted", "image-solo", ...
  bool best = false;                   // most confident among the lines its box overlaps
};

struct OcrResult {
  std::vector<OcrLine> lines;
  std::string text;                    // every line, joined by '\n'
  std::vector<uint32_t> line_begin;    // byte offset of lines[i] in text
  std::string best_text;               // the best lines only, top to bottom, joined by '\n'
  bool timed_out = false;
  int variants_run = 0;
  double ms = 0;                       // wall time of Recognize
  void Clear();
  // The line holding byte `offset` of text, or -1.
  int LineAt(uint32_t offset) const;
};

class OcrEngine {
 public:
  // Loads the models. Fails (naming the folder and languages) when a
  // traineddata file is missing or unreadable.
  static Result<std::unique_ptr<OcrEngine>> Create(const OcrOptions& options);
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  // Recognises the text of `image` (1 or 3 channels) into *out (cleared first).
  Status Recognize(const Image& image, OcrResult* out);

  const OcrOptions& options() const { return options_; }

 private:
  struct Impl;
  explicit OcrEngine(const OcrOptions& options);
  bool RunPass(tesseract::TessBaseAPI& api, const Image& pass, const char* name, double sx, double sy, int image_w, int image_h,
               std::chrono::steady_clock::time_point t0, OcrResult* out, bool ink_mask = false);
  OcrOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace evenhand::ocr
