// Image decoders (JPEG, PNG, WebP, GIF; the format is sniffed), whole and
// streamed (JPEG always, the others when the whole decode succeeded), with
// small pixel limits so a hostile header cannot ask for more
// memory than the fuzzer allows.
#include <cstdint>

#include "image/decoder.h"

namespace {
struct Sink : evenhand::RowSink {
  void Begin(int, int, int, int, int) override {}
  void Rows(int, int, const uint8_t*, size_t) override {}
};
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  DecodeOptions options;
  options.limits.max_pixels = 4'000'000;
  options.limits.max_dimension = 8000;
  static ImageDecoder decoder(options);
  Image image;
  const Status whole = decoder.DecodeMemory(data, size, "fuzz", &image);
  // Streaming a PNG, WebP or GIF is the whole decode again (into the
  // decoder's own image) and then rows from it: after a failed whole decode
  // it would only repeat the same failing decode, so it runs for JPEG (its
  // own streaming path, at 1/4 scale) and for files that decoded.
  if (!whole.ok() && SniffImageFormat(data, size) != ImageFormat::kJpeg) return 0;
  Sink sink;
  (void)decoder.DecodeMemoryTo(data, size, "fuzz", &sink, 4);
  return 0;
}
