// Strict JSONL reading: every bad-input case names FILE:LINE: field.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include "model/jsonl_reader.h"

namespace evenhand {
namespace {

std::string WriteTemp(const std::string& name, const std::string& content) {
  // The process id keeps parallel test processes (ctest -j) apart.
  auto path = std::filesystem::temp_directory_path() /
              ("evenhand_reader_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << content;
  return path.string();
}

// Reads the whole file; returns the posts and the first error (as text).
struct ReadAll {
  std::unique_ptr<JsonlReader> reader;  // keeps account_ref targets alive
  std::vector<Post> posts;
  std::vector<std::string> errors;
};

ReadAll Read(const std::string& path) {
  ReadAll r;
  auto reader = JsonlReader::Open(path);
  EXPECT_TRUE(reader.ok());
  Post post;
  ReadError error;
  for (;;) {
    auto next = (*reader)->NextPost(&post, &error);
    if (next == JsonlReader::Next::kEof) break;
    if (next == JsonlReader::Next::kError) {
      r.errors.push_back(error.ToString());
      continue;
    }
    r.posts.push_back(post);
  }
  r.reader = std::move(reader).value();
  return r;
}

TEST(ItemParser, ParsesPostWithAllFields) {
  ItemParser parser;
  Post post;
  Account account;
  ReadError error;
  auto kind = parser.Parse(
      R"({"kind":"post","id":"p1","account":"a1","ts":"2026-11-01T10:00:00Z","lang":"ur",)"
      R"("text":"سلام","media":[{"path":"img/1.jpg"}],"topic":"news","region":"PK","extra":1})",
      &post, &account, &error);
  ASSERT_EQ(kind, ItemParser::Kind::kPost) << error.what;
  EXPECT_EQ(post.id, "p1");
  EXPECT_EQ(post.account, "a1");
  EXPECT_EQ(post.ts, 1793527200);
  EXPECT_EQ(post.lang, "ur");
  EXPECT_EQ(post.text, "سلام");
  ASSERT_EQ(post.media.size(), 1u);
  EXPECT_EQ(post.media[0].path, "img/1.jpg");
  EXPECT_EQ(post.topic, "news");
  EXPECT_EQ(post.region, "PK");
}

TEST(ItemParser, ParsesAccount) {
  ItemParser parser;
  Post post;
  Account account;
  ReadError error;
  auto kind = parser.Parse(R"({"kind":"account","id":"a1","created":"2026-10-01T00:00:00Z","country":"AF"})", &post,
                           &account, &error);
  ASSERT_EQ(kind, ItemParser::Kind::kAccount);
  EXPECT_EQ(account.id, "a1");
  EXPECT_EQ(account.country, "AF");
  EXPECT_EQ(account.created, 1790812800);
}

struct BadCase {
  const char* line;
  const char* expected;  // the error text after "FILE:LINE: "
};

class BadLine : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadLine, IsReportedWithFileLineAndField) {
  const BadCase& c = GetParam();
  std::string content = std::string(R"({"kind":"post","id":"ok1","text":"fine"})") + "\n" + c.line + "\n" +
                        R"({"kind":"post","id":"ok2","text":"fine"})" + "\n";
  std::string path = WriteTemp("bad.jsonl", content);
  ReadAll r = Read(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], path + ":2: " + c.expected);
  // The reader goes on after a bad line (the pipeline decides stop or skip).
  ASSERT_EQ(r.posts.size(), 2u);
  EXPECT_EQ(r.posts[1].line, 3);
}

INSTANTIATE_TEST_SUITE_P(
    AllCases, BadLine,
    ::testing::Values(
        BadCase{R"({"kind":"post","id":"p1","text":"unterminated)", "invalid JSON (A string is opened, but never closed.)"},
        BadCase{R"([1,2,3])", "expected a JSON object, got array"},
        BadCase{"{\"kind\":\"post\",\"id\":\"p1\",\"text\":\"bad \xC3\x28 byte\"}", "line is not valid UTF-8"},
        BadCase{R"({"kind":"comment","id":"c1","text":"x"})",
                "kind: unknown kind \"comment\" (expected \"post\", \"account\" or \"login\")"},
        BadCase{R"({"id":"p1","text":"x"})", "kind: missing"},
        BadCase{R"({"kind":"post","text":"x"})", "id: missing"},
        BadCase{R"({"kind":"post","id":7,"text":"x"})", "id: expected a string, got number"},
        BadCase{R"({"kind":"post","id":"p1","text":["x"]})", "text: expected a string, got array"},
        BadCase{R"({"kind":"post","id":"p1"})", "text: missing (a post needs text or media)"},
        BadCase{R"({"kind":"post","id":"p1","text":"x","ts":"yesterday"})",
                "ts: \"yesterday\" is not an RFC 3339 timestamp"},
        BadCase{R"({"kind":"post","id":"p1","text":"x","ts":1700000000})", "ts: expected a string, got number"},
        BadCase{R"({"kind":"post","id":"p1","media":[{"url":"x"}]})", "media[0].path: missing"},
        BadCase{R"({"kind":"post","id":"p1","media":"a.jpg"})", "media: expected an array of objects, got string"},
        BadCase{R"({"kind":"account","id":"a9","created":"2026-13-01T00:00:00Z"})",
                "created: \"2026-13-01T00:00:00Z\" is not an RFC 3339 timestamp"}));

TEST(JsonlReader, UnknownAccountIsAnErrorOnceAccountsAreKnown) {
  std::string path = WriteTemp("accounts.jsonl",
                               R"({"kind":"account","id":"a1","created":"2026-10-01T00:00:00Z"})"
                               "\n"
                               R"({"kind":"post","id":"p1","account":"a1","text":"hi"})"
                               "\n"
                               R"({"kind":"post","id":"p2","account":"ghost","text":"hi"})"
                               "\n");
  ReadAll r = Read(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], path + ":3: account: unknown account \"ghost\"");
  ASSERT_EQ(r.posts.size(), 1u);
  ASSERT_NE(r.posts[0].account_ref, nullptr);
  EXPECT_EQ(r.posts[0].account_ref->id, "a1");
}

