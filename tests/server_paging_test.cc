// Paging of the API's lists (server/list_page.h, docs/API.md "Paging"): a
// store with thousands of orders and authorities answers pages of at most
// `limit` items (default 100, at most --max-page), the cursors walk every
// visible item exactly once in the documented order, the response size stays
// bounded whatever the store holds, and a bad limit or cursor is a 400 on
// every list route.
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <set>

#include "cases/order_json.h"
#include "model/order.h"
#include "server/list_page.h"
#include "server_test_util.h"

namespace evenhand::server::test {
namespace {

using nlohmann::json;

constexpr int kOrders = 2500;
constexpr int kAuthorities = 1200;
constexpr int64_t kBase = 1'790'000'000;

// kOrders orders straight into the store (one batch): half of them pta's,
// half fia's; every third one open with a deadline (deadlines collide in
// tens), the rest closed; received times collide in threes.
void FillStore(const std::string& db) {
  auto opened = OpenStore(db, OpenMode::kMustExist);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  Store& store = **opened;
  ASSERT_TRUE(store.Begin().ok());
  for (int i = 0; i < kOrders; ++i) {
    Order o;
    char id[32];
    std::snprintf(id, sizeof id, "ord-%016x", (i * 7919) % 100003);
    o.id = id;
    o.authority = i % 2 == 0 ? "pta" : "fia";
    o.jurisdiction = "PK";
    o.legal_basis = {"PECA 2016", "s.37"};
    o.category = "unlawful_content_s37";
    o.reference = "REF/" + std::to_string(i);
    o.targets.push_back(OrderTarget{"item", "item-" + std::to_string(i)});
    o.received = kBase + i / 3;
    if (i % 3 == 0) {
      o.state = OrderState::kAccepted;
      o.deadline = kBase + 48 * 3600 + ((i * 37) % 250) / 10 * 60;
    } else {
      o.state = OrderState::kClosed;
    }
    CaseRecord c;
    c.id = o.id;
    c.kind = "order";
    c.issuer = o.authority;
    c.reference = o.reference;
    c.jurisdiction = o.jurisdiction;
    c.state = std::string(OrderStateName(o.state));
    c.received = o.received;
    c.deadline = o.deadline;
    c.body = OrderToJson(o).dump();
    bool inserted = false;
    CaseRecord existing;
    ASSERT_TRUE(store.InsertCase(c, "test", "order.submit", "{}", &inserted, &existing).ok());
    ASSERT_TRUE(inserted);
  }
  for (int i = 0; i < kAuthorities; ++i) {
    char id[32];
    std::snprintf(id, sizeof id, "auth-%05d", (i * 7919) % 100003);
    ASSERT_TRUE(store.PutAuthority({id, "Authority " + std::to_string(i), "PK", "regulator", 0}, "test").ok());
  }
  ASSERT_TRUE(store.Commit().ok());
}

class PagingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](ServerOptions& o) { FillStore(o.db); });
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  TestServer& s() { return *server_; }

  // Follows next_cursor from `path` (which has a query) to the end; checks
  // each page's size and body bound; returns every item's `field`.
  std::vector<std::string> Walk(const std::string& path, const std::string& who, const std::string& list,
                                size_t page_size, size_t max_bytes, int* pages) {
    std::vector<std::string> out;
    std::string cursor;
    *pages = 0;
    for (;;) {
      Reply r = s().Call("GET", path + (cursor.empty() ? "" : "&cursor=" + cursor), who);
      EXPECT_EQ(r.status, 200) << r.body.substr(0, 300);
      if (r.status != 200) break;
      ++*pages;
      const json& items = r.json[list];
      EXPECT_LE(items.size(), page_size);
      EXPECT_LE(r.body.size(), max_bytes) << path;
      for (const json& it : items) out.push_back(it["id"].get<std::string>());
      if (r.json["next_cursor"].is_null()) {
        EXPECT_GT(items.size(), 0u);
        break;
      }
      EXPECT_EQ(items.size(), page_size) << "only the last page may be short";
      cursor = r.json["next_cursor"].get<std::string>();
      if (*pages > 10000) {
        ADD_FAILURE() << "the cursors do not end";
        break;
      }
    }
    return out;
  }
  static TestServer* server_;
};
TestServer* PagingTest::server_ = nullptr;

