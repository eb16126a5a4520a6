#include "cases/item_view.h"

#include <set>

#include "cases/appeal_json.h"
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

}  // namespace

Result<OJson> ItemViewJson(Store& store, const std::string& id) {
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
    for (const std::string& c : d.scope) countries.insert(c);
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
  return j;
}

}  // namespace evenhand
