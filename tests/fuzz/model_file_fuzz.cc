// Classifier model files: MODEL.meta.json and the model it names (size and
// SHA-256 checked before fastText ever sees the bytes). The input is split at
// the first NUL into the metadata and the model.
#include <cstdint>
#include <cstring>

#include "classify/model_file.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  const uint8_t* nul = static_cast<const uint8_t*>(std::memchr(data, 0, size));
  const size_t meta_size = nul != nullptr ? static_cast<size_t>(nul - data) : size;
  const std::string model = fuzz::WriteInput(nul != nullptr ? nul + 1 : data, nul != nullptr ? size - meta_size - 1 : 0,
                                             "model.ftz");
  fuzz::WriteInput(data, meta_size, "model.ftz.meta.json");
  classify::ModelMeta meta;
  std::string bytes;
  (void)classify::ReadModelFile(model, &meta, &bytes);
  return 0;
}
