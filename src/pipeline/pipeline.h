// The scan pipeline: reads items, decides each on N threads, and writes the
// decisions in input order to an output stream and, optionally, a Store.
//
// Memory is bounded whatever the input size: a fixed pool of batches
// circulates between the reader, the workers and the writer.
//
// Errors: with OnError::kStop (the default) the first bad line ends the run
// with a failed Status naming FILE:LINE: field; the store transaction is
// rolled back, so nothing is half-written there (the CLI also writes -o to a
// temporary file renamed only on success). With kSkip bad lines are reported
// through `on_error` and counted, and the scan goes on.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>

#include "model/jsonl_reader.h"
#include "model/status.h"
#include "pipeline/scanner.h"
#include "store/store.h"

namespace evenhand {

enum class OnError { kStop, kSkip };

struct PipelineOptions {
  int threads = 0;  // 0 = all cores
  OnError on_error = OnError::kStop;
  std::FILE* out = nullptr;  // decisions JSONL; null = none
  Store* store = nullptr;    // null = don't store
  std::string actor = "scan";
  bool progress = false;
  size_t batch_size = 512;
  std::function<void(const ReadError&)> on_bad_line;  // kSkip reporting
};

struct ScanStats {
  uint64_t posts = 0;
  uint64_t bad_lines = 0;
  uint64_t stored = 0;      // decisions newly stored
  uint64_t duplicates = 0;  // decisions already in the store
  double seconds = 0;
  std::map<std::string, uint64_t> by_action;    // action -> count
  std::map<std::string, uint64_t> by_category;  // category -> count (non-allow)
};

Result<ScanStats> RunScan(JsonlReader& reader, const Scanner& scanner, const PipelineOptions& options);

}  // namespace evenhand
