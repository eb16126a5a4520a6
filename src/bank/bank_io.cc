#include "bank/bank_io.h"
#include "model/replace_file.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace evenhand {
namespace {

constexpr char kMagic[8] = {'E', 'V', 'H', 'B', 'A', 'N', 'K', '1'};

uint64_t Fnv1a(const char* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(p[i]);
    h *= 1099511628211ull;
  }
  return h;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  return std::string(s.substr(b, e - b));
}

// Splits one CSV record (no embedded newlines) with RFC 4180 quotes.
bool SplitCsv(std::string_view line, std::vector<std::string>* cells) {
  cells->clear();
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') { cur += '"'; ++i; }
        else quoted = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells->push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  cells->push_back(Trim(cur));
  return !quoted;
}

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = std::strlen(suffix);
  return s.size() >= n && Lower(s.substr(s.size() - n)) == suffix;
}

class Writer {
 public:
  void Bytes(const void* p, size_t n) { buf_.append(static_cast<const char*>(p), n); }
  void U32(uint32_t v) { Bytes(&v, 4); }
  void U64(uint64_t v) { Bytes(&v, 8); }
  void Str(const std::string& s) { U32(static_cast<uint32_t>(s.size())); Bytes(s.data(), s.size()); }
  std::string& buf() { return buf_; }

 private:
  std::string buf_;
};

class Reader {
 public:
  Reader(const std::string& data) : d_(data) {}
  bool Bytes(void* p, size_t n) {
    if (d_.size() - pos_ < n) return false;
    std::memcpy(p, d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool U32(uint32_t* v) { return Bytes(v, 4); }
  bool U64(uint64_t* v) { return Bytes(v, 8); }
  bool Str(std::string* s) {
    uint32_t n;
    if (!U32(&n) || d_.size() - pos_ < n) return false;
    s->assign(d_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  size_t pos() const { return pos_; }
  size_t left() const { return d_.size() - pos_; }

 private:
  const std::string& d_;
  size_t pos_ = 0;
};

Status ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  *out = std::move(ss).str();
  return Status::Ok();
}

}  // namespace

Status ReadHashList(const std::string& path, HashList* out) {
  std::ifstream in(path);
  if (!in) return Status::Io(path + ": cannot open");
  out->hashes.clear();
  out->labels.clear();
  const bool csv_ext = EndsWith(path, ".csv");
  int hash_col = 0, label_col = 1;
  bool first_row = true;
  std::string line;
  std::vector<std::string> cells;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    std::string t = Trim(line);
    if (t.empty() || t[0] == '#') continue;
    if (!SplitCsv(t, &cells)) return Status::Invalid(path + ":" + std::to_string(lineno) + ": unterminated quote");
    Hash256 h;
    if (first_row) {
      first_row = false;
      if (!ParseHex(cells[0], &h)) {
        // A header row: find the columns.
        hash_col = label_col = -1;
        for (size_t i = 0; i < cells.size(); ++i) {
          std::string name = Lower(cells[i]);
          if (name == "hash" || name == "pdq" || name == "signal_value" || name == "pdq_hash") hash_col = int(i);
          if (name == "label" || name == "name" || name == "description") label_col = int(i);
        }
        if (hash_col < 0) {
          return Status::Invalid(path + ":" + std::to_string(lineno) + ": " +
                                 (csv_ext ? "CSV header has no hash column (hash, pdq or signal_value)"
                                          : "not a 64-digit hex hash: '" + cells[0] + "'"));
        }
        continue;
      }
    }
    if (hash_col >= static_cast<int>(cells.size()) || !ParseHex(cells[hash_col], &h)) {
      std::string got = hash_col < static_cast<int>(cells.size()) ? cells[hash_col] : "";
      return Status::Invalid(path + ":" + std::to_string(lineno) + ": not a 64-digit hex hash: '" + got + "'");
    }
    out->hashes.push_back(h);
    out->labels.push_back(label_col >= 0 && label_col < static_cast<int>(cells.size()) ? cells[label_col] : "");
  }
  return Status::Ok();
}

bool IsBinaryBank(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8];
  return in.read(magic, 8) && std::memcmp(magic, kMagic, 8) == 0;
}

