#include "cases/item_view.h"

#include <algorithm>
#include <ctime>
#include <map>
#include <set>

#include "cases/appeal_json.h"
#include "cases/item_evidence.h"
#include "cases/order_json.h"
#include "cases/standing.h"
#include "cases/visibility.h"
#include "model/time.h"

namespace evenhand {

namespace {

using OJson = nlohmann::ordered_json;

OJson TimeOrNull(int64_t t) { return t != 0 ? OJson(FormatTimestamp(t)) : OJson(nullptr); }

OJson VersionJson(const PostVersion& v) {
  OJson j;
  j["version"] = v.version;
  j["content_hash"] = v.content_hash;
  j["account"] = v.post.account;
  j["ts"] = TimeOrNull(v.post.ts);
  j["lang"] = v.post.lang;
  j["topic"] = v.post.topic;
  j["region"] = v.post.region;
  if (v.content_deleted != 0) {
    j["text"] = nullptr;
    j["media"] = nullptr;
  } else {
    j["text"] = v.post.text;
    OJson media = OJson::array();
    for (const Media& m : v.post.media) media.push_back(m.path);
    j["media"] = std::move(media);
  }
  j["stored_at"] = TimeOrNull(v.stored_at);
  j["superseded_at"] = TimeOrNull(v.superseded_at);
  j["content_deleted_at"] = TimeOrNull(v.content_deleted);
  return j;
}

OJson SignalsJson(const Decision& d, const PostVersion* v) {
  static const std::vector<Media> kNoMedia;
  const std::vector<Media>& media = v != nullptr && v->content_deleted == 0 ? v->post.media : kNoMedia;
  const size_t text_bytes = v != nullptr && v->content_deleted == 0 ? v->post.text.size() : 0;
  OJson out = OJson::array();
  for (const Signal& s : d.signals)
    out.push_back({{"detector", s.detector}, {"name", s.name}, {"score", s.score}, {"evidence", s.evidence},
                   {"parts", EvidenceParts(s, media, text_bytes)}});
  return out;
}

// At most this many of the author's posts are walked, and this many of
// their latest decisions listed.
constexpr size_t kAccountPosts = 2000;
constexpr size_t kAccountRecent = 20;

Result<OJson> AccountJson(Store& store, const std::string& account, const DecisionReversals& reversals, int64_t now) {
  OJson a;
  a["id"] = account;
  auto acc = store.GetAccount(account);
  if (!acc.ok() && acc.status().code() != Status::Code::kNotFound) return acc.status();
  a["stored"] = acc.ok();
  a["created"] = acc.ok() ? TimeOrNull(acc->created) : OJson(nullptr);
  a["age_days"] = acc.ok() && acc->created != 0 && now >= acc->created ? OJson((now - acc->created) / 86400)
                                                                       : OJson(nullptr);
  a["country"] = acc.ok() ? acc->country : std::string();
  auto posts = store.PostsByAccount(account);
  if (!posts.ok()) return posts.status();
  a["posts"] = posts->size();
  a["posts_walked"] = std::min(posts->size(), kAccountPosts);
  struct Row {
    int64_t at;
    OJson j;
  };
  std::vector<Row> rows;
  std::map<std::string, int64_t> by_action;
  int64_t total = 0, reversed = 0;
  // The newest posts first (the list is ordered by ts).
  for (size_t k = 0; k < posts->size() && k < kAccountPosts; ++k) {
    const Post& p = (*posts)[posts->size() - 1 - k];
    Status walked = store.ForEachDecisionOf(p.id, [&](const StoredDecision& sd) {
      const Decision& d = sd.decision;
      ++total;
      const bool undone = reversals.Find(d) != nullptr;
      if (undone) ++reversed;
      else ++by_action[std::string(ActionName(d.action))];
      rows.push_back({sd.stored_at,
                      {{"item", d.item}, {"version", d.version}, {"policy", d.policy},
                       {"action", std::string(ActionName(d.action))}, {"scope", d.scope}, {"category", d.category},
                       {"stored_at", FormatTimestamp(sd.stored_at)}, {"reversed", undone}}});
      return true;
    });
    if (!walked.ok()) return walked;
  }
  a["decisions"] = {{"total", total}, {"reversed", reversed}, {"by_action", by_action}};
  std::stable_sort(rows.begin(), rows.end(), [](const Row& x, const Row& y) { return x.at > y.at; });
  OJson recent = OJson::array();
  for (size_t k = 0; k < rows.size() && k < kAccountRecent; ++k) recent.push_back(std::move(rows[k].j));
  a["recent"] = std::move(recent);
  return a;
}

// Blurred whatever became of the decision: a reversal does not make a picture less graphic.
void AddSensitive(const Decision& d, std::vector<std::string>* because) {
  if (BlurredCategory(d.category))
    because->push_back("decision " + d.policy + (d.rule.empty() ? "" : " rule " + d.rule) + ": category " + d.category);
  for (const Signal& s : d.signals)
    if (s.detector == "bank" && s.score > 0) because->push_back("known-media bank " + s.name + " matched");
}

void SortUnique(std::vector<std::string>* v) {
  std::sort(v->begin(), v->end());
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

}  // namespace

Result<std::vector<std::string>> SensitiveBecause(Store& store, const std::string& id) {
  std::vector<std::string> because;
  Status walked = store.ForEachDecisionOf(id, [&](const StoredDecision& sd) {
    AddSensitive(sd.decision, &because);
    return true;
  });
  if (!walked.ok()) return walked;
  SortUnique(&because);
  return because;
}

bool BlurredCategory(const std::string& category) {
  return category == "protection_of_minors" || category == "violence" || category == "self_harm" ||
         category == "animal_welfare";
}

Result<OJson> ItemViewJson(Store& store, const std::string& id, int64_t now) {
  if (now == 0) now = static_cast<int64_t>(std::time(nullptr));
  OJson j;
  j["id"] = id;
  std::set<std::string> countries;  // the ones anything about the item concerns
  bool known = false;

  auto versions = store.PostVersions(id);
  if (!versions.ok()) return versions.status();
  j["current_version"] = versions->empty() ? OJson(nullptr) : OJson(versions->back().version);
  j["versions"] = OJson::array();
  for (const PostVersion& v : *versions) {
    known = true;
    if (!v.post.region.empty()) countries.insert(v.post.region);
    j["versions"].push_back(VersionJson(v));
  }

  auto reviews = store.ListDecisionReviews();
  if (!reviews.ok()) return reviews.status();
  auto reversals = DecisionReversals::Load(store);
  if (!reversals.ok()) return reversals.status();
  j["decisions"] = OJson::array();
  std::vector<std::string> sensitive_because;
  auto version_of = [&](int64_t number) -> const PostVersion* {
    for (const PostVersion& v : *versions)
      if (v.version == number) return &v;
    return versions->empty() ? nullptr : &versions->back();
  };
  Status walked = store.ForEachDecisionOf(id, [&](const StoredDecision& sd) {
    known = true;
    const Decision& d = sd.decision;
    OJson x;
    x["policy"] = d.policy;
    x["version"] = d.version;
    x["action"] = std::string(ActionName(d.action));
    x["scope"] = d.scope;
    x["category"] = d.category;
    x["rule"] = d.rule;
    x["reason"] = d.reason;
    x["review"] = d.review;
    x["stored_at"] = FormatTimestamp(sd.stored_at);
    x["reviewed"] = nullptr;
    for (const DecisionReview& r : *reviews)
      if (r.item == id && r.policy == d.policy)
        x["reviewed"] = {{"verdict", r.verdict}, {"reason", r.reason}, {"by", r.actor}, {"at", FormatTimestamp(r.at)}};
    // Whether the decision stands or was reversed (cases/standing.h).
    if (const Reversal* r = reversals->Find(d); r != nullptr)
      x["reversed"] = {{"how", r->how}, {"by", r->by}, {"reason", r->reason}, {"at", FormatTimestamp(r->at)},
                       {"appeal", r->appeal.empty() ? OJson(nullptr) : OJson(r->appeal)}};
    else
      x["reversed"] = nullptr;
    x["signals"] = SignalsJson(d, version_of(d.version));
    for (const std::string& c : d.scope) countries.insert(c);
    AddSensitive(d, &sensitive_because);
    j["decisions"].push_back(std::move(x));
    return true;
  });
  if (!walked.ok()) return walked;

  auto cases = store.ListCases({});
  if (!cases.ok()) return cases.status();
  j["cases"] = OJson::array();
  for (const CaseRecord& c : *cases) {
    if (c.kind != "order" && c.kind != "notice" && c.kind != kAppealKind) continue;
    OJson body = OJson::parse(c.body, nullptr, false);
    if (!body.is_object()) continue;
    bool names = false;
    OJson version = nullptr;
    if (c.kind == "order" && body.contains("targets") && body["targets"].is_array()) {
      for (const OJson& t : body["targets"])
        if (t.is_object() && t.value("item", "") == id) {
          names = true;
          if (t.contains("version")) version = t["version"];
        }
    } else if (c.kind == kAppealKind && body.contains("decision") && body["decision"].is_object()) {
      names = body["decision"].value("item", "") == id;
      if (names) version = body["decision"].value("version", OJson(nullptr));
    } else if (c.kind == "notice" && body.contains("location") && body["location"].is_array()) {
      for (const OJson& l : body["location"]) names = names || (l.is_string() && l.get<std::string>() == id);
      if (names && body.contains("versions") && body["versions"].is_object() && body["versions"].contains(id))
        version = body["versions"][id];
    }
    if (!names) continue;
    known = true;
    if (!c.jurisdiction.empty()) countries.insert(c.jurisdiction);
    OJson x;
    x["id"] = c.id;
    x["kind"] = c.kind;
    x["issuer"] = c.issuer;
    x["jurisdiction"] = c.jurisdiction;
    x["state"] = c.state;
    x["version"] = version;
    x["received"] = TimeOrNull(c.received);
    if (c.kind == "order") {
      auto o = OrderFromJson(c.body);
      if (!o.ok()) return o.status();
      x["standing"] = std::string(OrderStanding(*o));
    }
    j["cases"].push_back(std::move(x));
  }
  if (!known) return Status::NotFound("no item \"" + id + "\" is stored");

  // Visibility from each country concerned ("EU" stands for its members:
  // asked for one of them, Germany), and from anywhere else.
  OJson visibility = OJson::object();
  countries.insert("anywhere else");
  for (const std::string& c : countries) {
    const std::string ask = c == "EU" ? "DE" : c == "anywhere else" ? "ZZ" : c;
    auto v = VisibleFrom(store, id, ask);
    if (!v.ok()) return v.status();
    visibility[c] = {{"visible", v->visible}, {"because", v->because}, {"reversed", v->reversed}};
  }
  j["visibility"] = std::move(visibility);

  // The item's media are blurred until revealed (POST /v1/items/{id}/media/{n}/reveal).
  SortUnique(&sensitive_because);
  j["sensitive"] = {{"blur", !sensitive_because.empty()}, {"because", sensitive_because}};

  // The author (the current version's account).
  std::string account;
  if (!versions->empty()) account = versions->back().post.account;
  if (account.empty()) {
    Status w = store.ForEachDecisionOf(id, [&](const StoredDecision& sd) {
      account = sd.decision.account;
      return account.empty();
    });
    if (!w.ok()) return w;
  }
  if (account.empty()) {
    j["account"] = nullptr;
  } else {
    auto a = AccountJson(store, account, *reversals, now);
    if (!a.ok()) return a.status();
    j["account"] = std::move(a).value();
  }
  return j;
}

}  // namespace evenhand
