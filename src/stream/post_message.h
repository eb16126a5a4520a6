// The body of one message of the POSTS stream: a post, and the account it
// names when the producer knew it, as the JSON Lines of the item format
// (DESIGN.md "Formats"): an optional "account" line, then the "post" line.
// A worker parses it with the same ItemParser as `scan`, so a post decided
// from the stream is decided exactly as from a file. Pure functions; no I/O.
#pragma once

#include <string>
#include <string_view>

#include "model/item.h"
#include "model/jsonl_reader.h"
#include "model/status.h"

namespace evenhand::stream {

// Appends the message body of `post` (and of *post.account_ref, when set)
// to *out.
void AppendPostMessage(const Post& post, std::string* out);

// Parses a message body into *post (and *account, to which post->account_ref
// then points when the message carries the post's account). Invalid naming
// the field when a line is not a valid item or the body holds no post.
Status ParsePostMessage(std::string_view body, ItemParser& parser, Post* post, Account* account);

}  // namespace evenhand::stream
