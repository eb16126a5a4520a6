#include "media/any_bank.h"

#include <filesystem>
#include <fstream>

#include "bank/bank_io.h"
#include "media/vpdq.h"

namespace evenhand {

const char* BankKindName(BankKind k) {
  switch (k) {
    case BankKind::kPdq: return "pdq";
    case BankKind::kVpdq: return "vpdq";
    case BankKind::kMd5: return "md5";
    case BankKind::kSha1: return "sha1";
    case BankKind::kSha256: return "sha256";
  }
  return "?";
}

bool ParseBankKind(std::string_view name, BankKind* out) {
  DigestKind d;
  if (name == "pdq") *out = BankKind::kPdq;
  else if (name == "vpdq" || name == "video") *out = BankKind::kVpdq;
  else if (ParseDigestKind(name, &d)) *out = static_cast<BankKind>(static_cast<int>(BankKind::kMd5) + static_cast<int>(d));
  else return false;
  return true;
}

bool ExactDigestKind(BankKind k, DigestKind* out) {
  switch (k) {
    case BankKind::kMd5: *out = DigestKind::kMd5; return true;
    case BankKind::kSha1: *out = DigestKind::kSha1; return true;
    case BankKind::kSha256: *out = DigestKind::kSha256; return true;
    default: return false;
  }
}

const BankInfo& AnyBank::info() const {
  if (video) return video->info();
  if (exact) return exact->info();
  return pdq->info();
}

void AnyBank::set_info(BankInfo info) {
  if (video) video->set_info(std::move(info));
  else if (exact) exact->set_info(std::move(info));
  else pdq->set_info(std::move(info));
}

size_t AnyBank::size() const {
  if (video) return video->size();
  if (exact) return exact->size();
  return pdq->size();
}

namespace {

bool IsHexRun(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  return true;
}

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return o;
}

}  // namespace

Result<BankKind> DetectBankKind(const std::string& path) {
  if (IsBinaryBank(path)) return BankKind::kPdq;
  if (IsVideoBankFile(path)) return BankKind::kVpdq;
  if (IsExactBankFile(path)) {
    auto b = LoadExactBank(path);
    if (!b.ok()) return b.status();
    switch ((*b)->kind()) {
      case DigestKind::kMd5: return BankKind::kMd5;
      case DigestKind::kSha1: return BankKind::kSha1;
      case DigestKind::kSha256: return BankKind::kSha256;
    }
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  std::string line;
  while (std::getline(f, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.starts_with("# video ")) return BankKind::kVpdq;
    if (line.empty() || line[0] == '#') continue;
    if (IsVpdqLine(line)) return BankKind::kVpdq;
    const size_t cut = line.find_first_of(",\t ");
    const std::string first = line.substr(0, cut);
    if (!IsHexRun(first)) {  // a CSV header
      std::string lower = Lower(line);
      for (const char* col : {"pdq", "md5", "sha1", "sha256"}) {  // a pdq column wins (metadata may name md5)
        // a whole cell named so
        const std::string c = col;
        size_t at = 0;
        while ((at = lower.find(c, at)) != std::string::npos) {
          const bool left = at == 0 || lower[at - 1] == ',' || lower[at - 1] == '"';
          const size_t end = at + c.size();
          const bool right = end == lower.size() || lower[end] == ',' || lower[end] == '"';
          if (left && right) {
            BankKind k = BankKind::kPdq;
            ParseBankKind(c, &k);
            return k;
          }
          at = end;
        }
      }
      return BankKind::kPdq;
    }
    if (first.size() == 32) return BankKind::kMd5;
    if (first.size() == 40) return BankKind::kSha1;
    return BankKind::kPdq;
  }
  return BankKind::kPdq;
}

Result<AnyBank> OpenAnyBank(const std::string& path, const std::string& name, const BankKind* kind) {
  AnyBank out;
  if (kind != nullptr) {
    out.kind = *kind;
  } else {
    auto k = DetectBankKind(path);
    if (!k.ok()) return k.status();
    out.kind = *k;
  }
  BankInfo info;
  info.name = name;
  DigestKind dk;
  if (out.kind == BankKind::kPdq) {
    auto b = OpenBank(path, name);
    if (!b.ok()) return b.status();
    out.pdq = std::move(b).value();
  } else if (out.kind == BankKind::kVpdq) {
    if (IsVideoBankFile(path)) {
      auto b = LoadVideoBank(path);
      if (!b.ok()) return b.status();
      out.video = std::move(b).value();
    } else {
      out.video = std::make_unique<VideoBank>(info);
      if (Status s = ReadVideoBankText(path, std::filesystem::path(path).stem().string(), out.video.get()); !s.ok())
        return s;
    }
  } else if (ExactDigestKind(out.kind, &dk)) {
    if (IsExactBankFile(path)) {
      auto b = LoadExactBank(path);
      if (!b.ok()) return b.status();
      if ((*b)->kind() != dk)
        return Status::Invalid(path + ": a " + std::string(DigestName((*b)->kind())) + " bank, not " + DigestName(dk));
      out.exact = std::move(b).value();
    } else {
      DigestList list;
      if (Status s = ReadDigestList(path, &dk, &list); !s.ok()) return s;
      out.exact = std::make_unique<ExactBank>(info, dk);
      out.exact->AddMany(list.digests, list.labels);
    }
  }
  return out;
}

std::string ExportAnyBankText(const AnyBank& bank) {
  if (bank.video) return ExportVideoBankText(*bank.video);
  if (bank.exact) return ExportExactBankText(*bank.exact);
  return ExportText(*bank.pdq);
}

}  // namespace evenhand
