// The transparency report as one self-contained HTML page: no external
// files, scripts or fonts; charts are inline SVG (svg.h); the layout fits a
// phone (viewport meta, fluid widths, tables scroll sideways inside their
// own box). Every number in a chart is also in a table beside it.
// Pure function; thread safe.
#pragma once

#include <string>

#include "analytics/transparency.h"

namespace evenhand::analytics {

// `title`: the page heading (e.g. the platform's name and the period).
std::string RenderTransparencyHtml(const TransparencyReport& report, const std::string& title);

}  // namespace evenhand::analytics
