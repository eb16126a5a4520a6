#include "behavior/evaluate.h"

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
  for (size_t n = 0; n < i; ++n) r.found_networks += 2 * hits[n] >= sizes[n] && sizes[n] > 0;
  if (truth.contains("lookalike_accounts"))
    for (const auto& a : truth["lookalike_accounts"]) {
      r.lookalike_accounts++;
      r.lookalikes_flagged += flagged.count(a.get<std::string>());
    }
  r.precision = r.flagged_accounts ? static_cast<double>(r.true_positives) / r.flagged_accounts : 1.0;
  r.recall = r.planted_accounts ? static_cast<double>(r.true_positives) / r.planted_accounts : 1.0;
  return r;
}

}  // namespace evenhand::behavior
