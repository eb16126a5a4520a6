// The adversarial modes of evenhand_behavior_gen (issue 16): planted
// campaigns built to beat a co-action detector, over organic traffic built
// to look coordinated by chance. Two independent variants:
//
//   adversarial  -- classes below, exponential timing, Latin look-alikes
//   variant      -- the same classes drawn differently: log-normal timing,
//                   other vocabulary, other edit operators and proportions,
//                   other sizes and skip rates, mixed item types per campaign
//   evasive      -- adversarial plus four classes that try channels and
//                   timings the others do not: hashtag_only (fresh text each
//                   post, only a campaign hashtag in common, in 30 % of posts
//                   with look-alike letters), image_copies
//                   (one picture a wave, each member's copy cropped, rescaled,
//                   brightened and re-encoded: different bytes and paths),
//                   jittered (each copy delayed log-uniformly from 5 s to
//                   3 h), small_blended (3-4 old, organically active accounts);
//                   and organic traffic that uses hashtags (a Zipf pool of
//                   2,000 tags, trending ones in steady use), hashtag events
//                   (30-300 unrelated accounts on one new tag within minutes)
//                   and viral pictures re-shared as edited copies.
//                   With --write-images the JPEG files are written beside the
//                   output (OUT.img/); without, the paths name missing files.
//
// Campaign classes (every class present when --networks >= 6; networks are
// dealt to classes in turn): fast_copy (seconds), slow (a wave spread over
// minutes to hours), large_burst (20..60 accounts), edited (copies without
// URLs, edited by word swaps, punctuation, casing, emoji, look-alike
// letters), few_waves (3 waves), blended (old accounts with heavy organic
// activity of their own, also sharing viral items). Members skip waves.
// Organic traffic: heavy-tailed posters; "heavy" organic accounts and a
// look-alike pool share viral headlines, viral URLs and viral copied texts
// (quotes) at different times; news bots on a schedule.
// Delivery: events are written in delivery order: true time plus a random
// delay up to --disorder seconds (so out of order by up to that much); with
// --offsets, timestamps carry random UTC offsets (same instants).
// Output is deterministic for a seed. Ground truth adds each network's
// "kind" (its class), "waves", "spread_seconds", and the lists
// "lookalike_accounts", "heavy_accounts", "bot_accounts"; with --tempo,
// "tempo_seconds": [lo, hi].
#pragma once

#include <cstdint>
#include <string>

namespace evenhand::gen {

struct AdvConfig {
  uint64_t seed = 1, posts = 1000000, networks = 100;
  int days = 30;
  bool variant = false;
  bool evasive = false;       // adversarial plus the evasive classes and organic hashtags/pictures
  bool write_images = false;  // evasive: write the pictures (OUT.img/)
  int64_t disorder = 300;  // seconds
  // Campaign tempo (--tempo LO:HI): when hi > 0 every wave is a relay --
  // members in random order, each copy gap_lo..gap_hi seconds after the
  // previous one (a sheet of paid posters working in turn) -- instead of
  // the class's own spread. Tests a detector tuned on one tempo.
  int64_t gap_lo = 0, gap_hi = 0;
  bool offsets = true;
  std::string out_path, truth_path;
};

int RunAdversarial(const AdvConfig& cfg);

}  // namespace evenhand::gen
