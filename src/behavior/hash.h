// Small, fast, non-cryptographic hashing used by the behaviour detectors:
// Mix64 (a 64-bit finaliser that spreads every input bit over the output)
// and HashBytes (FNV-1a over the bytes, then Mix64). Deterministic across
// runs and machines, so seeded runs and stored evidence are reproducible.
// Not for anything an adversary may collide on purpose.
#pragma once

#include <cstdint>
#include <string_view>

namespace evenhand::behavior {

inline uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

inline uint64_t HashBytes(std::string_view s, uint64_t seed = 0) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

}  // namespace evenhand::behavior
