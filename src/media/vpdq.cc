#include "media/vpdq.h"

#include <charconv>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace evenhand {

Status VpdqHasher::Frame(int64_t frame_number, const uint8_t* rgb, int width, int height, size_t stride) {
  const PdqResult r = pdq_.HashRgb(rgb, width, height, stride);
  VpdqFrame& f = out_->emplace_back();
  f.frame_number = frame_number;
  f.quality = r.quality;
  f.hash = r.hash;
  // The reference keeps the frame rate as a float: (float)frameNumber / (float)fps.
  f.timestamp = static_cast<float>(frame_number) / static_cast<float>(info_->fps);
  return Status::Ok();
}

template <typename DecodeFn>
Status VpdqHasher::Run(const VpdqOptions& options, std::vector<VpdqFrame>* out, VideoInfo* info, DecodeFn decode) {
  out->clear();
  VideoInfo local;
  VideoInfo* target = info != nullptr ? info : &local;
  out_ = out;
  info_ = target;
  VideoDecoder decoder(options.limits);
  decoder.set_threads(options.decoder_threads);
  Status s = decode(decoder, target);
  out_ = nullptr;
  info_ = nullptr;
  if (!s.ok()) out->clear();
  return s;
}

Status VpdqHasher::HashFile(const std::string& path, const VpdqOptions& options, std::vector<VpdqFrame>* out,
                            VideoInfo* info) {
  return Run(options, out, info, [&](VideoDecoder& d, VideoInfo* i) {
    return d.DecodeFile(path, options.sampling, this, i);
  });
}

Status VpdqHasher::HashMemory(const uint8_t* data, size_t size, std::string_view name, const VpdqOptions& options,
                              std::vector<VpdqFrame>* out, VideoInfo* info) {
  return Run(options, out, info, [&](VideoDecoder& d, VideoInfo* i) {
    return d.DecodeMemory(data, size, name, options.sampling, this, i);
  });
}

std::string FormatVpdqLine(const VpdqFrame& f) {
  char hex[65];
  WriteHex(f.hash, hex);
  hex[64] = 0;
  char buf[160];
  const int n = std::snprintf(buf, sizeof buf, "%lld,%d,%s,%.3f", static_cast<long long>(f.frame_number), f.quality,
                              hex, static_cast<double>(f.timestamp));
  return std::string(buf, n > 0 ? static_cast<size_t>(n) : 0);
}

void AppendVpdqText(const std::vector<VpdqFrame>& frames, std::string* out) {
  for (const VpdqFrame& f : frames) {
    out->append(FormatVpdqLine(f));
    out->push_back('\n');
  }
}

namespace {

// Splits "a,b,c,d" into exactly four fields.
bool Fields4(std::string_view line, std::string_view f[4]) {
  for (int i = 0; i < 3; ++i) {
    const size_t c = line.find(',');
    if (c == std::string_view::npos) return false;
    f[i] = line.substr(0, c);
    line.remove_prefix(c + 1);
  }
  if (line.find(',') != std::string_view::npos) return false;
  f[3] = line;
  return true;
}

bool ParseLine(std::string_view line, VpdqFrame* out) {
  std::string_view f[4];
  if (!Fields4(line, f)) return false;
  long long frame = 0;
  int quality = 0;
  auto r1 = std::from_chars(f[0].data(), f[0].data() + f[0].size(), frame);
  if (r1.ec != std::errc() || r1.ptr != f[0].data() + f[0].size() || frame < 0) return false;
  auto r2 = std::from_chars(f[1].data(), f[1].data() + f[1].size(), quality);
  if (r2.ec != std::errc() || r2.ptr != f[1].data() + f[1].size() || quality < 0 || quality > 100) return false;
  if (f[2].size() != 64 || !ParseHex(f[2], &out->hash)) return false;
  float ts = 0;
  auto r3 = std::from_chars(f[3].data(), f[3].data() + f[3].size(), ts);
  if (r3.ec != std::errc() || r3.ptr != f[3].data() + f[3].size()) return false;
  out->frame_number = frame;
  out->quality = quality;
  out->timestamp = ts;
  return true;
}

std::string_view TrimCr(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  return line;
}

}  // namespace

bool IsVpdqLine(std::string_view line) {
  VpdqFrame f;
  return ParseLine(TrimCr(line), &f);
}

Status ParseVpdq(std::string_view text, std::string_view name, std::vector<VpdqFrame>* out) {
  out->clear();
  size_t lineno = 0;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = TrimCr(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    VpdqFrame f;
    if (!ParseLine(line, &f))
      return Status::Invalid(std::string(name) + ":" + std::to_string(lineno) +
                             ": not a vPDQ line (want frameNumber,quality,pdqHash,timestamp)");
    out->push_back(f);
  }
  return Status::Ok();
}

Status ReadVpdqFile(const std::string& path, std::vector<VpdqFrame>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot read");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return ParseVpdq(text, path, out);
}

}  // namespace evenhand