TEST_F(PagingTest, AHugeListIsAnsweredInBoundedPages) {
  // No limit given: 100 orders, not 2,500, and a cursor to the rest.
  Reply r = s().Call("GET", "/v1/orders", "moderator");
  ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
  EXPECT_EQ(r.json["orders"].size(), 100u);
  ASSERT_TRUE(r.json["next_cursor"].is_string());
  const size_t page_of_100 = r.body.size();
  // The largest page (1,000) holds ten times as much, and the whole list is never sent at once.
  r = s().Call("GET", "/v1/orders?limit=1000", "moderator");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["orders"].size(), 1000u);
  EXPECT_LT(r.body.size(), page_of_100 * 12);
  EXPECT_EQ(s().Call("GET", "/v1/orders?limit=1001", "moderator").status, 400);

  // Walking every page: each order exactly once, urgent (open, with a
  // deadline) ones first by deadline, then the rest by received time.
  int pages = 0;
  std::vector<std::string> ids = Walk("/v1/orders?limit=170", "moderator", "orders", 170, page_of_100 * 3, &pages);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), static_cast<size_t>(kOrders));
  EXPECT_EQ(pages, (kOrders + 169) / 170);
  // The order of the pages is the order of one big page.
  std::vector<std::string> one_page;
  for (std::string cursor;;) {
    Reply p = s().Call("GET", "/v1/orders?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor), "moderator");
    ASSERT_EQ(p.status, 200);
    for (const json& o : p.json["orders"]) one_page.push_back(o["id"]);
    if (p.json["next_cursor"].is_null()) break;
    cursor = p.json["next_cursor"];
  }
  EXPECT_EQ(one_page, ids);
  // Urgency order inside a page: open orders first, by deadline.
  r = s().Call("GET", "/v1/orders?limit=1000", "moderator");
  std::string previous;
  bool seen_closed = false;
  int open = 0;
  for (const json& o : r.json["orders"]) {
    const bool is_open = o["state"] == "accepted";
    if (is_open) {
      ++open;
      EXPECT_FALSE(seen_closed) << "an open order after a closed one";
      EXPECT_LE(previous, o["deadline"].get<std::string>());
      previous = o["deadline"];
    } else {
      seen_closed = true;
    }
  }
  EXPECT_EQ(open, (kOrders + 2) / 3);
}

TEST_F(PagingTest, AnAuthorityPagesThroughItsOwnOrdersOnly) {
  int pages = 0;
  std::vector<std::string> ids = Walk("/v1/orders?limit=333", "authority", "orders", 333, 1 << 20, &pages);
  EXPECT_EQ(ids.size(), static_cast<size_t>(kOrders / 2));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  for (size_t i = 0; i < ids.size(); i += ids.size() / 20) {
    const std::string& id = ids[i];
    Reply r = s().Call("GET", "/v1/orders/" + id, "authority_b");
    EXPECT_EQ(r.status, 404) << id << " is pta's";
    if (r.status != 404) break;
  }
}

TEST_F(PagingTest, AuthoritiesArePagedById) {
  int pages = 0;
  std::vector<std::string> ids = Walk("/v1/authorities?limit=500", "admin", "authorities", 500, 1 << 20, &pages);
  // The three of the test server and the 1,200 added.
  EXPECT_EQ(ids.size(), static_cast<size_t>(kAuthorities + 3));
  EXPECT_EQ(pages, 3);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size());
  Reply r = s().Call("GET", "/v1/authorities", "admin");
  EXPECT_EQ(r.json["authorities"].size(), 100u);
}

