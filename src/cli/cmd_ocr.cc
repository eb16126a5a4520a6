// `evenhand ocr FILE...`: the text in images, as a policy's ocr.* names see it
// (src/media/ocr). One JSON object a line per image:
//   {"file":..., "ms":..., "timed_out":false, "variants":2, "text":"best lines\n...",
//    "lines":[{"text":..., "box":[x0,y0,x1,y1], "confidence":91.2, "variant":"light-ink", "best":true}, ...]}
// A file that cannot be decoded is reported on stderr (naming it) and the
// others are still read; the exit code is then 1.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "image/decoder.h"
#include "media/ocr/ocr_engine.h"
#include "model/json_write.h"

namespace evenhand::cli {
namespace {

struct OcrArgs {
  std::vector<std::string> files;
  ocr::OcrOptions options;
  bool plain = false;
};

int RunOcr(OcrArgs args) {
  if (args.plain) args.options.variants = false;
  auto engine = ocr::OcrEngine::Create(args.options);
  if (!engine.ok()) {
    std::fprintf(stderr, "evenhand ocr: %s\n", engine.status().message().c_str());
    return 1;
  }
  ImageDecoder decoder;
  Image image;
  ocr::OcrResult result;
  std::string line;
  int failures = 0;
  char num[64];
  for (const std::string& file : args.files) {
    Status s = decoder.DecodeFile(file, &image);
    if (s.ok()) s = (*engine)->Recognize(image, &result);
    if (!s.ok()) {
      std::fprintf(stderr, "evenhand ocr: %s: %s\n", file.c_str(), s.message().c_str());
      ++failures;
      continue;
    }
    line.assign("{\"file\":");
    AppendJsonString(&line, file);
    std::snprintf(num, sizeof num, ",\"ms\":%.1f,\"timed_out\":%s,\"variants\":%d,\"text\":", result.ms,
                  result.timed_out ? "true" : "false", result.variants_run);
    line += num;
    AppendJsonString(&line, result.best_text);
    line += ",\"lines\":[";
    for (size_t i = 0; i < result.lines.size(); ++i) {
      const ocr::OcrLine& l = result.lines[i];
      if (i) line.push_back(',');
      line += "{\"text\":";
      AppendJsonString(&line, l.text);
      std::snprintf(num, sizeof num, ",\"box\":[%d,%d,%d,%d],\"confidence\":%.1f,\"variant\":", l.x0, l.y0, l.x1,
                    l.y1, l.confidence);
      line += num;
      AppendJsonString(&line, l.variant);
      line += l.best ? ",\"best\":true}" : ",\"best\":false}";
    }
    line += "]}\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddOcrCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<OcrArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ocr",
      "Read the text in images (tesseract 5, Urdu and English by default) as a policy's ocr.* names see it:\n"
      "one JSON line per image with the best text and every line found (box, confidence, variant).");
  cmd->add_option("files", args->files, "Image files (JPEG, PNG, WebP, GIF first frame)")->required();
  cmd->add_option("--lang", args->options.languages, "tesseract languages, LANG[+LANG...]")
      ->capture_default_str();
  cmd->add_option("--tessdata", args->options.tessdata,
                  "Folder holding LANG.traineddata (default: $TESSDATA_PREFIX, else tesseract's own)");
  cmd->add_option("--budget-ms", args->options.budget_ms,
                  "Time budget per image in milliseconds, all passes together (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--arabic-rescale", args->options.arabic_rescale,
                  "Arabic-script text is also read at this fraction of its size (0 = off)")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  cmd->add_flag("--plain", args->plain,
                "Only the first pass (the image as plain tesseract reads it): no meme, inverted, Urdu-alone or upscaled pass");
  cmd->callback([args, exit_code]() { *exit_code = RunOcr(*args); });
}

}  // namespace evenhand::cli
