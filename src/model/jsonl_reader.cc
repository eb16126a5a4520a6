#include "model/jsonl_reader.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "model/time.h"

namespace evenhand {

std::string ReadError::ToString() const {
  if (field.empty()) return fmt::format("{}:{}: {}", file, line, what);
  return fmt::format("{}:{}: {}: {}", file, line, field, what);
}

namespace {

using simdjson::dom::element_type;

const char* TypeName(element_type t) {
  switch (t) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "value";
}

}  // namespace

// The DOM API is used (not On-Demand) because it dispatches at run time to
// the best kernel for the CPU and validates the whole line, which a strict
// reader wants anyway.
struct ItemParser::Impl {
  simdjson::dom::parser parser;
  std::string padded;  // line copy with simdjson's padding
  InputLimits limits;
  LoginRecord login;   // the last login line parsed

  bool TooLong(std::string_view value, size_t limit, std::string_view field, ReadError* e) {
    if (value.size() <= limit) return false;
    Fail(e, field, fmt::format("{} bytes; at most {} (--max-{})", value.size(), limit,
                               field == "text" ? "text" : "id"));
    return true;
  }

  bool Fail(ReadError* e, std::string_view field, std::string what) {
    e->field = std::string(field);
    e->what = std::move(what);
    return false;
  }

  bool GetString(simdjson::dom::element v, std::string_view key, std::string_view* out, ReadError* e) {
    if (v.type() != element_type::STRING)
      return Fail(e, key, fmt::format("expected a string, got {}", TypeName(v.type())));
    if (v.get_string().get(*out)) return Fail(e, key, "invalid string");
    return true;
  }

