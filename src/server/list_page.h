// Paging of the API's lists (docs/API.md, "Paging"): GET /v1/orders,
// /v1/appeals, /v1/datarequests, /v1/preservations, /v1/authorities,
// /v1/people and /v1/keys answer at most `limit` items a request
// (?limit=N, 1 to ServerOptions::max_page, default kDefaultPageSize) and a
// `next_cursor` (null on the last page) that ?cursor= takes to the next.
//
// Each list has a total order given by a sort key per item (its documented
// order, ending with the item's unique id). A cursor is the key of the last
// item sent, hex-encoded: the next page is the items whose key is greater,
// so items added or removed between pages never shift the others (an item
// whose key changes meanwhile, e.g. an order that is closed, may be sent
// twice or not at all). Pure functions; thread-safe.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace evenhand::server {

struct PageRequest {
  size_t limit = 0;
  std::string after;  // the decoded cursor: items with a greater key; empty = from the start
};

// Reads the ?limit= and ?cursor= values (empty = not given). False with
// *message ("limit: ..." or "cursor: ...") on a bad one.
bool ParsePageQuery(const std::string& limit, const std::string& cursor, size_t default_limit, size_t max_limit,
                    PageRequest* out, std::string* message);

// A fixed-width part of a sort key that orders as the number does.
std::string KeyOf(int64_t v);
std::string EncodeCursor(std::string_view key);

// The page of `all` (each a sort key and an item) after page.after, in key
// order. *next is the cursor of the page's last item when items remain
// after it, else empty.
template <class T>
std::vector<T> TakePage(std::vector<std::pair<std::string, T>> all, const PageRequest& page, std::string* next) {
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  auto it = page.after.empty()
                ? all.begin()
                : std::upper_bound(all.begin(), all.end(), page.after,
                                   [](const std::string& key, const auto& e) { return key < e.first; });
  std::vector<T> out;
  next->clear();
  for (; it != all.end() && out.size() < page.limit; ++it) out.push_back(std::move(it->second));
  if (it != all.end() && !out.empty()) *next = EncodeCursor((it - 1)->first);
  return out;
}

}  // namespace evenhand::server
