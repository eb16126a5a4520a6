// JSONL items: one line through ItemParser (as the server parses a body),
// and the whole input through JsonlReader with small limits (lines, BOM,
// accounts, over-limit lines skipped).
#include <cstdint>
#include <string_view>

#include "fuzz_util.h"
#include "model/jsonl_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  static ItemParser parser;
  Post post;
  Account account;
  ReadError error;
  (void)parser.Parse(std::string_view(reinterpret_cast<const char*>(data), size), &post, &account, &error);

  auto reader = JsonlReader::Open(fuzz::WriteInput(data, size, "items.jsonl"));
  if (!reader.ok()) return 0;
  InputLimits limits;
  limits.max_line = 4096;
  limits.max_text = 512;
  limits.max_id = 32;
  limits.max_media = 4;
  limits.max_depth = 8;
  (*reader)->set_limits(limits);
  for (int i = 0; i < 10000; ++i) {
    auto next = (*reader)->NextPost(&post, &error);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kPost && post.text.size() > limits.max_text) std::abort();
  }
  return 0;
}
