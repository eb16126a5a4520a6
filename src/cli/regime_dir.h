// Where the regime files are when no --regimes flag names them, so that
// `order submit`, `serve` and the other verbs work from any directory, not
// only from the repository's root.
//
// DefaultRegimeDir() returns the first of these that is a directory:
//   1. policies/regimes under the working directory (a checkout's root);
//   2. ../share/evenhand/regimes beside the running binary: what
//      `cmake --install` puts there, and what the build copies next to
//      build/bin (build/share/evenhand/regimes);
//   3. the source tree's policies/regimes the binary was built from.
// If none is, "policies/regimes" (loading it then fails naming that path).
#pragma once

#include <string>

namespace evenhand::cli {

std::string DefaultRegimeDir();

}  // namespace evenhand::cli
