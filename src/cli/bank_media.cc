#include "cli/bank_media.h"

#include <cstdio>
#include <filesystem>

#include "image/decoder.h"
#include "media/file_digest.h"
#include "media/video_decoder.h"
#include "media/vpdq.h"

namespace evenhand::cli {
namespace {

int Fail(const std::string& msg) {
  std::fprintf(stderr, "evenhand bank: %s\n", msg.c_str());
  return 1;
}

std::string Stem(const std::string& path) { return std::filesystem::path(path).stem().string(); }
std::string Base(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

bool IsVideoPath(const std::string& path) {
  uint8_t head[512];
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  const size_t n = std::fread(head, 1, sizeof head, f);
  std::fclose(f);
  return SniffImageFormat(head, n) == ImageFormat::kUnknown && LooksLikeVideo(head, n);
}

int RunMediaImport(const MediaImportArgs& a) {
  AnyBank bank;
  bank.kind = a.kind;
  std::error_code ec;
  if (a.append && std::filesystem::exists(a.out, ec)) {
    auto loaded = OpenAnyBank(a.out, a.info.name, &a.kind);
    if (!loaded.ok()) return Fail(loaded.status().message());
    bank = std::move(loaded).value();
  } else if (a.kind == BankKind::kVpdq) {
    bank.video = std::make_unique<VideoBank>(a.info);
  } else {
    DigestKind dk;
    ExactDigestKind(a.kind, &dk);
    bank.exact = std::make_unique<ExactBank>(a.info, dk);
  }
  size_t added = 0;
  if (bank.video) {
    VpdqHasher hasher;
    VpdqOptions options;
    options.sampling.seconds_per_hash = a.seconds_per_hash;
    std::vector<VpdqFrame> frames;
    for (const std::string& in : a.inputs) {
      if (IsVideoPath(in)) {
        Status s = hasher.HashFile(in, options, &frames);
        if (!s.ok()) return Fail(s.message());
        bank.video->AddVideo(frames, Stem(in));
        ++added;
      } else {
        const size_t before = bank.video->size();
        Status s = ReadVideoBankText(in, Stem(in), bank.video.get());
        if (!s.ok()) return Fail(s.message());
        added += bank.video->size() - before;
      }
    }
    Status s = SaveVideoBank(*bank.video, a.out);
    if (!s.ok()) return Fail(s.message());
    std::fprintf(stderr, "bank %s (vpdq): %zu videos imported, %zu in %s (%zu usable frames)\n",
                 bank.info().name.c_str(), added, bank.video->size(), a.out.c_str(), bank.video->frame_count());
    return 0;
  }
  const DigestKind dk = bank.exact->kind();
  FileDigester digester;
  for (const std::string& in : a.inputs) {
    DigestList list;
    if (a.digest_files) {
      FileDigests d;
      Status s = digester.DigestFile(in, static_cast<uint8_t>(1u << static_cast<int>(dk)), &d);
      if (!s.ok()) return Fail(s.message());
      list.digests.push_back(d.get(dk));
      list.labels.push_back(Base(in));
    } else {
      Status s = ReadDigestList(in, &dk, &list);
      if (!s.ok()) return Fail(s.message());
    }
    bank.exact->AddMany(list.digests, list.labels);
    added += list.digests.size();
  }
  Status s = SaveExactBank(*bank.exact, a.out);
  if (!s.ok()) return Fail(s.message());
  std::fprintf(stderr, "bank %s (%s): %zu hashes imported, %zu in %s\n", bank.info().name.c_str(), DigestName(dk),
               added, bank.exact->size(), a.out.c_str());
  return 0;
}

int RunMediaMatch(AnyBank bank, const MediaMatchArgs& a) {
  size_t queries = 0, found = 0;
  int failures = 0;
  std::string line;
  if (bank.video) {
    VpdqMatchRule rule;
    rule.distance = a.radius;
    rule.query_pct = a.query_pct;
    rule.target_pct = a.target_pct;
    VideoBank::Scratch scratch;
    std::vector<VideoBank::VideoMatch> matches;
    auto report = [&](const std::string& query, const std::vector<VpdqFrame>& frames) {
      bank.video->Match(frames, rule, &scratch, &matches);
      char buf[64];
      for (const auto& m : matches) {
        std::snprintf(buf, sizeof buf, ",%.2f,%.2f,%d\n", m.query_pct, m.target_pct, m.distance);
        line = query + "," + bank.video->label(m.video) + buf;
        std::fwrite(line.data(), 1, line.size(), stdout);
        ++found;
      }
      ++queries;
    };
    std::vector<VpdqFrame> frames;
    if (!a.hashes.empty()) {
      Status s = ReadVpdqFile(a.hashes, &frames);
      if (!s.ok()) return Fail(s.message());
      report(a.hashes, frames);
    }
    VpdqHasher hasher;
    VpdqOptions options;
    options.sampling.seconds_per_hash = a.seconds_per_hash;
    for (const std::string& file : a.files) {
      Status s = hasher.HashFile(file, options, &frames);
      if (!s.ok()) {
        std::fprintf(stderr, "evenhand bank match: %s\n", s.message().c_str());
        ++failures;
        continue;
      }
      report(file, frames);
    }
    std::fprintf(stderr, "%zu queries, %zu matching videos (frames within %d bits, query >= %.0f %%)\n", queries,
                 found, a.radius, a.query_pct);
    return failures == 0 ? 0 : 1;
  }
  const DigestKind dk = bank.exact->kind();
  auto report = [&](const std::string& query, const Digest& d) {
    const int64_t i = bank.exact->Find(d);
    ++queries;
    if (i < 0) return;
    line = query + "," + DigestHex(d, dk) + ",0," + bank.exact->label(static_cast<size_t>(i)) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    ++found;
  };
  if (!a.hashes.empty()) {
    DigestList list;
    Status s = ReadDigestList(a.hashes, &dk, &list);
    if (!s.ok()) return Fail(s.message());
    for (const Digest& d : list.digests) report(DigestHex(d, dk), d);
  }
  FileDigester digester;
  FileDigests digests;
  for (const std::string& file : a.files) {
    Status s = digester.DigestFile(file, static_cast<uint8_t>(1u << static_cast<int>(dk)), &digests);
    if (!s.ok()) {
      std::fprintf(stderr, "evenhand bank match: %s\n", s.message().c_str());
      ++failures;
      continue;
    }
    report(file, digests.get(dk));
  }
  std::fprintf(stderr, "%zu queries, %zu exact %s matches\n", queries, found, DigestName(dk));
  return failures == 0 ? 0 : 1;
}

void PrintMediaStats(const AnyBank& bank) {
  if (bank.video) {
    std::printf("  videos: %zu\n  usable frames: %zu\n", bank.video->size(), bank.video->frame_count());
  } else if (bank.exact) {
    std::printf("  hashes: %zu\n", bank.exact->size());
  }
}

}  // namespace evenhand::cli
