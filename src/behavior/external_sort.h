// SortPostsFile: an external merge sort of a JSON Lines items file by
// instant, in bounded memory (`evenhand behavior --sort`, issue 16 point 5).
//
// Every line is parsed (model/jsonl_reader.h's ItemParser), so timestamps
// with UTC offsets are compared as instants ("10:00+02:00" is before
// "09:30Z"). Output order: account lines first, in input order; then posts
// (by "ts") and login records (by their time) by instant, lines with the
// same instant in input order (the sort is stable). Blank lines are
// dropped; lines are copied byte for byte otherwise. A bad line (invalid
// JSON, unknown kind, missing field) stops the sort with an error naming
// FILE:LINE and nothing is written to `out`.
//
// Memory: at most options.memory_bytes of lines (plus 24 bytes per line)
// are held at once; each full chunk is sorted and written as a run next to
// `out` (OUT.run-N.tmp, deleted when done); runs are merged options.fan_in
// at a time (more passes when there are more), each open run holding one
// line and a stdio buffer. A line over InputLimits::max_line is an error.
// `out` is written through OUT.tmp renamed into place. Not thread safe per
// call; calls on different files are independent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/status.h"

namespace evenhand::behavior {

struct SortOptions {
  size_t memory_bytes = size_t{256} << 20;
  size_t fan_in = 64;  // runs merged at once (>= 2)
};

struct SortStats {
  uint64_t lines = 0;     // non-blank lines written
  uint64_t posts = 0;
  uint64_t reordered = 0;  // posts whose instant is earlier than a post before them in the input
  uint64_t runs = 0;      // sorted runs written (0: everything fitted in memory)
  int merge_passes = 0;
};

Status SortPostsFile(const std::string& in, const std::string& out, const SortOptions& options, SortStats* stats);

}  // namespace evenhand::behavior
