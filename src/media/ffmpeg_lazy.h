// FFmpeg, loaded on first use.
//
// The FFmpeg libraries (libavformat, libavcodec, libswscale, libavutil) pull
// about 140 shared libraries into a process; mapping and relocating them was
// some 25 ms of every `evenhand` start, paid by commands that never decode a
// video (a text scan of a million posts takes 0.7 s). So evenhand_media does
// not link them: ffmpeg_lazy.cc defines the FFmpeg functions that
// video_decoder.cc calls (same names, same signatures, checked against
// FFmpeg's headers by the compiler), and each forwards to the real function,
// found with dlopen/dlsym the first time any of them is needed.
//
// LoadFfmpeg() loads the libraries (once per process; thread-safe) and
// resolves every function; it returns an error naming the library or the
// function when one is missing. Call it before any FFmpeg function: the
// forwarding functions abort the process with that message if they are
// called after a failed load (a programming error, since the decoder checks
// first).
#pragma once

#include "model/status.h"

namespace evenhand {

Status LoadFfmpeg();

}  // namespace evenhand
