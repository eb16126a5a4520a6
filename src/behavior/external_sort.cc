#include "behavior/external_sort.h"
#include "model/replace_file.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <queue>
#include <string_view>
#include <vector>

#include "model/item.h"
#include "model/jsonl_reader.h"
#include "model/limits.h"

namespace evenhand::behavior {

namespace {

// Accounts first, then by instant; ties by input order.
constexpr int64_t kAccountKey = INT64_MIN;

struct File {
  std::FILE* f = nullptr;
  explicit File(std::FILE* file) : f(file) {}
  ~File() {
    if (f != nullptr) std::fclose(f);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
};

struct Rec {
  int64_t key;
  uint64_t seq;
  size_t off;
  uint32_t len;
};

// A run file: records of [key int64][seq uint64][len uint32][bytes].
bool WriteRecord(std::FILE* f, int64_t key, uint64_t seq, std::string_view line) {
  uint32_t len = static_cast<uint32_t>(line.size());
  return std::fwrite(&key, sizeof key, 1, f) == 1 && std::fwrite(&seq, sizeof seq, 1, f) == 1 &&
         std::fwrite(&len, sizeof len, 1, f) == 1 && (len == 0 || std::fwrite(line.data(), 1, len, f) == len);
}

struct RunReader {
  std::unique_ptr<File> file;
  int64_t key = 0;
  uint64_t seq = 0;
  std::string line;
  // false at the end of the run (or on a short read: *bad set).
  bool Next(bool* bad) {
    uint32_t len = 0;
    if (std::fread(&key, sizeof key, 1, file->f) != 1) return false;
    if (std::fread(&seq, sizeof seq, 1, file->f) != 1 || std::fread(&len, sizeof len, 1, file->f) != 1) {
      *bad = true;
      return false;
    }
    line.resize(len);
    if (len > 0 && std::fread(line.data(), 1, len, file->f) != len) {
      *bad = true;
      return false;
    }
    return true;
  }
};

// Merges `runs` into `out`: as text lines when `text`, else as a run file.
Status Merge(const std::vector<std::string>& runs, std::FILE* out, bool text, const std::string& out_name) {
  std::vector<RunReader> readers(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    std::FILE* f = std::fopen(runs[i].c_str(), "rb");
    if (f == nullptr) return Status::Io(runs[i] + ": cannot open sorted run");
    readers[i].file = std::make_unique<File>(f);
  }
  auto later = [&](size_t x, size_t y) {
    const RunReader &a = readers[x], &b = readers[y];
    return a.key != b.key ? a.key > b.key : a.seq > b.seq;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  bool bad = false;
  for (size_t i = 0; i < readers.size(); ++i)
    if (readers[i].Next(&bad)) heap.push(i);
  while (!heap.empty()) {
    size_t i = heap.top();
    heap.pop();
    RunReader& r = readers[i];
    bool ok = text ? std::fwrite(r.line.data(), 1, r.line.size(), out) == r.line.size() && std::fputc('\n', out) != EOF
                   : WriteRecord(out, r.key, r.seq, r.line);
    if (!ok) return Status::Io(out_name + ": write failed: " + std::strerror(errno));
    if (r.Next(&bad)) heap.push(i);
  }
  if (bad) return Status::Corrupt("a sorted run was cut short (disk full?)");
  return Status::Ok();
}

}  // namespace

Status SortPostsFile(const std::string& in, const std::string& out, const SortOptions& options, SortStats* stats) {
  *stats = SortStats{};
  const InputLimits limits;
  const size_t fan_in = std::max<size_t>(2, options.fan_in);
  std::FILE* inf = in == "-" ? stdin : std::fopen(in.c_str(), "rb");
  if (inf == nullptr) return Status::Io(in + ": cannot open");
  std::unique_ptr<File> in_file(in == "-" ? nullptr : new File(inf));

  std::vector<std::string> runs;
  auto cleanup = [&]() {
    for (const std::string& r : runs) std::remove(r.c_str());
  };
  std::string arena;
  std::vector<Rec> recs;
  auto flush_run = [&]() -> Status {
    std::stable_sort(recs.begin(), recs.end(),
                     [](const Rec& a, const Rec& b) { return a.key != b.key ? a.key < b.key : a.seq < b.seq; });
    std::string name = out + ".run-" + std::to_string(runs.size()) + ".tmp";
    runs.push_back(name);
    File f(std::fopen(name.c_str(), "wb"));
    if (f.f == nullptr) return Status::Io(name + ": cannot open for writing");
    for (const Rec& r : recs)
      if (!WriteRecord(f.f, r.key, r.seq, std::string_view(arena).substr(r.off, r.len)))
        return Status::Io(name + ": write failed: " + std::strerror(errno));
    if (std::fflush(f.f) != 0) return Status::Io(name + ": write failed: " + std::strerror(errno));
    recs.clear();
    arena.clear();
    return Status::Ok();
  };

  ItemParser parser;
  Post post;
  Account account;
  ReadError err;
  char* buf = nullptr;
  size_t cap = 0;
  int64_t line_no = 0;
  int64_t newest = INT64_MIN;
  Status st = Status::Ok();
  for (;;) {
    ssize_t got = getline(&buf, &cap, inf);
    if (got < 0) break;
    ++line_no;
    std::string_view line(buf, static_cast<size_t>(got));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
    if (line.size() > limits.max_line) {
      st = Status::Invalid(in + ":" + std::to_string(line_no) + ": line longer than " +
                           std::to_string(limits.max_line) + " bytes");
      break;
    }
    int64_t key = 0;
    switch (parser.Parse(line, &post, &account, &err)) {
      case ItemParser::Kind::kBlank: continue;
      case ItemParser::Kind::kAccount: key = kAccountKey; break;
      case ItemParser::Kind::kPost:
        key = post.ts;
        ++stats->posts;
        if (key < newest) ++stats->reordered;
        newest = std::max(newest, key);
        break;
      case ItemParser::Kind::kLogin: key = parser.login().ts; break;
      default:
        err.file = in;
        err.line = line_no;
        st = Status::Invalid(err.ToString());
        break;
    }
    if (!st.ok()) break;
    if (!arena.empty() && arena.size() + line.size() + 24 * (recs.size() + 1) > options.memory_bytes) {
      st = flush_run();
      if (!st.ok()) break;
    }
    recs.push_back({key, static_cast<uint64_t>(line_no), arena.size(), static_cast<uint32_t>(line.size())});
    arena.append(line);
    ++stats->lines;
  }
  std::free(buf);
  if (st.ok() && std::ferror(inf)) st = Status::Io(in + ": read failed");
  if (!st.ok()) {
    cleanup();
    return st;
  }

  std::string tmp = out + ".tmp";
  {
    File o(std::fopen(tmp.c_str(), "wb"));
    if (o.f == nullptr) {
      cleanup();
      return Status::Io(tmp + ": cannot open for writing");
    }
    if (runs.empty()) {  // everything fitted in memory
      std::stable_sort(recs.begin(), recs.end(),
                       [](const Rec& a, const Rec& b) { return a.key != b.key ? a.key < b.key : a.seq < b.seq; });
      for (const Rec& r : recs)
        if (std::fwrite(arena.data() + r.off, 1, r.len, o.f) != r.len || std::fputc('\n', o.f) == EOF) {
          st = Status::Io(tmp + ": write failed: " + std::strerror(errno));
          break;
        }
    } else {
      if (!recs.empty()) st = flush_run();
      arena.clear();
      arena.shrink_to_fit();
      recs.clear();
      recs.shrink_to_fit();
      stats->runs = runs.size();
      // Merge passes of fan_in runs until one pass can write the output.
      while (st.ok() && runs.size() > fan_in) {
        std::vector<std::string> next;
        for (size_t i = 0; i < runs.size() && st.ok(); i += fan_in) {
          std::vector<std::string> group(runs.begin() + static_cast<long>(i),
                                         runs.begin() + static_cast<long>(std::min(runs.size(), i + fan_in)));
          std::string name = out + ".run-" + std::to_string(stats->merge_passes + 1) + "-" +
                             std::to_string(next.size()) + ".tmp";
          next.push_back(name);
          File f(std::fopen(name.c_str(), "wb"));
          if (f.f == nullptr) {
            st = Status::Io(name + ": cannot open for writing");
            break;
          }
          st = Merge(group, f.f, false, name);
          if (st.ok() && std::fflush(f.f) != 0) st = Status::Io(name + ": write failed: " + std::strerror(errno));
          for (const std::string& r : group) std::remove(r.c_str());
        }
        ++stats->merge_passes;
        runs.swap(next);
        if (!st.ok()) break;
      }
      if (st.ok()) {
        st = Merge(runs, o.f, true, tmp);
        ++stats->merge_passes;
      }
    }
    if (st.ok() && std::fflush(o.f) != 0) st = Status::Io(tmp + ": write failed: " + std::strerror(errno));
  }
  cleanup();
  if (!st.ok()) {
    std::remove(tmp.c_str());
    return st;
  }
  if (Status rs = ReplaceFile(tmp, out); !rs.ok()) {
    std::remove(tmp.c_str());
    return rs;
  }
  return Status::Ok();
}

}  // namespace evenhand::behavior