  bool ParseMedia(simdjson::dom::element v, Post* post, ReadError* e) {
    if (v.type() != element_type::ARRAY)
      return Fail(e, "media", fmt::format("expected an array of objects, got {}", TypeName(v.type())));
    size_t index = 0;
    simdjson::dom::array items;
    if (v.get_array().get(items)) return Fail(e, "media", "invalid array");
    if (items.size() > limits.max_media)
      return Fail(e, "media", fmt::format("{} entries; at most {} (--max-media)", items.size(), limits.max_media));
    for (simdjson::dom::element item : items) {
      std::string field = fmt::format("media[{}]", index);
      if (item.type() != element_type::OBJECT)
        return Fail(e, field, fmt::format("expected an object with \"path\", got {}", TypeName(item.type())));
      Media media;
      bool has_path = false;
      simdjson::dom::object fields;
      if (item.get_object().get(fields)) return Fail(e, field, "invalid object");
      for (auto [key, value] : fields) {
        if (key == "path") {
          std::string_view path;
          if (!GetString(value, field + ".path", &path, e)) return false;
          if (path.size() > 4096) return Fail(e, field + ".path", fmt::format("{} bytes; at most 4096", path.size()));
          media.path.assign(path);
          has_path = true;
        }
      }
      if (!has_path || media.path.empty()) return Fail(e, field + ".path", "missing");
      post->media.push_back(std::move(media));
      ++index;
    }
    return true;
  }
};

ItemParser::ItemParser() : impl_(std::make_unique<Impl>()) { set_limits(InputLimits{}); }

const LoginRecord& ItemParser::login() const { return impl_->login; }
ItemParser::~ItemParser() = default;

void ItemParser::set_limits(const InputLimits& limits) {
  impl_->limits = limits;
  // The depth limit is the parser's own (it refuses deeper documents as it
  // goes); capacity still grows with the longest line seen.
  [[maybe_unused]] auto error = impl_->parser.allocate(simdjson::SIMDJSON_PADDING, static_cast<size_t>(std::max(1, limits.max_depth)));
}

ItemParser::Kind ItemParser::Parse(std::string_view line, Post* post, Account* account, ReadError* e) {
  size_t start = line.find_first_not_of(" \t\r");
  if (start == std::string_view::npos) return Kind::kBlank;
  std::string& buf = impl_->padded;
  buf.resize(line.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(buf.data(), line.data(), line.size());
  std::memset(buf.data() + line.size(), 0, simdjson::SIMDJSON_PADDING);
  simdjson::dom::element doc;
  // A successful parse has validated the whole line as UTF-8, so the
  // separate check runs only to name the error.
  if (auto err = impl_->parser.parse(buf.data(), line.size(), false).get(doc)) {
    if (!simdjson::validate_utf8(line.data(), line.size()))
      impl_->Fail(e, "", "line is not valid UTF-8");
    else if (err == simdjson::DEPTH_ERROR)
      impl_->Fail(e, "", fmt::format("JSON nested deeper than {} levels (--max-depth)", impl_->limits.max_depth));
    else
      impl_->Fail(e, "", fmt::format("invalid JSON ({})", simdjson::error_message(err)));
    return Kind::kError;
  }
  if (doc.type() != element_type::OBJECT) {
    impl_->Fail(e, "", fmt::format("expected a JSON object, got {}", TypeName(doc.type())));
    return Kind::kError;
  }
  post->Clear();
  std::string_view kind, id, account_id, created, ts, country;
  bool has_kind = false, has_id = false, has_text = false, has_ts = false, has_created = false;
  // Login fields are checked only once the kind is known to be "login"
  // (other kinds ignore them, as they ignore any unknown field).
  simdjson::dom::element ip_v, port_v, device_v, event_v;
  bool has_ip = false, has_port = false, has_device = false, has_event = false;
  simdjson::dom::object fields;
  if (doc.get_object().get(fields)) {
    impl_->Fail(e, "", "invalid JSON: expected an object");
    return Kind::kError;
  }
  for (auto [key, v] : fields) {
    std::string_view sv;
    bool ok = true;
    if (key == "kind") {
      ok = impl_->GetString(v, key, &kind, e);
      has_kind = true;
    } else if (key == "id") {
      ok = impl_->GetString(v, key, &id, e) && !impl_->TooLong(id, impl_->limits.max_id, key, e);
      has_id = true;
    } else if (key == "account") {
      ok = impl_->GetString(v, key, &account_id, e) && !impl_->TooLong(account_id, impl_->limits.max_id, key, e);
    } else if (key == "created") {
      ok = impl_->GetString(v, key, &created, e);
      has_created = true;
    } else if (key == "country") {
      ok = impl_->GetString(v, key, &country, e);
    } else if (key == "ts") {
      ok = impl_->GetString(v, key, &ts, e);
      has_ts = true;
    } else if (key == "text") {
      ok = impl_->GetString(v, key, &sv, e) && !impl_->TooLong(sv, impl_->limits.max_text, key, e);
      if (ok) post->text.assign(sv);
      has_text = true;
    } else if (key == "lang") {
      ok = impl_->GetString(v, key, &sv, e) && !impl_->TooLong(sv, impl_->limits.max_id, key, e);
      if (ok) post->lang.assign(sv);
    } else if (key == "topic") {
      ok = impl_->GetString(v, key, &sv, e) && !impl_->TooLong(sv, impl_->limits.max_id, key, e);
      if (ok) post->topic.assign(sv);
    } else if (key == "region") {
      ok = impl_->GetString(v, key, &sv, e) && !impl_->TooLong(sv, impl_->limits.max_id, key, e);
      if (ok) post->region.assign(sv);
    } else if (key == "media") {
      ok = impl_->ParseMedia(v, post, e);
    } else if (key == "ip") {
      ip_v = v, has_ip = true;
    } else if (key == "port") {
      port_v = v, has_port = true;
    } else if (key == "device") {
      device_v = v, has_device = true;
    } else if (key == "event") {
      event_v = v, has_event = true;
    }
    if (!ok) return Kind::kError;
  }
  if (!has_kind) {
    impl_->Fail(e, "kind", "missing");
    return Kind::kError;
  }
  if (kind == "login") {
    LoginRecord& l = impl_->login;
    l.Clear();
    if (account_id.empty()) {
      impl_->Fail(e, "account", "missing (a login record names its account)");
      return Kind::kError;
    }
    l.account.assign(account_id);
    if (!has_ts) {
      impl_->Fail(e, "ts", "missing (a login record needs its time)");
      return Kind::kError;
    }
    auto t = ParseTimestamp(ts);
    if (!t) {
      impl_->Fail(e, "ts", fmt::format("\"{}\" is not an RFC 3339 timestamp", ts));
      return Kind::kError;
    }
    l.ts = *t;
    std::string_view sv;
    if (!has_ip) {
      impl_->Fail(e, "ip", "missing (a login record needs the address it came from)");
      return Kind::kError;
    }
    if (!impl_->GetString(ip_v, "ip", &sv, e)) return Kind::kError;
    auto ip = CanonicalIp(sv);
    if (!ip) {
      impl_->Fail(e, "ip", fmt::format("\"{}\" is not an IPv4 or IPv6 address", sv.substr(0, 64)));
      return Kind::kError;
    }
    l.ip = std::move(*ip);
    if (has_port) {
      int64_t port = 0;
      if (port_v.type() != element_type::INT64 || port_v.get_int64().get(port) || port < 1 || port > 65535) {
        impl_->Fail(e, "port", "expected an integer from 1 to 65535");
        return Kind::kError;
      }
      l.port = static_cast<int>(port);
    }
    if (has_device) {
      if (!impl_->GetString(device_v, "device", &sv, e) || impl_->TooLong(sv, impl_->limits.max_id, "device", e))
        return Kind::kError;
      l.device.assign(sv);
    }
    if (has_event) {
      if (!impl_->GetString(event_v, "event", &sv, e)) return Kind::kError;
      auto ev = ParseLoginEvent(sv);
      if (!ev) {
        impl_->Fail(e, "event", fmt::format("\"{}\" is not \"login\" or \"signup\"", sv.substr(0, 64)));
        return Kind::kError;
      }
      l.event = *ev;
    }
    return Kind::kLogin;
  }
  if (kind != "post" && kind != "account") {
    impl_->Fail(e, "kind", fmt::format("unknown kind \"{}\" (expected \"post\", \"account\" or \"login\")", kind));
    return Kind::kError;
  }
  if (!has_id || id.empty()) {
    impl_->Fail(e, "id", "missing");
    return Kind::kError;
  }
  if (kind == "account") {
    account->id.assign(id);
    account->country.assign(country);
    account->created = 0;
    if (has_created) {
      auto t = ParseTimestamp(created);
      if (!t) {
        impl_->Fail(e, "created", fmt::format("\"{}\" is not an RFC 3339 timestamp", created));
        return Kind::kError;
      }
      account->created = *t;
    }
    return Kind::kAccount;
  }
  post->id.assign(id);
  post->account.assign(account_id);
  if (has_ts) {
    auto t = ParseTimestamp(ts);
    if (!t) {
      impl_->Fail(e, "ts", fmt::format("\"{}\" is not an RFC 3339 timestamp", ts));
      return Kind::kError;
    }
    post->ts = *t;
  }
  if (!has_text && post->media.empty()) {
    impl_->Fail(e, "text", "missing (a post needs text or media)");
    return Kind::kError;
  }
  return Kind::kPost;
}

Result<std::unique_ptr<JsonlReader>> JsonlReader::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<JsonlReader>(new JsonlReader("<stdin>", stdin, false, 0));
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::Io(fmt::format("{}: {}", path, std::strerror(errno)));
  struct stat st;
  uint64_t size = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) ? static_cast<uint64_t>(st.st_size) : 0;
  return std::unique_ptr<JsonlReader>(new JsonlReader(path, f, true, size));
}