TEST(JsonlReader, AccountsUnknownWhenNoneGiven) {
  std::string path = WriteTemp("noaccounts.jsonl", R"({"kind":"post","id":"p1","account":"a1","text":"hi"})" "\n");
  ReadAll r = Read(path);
  EXPECT_TRUE(r.errors.empty());
  ASSERT_EQ(r.posts.size(), 1u);
  EXPECT_EQ(r.posts[0].account_ref, nullptr);
}

TEST(JsonlReader, DuplicateAccountIsAnError) {
  std::string path = WriteTemp("dupaccount.jsonl",
                               R"({"kind":"account","id":"a1"})"
                               "\n"
                               R"({"kind":"account","id":"a1"})"
                               "\n");
  ReadAll r = Read(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], path + ":2: id: duplicate account \"a1\"");
}

TEST(JsonlReader, LoadAccountsFromSeparateFile) {
  std::string accounts = WriteTemp("acc_only.jsonl", R"({"kind":"account","id":"a1","country":"PK"})" "\n");
  std::string posts = WriteTemp("posts_only.jsonl",
                                R"({"kind":"post","id":"p1","account":"a1","text":"hi"})"
                                "\n"
                                R"({"kind":"post","id":"p2","account":"a2","text":"hi"})"
                                "\n");
  auto reader = JsonlReader::Open(posts);
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE((*reader)->LoadAccounts(accounts).ok());
  Post post;
  ReadError error;
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.account_ref->country, "PK");
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kError);
  EXPECT_EQ(error.ToString(), posts + ":2: account: unknown account \"a2\"");
}

TEST(JsonlReader, LoadAccountsRejectsPosts) {
  std::string accounts = WriteTemp("acc_bad.jsonl", R"({"kind":"post","id":"p1","text":"x"})" "\n");
  auto reader = JsonlReader::Open(accounts);
  ASSERT_TRUE(reader.ok());
  Status s = (*reader)->LoadAccounts(accounts);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(), accounts + ":1: kind: expected \"account\" in an accounts file");
}

TEST(JsonlReader, PlainLinesMode) {
  std::string path = WriteTemp("plain.txt", "first message\n\nthird line\n");
  auto reader = JsonlReader::Open(path);
  ASSERT_TRUE(reader.ok());
  (*reader)->set_plain_lines(true);
  Post post;
  ReadError error;
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.id, "L1");
  EXPECT_EQ(post.text, "first message");
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.id, "L3");
  EXPECT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kEof);
}

