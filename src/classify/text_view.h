// TextView: optional, deterministic rewrites of the normalised text a
// classifier sees (the words themselves always come from the shared
// normaliser, text/normalizer.h). A model records its view in its metadata
// (model_file.h), and training and prediction both go through ApplyTextView,
// so the two always see the same tokens.
//
//   max_words     > 0: only the first N words are kept (long mails are
//                 otherwise averaged into their bulk).
//   head_words    > 0: the first N words (for e-mail: "subject" and the
//                 subject line) are emitted a second time, after the text,
//                 each as "h_WORD", so they weigh twice and have their own
//                 rows.
//   script_tokens true: every word holding a letter of a script other than
//                 Latin (Han, Hangul, Cyrillic, Arabic, ...) adds the token
//                 "__script_X__" after the text (X = ICU's four-letter code
//                 in lower case, e.g. hani, hang, cyrl), so texts whose
//                 words are all unseen (CJK runs have no spaces) still carry
//                 what script they are in.
//
// The normaliser never emits '_' (not a letter or digit), so added tokens
// cannot collide with words of the text. Output words are separated by one
// space. Thread safe; allocates only when *out must grow.
#pragma once

#include <string>
#include <string_view>

namespace evenhand::classify {

struct TextView {
  int max_words = 0;
  int head_words = 0;
  bool script_tokens = false;
  bool identity() const { return max_words <= 0 && head_words <= 0 && !script_tokens; }
  bool operator==(const TextView&) const = default;
};

// Writes the view of `normalized` into *out and returns true, or returns
// false (leaving *out unspecified) when the view is the text itself, so the
// caller can use `normalized` without a copy.
bool ApplyTextView(const TextView& view, std::string_view normalized, std::string* out);

}  // namespace evenhand::classify
