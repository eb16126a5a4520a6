// Regime files (YAML): every check of CheckRegimeFile, given the input's
// bytes as the file's text (CheckRegimeSource: the same checks, without a
// file written and read back for every input).
#include <cstdint>
#include <string>

#include "regimes/regime_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  evenhand::Regime regime;
  const std::string source(reinterpret_cast<const char*>(data), size);
  (void)evenhand::CheckRegimeSource("regime.yaml", source, &regime);
  return 0;
}
