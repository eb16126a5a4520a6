// Strict reader of the JSON Lines item format (DESIGN.md "Formats").
//
// Each line is one object whose "kind" is "account", "post" or "login"
// (sign-up and login records, model/login.h). A bad line
// (invalid JSON, invalid UTF-8, unknown kind, missing or mistyped field, a
// post naming an unknown account once accounts are known) yields a ReadError
// that names FILE:LINE, the field and what is wrong. Blank lines are skipped.
// Unknown fields are ignored so the format can grow.
//
// Accounts read so far are kept in the reader; a Post's account_ref points at
// the stored Account and stays valid for the reader's lifetime. Not thread
// safe: one reader per input stream.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/item.h"
#include "model/limits.h"
#include "model/login.h"
#include "model/status.h"

namespace evenhand {

struct ReadError {
  std::string file;
  int64_t line = 0;
  std::string field;  // "" when the whole line is bad (e.g. invalid JSON)
  std::string what;
  std::string ToString() const;  // "FILE:LINE: field: what"
};

// Parses one line. Independent of files, so it can be tested directly and
// reused by the server. `accounts` may be null (no account check).
class ItemParser {
 public:
  ItemParser();
  ~ItemParser();
  enum class Kind { kBlank, kAccount, kPost, kLogin, kError };
  // On kError fills error->field and error->what (file and line are the
  // caller's). Reuses its internal buffers: no allocation per line once warm.
  Kind Parse(std::string_view line, Post* post, Account* account, ReadError* error);
  // Ids (post, account) over max_id bytes, text over max_text, more than
  // max_media media and JSON deeper than max_depth are errors naming the
  // field. Defaults: InputLimits{} (model/limits.h).
  void set_limits(const InputLimits& limits);
  // After Parse returned kLogin: the record (valid until the next Parse).
  const LoginRecord& login() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class JsonlReader {
 public:
  // path "-" reads standard input.
  static Result<std::unique_ptr<JsonlReader>> Open(const std::string& path);
  ~JsonlReader();

  enum class Next { kEof, kPost, kError };
  // Reads up to the next post. Account lines are absorbed into the account
  // table; login lines into logins() (a login naming an unknown account,
  // once accounts are known, is an error like a post's). Returns kError with *error filled for a bad line; reading may
  // continue after an error (the bad line is skipped).
  Next NextPost(Post* post, ReadError* error);

  // Loads accounts from a separate file before posts are read; after this,
  // every post that names an account must name a known one.
  Status LoadAccounts(const std::string& path);

  // A line longer than limits.max_line is an error (read past, never held
  // whole: memory stays within max_line); the other limits go to the parser.
  void set_limits(const InputLimits& limits) {
    limits_ = limits;
    parser_.set_limits(limits);
  }

  // Plain-text mode: every non-blank line is one post's text, with id
  // "L<line number>" (for corpora that are not JSON, e.g. benchmarks).
  void set_plain_lines(bool on) { plain_lines_ = on; }

  // True once any account has been seen: from then on unknown accounts are errors.
  bool accounts_known() const { return !accounts_.empty(); }
  const std::unordered_map<std::string, std::unique_ptr<Account>>& accounts() const { return accounts_; }
  const std::string& path() const { return path_; }
  // Login records read so far, in input order (kept only with
  // set_keep_logins(true), the default; callers that do not store them turn
  // it off so memory stays bounded). logins_seen() counts them either way.
  const std::vector<LoginRecord>& logins() const { return logins_; }
  int64_t logins_seen() const { return logins_seen_; }
  void set_keep_logins(bool on) { keep_logins_ = on; }
  // Bytes consumed so far and the input's size (0 if unknown): for progress.
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  JsonlReader(std::string path, std::FILE* file, bool owned, uint64_t size);
  // The next line without its '\n' (and without a UTF-8 byte order mark at
  // the start of the input), as a view into buffer_ that stays valid until
  // the next call. False at the end of the input. A line longer than
  // limits_.max_line is skipped to its end and returned empty with
  // *too_long set.
  bool ReadLine(std::string_view* line, bool* too_long);
  ReadError LineTooLong() const;
  // Registers an account; returns false (and fills error) on a duplicate id.
  bool AddAccount(Account&& account, ReadError* error);

  std::string path_;
  std::FILE* file_;
  bool owned_;
  uint64_t bytes_read_ = 0;
  uint64_t total_bytes_ = 0;
  int64_t line_no_ = 0;
  bool plain_lines_ = false;
  InputLimits limits_;
  // Input bytes [buffer_pos_, buffer_end_) not yet returned. Grows only to
  // hold a line longer than itself, so memory is bounded by the longest line.
  std::vector<char> buffer_;
  size_t buffer_pos_ = 0;
  size_t buffer_end_ = 0;
  bool eof_ = false;
  ItemParser parser_;
  Account scratch_account_;
  std::unordered_map<std::string, std::unique_ptr<Account>> accounts_;
  std::vector<LoginRecord> logins_;
  int64_t logins_seen_ = 0;
  bool keep_logins_ = true;
};

}  // namespace evenhand
