// A policy and the files it reads, as one byte string: what `evenhand
// policy publish` puts in the JetStream key-value bucket and what a worker
// unpacks into a folder of its own to load (issue 18).
//
//   auto bundle = PackPolicyBundle("examples/policy.yaml");   // checks it first
//   auto path = UnpackPolicyBundle(*bundle, "/tmp/w/rev7");   // -> "/tmp/w/rev7/policy.yaml"
//   PolicyLoader::Load(*path);
//
// Pack loads the policy (PolicyLoader: a policy that does not check is
// refused with its diagnostics) and takes the policy file, its term-list
// files, bank files and classifier models. Every one must lie inside the
// policy file's folder (the same relative paths work on the worker);
// anything else is refused, naming the file. The result is at most
// `max_bytes`; a bigger one is refused (banks and models that large are
// installed on the workers, not published).
//
// Format: "evenhand-policy-bundle 1\n", then per file "PATH\nSIZE\n" and
// SIZE bytes; the first file is the policy. Unpack accepts only relative
// paths without "..", ".", empty or hidden components, at most 256 files,
// and writes nothing outside `dir` (which it creates); any fault is an
// Invalid status saying what is wrong, with nothing loaded.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/status.h"

namespace evenhand {

constexpr size_t kPolicyBundleMaxBytes = 1000 * 1000;  // under NATS's default 1 MiB message

Result<std::string> PackPolicyBundle(const std::string& policy_path, size_t max_bytes = kPolicyBundleMaxBytes);

// Writes the bundle's files under `dir`; returns the policy file's path.
Result<std::string> UnpackPolicyBundle(std::string_view bundle, const std::string& dir);

}  // namespace evenhand
