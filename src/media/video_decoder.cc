#include "media/video_decoder.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <memory>
#include <mutex>

#include "media/ffmpeg_lazy.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

namespace evenhand {
namespace {

std::string AvError(int err) {
  char buf[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(err, buf, sizeof buf);
  return buf;
}

struct FormatCloser {
  void operator()(AVFormatContext* f) const { avformat_close_input(&f); }
};
struct CodecCloser {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFree {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFree {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsFree {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
struct IoFree {
  void operator()(AVIOContext* io) const {
    if (io == nullptr) return;
    av_freep(&io->buffer);
    avio_context_free(&io);
  }
};

// An in-memory file for a custom AVIOContext.
struct MemoryFile {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
};

int ReadMemory(void* opaque, uint8_t* buf, int n) {
  auto* m = static_cast<MemoryFile*>(opaque);
  if (m->pos >= m->size) return AVERROR_EOF;
  const size_t k = std::min(static_cast<size_t>(n), m->size - m->pos);
  std::memcpy(buf, m->data + m->pos, k);
  m->pos += k;
  return static_cast<int>(k);
}

int64_t SeekMemory(void* opaque, int64_t offset, int whence) {
  auto* m = static_cast<MemoryFile*>(opaque);
  if (whence & AVSEEK_SIZE) return static_cast<int64_t>(m->size);
  int64_t base = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<int64_t>(m->pos); break;
    case SEEK_END: base = static_cast<int64_t>(m->size); break;
    default: return -1;
  }
  const int64_t p = base + offset;
  if (p < 0 || p > static_cast<int64_t>(m->size)) return -1;
  m->pos = static_cast<size_t>(p);
  return p;
}

void QuietFfmpeg() {
  static std::once_flag once;
  std::call_once(once, [] { av_log_set_level(AV_LOG_QUIET); });
}

// The decode of one opened container.
class Run {
 public:
  Run(std::string_view name, const VideoLimits& limits, int threads, const FrameSampling& sampling,
      VideoFrameSink* sink, VideoInfo* info)
      : name_(name), limits_(limits), threads_(threads), sampling_(sampling), sink_(sink), info_(info),
        start_(std::chrono::steady_clock::now()) {}

  Status Go(AVFormatContext* fmt);

 private:
  Status Fail(const std::string& what) const { return Status::Invalid(std::string(name_) + ": " + what); }
  Status Corrupt(const std::string& what) const { return Status::Corrupt(std::string(name_) + ": " + what); }
  Status Open(AVFormatContext* fmt);
  // Sends `packet` (null data: drain) and handles every frame it yields.
  Status Feed(const AVPacket* packet);
  Status Convert();
  Status CheckTime() const;

  std::string_view name_;
  const VideoLimits& limits_;
  int threads_;
  const FrameSampling& sampling_;
  VideoFrameSink* sink_;
  VideoInfo* info_;
  std::chrono::steady_clock::time_point start_;

  std::unique_ptr<AVCodecContext, CodecCloser> codec_;
  std::unique_ptr<AVFrame, FrameFree> frame_, rgb_;
  std::unique_ptr<SwsContext, SwsFree> sws_;
  int out_w_ = 0, out_h_ = 0;
  int64_t frame_mod_ = 1;
};

Status Run::CheckTime() const {
  if (limits_.max_decode_seconds <= 0) return Status::Ok();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (s > limits_.max_decode_seconds)
    return Fail("decoding took over " + std::to_string(static_cast<int64_t>(limits_.max_decode_seconds)) +
                " s (limit max_decode_seconds); refused");
  return Status::Ok();
}

Status Run::Open(AVFormatContext* fmt) {
  if (int err = avformat_find_stream_info(fmt, nullptr); err < 0)
    return Corrupt("cannot read the stream information (" + AvError(err) + ")");
  for (unsigned i = 0; i < fmt->nb_streams; ++i) {
    if (fmt->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_VIDEO) {
      info_->stream_index = static_cast<int>(i);
      break;
    }
  }
  if (info_->stream_index < 0) return Fail("no video stream");
  const AVStream* st = fmt->streams[info_->stream_index];
  const AVCodecParameters* par = st->codecpar;
  info_->width = par->width;
  info_->height = par->height;
  if (par->width <= 0 || par->height <= 0) return Corrupt("the video stream has no size");
  if ((limits_.max_width > 0 && par->width > limits_.max_width) ||
      (limits_.max_height > 0 && par->height > limits_.max_height) ||
      (limits_.max_pixels > 0 && static_cast<uint64_t>(par->width) * par->height > limits_.max_pixels))
    return Fail(std::to_string(par->width) + "x" + std::to_string(par->height) + " exceeds the resolution limit (" +
                std::to_string(limits_.max_width) + "x" + std::to_string(limits_.max_height) + ", " +
                std::to_string(limits_.max_pixels) + " pixels); refused");
  if (limits_.max_duration_s > 0 && fmt->duration != AV_NOPTS_VALUE && fmt->duration > 0 &&
      static_cast<double>(fmt->duration) / AV_TIME_BASE > limits_.max_duration_s)
    return Fail("duration " + std::to_string(static_cast<int64_t>(static_cast<double>(fmt->duration) / AV_TIME_BASE)) +
                " s exceeds the limit of " + std::to_string(static_cast<int64_t>(limits_.max_duration_s)) +
                " s; refused");
  const AVCodec* codec = avcodec_find_decoder(par->codec_id);
  if (codec == nullptr) return Fail(std::string("no decoder for codec ") + avcodec_get_name(par->codec_id));
  info_->codec = codec->name;
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) return Status::Internal(std::string(name_) + ": out of memory");
  if (avcodec_parameters_to_context(codec_.get(), par) < 0) return Corrupt("bad codec parameters");
  if (codec->capabilities & AV_CODEC_CAP_SLICE_THREADS) {
    codec_->thread_count = threads_;
    codec_->thread_type = FF_THREAD_SLICE;
  } else {
    codec_->thread_count = 1;
  }
  if (limits_.max_pixels > 0) codec_->max_pixels = static_cast<int64_t>(limits_.max_pixels);
  if (int err = avcodec_open2(codec_.get(), codec, nullptr); err < 0)
    return Corrupt("cannot open the " + info_->codec + " decoder (" + AvError(err) + ")");
  AVRational rate = st->avg_frame_rate;
  if (rate.num == 0 || rate.den == 0) rate = st->r_frame_rate;
  info_->fps = rate.den == 0 ? 0.0 : static_cast<double>(rate.num) / static_cast<double>(rate.den);
  if (!(info_->fps > 0)) return Corrupt("the video stream has no frame rate");
  // As the reference: (int)(secondsPerHash * frameRate) in double, 1 when 0.
  frame_mod_ = static_cast<int>(static_cast<double>(sampling_.seconds_per_hash) * info_->fps);
  if (frame_mod_ <= 0) frame_mod_ = 1;
  info_->frame_mod = static_cast<int>(frame_mod_);
  out_w_ = sampling_.out_width > 0 ? sampling_.out_width : par->width;
  out_h_ = sampling_.out_height > 0 ? sampling_.out_height : par->height;
  frame_.reset(av_frame_alloc());
  rgb_.reset(av_frame_alloc());
  if (!frame_ || !rgb_) return Status::Internal(std::string(name_) + ": out of memory");
  rgb_->format = AV_PIX_FMT_RGB24;
  rgb_->width = out_w_;
  rgb_->height = out_h_;
  // Default alignment: rows padded to a multiple of 32 bytes (a width
  // rounded up to 8 pixels or more), so the x86 yuv420p->RGB24 converter,
  // which works in blocks of 8 pixels and skips the last block when it
  // would pass the row's stride, writes every pixel, as in the reference.
  // (With rows packed tight, align 1, a width like 854 leaves its last 6
  // pixels unwritten and the hashes differ.)
  if (av_frame_get_buffer(rgb_.get(), 0) < 0) return Status::Internal(std::string(name_) + ": out of memory");
  return Status::Ok();
}

Status Run::Convert() {
  const AVFrame* f = frame_.get();
  if (f->width <= 0 || f->height <= 0) return Corrupt("a decoded frame has no size");
  if ((limits_.max_width > 0 && f->width > limits_.max_width) ||
      (limits_.max_height > 0 && f->height > limits_.max_height))
    return Fail("a frame of " + std::to_string(f->width) + "x" + std::to_string(f->height) +
                " exceeds the resolution limit; refused");
  // One context per video; rebuilt only if the source size or format changes.
  sws_.reset(sws_getCachedContext(sws_.release(), f->width, f->height, static_cast<AVPixelFormat>(f->format), out_w_,
                                  out_h_, AV_PIX_FMT_RGB24, SWS_AREA, nullptr, nullptr, nullptr));
  if (!sws_) return Corrupt("cannot convert frames of pixel format " + std::to_string(f->format));
  sws_scale(sws_.get(), f->data, f->linesize, 0, f->height, rgb_->data, rgb_->linesize);
  return Status::Ok();
}

Status Run::Feed(const AVPacket* packet) {
  if (int err = avcodec_send_packet(codec_.get(), packet); err < 0)
    return Corrupt("corrupt or truncated video data after frame " + std::to_string(info_->frames_decoded) + " (" + AvError(err) +
                   ")");
  for (;;) {
    const int err = avcodec_receive_frame(codec_.get(), frame_.get());
    if (err == AVERROR(EAGAIN) || err == AVERROR_EOF) return Status::Ok();
    if (err < 0)
      return Corrupt("corrupt or truncated video data after frame " + std::to_string(info_->frames_decoded) + " (" +
                     AvError(err) + ")");
#if LIBAVCODEC_VERSION_MAJOR >= 60
    const int64_t number = static_cast<int64_t>(codec_->frame_num) - 1;
#else
    const int64_t number = static_cast<int64_t>(codec_->frame_number) - 1;
#endif
    info_->frames_decoded = number + 1;
    if (limits_.max_frames > 0 && info_->frames_decoded > limits_.max_frames)
      return Fail("more than " + std::to_string(limits_.max_frames) + " frames (limit max_frames); refused");
    if (limits_.max_duration_s > 0 && static_cast<double>(info_->frames_decoded) / info_->fps > limits_.max_duration_s)
      return Fail("longer than " + std::to_string(static_cast<int64_t>(limits_.max_duration_s)) +
                  " s (limit max_duration_s); refused");
    if (number % frame_mod_ == 0) {
      if (out_w_ < 5 || out_h_ < 5)
        return Fail("frame " + std::to_string(number) + " is smaller than 5x5 pixels, the least PDQ hashes");
      if (Status s = Convert(); !s.ok()) return s;
      ++info_->frames_sampled;
      if (Status s = sink_->Frame(number, rgb_->data[0], out_w_, out_h_, static_cast<size_t>(rgb_->linesize[0]));
          !s.ok())
        return s;
    }
    av_frame_unref(frame_.get());
  }
}

Status Run::Go(AVFormatContext* fmt) {
  if (Status s = Open(fmt); !s.ok()) return s;
  std::unique_ptr<AVPacket, PacketFree> packet(av_packet_alloc());
  if (!packet) return Status::Internal(std::string(name_) + ": out of memory");
  int read_err = 0;
  for (;;) {
    read_err = av_read_frame(fmt, packet.get());
    if (read_err < 0) break;
    Status s;
    if (packet->stream_index == info_->stream_index) s = Feed(packet.get());
    av_packet_unref(packet.get());
    if (!s.ok()) return s;
    if (s = CheckTime(); !s.ok()) return s;
  }
  if (read_err != AVERROR_EOF)
    return Corrupt("truncated or corrupt container after frame " + std::to_string(info_->frames_decoded) + " (" +
                   AvError(read_err) + ")");
  // The reference drains the decoder only when its (reset) flush packet's
  // stream_index 0 is the video stream's.
  if (!sampling_.reference_flush || info_->stream_index == 0) {
    if (Status s = Feed(nullptr); !s.ok()) return s;
  }
  if (info_->frames_decoded == 0) return Corrupt("no frame could be decoded");
  return Status::Ok();
}

Status Decode(AVFormatContext* fmt, std::string_view name, const VideoLimits& limits, int threads,
              const FrameSampling& sampling, VideoFrameSink* sink, VideoInfo* info) {
  VideoInfo local;
  if (info == nullptr) info = &local;
  *info = VideoInfo{};
  Run run(name, limits, threads, sampling, sink, info);
  return run.Go(fmt);
}

Status CheckSampling(std::string_view name, const FrameSampling& s) {
  if (!(s.seconds_per_hash >= 0) || s.seconds_per_hash > 1e6f)
    return Status::Invalid(std::string(name) + ": seconds per hash must be >= 0");
  if ((s.out_width > 0) != (s.out_height > 0) || s.out_width < 0 || s.out_height < 0 || s.out_width > 8192 ||
      s.out_height > 8192)
    return Status::Invalid(std::string(name) + ": the output size must be both 0 or both 1..8192");
  return Status::Ok();
}

}  // namespace

Status VideoDecoder::DecodeFile(const std::string& path, const FrameSampling& sampling, VideoFrameSink* sink,
                                VideoInfo* info) {
  if (Status s = LoadFfmpeg(); !s.ok()) return Status::Internal(path + ": " + s.message());
  QuietFfmpeg();
  if (Status s = CheckSampling(path, sampling); !s.ok()) return s;
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Io(path + ": cannot read (" + ec.message() + ")");
  if (limits_.max_file_bytes > 0 && size > limits_.max_file_bytes)
    return Status::Invalid(path + ": " + std::to_string(size) + " bytes exceeds the limit of " +
                           std::to_string(limits_.max_file_bytes) + " bytes; refused");
  AVFormatContext* raw = nullptr;
  if (int err = avformat_open_input(&raw, path.c_str(), nullptr, nullptr); err < 0)
    return Status::Invalid(path + ": cannot open as a video: corrupt, truncated or not a video (" + AvError(err) + ")");
  std::unique_ptr<AVFormatContext, FormatCloser> fmt(raw);
  return Decode(fmt.get(), path, limits_, threads_, sampling, sink, info);
}

Status VideoDecoder::DecodeMemory(const uint8_t* data, size_t size, std::string_view name,
                                  const FrameSampling& sampling, VideoFrameSink* sink, VideoInfo* info) {
  if (Status s = LoadFfmpeg(); !s.ok()) return Status::Internal(std::string(name) + ": " + s.message());
  QuietFfmpeg();
  if (Status s = CheckSampling(name, sampling); !s.ok()) return s;
  if (limits_.max_file_bytes > 0 && size > limits_.max_file_bytes)
    return Status::Invalid(std::string(name) + ": " + std::to_string(size) + " bytes exceeds the limit of " +
                           std::to_string(limits_.max_file_bytes) + " bytes; refused");
  MemoryFile file{data, size};
  constexpr int kIoBuffer = 1 << 16;
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBuffer));
  if (buffer == nullptr) return Status::Internal(std::string(name) + ": out of memory");
  std::unique_ptr<AVIOContext, IoFree> io(avio_alloc_context(buffer, kIoBuffer, 0, &file, ReadMemory, nullptr,
                                                             SeekMemory));
  if (!io) {
    av_free(buffer);
    return Status::Internal(std::string(name) + ": out of memory");
  }
  AVFormatContext* raw = avformat_alloc_context();
  if (raw == nullptr) return Status::Internal(std::string(name) + ": out of memory");
  raw->pb = io.get();
  raw->flags |= AVFMT_FLAG_CUSTOM_IO;
  if (int err = avformat_open_input(&raw, nullptr, nullptr, nullptr); err < 0)  // frees raw on failure
    return Status::Invalid(std::string(name) + ": cannot open as a video: corrupt, truncated or not a video (" + AvError(err) + ")");
  std::unique_ptr<AVFormatContext, FormatCloser> fmt(raw);
  return Decode(fmt.get(), name, limits_, threads_, sampling, sink, info);
}

bool LooksLikeVideo(const uint8_t* d, size_t n) {
  auto at = [&](size_t off, const char* magic, size_t len) {
    return n >= off + len && std::memcmp(d + off, magic, len) == 0;
  };
  if (at(4, "ftyp", 4) || at(4, "moov", 4) || at(4, "mdat", 4) || at(4, "free", 4) || at(4, "wide", 4)) return true;
  if (at(0, "\x1a\x45\xdf\xa3", 4)) return true;                 // Matroska / WebM
  if (at(0, "RIFF", 4) && at(8, "AVI ", 4)) return true;         // AVI
  if (at(0, "FLV\x01", 4)) return true;                          // FLV
  if (at(0, "OggS", 4)) return true;                             // Ogg (Theora)
  if (at(0, "\x00\x00\x01\xba", 4)) return true;                 // MPEG program stream
  if (at(0, "\x30\x26\xb2\x75\x8e\x66\xcf\x11", 8)) return true;  // ASF / WMV
  if (n >= 377 && d[0] == 0x47 && d[188] == 0x47 && d[376] == 0x47) return true;  // MPEG-TS
  return false;
}

}  // namespace evenhand
