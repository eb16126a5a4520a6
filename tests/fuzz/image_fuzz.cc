// Image decoders (JPEG, PNG, WebP, GIF; the format is sniffed), whole and
// streamed, with small pixel limits so a hostile header cannot ask for more
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
  (void)decoder.DecodeMemory(data, size, "fuzz", &image);
  Sink sink;
  (void)decoder.DecodeMemoryTo(data, size, "fuzz", &sink, 4);
  return 0;
}
