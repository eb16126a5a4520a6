// `evenhand hash FILE...`: PDQ hashes of image files, one line per file in
// the reference tool's format: "hash,quality,file", or with --dihedral the
// eight variants "orig,rot90,rot180,rot270,flipx,flipy,flipplus1,flipminus1,quality,file".
// A file that cannot be decoded is reported on stderr (naming it) and the
// others are still hashed; the exit code is then 1.
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "image/decoder.h"
#include "image/pdq.h"

namespace evenhand::cli {
namespace {

struct HashArgs {
  std::vector<std::string> files;
  bool dihedral = false;
  bool reference_cli = false;
  int fast = 1;
};

int RunHash(const HashArgs& args) {
  DecodeOptions options;
  options.jpeg_scale_denom = args.fast;
  ImageDecoder decoder(options);
  PdqHasher hasher(args.reference_cli ? PdqMode::kReferenceCli : PdqMode::kFullResolution);
  int failures = 0;
  char hex[65];
  hex[64] = 0;
  std::string line;
  for (const std::string& file : args.files) {
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
      "reference tool. Quality is 0..100; below 50 the hash should not be trusted (never matched in scans).");
  cmd->add_option("files", args->files, "Image files")->required();
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
