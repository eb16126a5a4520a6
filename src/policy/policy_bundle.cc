#include "policy/policy_bundle.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

#include "policy/loader.h"

namespace evenhand {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "evenhand-policy-bundle 1\n";
constexpr size_t kMaxFiles = 256;

// `file` (absolute or relative to `dir`) as a path relative to `dir`, or an
// error when it lies outside it.
Result<std::string> Inside(const fs::path& dir, const std::string& file, const std::string& what) {
  fs::path p(file);
  if (p.is_relative()) p = dir / p;
  const fs::path rel = p.lexically_normal().lexically_relative(dir.lexically_normal());
  if (rel.empty() || *rel.begin() == "..")
    return Status::Invalid(what + " " + file + " is outside the policy's folder " + dir.string() +
                           ": a published policy carries its files, so they must lie beside it");
  return rel.generic_string();
}

Status ReadWhole(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path.string());
  std::ostringstream s;
  s << in.rdbuf();
  *out = std::move(s).str();
  return Status::Ok();
}

// The term-list files the policy names (the loader keeps only their terms).
std::vector<std::string> ListFiles(const std::string& policy_path) {
  std::vector<std::string> files;
  YAML::Node root = YAML::LoadFile(policy_path);  // parsed fine by the loader just before
  const YAML::Node lists = root["lists"];
  if (!lists || !lists.IsMap()) return files;
  for (const auto& entry : lists) {
    const YAML::Node f = entry.second.IsMap() ? entry.second["files"] : YAML::Node();
    if (!f || !f.IsSequence()) continue;
    for (const YAML::Node& one : f) files.push_back(one.as<std::string>());
  }
  return files;
}

bool SafeComponent(const std::string& c) { return !c.empty() && c != "." && c != ".." && c[0] != '.'; }

// Checks a path from a bundle: relative, no empty/dot/hidden components.
bool SafeRelative(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.find('\\') != std::string_view::npos ||
      path.find('\0') != std::string_view::npos)
    return false;
  size_t start = 0;
  for (;;) {
    const size_t slash = path.find('/', start);
    if (!SafeComponent(std::string(path.substr(start, slash - start)))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace

Result<std::string> PackPolicyBundle(const std::string& policy_path, size_t max_bytes) {
  auto policy = PolicyLoader::Load(policy_path);
  if (!policy.ok()) return policy.status();
  const fs::path dir = fs::absolute(policy_path).parent_path();
  std::vector<std::string> files = {fs::path(policy_path).filename().string()};
  std::set<std::string> seen(files.begin(), files.end());
  auto add = [&](const std::string& file, const std::string& what) -> Status {
    auto rel = Inside(dir, file, what);
    if (!rel.ok()) return rel.status();
    if (seen.insert(*rel).second) files.push_back(*rel);
    return Status::Ok();
  };
  try {
    for (const std::string& f : ListFiles(policy_path))
      if (Status s = add(f, "term list"); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return Status::Invalid(policy_path + ": " + e.what());
  }
  for (const BankRef& b : (*policy)->banks())
    if (Status s = add(b.file, "bank " + b.name + ": file"); !s.ok()) return s;
  for (const ClassifierRef& c : (*policy)->classifiers())
    if (Status s = add(c.file, "classifier " + c.name + ": model"); !s.ok()) return s;

  std::string out(kMagic);
  std::string data;
  for (const std::string& rel : files) {
    if (Status s = ReadWhole(dir / rel, &data); !s.ok()) return s;
    out.append(rel).append("\n").append(std::to_string(data.size())).append("\n").append(data);
    if (out.size() > max_bytes)
      return Status::Invalid(policy_path + ": the policy and its files take more than " + std::to_string(max_bytes) +
                             " bytes (at " + rel + "); install large banks and models on the workers instead");
  }
  return out;
}

Result<std::string> UnpackPolicyBundle(std::string_view bundle, const std::string& dir) {
  auto bad = [](const std::string& why) { return Status::Invalid("policy bundle: " + why); };
  if (bundle.substr(0, kMagic.size()) != kMagic) return bad("not an evenhand policy bundle (no header)");
  struct File {
    std::string_view path, data;
  };
  std::vector<File> files;
  size_t at = kMagic.size();
  while (at < bundle.size()) {
    if (files.size() == kMaxFiles) return bad("more than " + std::to_string(kMaxFiles) + " files");
    const size_t nl = bundle.find('\n', at);
    if (nl == std::string_view::npos) return bad("a file name without its size");
    const std::string_view path = bundle.substr(at, nl - at);
    if (!SafeRelative(path)) return bad("file name \"" + std::string(path) + "\" is not a plain relative path");
    const size_t nl2 = bundle.find('\n', nl + 1);
    if (nl2 == std::string_view::npos) return bad("file " + std::string(path) + " without its size");
    size_t size = 0;
    auto [ptr, ec] = std::from_chars(bundle.data() + nl + 1, bundle.data() + nl2, size);
    if (ec != std::errc() || ptr != bundle.data() + nl2) return bad("file " + std::string(path) + ": bad size");
    if (size > bundle.size() - nl2 - 1) return bad("file " + std::string(path) + " is cut short");
    files.push_back({path, bundle.substr(nl2 + 1, size)});
    at = nl2 + 1 + size;
  }
  if (files.empty()) return bad("no policy file");
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::Io("cannot make " + dir + ": " + ec.message());
  for (const File& f : files) {
    const fs::path target = fs::path(dir) / std::string(f.path);
    fs::create_directories(target.parent_path(), ec);
    std::ofstream out(target, std::ios::binary | std::ios::trunc);
    out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
    if (!out.flush()) return Status::Io("cannot write " + target.string());
  }
  return (fs::path(dir) / std::string(files.front().path)).string();
}

}  // namespace evenhand