Status SaveBank(const Bank& bank, const std::string& path) {
  const HashIndex& index = bank.index();
  Writer w;
  w.Bytes(kMagic, 8);
  w.U32(bank.info().negative ? 1 : 0);
  std::vector<uint32_t> live;
  for (uint32_t id = 0; id < index.size(); ++id) {
    if (!index.removed(id)) live.push_back(id);
  }
  w.U64(live.size());
  w.Str(bank.info().name);
  w.Str(bank.info().label);
  w.Str(bank.info().source);
  w.Str(bank.info().category);
  for (uint32_t id : live) {
    Hash256 h = index.hash(id);
    for (int i = 0; i < 4; ++i) w.U64(h.w[i]);
  }
  for (uint32_t id : live) w.Str(bank.EntryLabel(id));
  w.U64(Fnv1a(w.buf().data(), w.buf().size()));
  return WriteFileReplacing(path, w.buf());
}

Result<std::unique_ptr<Bank>> LoadBank(const std::string& path) {
  std::string data;
  Status s = ReadFile(path, &data);
  if (!s.ok()) return s;
  auto corrupt = [&](const char* what) { return Status::Corrupt(path + ": corrupt bank file: " + what); };
  if (data.size() < 8 + 4 + 8 + 8 || std::memcmp(data.data(), kMagic, 8) != 0) return corrupt("bad magic");
  uint64_t stored;
  std::memcpy(&stored, data.data() + data.size() - 8, 8);
  if (Fnv1a(data.data(), data.size() - 8) != stored) return corrupt("checksum mismatch");
  data.resize(data.size() - 8);
  Reader r(data);
  char magic[8];
  uint32_t flags;
  uint64_t count;
  BankInfo info;
  r.Bytes(magic, 8);
  if (!r.U32(&flags) || !r.U64(&count) || !r.Str(&info.name) || !r.Str(&info.label) || !r.Str(&info.source) ||
      !r.Str(&info.category)) {
    return corrupt("truncated header");
  }
  info.negative = flags & 1;
  if (count > r.left() / 32) return corrupt("count exceeds file size");
  std::vector<Hash256> hashes(count);
  for (auto& h : hashes) {
    for (int i = 0; i < 4; ++i) r.U64(&h.w[i]);
  }
  std::vector<std::string> labels(count);
  for (auto& l : labels) {
    if (!r.Str(&l)) return corrupt("truncated labels");
  }
  if (r.left() != 0) return corrupt("trailing bytes");
  auto bank = std::make_unique<Bank>(info);
  bank->AddMany(hashes, labels);
  return bank;
}

Result<std::unique_ptr<Bank>> OpenBank(const std::string& path, const std::string& name) {
  if (IsBinaryBank(path)) return LoadBank(path);
  HashList list;
  Status s = ReadHashList(path, &list);
  if (!s.ok()) return s;
  BankInfo info;
  info.name = name;
  info.source = path;
  auto bank = std::make_unique<Bank>(info);
  bank->AddMany(list.hashes, list.labels);
  return bank;
}

std::string ExportText(const Bank& bank) {
  std::string out;
  const HashIndex& index = bank.index();
  char hex[64];
  for (uint32_t id = 0; id < index.size(); ++id) {
    if (index.removed(id)) continue;
    WriteHex(index.hash(id), hex);
    out.append(hex, 64);
    std::string label = bank.EntryLabel(id);
    if (!label.empty()) {
      out += ',';
      if (label.find_first_of(",\"") == std::string::npos) {
        out += label;
      } else {
        out += '"';
        for (char c : label) out += c == '"' ? std::string("\"\"") : std::string(1, c);
        out += '"';
      }
    }
    out += '\n';
  }
  return out;
}

}  // namespace evenhand
