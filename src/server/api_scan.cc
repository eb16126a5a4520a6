// Api: scanning (one item, a batch) and the review queue of decisions.
#include <algorithm>
#include <map>
#include <string_view>
#include <vector>

#include "cases/item_view.h"
#include "model/json_write.h"
#include "model/jsonl_reader.h"
#include "model/person.h"
#include "model/time.h"
#include "server/api.h"
#include "server/json_body.h"

namespace evenhand::server {

namespace {

// Per-thread scan scratch: reused across requests, so a warm thread
// allocates only what the decision's strings need.
struct ScanScratch {
  std::shared_ptr<const Scanner> scanner;  // the scanner `state` belongs to
  std::unique_ptr<Scanner::State> state;
  ItemParser parser;
  Post post;
  Account account;
  Decision decision;
  std::string patched;
  std::vector<Post> posts;
  std::vector<Decision> decisions;
};

ScanScratch& Scratch(const std::shared_ptr<const Scanner>& scanner) {
  thread_local ScanScratch s;
  if (s.scanner != scanner) {
    s.state = scanner->NewState();
    s.scanner = scanner;
  }
  return s;
}

bool HasControl(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

// Parses one post; "kind" may be left out. Empty on success, else "field: what".
std::string ParsePost(ScanScratch& s, std::string_view json, const std::string& media_dir) {
  ReadError error;
  s.post.Clear();
  ItemParser::Kind kind = s.parser.Parse(json, &s.post, &s.account, &error);
  if (kind == ItemParser::Kind::kError && error.field == "kind" && error.what == "missing") {
    size_t open = json.find_first_not_of(" \t\r\n");
    if (open != std::string_view::npos && json[open] == '{') {
      std::string_view rest = json.substr(open + 1);
      size_t next = rest.find_first_not_of(" \t\r\n");
      s.patched.assign(next != std::string_view::npos && rest[next] == '}' ? "{\"kind\":\"post\"" : "{\"kind\":\"post\",");
      s.patched.append(rest);
      s.post.Clear();
      kind = s.parser.Parse(s.patched, &s.post, &s.account, &error);
    }
  }
  if (kind == ItemParser::Kind::kBlank) return "body: empty";
  if (kind == ItemParser::Kind::kAccount) return "kind: expected \"post\"";
  if (kind == ItemParser::Kind::kError) return (error.field.empty() ? std::string("body") : error.field) + ": " + error.what;
  if (HasControl(s.post.id)) return "id: control characters are not allowed";
  if (HasControl(s.post.account)) return "account: control characters are not allowed";
  for (size_t i = 0; i < s.post.media.size(); ++i) {
    const std::string& p = s.post.media[i].path;
    const std::string field = "media[" + std::to_string(i) + "].path";
    if (media_dir.empty()) return field + ": this server scans no media (start it with --media-dir)";
    if (p.front() == '/' || p == ".." || p.rfind("../", 0) == 0 || p.find("/../") != std::string::npos ||
        (p.size() >= 3 && p.compare(p.size() - 3, 3, "/..") == 0))
      return field + ": must be a relative path inside the media directory";
  }
  return "";
}

nlohmann::ordered_json DecisionView(const StoredDecision& sd, const DecisionReview* review) {
  const Decision& d = sd.decision;
  nlohmann::ordered_json j;
  j["item"] = d.item;
  j["action"] = ActionName(d.action);
  j["scope"] = d.scope;
  j["category"] = d.category;
  j["rule"] = d.rule;
  j["policy"] = d.policy;
  j["reason"] = d.reason;
  j["review"] = d.review;
  nlohmann::ordered_json signals = nlohmann::ordered_json::array();
  for (const Signal& s : d.signals)
    signals.push_back({{"detector", s.detector}, {"name", s.name}, {"score", s.score}, {"evidence", s.evidence}});
  j["signals"] = std::move(signals);
  j["stored_at"] = FormatTimestamp(sd.stored_at);
  if (sd.post_found) {
    const Post& p = sd.post;
    j["post"] = {{"id", p.id},         {"account", p.account}, {"text", p.text},
                 {"lang", p.lang},     {"region", p.region},   {"topic", p.topic},
                 {"ts", p.ts != 0 ? FormatTimestamp(p.ts) : std::string()}};
  } else {
    j["post"] = nullptr;
  }
  if (review != nullptr) {
    j["reviewed"] = {{"verdict", review->verdict},
                     {"reason", review->reason},
                     {"by", review->actor},
                     {"at", FormatTimestamp(review->at)}};
  } else {
    j["reviewed"] = nullptr;
  }
  return j;
}

}  // namespace

ApiResponse Api::Scan(Ctx& c) {
  if (JsonDepth(c.req.body, options_.max_depth) > options_.max_depth)
    return Error(400, "too_deep", "the body nests JSON deeper than " + std::to_string(options_.max_depth) + " levels");
  std::shared_ptr<const Scanner> sc = scanner();
  ScanScratch& s = Scratch(sc);
  std::string bad = ParsePost(s, c.req.body, options_.media_dir);
  if (!bad.empty()) {
    const bool syntax = bad.rfind("body", 0) == 0;
    return Error(400, syntax ? "bad_json" : "invalid", bad);
  }
  sc->Scan(s.post, s.state.get(), &s.decision);
  if (s.post.lang.empty() && !s.decision.lang.empty()) s.post.lang = s.decision.lang;
  if (Status st = CommitScans(&s.post, &s.decision, 1, c.who->actor); !st.ok())
    return st.code() == Status::Code::kIo && draining_.load() ? Error(503, "shutting_down", st.message())
                                                              : FromStatus(st);
  metrics_->AddScanned(1);
  ApiResponse r;
  AppendDecisionJson(&r.body, s.decision);
  if (!r.body.empty() && r.body.back() == '\n') r.body.pop_back();
  return r;
}

ApiResponse Api::ScanBatch(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  auto items = body.find("items");
  if (items == body.end() || !items->is_array())
    return Error(400, "invalid", "items: an array of posts is required");
  if (items->empty()) return Error(400, "invalid", "items: empty");
  if (items->size() > options_.max_batch)
    return Error(413, "body_too_large",
                 "items: " + std::to_string(items->size()) + " items; at most " + std::to_string(options_.max_batch));
  std::shared_ptr<const Scanner> sc = scanner();
  ScanScratch& s = Scratch(sc);
  s.posts.resize(items->size());
  s.decisions.resize(items->size());
  for (size_t i = 0; i < items->size(); ++i) {
    const nlohmann::json& item = (*items)[i];
    if (!item.is_object()) return Error(400, "invalid", "items[" + std::to_string(i) + "]: expected an object");
    std::string bad = ParsePost(s, item.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), options_.media_dir);
    if (!bad.empty()) return Error(400, "invalid", "items[" + std::to_string(i) + "]." + bad);
    s.posts[i] = s.post;
  }
  // One post per id: two items with one id would be stored as one post with
  // one decision, so the batch is refused rather than half-kept.
  std::vector<std::string_view> ids;
  ids.reserve(s.posts.size());
  for (const Post& p : s.posts) ids.push_back(p.id);
  std::sort(ids.begin(), ids.end());
  if (auto dup = std::adjacent_find(ids.begin(), ids.end()); dup != ids.end())
    return Error(400, "invalid", "items: the id \"" + std::string(*dup) + "\" appears more than once");
  sc->ScanBatch(s.posts.data(), s.posts.size(), s.state.get(), s.decisions.data());
  for (size_t i = 0; i < s.posts.size(); ++i)
    if (s.posts[i].lang.empty() && !s.decisions[i].lang.empty()) s.posts[i].lang = s.decisions[i].lang;
  if (Status st = CommitScans(s.posts.data(), s.decisions.data(), s.posts.size(), c.who->actor); !st.ok())
    return st.code() == Status::Code::kIo && draining_.load() ? Error(503, "shutting_down", st.message())
                                                              : FromStatus(st);
  metrics_->AddScanned(s.posts.size());
  ApiResponse r;
  r.body = "{\"decisions\":[";
  for (size_t i = 0; i < s.decisions.size(); ++i) {
    if (i > 0) r.body += ',';
    AppendDecisionJson(&r.body, s.decisions[i]);
    if (r.body.back() == '\n') r.body.pop_back();
  }
  r.body += "]}";
  return r;
}

ApiResponse Api::ListDecisions(Ctx& c) {
  const std::string review = c.Query("review");
  if (!review.empty() && review != "0" && review != "1") return Error(400, "bad_query", "review: 0 or 1");
  PageRequest page;
  ApiResponse error;
  if (!c.Query("cursor").empty()) return Error(400, "bad_query", "cursor: not taken by /v1/decisions (newest first)");
  if (!ParsePage(c, &page, &error)) return error;
  const size_t limit = page.limit;
  const bool queue = review == "1";
  ReadLease rd(this);
  auto reviews = rd->store->ListDecisionReviews();
  if (!reviews.ok()) return FromStatus(reviews.status());
  std::map<std::pair<std::string, std::string>, const DecisionReview*> by_key;
  for (const DecisionReview& r : *reviews) by_key[{r.item, r.policy}] = &r;
  // Newest first, stopping once `limit` rows are in the page.
  nlohmann::ordered_json j;
  j["decisions"] = nlohmann::ordered_json::array();
  Status s = rd->store->ForEachDecisionNewestFirst([&](const StoredDecision& sd) {
    auto it = by_key.find({sd.decision.item, sd.decision.policy});
    const DecisionReview* rv = it == by_key.end() ? nullptr : it->second;
    if (queue && (rv != nullptr || !(sd.decision.review || sd.decision.action == Action::kReview))) return true;
    j["decisions"].push_back(DecisionView(sd, rv));
    return j["decisions"].size() < static_cast<size_t>(limit);
  });
  if (!s.ok()) return FromStatus(s);
  return Json(200, j);
}

ApiResponse Api::ReviewDecision(Ctx& c) {
  nlohmann::json body;
  ApiResponse error;
  if (!ParseBody(c, &body, &error)) return error;
  DecisionReview review;
  review.item = c.arg;
  auto str = [&](const char* name, std::string* out) -> bool {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) return true;
    if (!it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  if (!str("verdict", &review.verdict) || (review.verdict != "confirm" && review.verdict != "overturn"))
    return Error(400, "invalid", "verdict: \"confirm\" or \"overturn\"");
  if (!str("reason", &review.reason)) return Error(400, "invalid", "reason: expected a string");
  if (review.verdict == "overturn" && IsBlank(review.reason))
    return Error(400, "invalid", "reason: required to overturn a decision");
  if (!str("policy", &review.policy)) return Error(400, "invalid", "policy: expected a string");
  if (review.policy.empty()) review.policy = scanner()->policy().id();
  if (HasControl(review.reason)) return Error(400, "invalid", "reason: control characters are not allowed");
  review.actor = c.who->actor;
  review.at = c.now;
  StoredDecision found;
  bool have = false;
  {
    ReadLease rd(this);
    Status s = rd->store->ForEachDecision(review.policy, [&](const StoredDecision& sd) {
      if (sd.decision.item != review.item) return true;
      found = sd;
      have = true;
      return false;
    });
    if (!s.ok()) return FromStatus(s);
  }
  if (!have) return Error(404, "not_found", "no decision on item \"" + review.item + "\" under " + review.policy);
  Status s = Write([&](Store& store) { return store.PutDecisionReview(review); });
  if (!s.ok()) return FromStatus(s);
  return Json(200, DecisionView(found, &review));
}

}  // namespace evenhand::server
