// A named list of terms (words or phrases) loaded from UTF-8 text files:
// one term a line, '#' starts a comment line, blank lines ignored, surrounding
// whitespace trimmed. Errors name FILE:LINE. Terms of a file whose name
// contains "roman-ur" are marked phonetic (Roman Urdu).
#pragma once

#include <string>
#include <vector>

#include "model/status.h"

namespace evenhand {

struct TermList {
  std::string name;
  std::vector<std::string> terms;    // as written in the file
  std::vector<std::string> sources;  // files the terms came from
  // Per term (missing entries count as false): Roman Urdu, matched also by
  // its phonetic key (RomanUrduKey in text/matcher.h). Set for the terms of
  // a file whose name contains "roman-ur".
  std::vector<bool> phonetic;
};

// Appends the terms of `path` to *list. Invalid UTF-8 is an error.
Status AppendTermFile(const std::string& path, TermList* list);

}  // namespace evenhand
