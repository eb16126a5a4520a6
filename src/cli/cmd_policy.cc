// `evenhand policy check FILE...`: parse, type-check and compile policies
// (`policy publish` is in cmd_stream.cc, built with NATS).
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "policy/loader.h"
#include "text/matcher.h"
#include "text/normalizer.h"

namespace evenhand::cli {

int CheckPolicyFile(const std::string& path) {
  auto diagnostics = PolicyLoader::Check(path);
  if (!diagnostics.empty()) {
    for (const auto& d : diagnostics) std::fprintf(stderr, "%s\n", d.ToString().c_str());
    return 1;
  }
  auto policy = PolicyLoader::Load(path);
  if (!policy.ok()) {
    std::fprintf(stderr, "%s\n", policy.status().message().c_str());
    return 1;
  }
  // Compiling the term lists catches terms that normalise to nothing.
  Normalizer normalizer;
  auto matcher = TermMatcher::Compile((*policy)->lists(), normalizer);
  if (!matcher.ok()) {
    std::fprintf(stderr, "%s: %s\n", path.c_str(), matcher.status().message().c_str());
    return 1;
  }
  size_t terms = 0;
  for (const auto& list : (*policy)->lists()) terms += list.terms.size();
  std::printf("%s: ok: policy %s, %zu lists with %zu terms, %zu rules\n", path.c_str(), (*policy)->id().c_str(),
              (*policy)->lists().size(), terms, (*policy)->rules().size());
  return 0;
}

void AddPolicyCommand(CLI::App& app, int* exit_code) {
  auto* policy = app.add_subcommand("policy", "Work with policy files");
  policy->require_subcommand(1);
  auto* check = policy->add_subcommand(
      "check", "Parse, type-check and compile policy files; report problems as FILE:LINE:COLUMN: message");
  auto files = std::make_shared<std::vector<std::string>>();
  check->add_option("files", *files, "Policy YAML files")->required()->check(CLI::ExistingFile);
  check->callback([files, exit_code] {
    int rc = 0;
    for (const auto& f : *files) rc |= CheckPolicyFile(f);
    *exit_code = rc;
  });
#ifdef EVENHAND_NATS
  AddPolicyPublishCommand(*policy, exit_code);
#endif
}

}  // namespace evenhand::cli
