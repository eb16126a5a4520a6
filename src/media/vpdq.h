// vPDQ: Meta's video hash, one PDQ hash and quality per sampled frame,
// bit-compatible with the reference vpdq-hash-video (ThreatExchange vpdq
// 0.2.5) built against the same FFmpeg: the frames come from VideoDecoder
// (the reference's pixel pipeline) and each is hashed from its RGB24 pixels
// by PdqHasher::HashRgb (the reference's fillFloatLumaFromRGB + PDQ core).
//
// The hash file format is the reference's: one line per hashed frame, in
// frame order, no header, "\n" line ends:
//     frameNumber,quality,pdqHash,timestamp
//     0,100,e271017837246aaccddea259648fb7d62f435c89d9e99b2497763e216c8d055c,0.000
// timestamp = (float)frameNumber / (float)fps, printed with 3 decimals.
// ReadVpdq accepts those lines, plus blank lines and '#' comment lines.
//
// Thread safety: a VpdqHasher owns its PDQ scratch and its output vector's
// capacity (reused: no allocation per frame once warm); one per thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "image/pdq.h"
#include "media/video_decoder.h"
#include "model/hash256.h"
#include "model/status.h"

namespace evenhand {

struct VpdqFrame {
  int64_t frame_number = 0;
  int quality = 0;
  Hash256 hash;
  float timestamp = 0;  // seconds, as the reference computes it (float)
};

struct VpdqOptions {
  FrameSampling sampling;  // seconds_per_hash 1 (one frame a second) by default; 0 every frame
  VideoLimits limits;
  int decoder_threads = 1;
};

class VpdqHasher : private VideoFrameSink {
 public:
  // Decodes and hashes `path`; *out is replaced (its capacity reused).
  Status HashFile(const std::string& path, const VpdqOptions& options, std::vector<VpdqFrame>* out,
                  VideoInfo* info = nullptr);
  Status HashMemory(const uint8_t* data, size_t size, std::string_view name, const VpdqOptions& options,
                    std::vector<VpdqFrame>* out, VideoInfo* info = nullptr);

 private:
  Status Frame(int64_t frame_number, const uint8_t* rgb, int width, int height, size_t stride) override;
  template <typename DecodeFn>
  Status Run(const VpdqOptions& options, std::vector<VpdqFrame>* out, VideoInfo* info, DecodeFn decode);
  PdqHasher pdq_;
  std::vector<VpdqFrame>* out_ = nullptr;
  const VideoInfo* info_ = nullptr;
};

// One line of the reference format, without the newline.
std::string FormatVpdqLine(const VpdqFrame& f);
// Appends the lines of every frame ("\n"-terminated) to *out.
void AppendVpdqText(const std::vector<VpdqFrame>& frames, std::string* out);

// Parses the reference format; errors name `name` and the line.
Status ParseVpdq(std::string_view text, std::string_view name, std::vector<VpdqFrame>* out);
Status ReadVpdqFile(const std::string& path, std::vector<VpdqFrame>* out);
// True when `line` (one line, no newline) is a vPDQ line.
bool IsVpdqLine(std::string_view line);

}  // namespace evenhand
