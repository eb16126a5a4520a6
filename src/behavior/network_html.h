// The network report a reviewer reads: one self-contained HTML page (no
// scripts, no external assets) with, per network, its size, score, the
// time line of its accounts' posts (an inline SVG bar chart), the evidence
// samples (which accounts did the same thing, when, how far apart, on
// what item) and the registration countries of its accounts as counts
// only -- no per-account personal data beyond the account ids under review.
#pragma once

#include <string>
#include <vector>

#include "behavior/detector.h"

namespace evenhand::behavior {

std::string RenderNetworksHtml(const std::vector<Network>& networks, const std::string& title);

}  // namespace evenhand::behavior
