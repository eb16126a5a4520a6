// Helpers for the libFuzzer targets (tests/fuzz/README.md): the parsers that
// read files are given the input through a file in /dev/shm (one per
// process, rewritten for every input).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace evenhand::fuzz {

// The per-process file name ...NAME that WriteInput writes.
inline std::string InputPath(const std::string& name) {
  const std::string dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  return dir + "/evenhand-fuzz-" + std::to_string(::getpid()) + "-" + name;
}

// Writes data to a per-process file named ...NAME and returns its path.
inline std::string WriteInput(const uint8_t* data, size_t size, const std::string& name) {
  const std::string path = InputPath(name);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, f) != size) std::abort();
  std::fclose(f);
  return path;
}

}  // namespace evenhand::fuzz
