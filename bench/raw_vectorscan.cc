// raw_vectorscan WORDS MESSAGES [SECONDS] [any|all|word]: the ceiling for term
// scanning. Compiles every term as a caseless literal into one block-mode
// Vectorscan database and scans each message held in memory, looping for at
// least SECONDS (default 3). Mode "any" (default) answers "does this message
// contain any term?" and stops at the first match, like the JavaScript
// peers but without their word boundaries; mode "word" asks the peers' exact
// question, \b(term)\b case-insensitively, as Vectorscan regexes, stopping
// at the first match; mode "all" reports every match, the work a scanner that must count
// and quote matches does. Prints one JSON line: msgs_per_s, MB_per_s, hit rate.
#include <hs/hs.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

namespace {

std::vector<std::string> ReadLines(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) lines.push_back(line);
  return lines;
}

int OnFirstMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* hit) {
  *static_cast<bool*>(hit) = true;
  return 1;  // stop at the first match, like the peer's boolean check
}

int OnEveryMatch(unsigned, unsigned long long, unsigned long long, unsigned, void* hit) {
  *static_cast<bool*>(hit) = true;
  return 0;  // go on: every match is reported
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: raw_vectorscan WORDS MESSAGES [SECONDS] [any|all|word]\n");
    return 2;
  }
  double min_seconds = argc > 3 ? std::atof(argv[3]) : 3.0;
  const std::string mode = argc > 4 ? argv[4] : "any";
  const bool all = mode == "all";
  const bool word = mode == "word";
  const unsigned extra_flag = all ? 0 : HS_FLAG_SINGLEMATCH;
  auto on_match = all ? OnEveryMatch : OnFirstMatch;
  auto words = ReadLines(argv[1]);
  auto msgs = ReadLines(argv[2]);
  std::vector<std::string> regexes;  // mode word: \b + escaped term + \b
  if (word) {
    for (const auto& w : words) {
      std::string r = "\\b";
      for (char c : w) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != ' ') r.push_back('\\');
        r.push_back(c);
      }
      regexes.push_back(r + "\\b");
    }
  }
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  std::vector<unsigned> flags, ids;
  for (size_t i = 0; i < words.size(); ++i) {
    exprs.push_back(word ? regexes[i].c_str() : words[i].c_str());
    lens.push_back(words[i].size());
    flags.push_back(HS_FLAG_CASELESS | extra_flag);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* error = nullptr;
  hs_error_t compiled =
      word ? hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                              HS_MODE_BLOCK, nullptr, &db, &error)
           : hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                                  static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK, nullptr, &db, &error);
  if (compiled != HS_SUCCESS) {
    std::fprintf(stderr, "compile failed: %s\n", error->message);
    return 1;
  }
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  size_t n = 0, hits = 0, bytes = 0;
  auto start = std::chrono::steady_clock::now();
  double seconds = 0;
  for (;;) {
    for (const auto& m : msgs) {
      bool hit = false;
      hs_scan(db, m.data(), static_cast<unsigned>(m.size()), 0, scratch, on_match, &hit);
      hits += hit;
      bytes += m.size();
    }
    n += msgs.size();
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (seconds >= min_seconds) break;
  }
  std::printf("{\"filter\":\"raw-vectorscan-%s\",\"msgs\":%zu,\"hit_rate\":%.4f,\"seconds\":%.3f,\"msgs_per_s\":%.0f,"
              "\"MB_per_s\":%.3f}\n",
              mode.c_str(), n, static_cast<double>(hits) / n, seconds, n / seconds, bytes / 1e6 / seconds);
  hs_free_scratch(scratch);
  hs_free_database(db);
  return 0;
}
