// Video decoding and vPDQ hashing of hostile files (any container FFmpeg
// probes from the bytes): VpdqHasher::HashMemory with small limits (a
// 640x480 picture, 300 frames, 60 s, 5 s of decoding), every frame sampled;
// then the same bytes as a vPDQ hash file (ParseVpdq). Any Status is fine;
// a crash, leak or sanitizer report is a finding. FFmpeg itself is not
// instrumented: the fuzzer's coverage is our glue, FFmpeg runs under ASan's
// allocator. scripts/fuzz.sh gives this target at most FUZZ_SHORT_SECONDS.
#include <cstdint>
#include <string_view>
#include <vector>

#include "media/vpdq.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  static VpdqHasher hasher;
  static std::vector<VpdqFrame> frames;
  VpdqOptions options;
  options.sampling.seconds_per_hash = 0;
  options.limits.max_width = 640;
  options.limits.max_height = 480;
  options.limits.max_pixels = 640 * 480;
  options.limits.max_frames = 300;
  options.limits.max_duration_s = 60;
  options.limits.max_decode_seconds = 5;
  (void)hasher.HashMemory(data, size, "fuzz", options, &frames);
  (void)ParseVpdq(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz", &frames);
  return 0;
}
