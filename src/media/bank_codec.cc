#include "media/bank_codec.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "model/replace_file.h"

namespace evenhand::bank_codec {

Status WriteSealedFile(const std::string& path, std::string* bytes) {
  Seal(bytes);
  return WriteFileReplacing(path, *bytes);
}

bool FileHasMagic(const std::string& path, const char* magic) {
  std::ifstream f(path, std::ios::binary);
  char m[8] = {0};
  f.read(m, 8);
  return f && std::equal(m, m + 8, magic);
}

Result<std::string> ReadSealedFile(const std::string& path, const char* magic, const char* what) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto corrupt = [&](const char* why) { return Status::Corrupt(path + ": corrupt " + what + " (" + why + ")"); };
  if (data.size() < 16 || !std::equal(magic, magic + 8, data.data())) return corrupt("bad magic");
  if (!SealOk(data)) return corrupt("checksum mismatch");
  return data;
}

}  // namespace evenhand::bank_codec
