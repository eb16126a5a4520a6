// VideoBank: a named set of videos, each a vPDQ hash list with a label,
// matched by the reference's video-level rule (media/vpdq_match.h) through
// an exact radius index over every usable frame hash of every video.
//
// Promises:
//  - Match gives, for every video of the bank, exactly the percentages and
//    decision MatchVpdq (brute force) gives for that pair and rule
//    (tests/media_video_bank_test.cc checks it); it reports the videos that
//    match, with their query %, target % and smallest frame distance.
//  - A video's frames are kept whole (all qualities, repeats), so Save and
//    ExportText give back what was added. The index holds each distinct
//    hash of a video that has a frame of quality >= 50, with two weights:
//    1/0 for the de-duplicating rule (PyTx: is it a first occurrence that
//    passes the filter) and the number of its frames of quality >= 50 (for
//    CppBrute, which counts repeats). A rule with another min_quality is
//    matched by brute force, video by video (exact, slower).
//  - File ("EVHVBNK1"): u32 flags (bit 0 negative) | name, label, source,
//    category | u64 videos | per video: label, u32 frames, frames (i64 frame
//    number, i32 quality, f32 timestamp, 32-byte hash as four LE u64) |
//    u64 FNV-1a of all before. Written to a temporary file and renamed.
//    A corrupt or truncated file is an error, never a crash.
//
// Thread safety: immutable once built; Match may run on many threads, each
// with its own Scratch (no allocation per query once the Scratch is warm,
// beyond *out).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bank/bank.h"
#include "bank/mih_index.h"
#include "media/vpdq.h"
#include "media/vpdq_match.h"
#include "model/status.h"

namespace evenhand {

class VideoBank {
 public:
  explicit VideoBank(BankInfo info) : info_(std::move(info)) {}

  const BankInfo& info() const { return info_; }
  void set_info(BankInfo info) { info_ = std::move(info); }

  void AddVideo(std::vector<VpdqFrame> frames, std::string label);

  struct VideoMatch {
    uint32_t video = 0;
    double query_pct = 0, target_pct = 0;
    int distance = 0;  // smallest frame distance within the threshold
  };
  struct Scratch {
    std::vector<Hash256> query;
    std::vector<std::pair<Hash256, uint32_t>> dedupe;
    std::vector<HashMatch> hits;
    std::vector<uint32_t> last_query, query_hits, target_hits, touched_videos, touched_frames;
    std::vector<int> best;
    std::vector<uint8_t> frame_hit;
  };
  // *out = the bank's videos that `query` matches under `rule` (any order).
  void Match(const std::vector<VpdqFrame>& query, const VpdqMatchRule& rule, Scratch* scratch,
             std::vector<VideoMatch>* out) const;

  size_t size() const { return videos_.size(); }
  size_t frame_count() const { return index_.size(); }  // usable frames indexed
  const std::string& label(uint32_t video) const { return videos_[video].label; }
  const std::vector<VpdqFrame>& frames(uint32_t video) const { return videos_[video].frames; }

 private:
  struct Video {
    std::string label;
    std::vector<VpdqFrame> frames;  // as added
    uint32_t first = 0, count = 0;  // its hashes in the index
  };
  BankInfo info_;
  std::vector<Video> videos_;
  HashIndex index_;
  std::vector<uint32_t> frame_video_;  // index id -> video
  // index id -> weight under the de-duplicating rule (0/1) and under the
  // counting rule (frames of quality >= 50 with that hash in its video)
  std::vector<uint32_t> weight_dedupe_, weight_count_;
  std::vector<uint32_t> total_dedupe_, total_count_;  // per video: the sums of those weights
};

Status SaveVideoBank(const VideoBank& bank, const std::string& path);
Result<std::unique_ptr<VideoBank>> LoadVideoBank(const std::string& path);
bool IsVideoBankFile(const std::string& path);

// vPDQ text: each video's lines after a "# video LABEL" line (the first
// video may have none: it is then labelled `default_label`).
std::string ExportVideoBankText(const VideoBank& bank);
Status ReadVideoBankText(const std::string& path, const std::string& default_label, VideoBank* bank);

}  // namespace evenhand
