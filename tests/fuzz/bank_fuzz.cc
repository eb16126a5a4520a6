// Hash bank files: binary banks (by magic), text and CSV hash lists.
#include <cstdint>

#include "bank/bank_io.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  if (size == 0) return 0;
  const char* name = data[0] % 2 == 0 ? "bank.txt" : "bank.csv";
  const std::string path = fuzz::WriteInput(data + 1, size - 1, name);
  (void)OpenBank(path, "fuzz");
  HashList list;
  (void)ReadHashList(path, &list);
  return 0;
}
