// VideoDecoder: decodes the first video stream of a file with FFmpeg's
// libraries (libavformat, libavcodec, libswscale) and hands the sampled
// frames, converted to RGB24, to a VideoFrameSink. It reproduces the pixel
// pipeline of Meta's vPDQ reference (vpdq-hash-video, ThreatExchange vpdq
// 0.2.5) so that hashing those pixels gives its hashes bit for bit:
//
//   - the first stream whose codec type is video is decoded (slice threads
//     only; `threads` of them, 1 by default: the output does not depend on it);
//   - frame N is the N-th frame the decoder returns (0-based, output order;
//     AVCodecContext::frame_number - 1), and is sampled iff
//     N % frame_mod == 0, frame_mod = (int)(seconds_per_hash * fps), 1 when
//     that is 0; fps is the stream's avg_frame_rate, else r_frame_rate;
//   - a sampled frame is converted by sws_scale(SWS_AREA) to RGB24 at the
//     stream's size (or out_width x out_height, aspect not kept) into a buffer
//     laid out as av_frame_get_buffer(align 0) lays it out (rows padded, so
//     libswscale's x86 converter writes every pixel: see the .cc);
//   - reference_flush (default true): after the last packet the decoder is
//     drained only when the video is stream #0, as the reference does (its
//     flush packet has stream_index 0); a video that is not stream #0 then
//     loses its last has_b_frames frames. false always drains.
//
// Errors (a Status naming the file, never a crash or an exception): file
// missing or unreadable, over a VideoLimits bound (file size, width, height,
// pixels, duration, frames, decode time), not a container FFmpeg knows, no
// video stream, no decoder for the codec, zero frame rate, corrupt data (a
// packet the decoder refuses), truncated (the container ends with a read
// error before its end), no frame decoded, a frame under 5x5 pixels. A
// sink's error stops decoding and is returned as is.
//
// Allocation: per video, the FFmpeg contexts and one RGB frame; nothing per
// frame (the decoded and converted frames are reused).
// Thread safety: a VideoDecoder holds no state between calls; use one per
// thread (a sink is called on the calling thread only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "media/video_limits.h"
#include "model/status.h"

namespace evenhand {

struct FrameSampling {
  float seconds_per_hash = 1.0f;  // 0: every frame
  int out_width = 0;              // 0 (both): the stream's own size
  int out_height = 0;
  bool reference_flush = true;
};

struct VideoInfo {
  int width = 0, height = 0;  // of the stream
  double fps = 0;             // avg_frame_rate, else r_frame_rate
  int stream_index = -1;      // of the first video stream
  int frame_mod = 1;          // every frame_mod-th frame was sampled
  int64_t frames_decoded = 0;
  int64_t frames_sampled = 0;
  std::string codec;          // decoder name, e.g. "h264"
};

class VideoFrameSink {
 public:
  // One sampled frame: height rows of width RGB triples, `stride` bytes apart.
  // A non-ok Status stops decoding and is returned by Decode*.
  virtual Status Frame(int64_t frame_number, const uint8_t* rgb, int width, int height, size_t stride) = 0;

 protected:
  ~VideoFrameSink() = default;
};

class VideoDecoder {
 public:
  explicit VideoDecoder(VideoLimits limits = {}) : limits_(limits) {}

  Status DecodeFile(const std::string& path, const FrameSampling& sampling, VideoFrameSink* sink,
                    VideoInfo* info = nullptr);
  // An in-memory file; `name` is used in error messages.
  Status DecodeMemory(const uint8_t* data, size_t size, std::string_view name, const FrameSampling& sampling,
                      VideoFrameSink* sink, VideoInfo* info = nullptr);

  const VideoLimits& limits() const { return limits_; }
  void set_limits(const VideoLimits& limits) { limits_ = limits; }
  void set_threads(int n) { threads_ = n < 1 ? 1 : n; }

 private:
  VideoLimits limits_;
  int threads_ = 1;
};

// True when the first bytes look like a video container FFmpeg reads (MP4 /
// MOV / 3GP, Matroska / WebM, AVI, FLV, MPEG-TS, MPEG-PS, Ogg, ASF / WMV).
bool LooksLikeVideo(const uint8_t* data, size_t size);

}  // namespace evenhand
