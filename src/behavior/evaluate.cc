#include "behavior/evaluate.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

namespace evenhand::behavior {

nlohmann::ordered_json EvaluationResult::ToJson() const {
  nlohmann::ordered_json j;
  j["precision"] = precision;
  j["recall"] = recall;
  j["planted_accounts"] = planted_accounts;
  j["flagged_accounts"] = flagged_accounts;
  j["true_positives"] = true_positives;
  j["planted_networks"] = planted_networks;
  j["found_networks"] = found_networks;
  j["detected_networks"] = detected_networks;
  j["lookalike_accounts"] = lookalike_accounts;
  j["lookalikes_flagged"] = lookalikes_flagged;
  j["heavy_accounts"] = heavy_accounts;
  j["heavy_flagged"] = heavy_flagged;
  j["bot_accounts"] = bot_accounts;
  j["bots_flagged"] = bots_flagged;
  j["worst_network_recall"] = worst_network_recall;
  j["missed_networks_19_plus"] = missed_large_networks;
  nlohmann::ordered_json c = nlohmann::ordered_json::object();
  for (const auto& [k, v] : by_class)
    c[k] = {{"networks", v.networks}, {"found", v.found},          {"accounts", v.accounts},
            {"flagged", v.flagged},   {"recall", v.recall},        {"worst_network_recall", v.worst_network_recall},
            {"missed_networks_19_plus", v.missed_large}};
  j["by_class"] = c;
  return j;
}

Result<EvaluationResult> Evaluate(const nlohmann::json& truth, const std::vector<std::vector<std::string>>& detected) {
  if (!truth.is_object() || !truth.contains("networks") || !truth["networks"].is_array())
    return Status::Invalid("ground truth: \"networks\" array missing");
  EvaluationResult r;
  std::unordered_map<std::string, size_t> planted;  // account -> planted network
  size_t i = 0;
  for (const auto& n : truth["networks"]) {
    if (!n.contains("accounts") || !n["accounts"].is_array())
      return Status::Invalid("ground truth: networks[" + std::to_string(i) + "].accounts missing");
    for (const auto& a : n["accounts"]) planted.emplace(a.get<std::string>(), i);
    ++i;
  }
  r.planted_networks = i;
  r.planted_accounts = planted.size();
  std::unordered_set<std::string> flagged;
  for (const auto& net : detected) flagged.insert(net.begin(), net.end());
  r.detected_networks = detected.size();
  r.flagged_accounts = flagged.size();
  std::vector<uint64_t> hits(i, 0), sizes(i, 0);
  for (const auto& [a, n] : planted) {
    sizes[n]++;
    if (flagged.count(a)) {
      hits[n]++;
      r.true_positives++;
    }
  }
  for (size_t n = 0; n < i; ++n) {
    bool found = 2 * hits[n] >= sizes[n] && sizes[n] > 0;
    r.found_networks += found;
    const auto& tn = truth["networks"][n];
    std::string kind = tn.contains("kind") && tn["kind"].is_string() ? tn["kind"].get<std::string>() : "";
    ClassEvaluation& c = r.by_class[kind];
    c.networks++;
    c.found += found;
    c.accounts += sizes[n];
    c.flagged += hits[n];
    double rec = sizes[n] ? static_cast<double>(hits[n]) / sizes[n] : 1.0;
    c.worst_network_recall = std::min(c.worst_network_recall, rec);
    r.worst_network_recall = std::min(r.worst_network_recall, rec);
    if (!found && sizes[n] >= 19) c.missed_large++, r.missed_large_networks++;
  }
  for (auto& [k, c] : r.by_class) c.recall = c.accounts ? static_cast<double>(c.flagged) / c.accounts : 1.0;
  auto count = [&](const char* key, uint64_t* total, uint64_t* hit) {
    if (!truth.contains(key) || !truth[key].is_array()) return;
    for (const auto& a : truth[key]) {
      ++*total;
      *hit += flagged.count(a.get<std::string>());
    }
  };
  count("lookalike_accounts", &r.lookalike_accounts, &r.lookalikes_flagged);
  count("heavy_accounts", &r.heavy_accounts, &r.heavy_flagged);
  count("bot_accounts", &r.bot_accounts, &r.bots_flagged);
  r.precision = r.flagged_accounts ? static_cast<double>(r.true_positives) / r.flagged_accounts : 1.0;
  r.recall = r.planted_accounts ? static_cast<double>(r.true_positives) / r.planted_accounts : 1.0;
  return r;
}

}  // namespace evenhand::behavior
