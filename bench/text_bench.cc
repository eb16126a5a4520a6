// Text pipeline phases, one thread, messages in memory: compile time of the
// term matcher, then normalisation and matching timed apart, in the chunks
// of 64 that `evenhand scan` uses. Prints one JSON line per round and a hash
// over every match (message, term, span) so two builds can be checked to
// report the same matches.
// Usage: text_bench TERMS_FILE[,TERMS_FILE...] MESSAGES_FILE [ROUNDS] [ref | check]
//   ref: the regex reference matcher; check: compare the normaliser with
//   its all-general-path reference on every message instead of timing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "text/matcher.h"
#include "text/normalizer.h"
#include "text/term_list.h"

using namespace evenhand;
using Clock = std::chrono::steady_clock;

// Normalize (fast path, islands) against NormalizeReference (every byte
// through the general path) on every message: text, spans, stretched and
// glued points. Prints the first differences; exit 1 when any.
int CheckAgainstReference(const char* path) {
  Normalizer normalizer;
  std::ifstream in(path);
  NormalizedText fast, ref;
  size_t lines = 0, bad = 0;
  for (std::string line; std::getline(in, line); ++lines) {
    normalizer.Normalize(line, &fast);
    normalizer.NormalizeReference(line, &ref);
    const bool same = fast.text == ref.text && fast.stretched == ref.stretched && fast.glued == ref.glued &&
                      fast.ambiguous == ref.ambiguous && fast.soft_starts == ref.soft_starts &&
                      fast.soft_ends == ref.soft_ends &&
                      std::equal(ref.source_begin.begin(), ref.source_begin.end(), fast.source_begin.begin()) &&
                      std::equal(ref.source_end.begin(), ref.source_end.end(), fast.source_end.begin());
    if (!same && ++bad <= 5) std::printf("differs: line %zu: %s\n", lines + 1, line.c_str());
  }
  std::printf("{\"check\":\"reference\",\"lines\":%zu,\"differ\":%zu}\n", lines, bad);
  return bad == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: text_bench TERMS_FILE[,TERMS_FILE...] MESSAGES_FILE [ROUNDS] [ref | check]\n");
    return 2;
  }
  if (argc > 4 && std::string(argv[4]) == "check") return CheckAgainstReference(argv[2]);
  TermList list;
  list.name = "words";
  // TERMS_FILE may be several files, comma-separated, into one list (a
  // file named *roman-ur* gives phonetic terms).
  for (std::string files = argv[1]; !files.empty();) {
    const size_t comma = files.find(',');
    const std::string path = files.substr(0, comma);
    files = comma == std::string::npos ? "" : files.substr(comma + 1);
    if (!AppendTermFile(path, &list).ok()) {
      std::fprintf(stderr, "cannot read %s\n", path.c_str());
      return 1;
    }
  }
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  const auto engine = argc > 4 && std::string(argv[4]) == "ref" ? MatcherEngine::kRegexReference
                                                                 : MatcherEngine::kLiterals;
  Normalizer normalizer;
  const auto t0 = Clock::now();
  auto compiled = TermMatcher::Compile({list}, normalizer, engine);
  const double compile_s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!compiled.ok()) {
    std::fprintf(stderr, "compile: %s\n", compiled.status().message().c_str());
    return 1;
  }
  auto matcher = std::move(compiled).value();
  std::ifstream in(argv[2]);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  auto scratch = matcher->NewScratch();
  constexpr size_t kChunk = 64;
  std::vector<NormalizedText> nts(kChunk);
  std::vector<const NormalizedText*> ptrs(kChunk);
  std::vector<TermMatch> out;
  for (int r = 0; r < rounds; ++r) {
    double norm_s = 0, scan_s = 0;
    size_t matches = 0;
    uint64_t hash = 1469598103934665603ull;
    for (size_t i = 0; i < lines.size(); i += kChunk) {
      const size_t k = std::min(kChunk, lines.size() - i);
      const auto a = Clock::now();
      for (size_t j = 0; j < k; ++j) {
        normalizer.NormalizeForMatch(lines[i + j], &nts[j]);
        ptrs[j] = &nts[j];
      }
      const auto b = Clock::now();
      matcher->ScanMany(ptrs.data(), k, scratch.get(), &out);
      const auto c = Clock::now();
      norm_s += std::chrono::duration<double>(b - a).count();
      scan_s += std::chrono::duration<double>(c - b).count();
      matches += out.size();
      for (const TermMatch& m : out)
        for (uint64_t v : {static_cast<uint64_t>(i + m.text), uint64_t{m.term}, uint64_t{m.begin}, uint64_t{m.end}})
          hash = (hash ^ v) * 1099511628211ull;
    }
    std::printf(
        "{\"round\":%d,\"msgs\":%zu,\"compile_s\":%.4f,\"normalize_s\":%.4f,\"match_s\":%.4f,"
        "\"msgs_per_s\":%.0f,\"matches\":%zu,\"hash\":\"%016llx\"}\n",
        r + 1, lines.size(), compile_s, norm_s, scan_s, lines.size() / (norm_s + scan_s), matches,
        static_cast<unsigned long long>(hash));
  }
  return 0;
}
