#include "media/ocr/ocr_engine.h"

#include <tesseract/baseapi.h>
#include <tesseract/ocrclass.h>
#include <tesseract/resultiterator.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>

#include "media/ocr/preprocess.h"

namespace evenhand::ocr {

namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// Trims whitespace (ASCII and the newline tesseract appends).
std::string Trim(const char* s) {
  std::string out = s != nullptr ? s : "";
  size_t b = 0, e = out.size();
  while (b < e && static_cast<unsigned char>(out[b]) <= ' ') ++b;
  while (e > b && static_cast<unsigned char>(out[e - 1]) <= ' ') --e;
  return out.substr(b, e - b);
}

// True when the text has at least two letters or digits (ASCII or not):
// tesseract reads photo texture as strings of punctuation.
bool HasWord(const std::string& s) {
  int n = 0;
  for (unsigned char c : s)
    if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c >= 0xC0) ++n;
  return n >= 2;
}

bool Overlap(const OcrLine& a, const OcrLine& b) {
  const int ix = std::min(a.x1, b.x1) - std::max(a.x0, b.x0);
  const int iy = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
  if (ix <= 0 || iy <= 0) return false;
  const int ha = a.y1 - a.y0, hb = b.y1 - b.y0;
  return iy * 2 >= std::min(ha, hb);  // share at least half the shorter line's height
}

}  // namespace

void OcrResult::Clear() {
  lines.clear();
  text.clear();
  line_begin.clear();
  best_text.clear();
  timed_out = false;
  variants_run = 0;
  ms = 0;
}

int OcrResult::LineAt(uint32_t offset) const {
  for (size_t i = lines.size(); i-- > 0;)
    if (line_begin[i] <= offset) return static_cast<int>(i);
  return -1;
}

struct OcrEngine::Impl {
  tesseract::TessBaseAPI api;                    // every language
  std::unique_ptr<tesseract::TessBaseAPI> solo;  // OcrOptions::solo_language alone
  Image work, pass;  // the scaled input, and the variant handed to tesseract
  Image small;       // a variant at OcrOptions::arabic_rescale
  OutlineScratch outline;
};

OcrEngine::OcrEngine(const OcrOptions& options) : options_(options), impl_(std::make_unique<Impl>()) {}
OcrEngine::~OcrEngine() {
  if (!impl_) return;
  impl_->api.End();
  if (impl_->solo) impl_->solo->End();
}