// Explicit input limits (model/limits.h): each over-limit line is an error
// naming FILE:LINE: field, and reading goes on at the next line.
TEST(JsonlReaderLimits, OverLimitFieldsNameTheField) {
  const std::string text64k(64 << 10, 'a');
  const std::string content =
      R"({"kind":"post","id":"ok-1","text":"fine"})" "\n"
      R"({"kind":"post","id":"big","text":")" + text64k + "b\"}\n" +
      R"({"kind":"post","id":"edge","text":")" + text64k + "\"}\n" +
      R"({"kind":"post","id":")" + std::string(257, 'i') + R"(","text":"x"})" "\n"
      R"({"kind":"post","id":"acc","account":")" + std::string(300, 'a') + R"(","text":"x"})" "\n"
      R"({"kind":"post","id":"deep","text":"x","extra":)" + std::string(40, '[') + std::string(40, ']') + "}\n" +
      R"({"kind":"post","id":"ok-2","text":"fine"})" "\n";
  auto path = WriteTemp("limits.jsonl", content);
  ReadAll r = Read(path);
  ASSERT_EQ(r.posts.size(), 3u);
  EXPECT_EQ(r.posts[0].id, "ok-1");
  EXPECT_EQ(r.posts[1].id, "edge");  // exactly 64 KiB is allowed
  EXPECT_EQ(r.posts[2].id, "ok-2");
  ASSERT_EQ(r.errors.size(), 4u);
  EXPECT_EQ(r.errors[0], path + ":2: text: 65537 bytes; at most 65536 (--max-text)");
  EXPECT_EQ(r.errors[1], path + ":4: id: 257 bytes; at most 256 (--max-id)");
  EXPECT_EQ(r.errors[2].rfind(path + ":5: account: 300 bytes", 0), 0u) << r.errors[2];
  EXPECT_EQ(r.errors[3].rfind(path + ":6: ", 0), 0u) << r.errors[3];
  EXPECT_NE(r.errors[3].find("deeper than 32"), std::string::npos) << r.errors[3];
  std::remove(path.c_str());
}

TEST(JsonlReaderLimits, LongLineIsSkippedUnread) {
  const std::string content = R"({"kind":"post","id":"a","text":"x"})" "\n" +
                              std::string(5 << 20, 'z') + "\n" +  // 5 MiB, no JSON at all
                              R"({"kind":"post","id":"b","text":"y"})" "\n" + std::string(3 << 20, 'q');
  auto path = WriteTemp("longline.jsonl", content);
  auto reader = JsonlReader::Open(path);
  ASSERT_TRUE(reader.ok());
  InputLimits limits;
  limits.max_line = 1 << 20;
  (*reader)->set_limits(limits);
  Post post;
  ReadError error;
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.id, "a");
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kError);
  EXPECT_EQ(error.ToString(), path + ":2: line longer than 1048576 bytes (--max-line); skipped unread");
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kPost);
  EXPECT_EQ(post.id, "b");
  EXPECT_EQ(post.line, 3);
  ASSERT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kError);  // the last line, no newline
  EXPECT_EQ(error.line, 4);
  EXPECT_EQ((*reader)->NextPost(&post, &error), JsonlReader::Next::kEof);
  std::remove(path.c_str());
}

TEST(JsonlReaderLimits, MediaCount) {
  std::string media = "[";
  for (int i = 0; i < 17; ++i) media += std::string(i ? "," : "") + R"({"path":"m.jpg"})";
  media += "]";
  auto path = WriteTemp("media.jsonl", R"({"kind":"post","id":"m","text":"x","media":)" + media + "}\n");
  ReadAll r = Read(path);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0], path + ":1: media: 17 entries; at most 16 (--max-media)");
  std::remove(path.c_str());
}

// A UTF-8 byte order mark at the start of a file is not part of the first
// line: the first account and its posts are read.
TEST(JsonlReaderLimits, ByteOrderMarkIsAccepted) {
  auto path = WriteTemp("bom.jsonl", "\xEF\xBB\xBF" R"({"kind":"account","id":"acc1"})" "\n"
                                     R"({"kind":"post","id":"p1","account":"acc1","text":"x"})" "\n");
  ReadAll r = Read(path);
  EXPECT_TRUE(r.errors.empty()) << r.errors[0];
  ASSERT_EQ(r.posts.size(), 1u);
  ASSERT_NE(r.posts[0].account_ref, nullptr);
  EXPECT_EQ(r.posts[0].account_ref->id, "acc1");
  std::remove(path.c_str());
}

TEST(JsonlReader, MissingFileIsAnIoError) {
  auto reader = JsonlReader::Open("/nonexistent/evenhand.jsonl");
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.status().message().find("/nonexistent/evenhand.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace evenhand
