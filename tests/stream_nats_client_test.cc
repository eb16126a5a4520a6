// The NATS client of src/stream (nats_client.h) against a real nats-server
// (tests/nats_server.h): publish acknowledgements, and what happens to
// messages whose acknowledgement never comes.
//
// - A message no stream takes is reported failed, not lost silently.
// - With the server frozen (SIGSTOP), WaitPublished gives up after its
//   timeout, counts every unacknowledged message as failed and leaves none
//   pending: the next wait has nothing to wait for. Published again once the
//   server is back, the same message ids are dropped as duplicates, so the
//   stream holds each message once.
// - Many clients made and dropped in one process: under the ASan build,
//   LeakSanitizer checks at this binary's exit that no library message is
//   lost (the natsMsg once seen leaked at `evenhand ingest` exit).
#include <gtest/gtest.h>

#include <string>

#include "nats_server.h"
#include "stream/nats_client.h"

namespace evenhand {
namespace {

class NatsClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::NatsServer& nats = testing::SharedNatsServer();
    if (nats.missing()) GTEST_SKIP() << nats.error();
    ASSERT_TRUE(nats.ready()) << nats.error();
  }
  std::unique_ptr<stream::NatsClient> Connect() {
    auto client = stream::NatsClient::Connect(testing::SharedNatsServer().url(), "evenhand test");
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return client.ok() ? std::move(client).value() : nullptr;
  }
};

TEST_F(NatsClientTest, AMessageNoStreamTakesIsReportedFailed) {
  auto nats = Connect();
  ASSERT_NE(nats, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(nats->Publish("nobody.listens", "x", "id" + std::to_string(i)).ok());
  uint64_t failed = 0;
  Status s = nats->WaitPublished(5000, &failed);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kIo);
  EXPECT_EQ(failed, 5u) << s.message();
  EXPECT_TRUE(nats->WaitPublished(1000, &failed).ok());  // nothing left pending
  EXPECT_EQ(failed, 0u);
}

TEST_F(NatsClientTest, UnacknowledgedMessagesAreTakenBackAndCountedFailed) {
  testing::NatsServer& server = testing::SharedNatsServer();
  auto nats = Connect();
  ASSERT_NE(nats, nullptr);
  ASSERT_TRUE(nats->EnsureStream(stream::StreamSpec{"FROZEN", "frozen"}).ok());
  constexpr int kMessages = 200;
  ASSERT_TRUE(server.Pause());
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(nats->Publish("frozen", "post " + std::to_string(i), "f" + std::to_string(i)).ok());
  uint64_t failed = 0;
  Status s = nats->WaitPublished(300, &failed);
  ASSERT_TRUE(server.Resume());
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not acknowledged within 300 ms"), std::string::npos) << s.message();
  EXPECT_EQ(failed, static_cast<uint64_t>(kMessages));
  // None is pending any more: the late acknowledgements are ignored.
  EXPECT_TRUE(nats->WaitPublished(5000, &failed).ok());
  EXPECT_EQ(failed, 0u);

  // The server took them once it woke up; sent again, each is a duplicate.
  for (int i = 0; i < kMessages; ++i)
    ASSERT_TRUE(nats->Publish("frozen", "post " + std::to_string(i), "f" + std::to_string(i)).ok());
  EXPECT_TRUE(nats->WaitPublished(10000, &failed).ok());
  EXPECT_EQ(failed, 0u);
  auto held = nats->StreamMessages("FROZEN");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  EXPECT_EQ(*held, static_cast<uint64_t>(kMessages));
}

TEST_F(NatsClientTest, ClientsComeAndGoWithEveryPublishAcknowledged) {
  for (int round = 0; round < 10; ++round) {
    auto nats = Connect();
    ASSERT_NE(nats, nullptr);
    ASSERT_TRUE(nats->EnsureStream(stream::StreamSpec{"ROUNDS", "rounds"}).ok());
    for (int i = 0; i < 500; ++i)
      ASSERT_TRUE(nats->Publish("rounds", "post", std::to_string(round) + "-" + std::to_string(i)).ok());
    uint64_t failed = 0;
    ASSERT_TRUE(nats->WaitPublished(10000, &failed).ok());
    EXPECT_EQ(failed, 0u);
  }
  auto nats = Connect();
  ASSERT_NE(nats, nullptr);
  EXPECT_EQ(*nats->StreamMessages("ROUNDS"), 5000u);
}

}  // namespace
}  // namespace evenhand
