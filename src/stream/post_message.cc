#include "stream/post_message.h"

#include "model/json_write.h"
#include "model/time.h"

namespace evenhand::stream {

namespace {

void Field(std::string* out, std::string_view key, std::string_view value) {
  out->append(",\"").append(key).append("\":");
  AppendJsonString(out, value);
}

}  // namespace

void AppendPostMessage(const Post& p, std::string* out) {
  if (p.account_ref != nullptr && p.account_ref->id == p.account) {
    const Account& a = *p.account_ref;
    out->append("{\"kind\":\"account\"");
    Field(out, "id", a.id);
    if (a.created != 0) Field(out, "created", FormatTimestamp(a.created));
    if (!a.country.empty()) Field(out, "country", a.country);
    out->append("}\n");
  }
  out->append("{\"kind\":\"post\"");
  Field(out, "id", p.id);
  if (!p.account.empty()) Field(out, "account", p.account);
  if (p.ts != 0) Field(out, "ts", FormatTimestamp(p.ts));
  if (!p.lang.empty()) Field(out, "lang", p.lang);
  Field(out, "text", p.text);
  if (!p.topic.empty()) Field(out, "topic", p.topic);
  if (!p.region.empty()) Field(out, "region", p.region);
  if (!p.media.empty()) {
    out->append(",\"media\":[");
    for (size_t i = 0; i < p.media.size(); ++i) {
      out->append(i == 0 ? "{\"path\":" : ",{\"path\":");
      AppendJsonString(out, p.media[i].path);
      out->push_back('}');
    }
    out->push_back(']');
  }
  out->append("}\n");
}

Status ParsePostMessage(std::string_view body, ItemParser& parser, Post* post, Account* account) {
  post->Clear();
  account->id.clear();
  bool have_post = false;
  int line_no = 0;
  while (!body.empty()) {
    const size_t nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl == std::string_view::npos ? body.size() : nl + 1);
    ++line_no;
    ReadError error;
    Account scratch;
    switch (parser.Parse(line, post, account->id.empty() ? account : &scratch, &error)) {
      case ItemParser::Kind::kBlank: break;
      case ItemParser::Kind::kPost: have_post = true; break;
      case ItemParser::Kind::kAccount: break;
      case ItemParser::Kind::kLogin:
        return Status::Invalid("message line " + std::to_string(line_no) + ": a login record is not a post");
      case ItemParser::Kind::kError:
        return Status::Invalid("message line " + std::to_string(line_no) + ": " +
                               (error.field.empty() ? "" : error.field + ": ") + error.what);
    }
    if (have_post) break;
  }
  if (!have_post) return Status::Invalid("the message holds no post");
  if (!account->id.empty() && account->id == post->account) post->account_ref = account;
  return Status::Ok();
}

}  // namespace evenhand::stream