JsonlReader::JsonlReader(std::string path, std::FILE* file, bool owned, uint64_t size)
    : path_(std::move(path)), file_(file), owned_(owned), total_bytes_(size) {}

JsonlReader::~JsonlReader() {
  if (owned_ && file_) std::fclose(file_);
}

bool JsonlReader::ReadLine(std::string_view* line, bool* too_long) {
  *too_long = false;
  bool skipping = false;  // inside a line over the limit: drop bytes up to its end
  for (;;) {
    const char* begin = buffer_.data() + buffer_pos_;
    const size_t available = buffer_end_ - buffer_pos_;
    if (const void* newline = available ? std::memchr(begin, '\n', available) : nullptr) {
      const size_t n = static_cast<size_t>(static_cast<const char*>(newline) - begin);
      *line = skipping ? std::string_view() : std::string_view(begin, n);
      buffer_pos_ += n + 1;
      bytes_read_ += n + 1;
      break;
    }
    if (eof_) {
      if (available == 0 && !skipping) return false;
      *line = skipping ? std::string_view() : std::string_view(begin, available);  // last line, no '\n'
      buffer_pos_ = buffer_end_;
      bytes_read_ += available;
      break;
    }
    if (skipping || available > limits_.max_line) {
      // Over the limit: forget what was read of this line and keep reading.
      skipping = true;
      *too_long = true;
      bytes_read_ += available;
      buffer_pos_ = buffer_end_ = 0;
    } else if (buffer_pos_ > 0) {
      // Keep the partial line at the front, growing the buffer only when the
      // line fills it, and read more after it.
      std::memmove(buffer_.data(), begin, available);
      buffer_pos_ = 0;
      buffer_end_ = available;
    }
    if (buffer_end_ == buffer_.size()) {
      // Reads go in chunks of 1 MiB (more for a longer line), but a file
      // known to be smaller gets a buffer of its size (plus the byte that
      // shows the end): a small input costs no 1 MiB allocation.
      constexpr size_t kChunk = 1 << 20;
      size_t want = std::max<size_t>(buffer_.size() * 2, kChunk);
      if (buffer_.empty() && total_bytes_ > 0 && total_bytes_ < kChunk) want = total_bytes_ + 1;
      buffer_.resize(std::min(want, limits_.max_line + kChunk));
    }
    const size_t got = std::fread(buffer_.data() + buffer_end_, 1, buffer_.size() - buffer_end_, file_);
    if (got == 0) eof_ = true;
    buffer_end_ += got;
  }
  if (line->size() > limits_.max_line) {
    *too_long = true;
    *line = std::string_view();
  }
  if (++line_no_ == 1 && line->substr(0, 3) == "\xEF\xBB\xBF") line->remove_prefix(3);  // a UTF-8 byte order mark
  return true;
}

