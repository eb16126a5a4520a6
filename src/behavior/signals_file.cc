#include "behavior/signals_file.h"

#include <fstream>

#include <nlohmann/json.hpp>

namespace evenhand::behavior {

Result<AccountBehaviorMap> LoadAccountSignals(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::Io(path + ": cannot open");
  AccountBehaviorMap out;
  std::string line;
  int64_t no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (line.empty()) continue;
    auto where = path + ":" + std::to_string(no) + ": ";
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (!j.is_object()) return Status::Invalid(where + "not a JSON object");
    if (!j.contains("account") || !j["account"].is_string()) return Status::Invalid(where + "account: missing or not a string");
    AccountBehavior b;
    struct Field {
      const char* name;
      double* out;
    } fields[] = {{"network_size", &b.network_size}, {"coordination_score", &b.coordination_score},
                  {"automation_score", &b.automation_score}, {"cluster_size", &b.cluster_size}};
    for (const Field& f : fields) {
      auto it = j.find(f.name);
      if (it == j.end()) continue;
      if (!it->is_number()) return Status::Invalid(where + f.name + ": not a number");
      *f.out = it->get<double>();
    }
    out[j["account"].get<std::string>()] = b;
  }
  return out;
}

}  // namespace evenhand::behavior
