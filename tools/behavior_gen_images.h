// Image files for evenhand_behavior_gen --mode evasive --write-images:
// a seeded base picture (a gradient with random rectangles and discs) and
// its edited copies, written as JPEG. An edited copy is what a campaign
// that re-uploads one picture produces: cropped by up to `crop` of each
// side, rescaled to another size, brightness shifted, re-encoded at
// another JPEG quality -- different bytes, the same picture to a
// perceptual hash. Deterministic for a seed.
#pragma once

#include <cstdint>
#include <string>

namespace evenhand::gen {

struct ImageEdit {
  double crop = 0;      // up to this fraction cut from each side
  bool resize = false;  // scale to 60-130 % of the base size
  int brightness = 0;   // up to +- this added to every sample
  int quality = 90;     // JPEG quality of the copy
};

// Writes the copy of base picture `base_seed` edited by `edit` (its random
// choices drawn from `copy_seed`) to `path`. False on an I/O error.
bool WriteImageCopy(const std::string& path, uint64_t base_seed, uint64_t copy_seed, const ImageEdit& edit);

}  // namespace evenhand::gen
