// `evenhand visible ITEM --from CC`: may a viewer in CC see the item, and if
// not, which decisions and orders hide it, and which were reversed (see
// cases/visibility.h).
#include <cstdio>

#include <nlohmann/json.hpp>

#include "cases/visibility.h"
#include "cli/commands.h"

namespace evenhand::cli {

void AddVisibleCommand(CLI::App& app, int* exit_code) {
  struct Args {
    std::string db, item, country;
    bool json = false;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = app.add_subcommand(
      "visible", "Is ITEM visible from a country? Withheld items stay visible outside the withholding jurisdiction");
  cmd->add_option("--db", a->db, "Store URL: sqlite:PATH or a path to an SQLite file")->required();
  cmd->add_option("ITEM", a->item, "Item (post) id")->required();
  cmd->add_option("--from", a->country, "Viewer's country, ISO 3166-1 alpha-2 (e.g. PK, BR)")->required();
  cmd->add_flag("--json", a->json, "Print a JSON object instead of text");
  cmd->callback([a, exit_code] {
    auto store = OpenStore(a->db, OpenMode::kMustExist);
    if (!store.ok()) {
      std::fprintf(stderr, "evenhand visible: %s\n", store.status().message().c_str());
      *exit_code = 1;
      return;
    }
    auto answer = VisibleFrom(**store, a->item, a->country);
    if (!answer.ok()) {
      std::fprintf(stderr, "evenhand visible: %s\n", answer.status().message().c_str());
      *exit_code = 1;
      return;
    }
    if (!answer->item_known) {
      std::fprintf(stderr, "evenhand visible: no item \"%s\" in %s\n", a->item.c_str(), a->db.c_str());
      *exit_code = 1;
      return;
    }
    if (a->json) {
      nlohmann::ordered_json j;
      j["item"] = a->item;
      j["from"] = a->country;
      j["visible"] = answer->visible;
      j["because"] = answer->because;
      j["restricted_elsewhere"] = answer->elsewhere;
      j["reversed"] = answer->reversed;
      std::printf("%s\n", j.dump().c_str());
    } else {
      std::printf("%s from %s: %s\n", a->item.c_str(), a->country.c_str(), answer->visible ? "visible" : "hidden");
      for (const std::string& b : answer->because) std::printf("  %s\n", b.c_str());
      for (const std::string& e : answer->elsewhere) std::printf("  (elsewhere) %s\n", e.c_str());
      for (const std::string& r : answer->reversed) std::printf("  (reversed) %s\n", r.c_str());
    }
    *exit_code = 0;
  });
}

}  // namespace evenhand::cli