Result<std::unique_ptr<OcrEngine>> OcrEngine::Create(const OcrOptions& options) {
  std::unique_ptr<OcrEngine> engine(new OcrEngine(options));
  const char* path = options.tessdata.empty() ? nullptr : options.tessdata.c_str();
  // Quiet: tesseract otherwise prints warnings (resolution, empty page) on stderr.
  if (engine->impl_->api.Init(path, options.languages.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    const char* env = std::getenv("TESSDATA_PREFIX");
    std::string where = path != nullptr ? path : (env != nullptr ? env : "tesseract's default tessdata folder");
    return Status::Invalid("OCR: cannot load tesseract models \"" + options.languages + "\" from " + where +
                           " (Debian: apt-get install tesseract-ocr-urd tesseract-ocr-eng)");
  }
  if (!options.solo_language.empty() && options.solo_language != options.languages) {
    engine->impl_->solo = std::make_unique<tesseract::TessBaseAPI>();
    if (engine->impl_->solo->Init(path, options.solo_language.c_str(), tesseract::OEM_LSTM_ONLY) != 0)
      return Status::Invalid("OCR: cannot load tesseract model \"" + options.solo_language + "\"");
  }
  for (tesseract::TessBaseAPI* api : {&engine->impl_->api, engine->impl_->solo.get()}) {
    if (api == nullptr) continue;
    api->SetVariable("debug_file", "/dev/null");
    api->SetPageSegMode(tesseract::PSM_AUTO);
  }
  return engine;
}

namespace {

bool HasArabicScript(const std::string& s) {
  // U+0600..U+06FF and U+0750..U+077F are 0xD8 0x80 .. 0xDD 0xBF in UTF-8.
  for (unsigned char c : s)
    if (c >= 0xD8 && c <= 0xDD) return true;
  return false;
}

}  // namespace

// Runs one pass of `api` over `pass` (grey or RGB; boxes scaled by sx, sy to
// the input's pixels), appending new lines to out. Returns false when the
// budget ran out.
bool OcrEngine::RunPass(tesseract::TessBaseAPI& api, const Image& pass, const char* name, double sx, double sy,
                        int image_w, int image_h, std::chrono::steady_clock::time_point t0, OcrResult* out,
                        bool ink_mask) {
  int left_ms = 0;
  if (options_.budget_ms > 0) {
    left_ms = options_.budget_ms - static_cast<int>(MsSince(t0));
    if (left_ms <= 0) {
      out->timed_out = true;
      return false;
    }
  }
  api.SetImage(pass.pixels.data(), pass.width, pass.height, pass.channels, pass.width * pass.channels);
  // A photo's pixels say nothing of its size: 300 dpi, as for a scan. An ink
  // mask holds only letters: tesseract estimates the resolution from their
  // height (captions' large letters are otherwise dropped as too big).
  api.SetSourceResolution(ink_mask ? 0 : 300);
  tesseract::ETEXT_DESC monitor;
  if (left_ms > 0) monitor.set_deadline_msecs(left_ms);
  const int rc = api.Recognize(&monitor);
  ++out->variants_run;
  if (monitor.deadline_exceeded()) out->timed_out = true;
  if (rc == 0 || out->timed_out) {
    std::unique_ptr<tesseract::ResultIterator> it(api.GetIterator());
    if (it) {
      do {
        if (it->Empty(tesseract::RIL_TEXTLINE)) continue;
        std::unique_ptr<char[]> utf8(it->GetUTF8Text(tesseract::RIL_TEXTLINE));
        std::string text = Trim(utf8.get());
        const float conf = it->Confidence(tesseract::RIL_TEXTLINE);
        if (text.empty() || !HasWord(text) || conf < options_.min_confidence) continue;
        int x0, y0, x1, y1;
        it->BoundingBox(tesseract::RIL_TEXTLINE, &x0, &y0, &x1, &y1);
        OcrLine line;
        line.text = std::move(text);
        line.x0 = static_cast<int>(x0 * sx);
        line.y0 = static_cast<int>(y0 * sy);
        line.x1 = std::min(image_w, static_cast<int>(std::ceil(x1 * sx)));
        line.y1 = std::min(image_h, static_cast<int>(std::ceil(y1 * sy)));
        line.confidence = conf;
        line.variant = name;
        // A line another pass already read, in the same place, adds nothing.
        bool repeat = false;
        for (const OcrLine& o : out->lines)
          if (o.text == line.text && Overlap(o, line)) repeat = true;
        if (!repeat) out->lines.push_back(std::move(line));
      } while (it->Next(tesseract::RIL_TEXTLINE));
    }
  }
  api.Clear();
  return !out->timed_out;
}

Status OcrEngine::Recognize(const Image& image, OcrResult* out) {
  const auto t0 = Clock::now();
  out->Clear();
  if (image.width <= 0 || image.height <= 0 || (image.channels != 1 && image.channels != 3))
    return Status::Invalid("OCR: not an 8-bit grey or RGB image");
  Impl& im = *impl_;
  // Native size (downscaled only past max_side), as plain tesseract sees it.
  const int longer = std::max(image.width, image.height);
  double scale = longer > options_.max_side ? static_cast<double>(options_.max_side) / longer : 1.0;
  int ww = std::max(1, static_cast<int>(std::lround(image.width * scale)));
  int wh = std::max(1, static_cast<int>(std::lround(image.height * scale)));
  if (ww == image.width && wh == image.height) {
    im.work = image;
  } else {
    Resize(image, ww, wh, &im.work);
  }
  double sx = static_cast<double>(image.width) / ww, sy = static_cast<double>(image.height) / wh;
  const ImageStats stats = Measure(im.work);
  const bool light_ink = options_.variants && stats.light_ink > 0.002 && stats.light_ink < 0.35;
  tesseract::TessBaseAPI& multi = im.api;
  tesseract::TessBaseAPI* solo = im.solo.get();

  const bool colour_ink = options_.variants && stats.colour_ink > 0.0005;
  auto light = [&] {
    LightInkMask(im.work, 200, 48, &im.pass);
    KeepOutlined(im.work, &im.pass, 0.2, 0.6, 0.35, &im.outline);
  };
  auto colour = [&] {
    ColourInkMask(im.work, 150, 64, &im.pass);
    KeepOutlined(im.work, &im.pass, 0.3, 0.6, 0.35, &im.outline);
  };
  // 1. The image with every language, as plain tesseract reads it (RGB:
  // tesseract thresholds the channel that separates best).
  bool go = RunPass(multi, im.work, "image", sx, sy, image.width, image.height, t0, out);
  if (options_.variants) {
    // 1b. Its luminance: averages noise out (degraded, re-compressed images).
    if (go && im.work.channels == 3) {
      Grey(im.work, &im.pass);
      go = RunPass(multi, im.pass, "grey", sx, sy, image.width, image.height, t0, out);
    }
    // 2. Meme text: light ink with a dark outline.
    if (go && light_ink) {
      light();
      go = RunPass(multi, im.pass, "light-ink", sx, sy, image.width, image.height, t0, out, true);
    }
    // 2b. Coloured meme and caption text (yellow, red, green...) with a dark outline or on a dark box.
    if (go && colour_ink) {
      colour();
      go = RunPass(multi, im.pass, "colour-ink", sx, sy, image.width, image.height, t0, out, true);
    }
    // 3. Light text on a dark background.
    if (go && stats.mean_lum < 100) {
      Grey(im.work, &im.pass);
      Invert(&im.pass);
      go = RunPass(multi, im.pass, "inverted", sx, sy, image.width, image.height, t0, out);
    }
    // 4. The solo language (Urdu) on its own, where its script was seen or nothing was read:
    // with several languages tesseract reads some Urdu words as English.
    bool arabic = out->lines.empty();
    for (const OcrLine& l : out->lines) arabic |= HasArabicScript(l.text);
    if (go && solo != nullptr && arabic) {
      go = RunPass(*solo, im.work, "image-solo", sx, sy, image.width, image.height, t0, out);
      if (go && light_ink) {
        light();
        go = RunPass(*solo, im.pass, "light-ink-solo", sx, sy, image.width, image.height, t0, out, true);
      }
      if (go && colour_ink) {
        colour();
        go = RunPass(*solo, im.pass, "colour-ink-solo", sx, sy, image.width, image.height, t0, out, true);
      }
      // 4b. The same at a fraction of the size, for large letters (captions, posters).
      const double f = options_.arabic_rescale;
      if (go && f > 0 && f < 1 && std::max(im.work.width, im.work.height) >= options_.arabic_rescale_min_side) {
        const int sw = std::max(1, static_cast<int>(std::lround(im.work.width * f)));
        const int sh = std::max(1, static_cast<int>(std::lround(im.work.height * f)));
        const double ssx = static_cast<double>(image.width) / sw, ssy = static_cast<double>(image.height) / sh;
        Resize(im.work, sw, sh, &im.small);
        go = RunPass(*solo, im.small, "image-solo-small", ssx, ssy, image.width, image.height, t0, out);
        if (go && light_ink) {
          light();
          Resize(im.pass, sw, sh, &im.small);
          go = RunPass(*solo, im.small, "light-ink-solo-small", ssx, ssy, image.width, image.height, t0, out, true);
        }
        if (go && colour_ink) {
          colour();
          Resize(im.pass, sw, sh, &im.small);
          go = RunPass(*solo, im.small, "colour-ink-solo-small", ssx, ssy, image.width, image.height, t0, out, true);
        }
      }
    }
    // 5. Small text (screenshots): upscaled.
    bool small = out->lines.empty();
    for (const OcrLine& l : out->lines) small |= (l.y1 - l.y0) < options_.small_line_px;
    if (go && small && longer < options_.upscale_below) {
      scale = std::min(2.5, static_cast<double>(options_.upscale_to) / longer);
      ww = std::max(1, static_cast<int>(std::lround(image.width * scale)));
      wh = std::max(1, static_cast<int>(std::lround(image.height * scale)));
      Resize(image, ww, wh, &im.work);
      sx = static_cast<double>(image.width) / ww, sy = static_cast<double>(image.height) / wh;
      go = RunPass(multi, im.work, "image-up", sx, sy, image.width, image.height, t0, out);
      if (go && solo != nullptr && arabic) {
        go = RunPass(*solo, im.work, "image-up-solo", sx, sy, image.width, image.height, t0, out);
      }
    }
  }

  // Best line per region; text and best_text.
  std::vector<OcrLine>& lines = out->lines;
  for (size_t i = 0; i < lines.size(); ++i) {
    lines[i].best = true;
    for (size_t j = 0; j < lines.size() && lines[i].best; ++j)
      if (j != i && Overlap(lines[i], lines[j]) &&
          (lines[j].confidence > lines[i].confidence || (lines[j].confidence == lines[i].confidence && j < i)))
        lines[i].best = false;
  }
  for (const OcrLine& l : lines) {
    out->line_begin.push_back(static_cast<uint32_t>(out->text.size()));
    out->text += l.text;
    out->text.push_back('\n');
  }
  std::vector<const OcrLine*> best;
  for (const OcrLine& l : lines)
    if (l.best) best.push_back(&l);
  std::stable_sort(best.begin(), best.end(), [](const OcrLine* a, const OcrLine* b) { return a->y0 < b->y0; });
  for (const OcrLine* l : best) {
    out->best_text += l->text;
    out->best_text.push_back('\n');
  }
  out->ms = MsSince(t0);
  return Status::Ok();
}

}  // namespace evenhand::ocr
