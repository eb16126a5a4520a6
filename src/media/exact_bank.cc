#include "media/exact_bank.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <numeric>

#include "media/bank_codec.h"

namespace evenhand {
namespace {

constexpr char kMagic[8] = {'E', 'V', 'H', 'X', 'B', 'N', 'K', '1'};

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return o;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// One CSV record (no embedded newlines); false on a bad quote.
bool SplitCsv(std::string_view line, std::vector<std::string>* cells) {
  cells->clear();
  std::string cur;
  bool quoted = false, was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur.push_back(c);
      }
    } else if (c == '"' && Trim(cur).empty() && !was_quoted) {
      quoted = was_quoted = true;
      cur.clear();
    } else if (c == ',') {
      cells->push_back(was_quoted ? cur : std::string(Trim(cur)));
      cur.clear();
      was_quoted = false;
    } else {
      cur.push_back(c);
    }
  }
  if (quoted) return false;
  cells->push_back(was_quoted ? cur : std::string(Trim(cur)));
  return true;
}

bool IsHex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

bool KindFromLength(size_t hex_digits, DigestKind* k) {
  if (hex_digits == 32) *k = DigestKind::kMd5;
  else if (hex_digits == 40) *k = DigestKind::kSha1;
  else return false;
  return true;
}

}  // namespace

Status ReadDigestList(const std::string& path, const DigestKind* kind, DigestList* out) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  out->digests.clear();
  out->labels.clear();
  bool have_kind = kind != nullptr;
  if (have_kind) out->kind = *kind;
  std::string_view rest = text;
  size_t lineno = 0;
  bool first = true, csv = false;
  int hash_col = -1, label_col = -1;
  std::vector<std::string> cells;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, nl));
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    const std::string where = path + ":" + std::to_string(lineno) + ": ";
    std::string_view hex, label;
    if (first) {
      first = false;
      // A header: the first cell is not a hash.
      const size_t cut = line.find_first_of(",\t ");
      if (!IsHex(line.substr(0, cut)) && line.find(',') != std::string_view::npos) {
        if (!SplitCsv(line, &cells)) return Status::Invalid(where + "bad CSV quoting");
        for (size_t c = 0; c < cells.size(); ++c) {
          const std::string h = Lower(cells[c]);
          DigestKind k;
          if (ParseDigestKind(h, &k) && hash_col < 0 && (!have_kind || k == out->kind)) {
            hash_col = static_cast<int>(c);
            if (!have_kind) {
              out->kind = k;
              have_kind = true;
            }
          } else if ((h == "hash" || h == "signal_value") && hash_col < 0) {
            hash_col = static_cast<int>(c);
          } else if ((h == "label" || h == "name" || h == "filename" || h == "file" || h == "description") &&
                     label_col < 0) {
            label_col = static_cast<int>(c);
          }
        }
        if (hash_col < 0)
          return Status::Invalid(where + "the header names no md5, sha1, sha256 or hash column" +
                                 (kind ? std::string(" (wanted ") + DigestName(*kind) + ")" : ""));
        csv = true;
        continue;
      }
    }
    if (csv) {
      if (!SplitCsv(line, &cells)) return Status::Invalid(where + "bad CSV quoting");
      if (static_cast<int>(cells.size()) <= hash_col) return Status::Invalid(where + "no hash in this row");
      hex = Trim(cells[hash_col]);
      if (label_col >= 0 && static_cast<int>(cells.size()) > label_col) label = cells[label_col];
    } else {
      const size_t cut = line.find_first_of(",\t ");
      hex = line.substr(0, cut);
      if (cut != std::string_view::npos) {
        label = Trim(line.substr(cut + 1));
        if (line[cut] == ' ' && !label.empty() && label[0] == '*') label.remove_prefix(1);  // sha256sum -b
      }
    }
    if (!have_kind) {
      if (!IsHex(hex) || !KindFromLength(hex.size(), &out->kind))
        return Status::Invalid(where + "\"" + std::string(hex.substr(0, 80)) +
                               "\" is not an MD5 (32 hex digits) or SHA-1 (40) hash; name the kind for SHA-256");
      have_kind = true;
    }
    Digest d;
    if (!ParseDigestHex(hex, out->kind, &d))
      return Status::Invalid(where + "\"" + std::string(hex.substr(0, 80)) + "\" is not a " +
                             DigestName(out->kind) + " hash (" + std::to_string(2 * DigestSize(out->kind)) +
                             " hex digits)");
    out->digests.push_back(d);
    out->labels.emplace_back(label);
  }
  return Status::Ok();
}

