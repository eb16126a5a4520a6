// policy/policy_bundle.h: a policy and its files packed for `policy
// publish` and unpacked by a worker. Round trip (the unpacked policy loads
// and has the same terms and rules), refusals when packing (a policy that
// does not check, a list file outside the policy's folder, too many bytes)
// and when unpacking (paths that would leave the folder, hidden names, a cut
// or foreign bundle) with nothing loaded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "policy/loader.h"
#include "policy/policy_bundle.h"

namespace evenhand {
namespace {

namespace fs = std::filesystem;

class PolicyBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/evenhand-bundle-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(PolicyBundleTest, TheExamplePolicyComesBackWithItsLists) {
  auto bundle = PackPolicyBundle("examples/policy.yaml");
  ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
  EXPECT_EQ(bundle->rfind("evenhand-policy-bundle 1\npolicy.yaml\n", 0), 0u);
  EXPECT_NE(bundle->find("\nlists/scams.en.txt\n"), std::string::npos);
  auto path = UnpackPolicyBundle(*bundle, (dir_ / "w").string());
  ASSERT_TRUE(path.ok()) << path.status().ToString();
  EXPECT_EQ(*path, (dir_ / "w" / "policy.yaml").string());
  auto original = PolicyLoader::Load("examples/policy.yaml");
  auto copy = PolicyLoader::Load(*path);
  ASSERT_TRUE(original.ok() && copy.ok()) << copy.status().ToString();
  EXPECT_EQ((*copy)->id(), (*original)->id());
  ASSERT_EQ((*copy)->lists().size(), (*original)->lists().size());
  for (size_t i = 0; i < (*copy)->lists().size(); ++i)
    EXPECT_EQ((*copy)->lists()[i].terms.size(), (*original)->lists()[i].terms.size());
  EXPECT_EQ((*copy)->rules().size(), (*original)->rules().size());
}

TEST_F(PolicyBundleTest, PackingRefusesWhatWouldNotWorkOnAWorker) {
  fs::create_directories(dir_ / "p");
  std::ofstream(dir_ / "outside.txt") << "free money\n";
  std::ofstream(dir_ / "p" / "out.yaml") << "policy: p\nversion: 1\nlists:\n  s:\n    files: [../outside.txt]\n"
                                         << "rules:\n  - id: r\n    when: list.s\n    action: review\n"
                                         << "    category: scams_and_fraud\n    reason: r\n";
  auto out = PackPolicyBundle((dir_ / "p" / "out.yaml").string());
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("term list ../outside.txt is outside the policy's folder"), std::string::npos)
      << out.status().message();

  std::ofstream(dir_ / "p" / "bad.yaml") << "policy: p\nversion: 1\nrules:\n  - id: r\n    when: list.none\n";
  auto bad = PackPolicyBundle((dir_ / "p" / "bad.yaml").string());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("bad.yaml:5:"), std::string::npos) << bad.status().message();

  auto big = PackPolicyBundle("examples/policy.yaml", 1000);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("more than 1000 bytes"), std::string::npos) << big.status().message();
}

TEST_F(PolicyBundleTest, UnpackingWritesNothingOutsideItsFolder) {
  const std::string head = "evenhand-policy-bundle 1\n";
  for (const char* name : {"../escape.yaml", "/etc/evil.yaml", "a/../../x", ".hidden", "a//b", "./p.yaml"}) {
    auto r = UnpackPolicyBundle(head + name + "\n2\nhi", (dir_ / "w").string());
    ASSERT_FALSE(r.ok()) << name;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalid);
    EXPECT_NE(r.status().message().find("not a plain relative path"), std::string::npos) << r.status().message();
  }
  EXPECT_FALSE(fs::exists(dir_ / "escape.yaml"));
  EXPECT_FALSE(fs::exists(dir_ / "w"));  // nothing written for a bad bundle
  auto cut = UnpackPolicyBundle(head + "p.yaml\n100\nshort", (dir_ / "w").string());
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("cut short"), std::string::npos);
  auto foreign = UnpackPolicyBundle("policy: p\n", (dir_ / "w").string());
  ASSERT_FALSE(foreign.ok());
  EXPECT_NE(foreign.status().message().find("not an evenhand policy bundle"), std::string::npos);
  auto empty = UnpackPolicyBundle(head, (dir_ / "w").string());
  EXPECT_FALSE(empty.ok());
}

}  // namespace
}  // namespace evenhand
