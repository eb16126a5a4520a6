// `evenhand hash FILE...`: PDQ hashes of image files, one line per file in
// the reference tool's format: "hash,quality,file", or with --dihedral the
// eight variants "orig,rot90,rot180,rot270,flipx,flipy,flipplus1,flipminus1,quality,file".
// A file that cannot be decoded is reported on stderr (naming it) and the
// others are still hashed; the exit code is then 1.
//
// A video (sniffed from its first bytes) is vPDQ-hashed instead, in the
// reference's format (src/media/vpdq.h): "frameNumber,quality,pdqHash,timestamp"
// lines, one per sampled frame (-r seconds per hash, 1 by default; 0 = every
// frame; -s N scales frames to NxN first). One video: the lines on stdout;
// several: each video's lines after a "# FILE" line; -d DIR writes
// DIR/NAME.txt per video, as the reference's -d does.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/bank_media.h"
#include "cli/commands.h"
#include "image/decoder.h"
#include "image/pdq.h"
#include "media/video_decoder.h"
#include "media/vpdq.h"
#include "model/replace_file.h"

namespace evenhand::cli {
namespace {

struct HashArgs {
  std::vector<std::string> files;
  bool dihedral = false;
  bool reference_cli = false;
  int fast = 1;
  // Videos (vPDQ).
  float seconds_per_hash = 1.0f;
  int downsample = 0;
  std::string out_dir;
  double max_duration = VideoLimits{}.max_duration_s;
  double max_decode_seconds = VideoLimits{}.max_decode_seconds;
  int max_side = VideoLimits{}.max_width;
};

// vPDQ of one video, written to stdout (after a "# FILE" line when `header`)
// or to DIR/NAME.txt. False (reported on stderr) when it cannot be hashed.
bool HashVideo(const HashArgs& args, const std::string& file, bool header, VpdqHasher* hasher,
               std::vector<VpdqFrame>* frames) {
  VpdqOptions options;
  options.sampling.seconds_per_hash = args.seconds_per_hash;
  options.sampling.out_width = options.sampling.out_height = args.downsample;
  options.limits.max_duration_s = args.max_duration;
  options.limits.max_decode_seconds = args.max_decode_seconds;
  options.limits.max_width = options.limits.max_height = args.max_side;
  Status s = hasher->HashFile(file, options, frames);
  if (!s.ok()) {
    std::fprintf(stderr, "evenhand hash: %s\n", s.message().c_str());
    return false;
  }
  std::string text;
  if (header && args.out_dir.empty()) text = "# " + file + "\n";
  AppendVpdqText(*frames, &text);
  if (args.out_dir.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return true;
  }
  const std::string out = args.out_dir + "/" + std::filesystem::path(file).stem().string() + ".txt";
  if (Status r = WriteFileReplacing(out, text); !r.ok()) {
    std::fprintf(stderr, "evenhand hash: %s\n", r.message().c_str());
    return false;
  }
  return true;
}

int RunHash(const HashArgs& args) {
  DecodeOptions options;
  options.jpeg_scale_denom = args.fast;
  ImageDecoder decoder(options);
  PdqHasher hasher(args.reference_cli ? PdqMode::kReferenceCli : PdqMode::kFullResolution);
  int failures = 0;
  char hex[65];
  hex[64] = 0;
  std::string line;
  VpdqHasher video_hasher;
  std::vector<VpdqFrame> frames;
  for (const std::string& file : args.files) {
    if (IsVideoPath(file)) {
      if (!HashVideo(args, file, args.files.size() > 1, &video_hasher, &frames)) ++failures;
      continue;
    }
    // Decode and hash in one streaming pass (no full-size image is kept).
    line.clear();
    int quality;
    Status s;
    if (args.dihedral) {
      PdqDihedral d;
      s = hasher.HashFileDihedral(decoder, file, &d);
      for (const Hash256& h : d.hash) {
        WriteHex(h, hex);
        line.append(hex, 64).push_back(',');
      }
      quality = d.quality;
    } else {
      PdqResult r;
      s = hasher.HashFile(decoder, file, &r);
      WriteHex(r.hash, hex);
      line.append(hex, 64).push_back(',');
      quality = r.quality;
    }
    if (!s.ok()) {
      std::fprintf(stderr, "evenhand hash: %s\n", s.message().c_str());
      ++failures;
      continue;
    }
    line += std::to_string(quality) + "," + file + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
  return failures == 0 ? 0 : 1;
}

}  // namespace

void AddHashCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<HashArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hash",
      "PDQ-hash images (JPEG, PNG, WebP, GIF first frame): prints hash,quality,file per image, like Meta's\n"
      "reference tool. Quality is 0..100; below 50 the hash should not be trusted (never matched in scans).\n"
      "Videos (MP4, MOV, WebM, MKV, AVI, ...) get vPDQ, in the reference's format: one\n"
      "frameNumber,quality,pdqHash,timestamp line per sampled frame (bit-compatible with vpdq-hash-video).");
  cmd->add_option("files", args->files, "Image or video files")->required();
  cmd->add_option("-r,--seconds-per-hash", args->seconds_per_hash,
                  "Videos: hash one frame every S seconds (default 1; 0 = every frame), as the reference's -r")
      ->check(CLI::Range(0.0f, 1e6f));
  cmd->add_option("-s,--downsample", args->downsample,
                  "Videos: scale each frame to NxN before hashing (default 0 = native size), as the reference's -s")
      ->check(CLI::Range(0, 8192));
  cmd->add_option("-d,--output-dir", args->out_dir,
                  "Videos: write DIR/NAME.txt per video (as the reference's -d) instead of stdout");
  cmd->add_option("--max-duration", args->max_duration, "Videos: refuse a video longer than this (seconds; default 7200)");
  cmd->add_option("--max-decode-seconds", args->max_decode_seconds,
                  "Videos: give up on a video after this much decoding time (default 600)");
  cmd->add_option("--max-side", args->max_side, "Videos: refuse a video wider or taller than this (default 7680)");
  cmd->add_flag("--dihedral", args->dihedral,
                "Print all eight dihedral hashes (orig,rot90,rot180,rot270,flipx,flipy,flipplus1,flipminus1)");
  cmd->add_flag("--reference-cli", args->reference_cli,
                "Resize images with a side over 512 px to exactly 512x512 first, as the reference CLI\n"
                "(pdq-photo-hasher) does; default is full resolution, as HMA and the Java/Rust ports do");
  cmd->add_option("--fast", args->fast,
                  "Fast path: decode JPEGs at 1/N size in the DCT domain (N = 2, 4 or 8; not bit-exact, a few bits off)")
      ->check(CLI::IsMember({1, 2, 4, 8}));
  cmd->callback([args, exit_code]() { *exit_code = RunHash(*args); });
}

}  // namespace evenhand::cli
