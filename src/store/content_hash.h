// The content hash of a stored post version, the same in every backend:
// SHA-256 hex over account, ts, lang, text, topic, region and the media as
// stored (`media_json`, a JSON array of {"path": ...}), each field
// length-prefixed ("LEN:VALUE\n"), so no two contents share a hash text.
#pragma once

#include <string>

#include "model/item.h"

namespace evenhand {

std::string ContentHash(const Post& p, const std::string& media_json);

}  // namespace evenhand
