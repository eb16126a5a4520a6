#include "behavior/network_json.h"

#include <cmath>

#include "model/time.h"

namespace evenhand::behavior {

nlohmann::ordered_json NetworkToJson(const Network& n) {
  nlohmann::ordered_json j;
  j["network"] = n.id;
  j["size"] = n.accounts.size();
  j["score"] = std::round(n.score * 1000) / 1000;
  j["density"] = std::round(n.density * 1000) / 1000;
  j["significance"] = std::round(n.significance * 10) / 10;
  j["interval_seconds"] = n.interval_seconds;
  j["attached"] = n.attached;
  j["co_actions"] = n.co_actions;
  j["links"] = n.links;
  j["first"] = FormatTimestamp(n.first_ts);
  j["last"] = FormatTimestamp(n.last_ts);
  j["accounts"] = n.accounts;
  j["links_by_kind"] = n.kinds;
  j["countries"] = n.countries;
  nlohmann::ordered_json ev = nlohmann::ordered_json::array();
  for (const EvidenceSample& e : n.evidence) {
    nlohmann::ordered_json x;
    x["kind"] = e.kind;
    x["account_a"] = e.account_a;
    x["account_b"] = e.account_b;
    x["post_a"] = e.post_a;
    x["post_b"] = e.post_b;
    x["line_a"] = e.line_a;
    x["line_b"] = e.line_b;
    x["ts_a"] = FormatTimestamp(e.ts_a);
    x["ts_b"] = FormatTimestamp(e.ts_b);
    x["seconds_apart"] = e.ts_a > e.ts_b ? e.ts_a - e.ts_b : e.ts_b - e.ts_a;
    x["pair_co_actions"] = e.pair_weight;
    x["item"] = e.item;
    ev.push_back(std::move(x));
  }
  j["evidence"] = std::move(ev);
  j["bucket_seconds"] = n.bucket_seconds;
  nlohmann::ordered_json tl = nlohmann::ordered_json::array();
  for (const auto& [t, c] : n.timeline) tl.push_back({FormatTimestamp(t), c});
  j["timeline"] = std::move(tl);
  return j;
}

namespace {
template <typename T>
bool Get(const nlohmann::json& j, const char* field, T* out, std::string* err) {
  auto it = j.find(field);
  if (it == j.end()) {
    *err = std::string(field) + ": missing";
    return false;
  }
  try {
    *out = it->get<T>();
  } catch (const nlohmann::json::exception&) {
    *err = std::string(field) + ": wrong type";
    return false;
  }
  return true;
}
int64_t Ts(const std::string& s) { return ParseTimestamp(s).value_or(0); }
}  // namespace

Result<Network> NetworkFromJson(const nlohmann::json& j) {
  Network n;
  std::string err, first, last;
  if (!j.is_object()) return Status::Invalid("network: not an object");
  if (!Get(j, "network", &n.id, &err) || !Get(j, "score", &n.score, &err) || !Get(j, "density", &n.density, &err) ||
      !Get(j, "co_actions", &n.co_actions, &err) || !Get(j, "links", &n.links, &err) ||
      !Get(j, "first", &first, &err) || !Get(j, "last", &last, &err) || !Get(j, "accounts", &n.accounts, &err) ||
      !Get(j, "links_by_kind", &n.kinds, &err) || !Get(j, "countries", &n.countries, &err) ||
      !Get(j, "bucket_seconds", &n.bucket_seconds, &err))
    return Status::Invalid("network: " + err);
  n.first_ts = Ts(first);
  n.last_ts = Ts(last);
  n.significance = j.value("significance", 0.0);  // absent in networks stored before issue 16
  n.interval_seconds = j.value("interval_seconds", int64_t{0});
  n.attached = j.value("attached", 0u);
  for (const auto& x : j.value("evidence", nlohmann::json::array())) {
    EvidenceSample e;
    e.kind = x.value("kind", "");
    e.account_a = x.value("account_a", "");
    e.account_b = x.value("account_b", "");
    e.post_a = x.value("post_a", "");
    e.post_b = x.value("post_b", "");
    e.line_a = x.value("line_a", uint64_t{0});
    e.line_b = x.value("line_b", uint64_t{0});
    e.ts_a = Ts(x.value("ts_a", ""));
    e.ts_b = Ts(x.value("ts_b", ""));
    e.pair_weight = x.value("pair_co_actions", 0u);
    e.item = x.value("item", "");
    n.evidence.push_back(std::move(e));
  }
  for (const auto& x : j.value("timeline", nlohmann::json::array()))
    if (x.is_array() && x.size() == 2 && x[0].is_string() && x[1].is_number_unsigned())
      n.timeline.push_back({Ts(x[0].get<std::string>()), x[1].get<uint32_t>()});
  return n;
}

nlohmann::ordered_json ClusterToJson(const ClusterReport& c) {
  nlohmann::ordered_json j;
  j["cluster"] = c.summary.id;
  j["size"] = c.summary.size;
  j["accounts"] = c.summary.accounts;
  j["first"] = FormatTimestamp(c.summary.first_ts);
  j["last"] = FormatTimestamp(c.summary.last_ts);
  j["span_seconds"] = c.summary.last_ts - c.summary.first_ts;
  j["first_post"] = c.first_post;
  j["first_line"] = c.summary.first_ref;
  j["excerpt"] = c.excerpt;
  return j;
}

nlohmann::ordered_json AccountSignalsToJson(const AccountSignals& s, const BehaviorResult& r) {
  auto round3 = [](double v) { return std::round(v * 1000) / 1000; };
  nlohmann::ordered_json j;
  j["account"] = s.id;
  if (s.network >= 0) j["network"] = r.networks[s.network].id;
  j["network_size"] = s.network_size;
  j["coordination_score"] = round3(s.coordination_score);
  j["automation_score"] = round3(s.automation_score);
  j["cluster_size"] = s.max_cluster_size;
  j["posts"] = s.posts;
  j["rate_per_hour"] = round3(s.rate_per_hour);
  j["burstiness"] = round3(s.burstiness);
  j["regularity"] = round3(s.regularity);
  return j;
}

}  // namespace evenhand::behavior
