// Policy YAML (the loader's checks and the `when` expressions inside), and a
// `when` expression on its own, compiled. The YAML is given to the loader as
// the text of a policy file in a per-process directory of /dev/shm (relative
// list files resolve there, as they did when the input was written to that
// file), without writing and reading the file for every input.
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "policy/expr.h"
#include "policy/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  if (size == 0) return 0;
  // First byte: 0-127 policy YAML, else a `when` expression.
  if (data[0] < 128) {
    static const std::string path = fuzz::InputPath("policy.yaml");
    (void)PolicyLoader::CheckSource(path, std::string(reinterpret_cast<const char*>(data + 1), size - 1));
    return 0;
  }
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  static const std::vector<std::string> lists = {"slurs", "spam_terms"};
  static const std::vector<std::string> banks = {"csam"};
  static const std::vector<std::string> classifiers = {"spam"};
  ExprError error;
  bool uses_lang = false;
  (void)CompileExpr(text, lists, &error, &uses_lang, &banks, &classifiers);
  return 0;
}
