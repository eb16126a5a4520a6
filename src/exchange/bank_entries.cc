#include "exchange/bank_entries.h"

#include <algorithm>

#include "bank/bank_io.h"
#include "media/vpdq.h"

namespace evenhand {

namespace {

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

void AppendLabel(std::string* out, char sep, std::string_view label) {
  if (label.empty()) return;
  out->push_back(sep);
  out->append(label);
}

// Splits an entry into its key and its label (after `sep`).
std::pair<std::string_view, std::string_view> SplitEntry(BankKind kind, std::string_view entry) {
  const char sep = kind == BankKind::kVpdq ? '\t' : ',';
  const size_t at = entry.find(sep);
  if (at == std::string_view::npos) return {entry, {}};
  return {entry.substr(0, at), entry.substr(at + 1)};
}

Status ParseFrames(std::string_view key, std::vector<VpdqFrame>* out) {
  std::string lines(key);
  std::replace(lines.begin(), lines.end(), ';', '\n');
  return ParseVpdq(lines, "entry", out);
}

}  // namespace

std::string PdqEntry(const Hash256& h, std::string_view label) {
  std::string e = ToHex(h);
  AppendLabel(&e, ',', label);
  return e;
}

std::string DigestEntry(const Digest& d, DigestKind kind, std::string_view label) {
  std::string e = DigestHex(d, kind);
  AppendLabel(&e, ',', label);
  return e;
}

std::string VideoEntry(const std::vector<VpdqFrame>& frames, std::string_view label) {
  std::string e;
  for (size_t i = 0; i < frames.size(); ++i) {
    if (i > 0) e.push_back(';');
    e += FormatVpdqLine(frames[i]);
  }
  AppendLabel(&e, '\t', label);
  return e;
}

void Canonicalize(std::vector<std::string>* entries) {
  std::sort(entries->begin(), entries->end());
  entries->erase(std::unique(entries->begin(), entries->end()), entries->end());
}

Result<std::vector<std::string>> CanonicalEntries(const AnyBank& bank) {
  std::vector<std::string> out;
  auto label_ok = [](const std::string& label) -> Status {
    if (HasLineBreak(label)) return Status::Invalid("entry label \"" + label + "\" holds a line break");
    return Status::Ok();
  };
  if (bank.video) {
    const VideoBank& v = *bank.video;
    for (uint32_t i = 0; i < v.size(); ++i) {
      if (Status s = label_ok(v.label(i)); !s.ok()) return s;
      if (v.frames(i).empty()) return Status::Invalid("video \"" + v.label(i) + "\" has no frames");
      out.push_back(VideoEntry(v.frames(i), v.label(i)));
    }
  } else if (bank.exact) {
    const ExactBank& x = *bank.exact;
    for (size_t i = 0; i < x.size(); ++i) {
      if (Status s = label_ok(x.label(i)); !s.ok()) return s;
      out.push_back(DigestEntry(x.digest(i), x.kind(), x.label(i)));
    }
  } else if (bank.pdq) {
    const HashIndex& index = bank.pdq->index();
    for (uint32_t id = 0; id < index.size(); ++id) {
      if (index.removed(id)) continue;
      const std::string label = bank.pdq->EntryLabel(id);
      if (Status s = label_ok(label); !s.ok()) return s;
      out.push_back(PdqEntry(index.hash(id), label));
    }
  }
  Canonicalize(&out);
  return out;
}

std::string EntryText(const std::vector<std::string>& entries) {
  size_t n = 0;
  for (const std::string& e : entries) n += e.size() + 1;
  std::string out;
  out.reserve(n);
  for (const std::string& e : entries) {
    out += e;
    out += '\n';
  }
  return out;
}

std::string_view EntryKey(BankKind kind, std::string_view entry) { return SplitEntry(kind, entry).first; }

std::string CheckEntry(BankKind kind, std::string_view entry) {
  if (HasLineBreak(entry)) return "holds a line break";
  auto [key, label] = SplitEntry(kind, entry);
  DigestKind dk;
  if (kind == BankKind::kPdq) {
    Hash256 h;
    if (!ParseHex(key, &h) || ToHex(h) != key) return "not a PDQ hash (64 lowercase hex digits)";
  } else if (ExactDigestKind(kind, &dk)) {
    Digest d;
    if (!ParseDigestHex(key, dk, &d) || DigestHex(d, dk) != key)
      return std::string("not an ") + DigestName(dk) + " digest (" + std::to_string(2 * DigestSize(dk)) +
             " lowercase hex digits)";
  } else {
    std::vector<VpdqFrame> frames;
    if (key.empty()) return "a video entry needs at least one frame";
    if (!ParseFrames(key, &frames).ok() || VideoEntry(frames, {}) != key)
      return "not a list of vPDQ frames (frameNumber,quality,pdqHash,timestamp with 3 decimals, ';' between)";
  }
  return "";
}

Result<AnyBank> BuildBank(BankKind kind, const BankInfo& info, const std::vector<std::string>& entries,
                          std::string_view name, size_t first_line) {
  AnyBank out;
  out.kind = kind;
  DigestKind dk = DigestKind::kMd5;
  const bool exact = ExactDigestKind(kind, &dk);
  std::vector<Hash256> hashes;
  std::vector<Digest> digests;
  std::vector<std::string> labels;
  std::vector<VpdqFrame> frames;
  if (kind == BankKind::kVpdq) out.video = std::make_unique<VideoBank>(info);
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& e = entries[i];
    if (std::string what = CheckEntry(kind, e); !what.empty())
      return Status::Invalid(std::string(name) + ":" + std::to_string(first_line + i) + ": " + what);
    auto [key, label] = SplitEntry(kind, e);
    if (kind == BankKind::kPdq) {
      Hash256 h;
      ParseHex(key, &h);
      hashes.push_back(h);
    } else if (exact) {
      Digest d;
      ParseDigestHex(key, dk, &d);
      digests.push_back(d);
    } else {
      (void)ParseFrames(key, &frames);
      out.video->AddVideo(frames, std::string(label));
      continue;
    }
    labels.emplace_back(label);
  }
  if (kind == BankKind::kPdq) {
    out.pdq = std::make_unique<Bank>(info);
    out.pdq->AddMany(hashes, labels);
  } else if (exact) {
    out.exact = std::make_unique<ExactBank>(info, dk);
    out.exact->AddMany(digests, labels);
  }
  return out;
}

Status SaveAnyBank(const AnyBank& bank, const std::string& path) {
  if (bank.video) return SaveVideoBank(*bank.video, path);
  if (bank.exact) return SaveExactBank(*bank.exact, path);
  return SaveBank(*bank.pdq, path);
}

}  // namespace evenhand
