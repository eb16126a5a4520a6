// Limits on what a video decode may cost, checked before and during decoding
// so a hostile or oversized file is refused with a clear error instead of
// exhausting memory or time.
//
//   max_file_bytes      the file size, checked before the container is opened
//   max_width/height    either side of the video stream (header, before decoding;
//                       also handed to the decoder so no frame can exceed it)
//   max_pixels          width * height
//   max_duration_s      the container's duration when it states one, and the
//                       decoded frame count / frame rate as frames arrive
//   max_frames          decoded frames (whatever the frame rate claims)
//   max_decode_seconds  wall-clock time for the whole decode and hash
//
// Zero disables a limit. The defaults admit any ordinary upload (4K, two hours).
#pragma once

#include <cstdint>

namespace evenhand {

struct VideoLimits {
  uint64_t max_file_bytes = 4ull << 30;  // 4 GiB
  int max_width = 7680;
  int max_height = 7680;
  uint64_t max_pixels = 7680ull * 4320;
  double max_duration_s = 2 * 3600;
  int64_t max_frames = 2 * 3600 * 120;
  double max_decode_seconds = 600;
};

}  // namespace evenhand
