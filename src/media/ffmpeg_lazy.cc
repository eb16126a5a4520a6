// FFmpeg loaded on first use: see ffmpeg_lazy.h.
//
// Each function below has the name and signature of the FFmpeg function it
// stands for (the compiler rejects a mismatch with the declaration in
// FFmpeg's header: two C functions of one name cannot differ) and calls the
// real one through a pointer that LoadFfmpeg() resolved. The libraries are
// opened RTLD_LOCAL by their sonames (the major versions of the headers this
// was built with), so the real functions' own calls between FFmpeg libraries
// never reach these.
#include "media/ffmpeg_lazy.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/macros.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

namespace evenhand {
namespace {

// The libraries, by soname.
enum Lib { kAvUtil, kAvCodec, kAvFormat, kSwScale, kLibs };
constexpr const char* kSonames[kLibs] = {
    "libavutil.so." AV_STRINGIFY(LIBAVUTIL_VERSION_MAJOR),
    "libavcodec.so." AV_STRINGIFY(LIBAVCODEC_VERSION_MAJOR),
    "libavformat.so." AV_STRINGIFY(LIBAVFORMAT_VERSION_MAJOR),
    "libswscale.so." AV_STRINGIFY(LIBSWSCALE_VERSION_MAJOR),
};

// Every function this file stands for: X(name, library).
#define EVENHAND_FFMPEG_FUNCTIONS(X)                                                                       \
  X(av_frame_alloc, kAvUtil) X(av_frame_free, kAvUtil) X(av_frame_get_buffer, kAvUtil)                    \
  X(av_frame_unref, kAvUtil) X(av_free, kAvUtil) X(av_freep, kAvUtil) X(av_log_set_level, kAvUtil)       \
  X(av_malloc, kAvUtil) X(av_strerror, kAvUtil)                                                           \
  X(av_packet_alloc, kAvCodec) X(av_packet_free, kAvCodec) X(av_packet_unref, kAvCodec)                   \
  X(avcodec_alloc_context3, kAvCodec) X(avcodec_find_decoder, kAvCodec) X(avcodec_free_context, kAvCodec) \
  X(avcodec_get_name, kAvCodec) X(avcodec_open2, kAvCodec) X(avcodec_parameters_to_context, kAvCodec)     \
  X(avcodec_receive_frame, kAvCodec) X(avcodec_send_packet, kAvCodec)                                     \
  X(av_read_frame, kAvFormat) X(avformat_alloc_context, kAvFormat) X(avformat_close_input, kAvFormat)     \
  X(avformat_find_stream_info, kAvFormat) X(avformat_open_input, kAvFormat)                               \
  X(avio_alloc_context, kAvFormat) X(avio_context_free, kAvFormat)                                         \
  X(sws_freeContext, kSwScale) X(sws_getCachedContext, kSwScale) X(sws_scale, kSwScale)

struct Functions {
#define EVENHAND_FFMPEG_POINTER(name, lib) decltype(&::name) name = nullptr;
  EVENHAND_FFMPEG_FUNCTIONS(EVENHAND_FFMPEG_POINTER)
#undef EVENHAND_FFMPEG_POINTER
};

struct Loaded {
  Functions fn;
  std::string error;  // empty: every function resolved
};

const Loaded& Load() {
  static const Loaded* loaded = [] {
    auto* l = new Loaded();
    void* handles[kLibs] = {};
    for (int i = 0; i < kLibs && l->error.empty(); ++i) {
      handles[i] = dlopen(kSonames[i], RTLD_NOW | RTLD_LOCAL);
      if (handles[i] == nullptr) {
        const char* why = dlerror();
        l->error = std::string("video decoding needs FFmpeg's ") + kSonames[i] + ", which cannot be loaded (" +
                   (why ? why : "unknown error") + ")";
      }
    }
#define EVENHAND_FFMPEG_RESOLVE(name, lib)                                                             \
  if (l->error.empty()) {                                                                               \
    l->fn.name = reinterpret_cast<decltype(&::name)>(dlsym(handles[lib], #name));                       \
    if (l->fn.name == nullptr) l->error = std::string(kSonames[lib]) + " has no function " #name;      \
  }
    EVENHAND_FFMPEG_FUNCTIONS(EVENHAND_FFMPEG_RESOLVE)
#undef EVENHAND_FFMPEG_RESOLVE
    // The libraries stay loaded for the life of the process (never dlclose'd).
    return l;
  }();
  return *loaded;
}

// The resolved functions; a call before a successful LoadFfmpeg() is a bug.
const Functions& Fn() {
  const Loaded& l = Load();
  if (!l.error.empty()) {
    std::fprintf(stderr, "evenhand: internal error: an FFmpeg function was called, but %s\n", l.error.c_str());
    std::abort();
  }
  return l.fn;
}

}  // namespace

Status LoadFfmpeg() {
  const Loaded& l = Load();
  if (!l.error.empty()) return Status::Internal(l.error);
  return Status::Ok();
}

}  // namespace evenhand

// The stand-ins, with FFmpeg's signatures (hidden: see the CMake rule for
// this file).
using evenhand::Fn;

extern "C" {

AVFrame* av_frame_alloc(void) { return Fn().av_frame_alloc(); }
void av_frame_free(AVFrame** frame) { Fn().av_frame_free(frame); }
int av_frame_get_buffer(AVFrame* frame, int align) { return Fn().av_frame_get_buffer(frame, align); }
void av_frame_unref(AVFrame* frame) { Fn().av_frame_unref(frame); }
void av_free(void* ptr) { Fn().av_free(ptr); }
void av_freep(void* ptr) { Fn().av_freep(ptr); }
void av_log_set_level(int level) { Fn().av_log_set_level(level); }
void* av_malloc(size_t size) { return Fn().av_malloc(size); }
int av_strerror(int errnum, char* errbuf, size_t errbuf_size) { return Fn().av_strerror(errnum, errbuf, errbuf_size); }

AVPacket* av_packet_alloc(void) { return Fn().av_packet_alloc(); }
void av_packet_free(AVPacket** pkt) { Fn().av_packet_free(pkt); }
void av_packet_unref(AVPacket* pkt) { Fn().av_packet_unref(pkt); }
AVCodecContext* avcodec_alloc_context3(const AVCodec* codec) { return Fn().avcodec_alloc_context3(codec); }
const AVCodec* avcodec_find_decoder(enum AVCodecID id) { return Fn().avcodec_find_decoder(id); }
void avcodec_free_context(AVCodecContext** avctx) { Fn().avcodec_free_context(avctx); }
const char* avcodec_get_name(enum AVCodecID id) { return Fn().avcodec_get_name(id); }
int avcodec_open2(AVCodecContext* avctx, const AVCodec* codec, AVDictionary** options) {
  return Fn().avcodec_open2(avctx, codec, options);
}
int avcodec_parameters_to_context(AVCodecContext* codec, const AVCodecParameters* par) {
  return Fn().avcodec_parameters_to_context(codec, par);
}
int avcodec_receive_frame(AVCodecContext* avctx, AVFrame* frame) { return Fn().avcodec_receive_frame(avctx, frame); }
int avcodec_send_packet(AVCodecContext* avctx, const AVPacket* avpkt) { return Fn().avcodec_send_packet(avctx, avpkt); }

int av_read_frame(AVFormatContext* s, AVPacket* pkt) { return Fn().av_read_frame(s, pkt); }
AVFormatContext* avformat_alloc_context(void) { return Fn().avformat_alloc_context(); }
void avformat_close_input(AVFormatContext** s) { Fn().avformat_close_input(s); }
int avformat_find_stream_info(AVFormatContext* ic, AVDictionary** options) {
  return Fn().avformat_find_stream_info(ic, options);
}
int avformat_open_input(AVFormatContext** ps, const char* url, const AVInputFormat* fmt, AVDictionary** options) {
  return Fn().avformat_open_input(ps, url, fmt, options);
}
AVIOContext* avio_alloc_context(unsigned char* buffer, int buffer_size, int write_flag, void* opaque,
                                int (*read_packet)(void* opaque, uint8_t* buf, int buf_size),
                                int (*write_packet)(void* opaque, uint8_t* buf, int buf_size),
                                int64_t (*seek)(void* opaque, int64_t offset, int whence)) {
  return Fn().avio_alloc_context(buffer, buffer_size, write_flag, opaque, read_packet, write_packet, seek);
}
void avio_context_free(AVIOContext** s) { Fn().avio_context_free(s); }

void sws_freeContext(struct SwsContext* swsContext) { Fn().sws_freeContext(swsContext); }
struct SwsContext* sws_getCachedContext(struct SwsContext* context, int srcW, int srcH, enum AVPixelFormat srcFormat,
                                        int dstW, int dstH, enum AVPixelFormat dstFormat, int flags,
                                        SwsFilter* srcFilter, SwsFilter* dstFilter, const double* param) {
  return Fn().sws_getCachedContext(context, srcW, srcH, srcFormat, dstW, dstH, dstFormat, flags, srcFilter, dstFilter,
                                   param);
}
int sws_scale(struct SwsContext* c, const uint8_t* const srcSlice[], const int srcStride[], int srcSliceY,
              int srcSliceH, uint8_t* const dst[], const int dstStride[]) {
  return Fn().sws_scale(c, srcSlice, srcStride, srcSliceY, srcSliceH, dst, dstStride);
}

}  // extern "C"
