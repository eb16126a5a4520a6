// Regime files (YAML): every check of CheckRegimeFile.
#include <cstdint>

#include "fuzz_util.h"
#include "regimes/regime_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  evenhand::Regime regime;
  (void)evenhand::CheckRegimeFile(evenhand::fuzz::WriteInput(data, size, "regime.yaml"), &regime);
  return 0;
}
