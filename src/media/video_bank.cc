#include "media/video_bank.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_map>

#include "media/bank_codec.h"

namespace evenhand {
namespace {

constexpr char kMagic[8] = {'E', 'V', 'H', 'V', 'B', 'N', 'K', '1'};
constexpr int kIndexQuality = 50;

struct HashKey {
  size_t operator()(const Hash256& h) const { return static_cast<size_t>(h.w[0] ^ (h.w[2] * 0x9e3779b97f4a7c15ull)); }
};

}  // namespace

void VideoBank::AddVideo(std::vector<VpdqFrame> frames, std::string label) {
  Video v;
  v.label = std::move(label);
  v.frames = std::move(frames);
  v.first = static_cast<uint32_t>(index_.size());
  // Distinct hashes with a frame of quality >= 50, in first-seen order.
  std::vector<Hash256> hashes;
  std::unordered_map<Hash256, uint32_t, HashKey> slot;  // hash -> position in hashes, or UINT32_MAX
  std::unordered_map<Hash256, bool, HashKey> first_seen;
  std::vector<uint32_t> wd, wc;
  uint32_t td = 0, tc = 0;
  for (const VpdqFrame& f : v.frames) {
    const bool first = first_seen.emplace(f.hash, true).second;
    if (f.quality < kIndexQuality) continue;
    auto [it, fresh] = slot.emplace(f.hash, static_cast<uint32_t>(hashes.size()));
    if (fresh) {
      hashes.push_back(f.hash);
      wd.push_back(0);
      wc.push_back(0);
    }
    if (first) {
      wd[it->second] = 1;
      ++td;
    }
    ++wc[it->second];
    ++tc;
  }
  v.count = static_cast<uint32_t>(hashes.size());
  if (!hashes.empty()) index_.Add(hashes.data(), hashes.size());
  const uint32_t id = static_cast<uint32_t>(videos_.size());
  frame_video_.insert(frame_video_.end(), hashes.size(), id);
  weight_dedupe_.insert(weight_dedupe_.end(), wd.begin(), wd.end());
  weight_count_.insert(weight_count_.end(), wc.begin(), wc.end());
  total_dedupe_.push_back(td);
  total_count_.push_back(tc);
  videos_.push_back(std::move(v));
}

void VideoBank::Match(const std::vector<VpdqFrame>& query, const VpdqMatchRule& rule, Scratch* s,
                      std::vector<VideoMatch>* out) const {
  out->clear();
  if (rule.min_quality != kIndexQuality) {  // not what the index holds: brute force, exact
    for (uint32_t v = 0; v < videos_.size(); ++v) {
      const VpdqMatchResult r = MatchVpdq(query, videos_[v].frames, rule);
      if (r.match) out->push_back({v, r.query_pct, r.target_pct, r.distance});
    }
    return;
  }
  UsableHashes(query, rule, &s->query, &s->dedupe);
  if (s->query.empty() || videos_.empty()) return;
  const std::vector<uint32_t>& weight = rule.dedupe ? weight_dedupe_ : weight_count_;
  const std::vector<uint32_t>& total = rule.dedupe ? total_dedupe_ : total_count_;
  const size_t nv = videos_.size(), nf = index_.size();
  if (s->last_query.size() < nv) {
    s->last_query.assign(nv, 0);
    s->query_hits.assign(nv, 0);
    s->target_hits.assign(nv, 0);
    s->best.assign(nv, -1);
  }
  if (s->frame_hit.size() < nf) s->frame_hit.assign(nf, 0);
  s->touched_videos.clear();
  s->touched_frames.clear();
  const int radius = rule.radius();
  for (uint32_t qi = 0; qi < s->query.size(); ++qi) {
    s->hits.clear();
    index_.Search(s->query[qi], radius, &s->hits);
    for (const HashMatch& h : s->hits) {
      if (weight[h.id] == 0) continue;
      const uint32_t v = frame_video_[h.id];
      if (s->best[v] < 0) {
        s->touched_videos.push_back(v);
        s->best[v] = h.distance;
      } else if (h.distance < s->best[v]) {
        s->best[v] = h.distance;
      }
      if (s->last_query[v] != qi + 1) {
        s->last_query[v] = qi + 1;
        ++s->query_hits[v];
      }
      if (!s->frame_hit[h.id]) {
        s->frame_hit[h.id] = 1;
        s->touched_frames.push_back(h.id);
        s->target_hits[v] += weight[h.id];
      }
    }
  }
  const double nq = static_cast<double>(s->query.size());
  for (uint32_t v : s->touched_videos) {
    VideoMatch m;
    m.video = v;
    m.query_pct = static_cast<double>(s->query_hits[v]) * 100.0 / nq;
    m.target_pct = total[v] == 0 ? 0.0 : static_cast<double>(s->target_hits[v]) * 100.0 / total[v];
    m.distance = s->best[v];
    if (m.query_pct >= rule.query_pct && m.target_pct >= rule.target_pct) out->push_back(m);
    s->last_query[v] = s->query_hits[v] = s->target_hits[v] = 0;
    s->best[v] = -1;
  }
  for (uint32_t f : s->touched_frames) s->frame_hit[f] = 0;
}

Status SaveVideoBank(const VideoBank& bank, const std::string& path) {
  using namespace bank_codec;
  std::string out(kMagic, sizeof kMagic);
  const BankInfo& i = bank.info();
  Put<uint32_t>(&out, i.negative ? 1u : 0u);
  for (const std::string* s : {&i.name, &i.label, &i.source, &i.category}) PutString(&out, *s);
  Put<uint64_t>(&out, bank.size());
  for (uint32_t v = 0; v < bank.size(); ++v) {
    PutString(&out, bank.label(v));
    const auto& frames = bank.frames(v);
    Put<uint32_t>(&out, static_cast<uint32_t>(frames.size()));
    for (const VpdqFrame& f : frames) {
      Put<int64_t>(&out, f.frame_number);
      Put<int32_t>(&out, f.quality);
      Put<float>(&out, f.timestamp);
      for (uint64_t w : f.hash.w) Put<uint64_t>(&out, w);
    }
  }
  return WriteSealedFile(path, &out);
}

bool IsVideoBankFile(const std::string& path) { return bank_codec::FileHasMagic(path, kMagic); }

Result<std::unique_ptr<VideoBank>> LoadVideoBank(const std::string& path) {
  using namespace bank_codec;
  auto data = ReadSealedFile(path, kMagic, "video bank");
  if (!data.ok()) return data.status();
  auto corrupt = [&](const char* what) { return Status::Corrupt(path + ": corrupt video bank (" + what + ")"); };
  ByteReader r(Payload(*data));
  uint32_t flags = 0;
  BankInfo info;
  if (!r.Get(&flags) || !r.GetString(&info.name) || !r.GetString(&info.label) || !r.GetString(&info.source) ||
      !r.GetString(&info.category))
    return corrupt("header");
  info.negative = flags & 1;
  uint64_t videos = 0;
  if (!r.Get(&videos) || videos > r.remaining() / 8) return corrupt("video count");
  auto bank = std::make_unique<VideoBank>(info);
  std::vector<VpdqFrame> frames;
  for (uint64_t v = 0; v < videos; ++v) {
    std::string label;
    uint32_t n = 0;
    if (!r.GetString(&label) || !r.Get(&n) || n > r.remaining() / 48) return corrupt("video header");
    frames.assign(n, VpdqFrame{});
    for (VpdqFrame& fr : frames) {
      int32_t q = 0;
      if (!r.Get(&fr.frame_number) || !r.Get(&q) || !r.Get(&fr.timestamp) ||
          !r.GetBytes(fr.hash.w, sizeof fr.hash.w))
        return corrupt("frames");
      if (q < 0 || q > 100) return corrupt("quality");
      fr.quality = q;
    }
    bank->AddVideo(std::move(frames), std::move(label));
    frames = {};
  }
  if (r.remaining() != 0) return corrupt("trailing bytes");
  return bank;
}

std::string ExportVideoBankText(const VideoBank& bank) {
  std::string out;
  for (uint32_t v = 0; v < bank.size(); ++v) {
    out += "# video " + bank.label(v) + "\n";
    AppendVpdqText(bank.frames(v), &out);
  }
  return out;
}

Status ReadVideoBankText(const std::string& path, const std::string& default_label, VideoBank* bank) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::Io(path + ": cannot read");
  const std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::string_view rest = text;
  std::string label = default_label;
  std::vector<VpdqFrame> frames, one;
  bool open = false;  // a "# video" line started the current video
  size_t lineno = 0;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    ++lineno;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.starts_with("# video ")) {
      if (open || !frames.empty()) bank->AddVideo(std::move(frames), label);
      frames = {};
      label = std::string(line.substr(8));
      open = true;
      continue;
    }
    if (line.empty() || line[0] == '#') continue;
    if (!ParseVpdq(line, path, &one).ok() || one.size() != 1)
      return Status::Invalid(path + ":" + std::to_string(lineno) +
                             ": not a vPDQ line (want frameNumber,quality,pdqHash,timestamp)");
    frames.push_back(one[0]);
  }
  if (open || !frames.empty()) bank->AddVideo(std::move(frames), label);
  return Status::Ok();
}

}  // namespace evenhand