TEST_F(PagingTest, ShortListsEndAtOnceAndEveryListRouteChecksItsQuery) {
  // People and keys: six of each in the test store, one page, no cursor.
  for (const char* route : {"/v1/people", "/v1/keys"}) {
    Reply r = s().Call("GET", route, "admin");
    ASSERT_EQ(r.status, 200) << route << r.body;
    EXPECT_TRUE(r.json["next_cursor"].is_null()) << route;
    // Two at a time: three pages, then the end.
    int pages = 0;
    const std::string list = std::string(route).substr(4);
    std::vector<std::string> ids = Walk(std::string(route) + "?limit=2", "admin", list, 2, 1 << 20, &pages);
    EXPECT_EQ(ids.size(), r.json[list].size()) << route;
    EXPECT_EQ(pages, static_cast<int>((ids.size() + 1) / 2)) << route;
  }
  for (const char* route : {"/v1/orders", "/v1/appeals", "/v1/datarequests", "/v1/preservations", "/v1/authorities",
                            "/v1/people", "/v1/keys", "/v1/decisions"}) {
    const std::string who = std::string(route) == "/v1/people" || std::string(route) == "/v1/keys" ? "admin" : "moderator";
    Reply ok = s().Call("GET", std::string(route) + "?limit=1000", who);
    EXPECT_EQ(ok.status, 200) << route << ok.body.substr(0, 200);
    for (const char* bad : {"?limit=0", "?limit=1001", "?limit=-1", "?limit=10x", "?limit=99999999999999999999",
                            "?cursor=zz", "?cursor=abc"}) {
      Reply r = s().Call("GET", std::string(route) + bad, who);
      EXPECT_EQ(r.status, 400) << route << bad << " " << r.body;
      EXPECT_EQ(r.code(), "bad_query") << route << bad;
    }
  }
}

TEST(ListPage, KeysOrderAsTheNumbersAndCursorsRoundTrip) {
  const int64_t values[] = {INT64_MIN, -1'000'000, -1, 0, 1, 1'790'000'000, INT64_MAX};
  for (size_t i = 1; i < std::size(values); ++i) EXPECT_LT(KeyOf(values[i - 1]), KeyOf(values[i])) << values[i];
  // A key with every byte value survives the cursor's encoding.
  std::string key;
  for (int b = 0; b < 256; ++b) key.push_back(static_cast<char>(b));
  PageRequest page;
  std::string message;
  ASSERT_TRUE(ParsePageQuery("", EncodeCursor(key), 100, 1000, &page, &message)) << message;
  EXPECT_EQ(page.after, key);
  EXPECT_EQ(page.limit, 100u);
  // Paging a list of 7 by 3: 3, 3, 1, each after the last.
  std::vector<std::pair<std::string, int>> all;
  for (int i = 6; i >= 0; --i) all.emplace_back(KeyOf(i), i);
  page = PageRequest{3, ""};
  std::string next;
  EXPECT_EQ(TakePage(all, page, &next), (std::vector<int>{0, 1, 2}));
  ASSERT_TRUE(ParsePageQuery("3", next, 100, 1000, &page, &message));
  EXPECT_EQ(TakePage(all, page, &next), (std::vector<int>{3, 4, 5}));
  ASSERT_TRUE(ParsePageQuery("3", next, 100, 1000, &page, &message));
  EXPECT_EQ(TakePage(all, page, &next), (std::vector<int>{6}));
  EXPECT_TRUE(next.empty());
  // Exactly a page's worth left: no cursor to an empty page.
  page = PageRequest{7, ""};
  EXPECT_EQ(TakePage(all, page, &next).size(), 7u);
  EXPECT_TRUE(next.empty());
}

TEST(PagingLimits, MaxPageIsAFlag) {
  TestServer server([](ServerOptions& o) { o.max_page = 2; });
  Reply r = server.Call("GET", "/v1/authorities", "admin");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json["authorities"].size(), 2u);  // the default page is at most the maximum
  EXPECT_EQ(server.Call("GET", "/v1/authorities?limit=3", "admin").status, 400);
  EXPECT_EQ(server.Call("GET", "/v1/authorities?limit=2", "admin").status, 200);
}

}  // namespace
}  // namespace evenhand::server::test