void ExactBank::AddMany(const std::vector<Digest>& digests, const std::vector<std::string>& labels) {
  std::vector<Digest> d = std::move(digests_);
  std::vector<std::string> l = std::move(labels_);
  d.insert(d.end(), digests.begin(), digests.end());
  for (size_t i = 0; i < digests.size(); ++i) l.push_back(i < labels.size() ? labels[i] : std::string());
  std::vector<size_t> order(d.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return d[a] < d[b]; });
  digests_.clear();
  labels_.clear();
  for (size_t i : order) {
    if (!digests_.empty() && digests_.back() == d[i]) continue;  // the first label stays
    digests_.push_back(d[i]);
    labels_.push_back(std::move(l[i]));
  }
}

int64_t ExactBank::Find(const Digest& d) const {
  auto it = std::lower_bound(digests_.begin(), digests_.end(), d);
  if (it == digests_.end() || !(*it == d)) return -1;
  return it - digests_.begin();
}

Status SaveExactBank(const ExactBank& bank, const std::string& path) {
  using namespace bank_codec;
  std::string out(kMagic, sizeof kMagic);
  const BankInfo& i = bank.info();
  Put<uint32_t>(&out, i.negative ? 1u : 0u);
  Put<uint32_t>(&out, static_cast<uint32_t>(bank.kind()));
  for (const std::string* s : {&i.name, &i.label, &i.source, &i.category}) PutString(&out, *s);
  Put<uint64_t>(&out, bank.size());
  const size_t n = DigestSize(bank.kind());
  for (size_t k = 0; k < bank.size(); ++k) out.append(reinterpret_cast<const char*>(bank.digest(k).bytes.data()), n);
  for (size_t k = 0; k < bank.size(); ++k) PutString(&out, bank.label(k));
  return WriteSealedFile(path, &out);
}

bool IsExactBankFile(const std::string& path) { return bank_codec::FileHasMagic(path, kMagic); }

Result<std::unique_ptr<ExactBank>> LoadExactBank(const std::string& path) {
  using namespace bank_codec;
  auto data = ReadSealedFile(path, kMagic, "hash bank");
  if (!data.ok()) return data.status();
  auto corrupt = [&](const char* what) { return Status::Corrupt(path + ": corrupt hash bank (" + what + ")"); };
  ByteReader r(Payload(*data));
  uint32_t flags = 0, kind = 0;
  BankInfo info;
  if (!r.Get(&flags) || !r.Get(&kind) || kind >= kDigestKinds || !r.GetString(&info.name) ||
      !r.GetString(&info.label) || !r.GetString(&info.source) || !r.GetString(&info.category))
    return corrupt("header");
  info.negative = flags & 1;
  const DigestKind k = static_cast<DigestKind>(kind);
  const size_t n = DigestSize(k);
  uint64_t count = 0;
  if (!r.Get(&count) || count > r.remaining() / (n + 4)) return corrupt("count");
  std::vector<Digest> digests(count);
  for (Digest& d : digests)
    if (!r.GetBytes(d.bytes.data(), n)) return corrupt("digests");
  std::vector<std::string> labels(count);
  for (std::string& l : labels)
    if (!r.GetString(&l)) return corrupt("labels");
  if (r.remaining() != 0) return corrupt("trailing bytes");
  auto bank = std::make_unique<ExactBank>(info, k);
  bank->AddMany(digests, labels);
  return bank;
}

std::string ExportExactBankText(const ExactBank& bank) {
  std::string out;
  for (size_t i = 0; i < bank.size(); ++i) {
    out += DigestHex(bank.digest(i), bank.kind());
    if (!bank.label(i).empty()) out += "," + bank.label(i);
    out += "\n";
  }
  return out;
}

}  // namespace evenhand