bool JsonlReader::AddAccount(Account&& account, ReadError* error) {
  auto [it, inserted] = accounts_.try_emplace(account.id, nullptr);
  if (!inserted) {
    error->file = path_;
    error->line = line_no_;
    error->field = "id";
    error->what = fmt::format("duplicate account \"{}\"", account.id);
    return false;
  }
  it->second = std::make_unique<Account>(std::move(account));
  return true;
}

ReadError JsonlReader::LineTooLong() const {
  return {path_, line_no_, "", fmt::format("line longer than {} bytes (--max-line); skipped unread", limits_.max_line)};
}

JsonlReader::Next JsonlReader::NextPost(Post* post, ReadError* error) {
  std::string_view line;
  bool too_long = false;
  while (ReadLine(&line, &too_long)) {
    if (too_long) {
      *error = LineTooLong();
      return Next::kError;
    }
    if (plain_lines_) {
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
      if (!simdjson::validate_utf8(line.data(), line.size())) {
        *error = {path_, line_no_, "", "line is not valid UTF-8"};
        return Next::kError;
      }
      if (line.size() > limits_.max_text) {
        *error = {path_, line_no_, "text",
                  fmt::format("{} bytes; at most {} (--max-text)", line.size(), limits_.max_text)};
        return Next::kError;
      }
      post->Clear();
      char id[24] = {'L'};
      const auto [end, ec] = std::to_chars(id + 1, id + sizeof id, line_no_);
      post->id.assign(id, static_cast<size_t>(end - id));
      post->text.assign(line);
      post->line = line_no_;
      return Next::kPost;
    }
    auto kind = parser_.Parse(line, post, &scratch_account_, error);
    switch (kind) {
      case ItemParser::Kind::kBlank:
        continue;
      case ItemParser::Kind::kAccount:
        if (!AddAccount(std::move(scratch_account_), error)) return Next::kError;
        scratch_account_ = Account();
        continue;
      case ItemParser::Kind::kLogin: {
        const LoginRecord& l = parser_.login();
        if (!accounts_.empty() && accounts_.find(l.account) == accounts_.end()) {
          *error = {path_, line_no_, "account", fmt::format("unknown account \"{}\"", l.account)};
          return Next::kError;
        }
        ++logins_seen_;
        if (keep_logins_) logins_.push_back(l);
        continue;
      }
      case ItemParser::Kind::kError:
        error->file = path_;
        error->line = line_no_;
        return Next::kError;
      case ItemParser::Kind::kPost:
        post->line = line_no_;
        if (!post->account.empty() && !accounts_.empty()) {
          auto it = accounts_.find(post->account);
          if (it == accounts_.end()) {
            error->file = path_;
            error->line = line_no_;
            error->field = "account";
            error->what = fmt::format("unknown account \"{}\"", post->account);
            return Next::kError;
          }
          post->account_ref = it->second.get();
        }
        return Next::kPost;
    }
  }
  return Next::kEof;
}

Status JsonlReader::LoadAccounts(const std::string& path) {
  auto opened = JsonlReader::Open(path);
  if (!opened.ok()) return opened.status();
  JsonlReader& r = **opened;
  Post post;
  ReadError error;
  std::string_view line;
  bool too_long = false;
  r.set_limits(limits_);
  while (r.ReadLine(&line, &too_long)) {
    if (too_long) return Status::Invalid(r.LineTooLong().ToString());
    auto kind = r.parser_.Parse(line, &post, &r.scratch_account_, &error);
    if (kind == ItemParser::Kind::kBlank) continue;
    if (kind == ItemParser::Kind::kError) {
      error.file = r.path_;
      error.line = r.line_no_;
      return Status::Invalid(error.ToString());
    }
    if (kind == ItemParser::Kind::kPost || kind == ItemParser::Kind::kLogin) {
      error = {r.path_, r.line_no_, "kind", "expected \"account\" in an accounts file"};
      return Status::Invalid(error.ToString());
    }
    error.file = r.path_;
    error.line = r.line_no_;
    if (!AddAccount(std::move(r.scratch_account_), &error)) {
      error.file = r.path_;
      error.line = r.line_no_;
      return Status::Invalid(error.ToString());
    }
    r.scratch_account_ = Account();
  }
  return Status::Ok();
}

}  // namespace evenhand
