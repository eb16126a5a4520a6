// An in-process `evenhand serve` for the server tests: a fresh store in a
// temporary directory, registered authorities, one key per role, and the
// server on an ephemeral loopback port, driven with cpp-httplib's client.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "server/api_key.h"
#include "server/server.h"
#include "store/store.h"

namespace evenhand::server::test {

inline const std::string kSource = EVENHAND_SOURCE_DIR;

struct Reply {
  int status = 0;  // 0: no answer
  std::string body;
  nlohmann::json json;  // discarded when the body is not JSON
  std::string retry_after;
  std::string content_type;
  std::string code() const {
    return json.is_object() && json.contains("error") ? json["error"].value("code", "") : "";
  }
};

class TestServer {
 public:
  // `tweak` may change the options before the server starts.
  explicit TestServer(const std::function<void(ServerOptions&)>& tweak = nullptr) {
    dir_ = std::filesystem::temp_directory_path() /
           ("evenhand-server-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    db_ = (dir_ / "db.sqlite").string();
    {
      auto store = OpenStore(db_);
      EXPECT_TRUE(store.ok()) << store.status().message();
      Store& s = **store;
      EXPECT_TRUE(s.PutAuthority({"pta", "Pakistan Telecommunication Authority", "PK", "regulator", 0}, "test").ok());
      EXPECT_TRUE(s.PutAuthority({"fia", "Federal Investigation Agency", "PK", "law_enforcement", 0}, "test").ok());
      EXPECT_TRUE(s.PutAuthority({"anatel", "Anatel", "BR", "regulator", 0}, "test").ok());
      EXPECT_TRUE(s.PutAccount({"acc1", 1'700'000'000, "PK"}).ok());
      // One person per key, named as the key is called here.
      keys_["authority"] = MakeKey(s, "authority", Role::kAuthority, "pta");
      keys_["authority_b"] = MakeKey(s, "authority_b", Role::kAuthority, "fia");
      keys_["moderator"] = MakeKey(s, "moderator", Role::kModerator, "");
      keys_["moderator2"] = MakeKey(s, "moderator2", Role::kModerator, "");
      keys_["auditor"] = MakeKey(s, "auditor", Role::kAuditor, "");
      keys_["admin"] = MakeKey(s, "admin", Role::kAdmin, "");
    }
    options_.db = db_;
    options_.policy = kSource + "/examples/policy.yaml";
    options_.regimes = kSource + "/policies/regimes";
    options_.port = 0;
    options_.threads = 4;
    options_.rate_limit = 0;
    if (tweak) tweak(options_);
    auto srv = Server::Create(options_);
    EXPECT_TRUE(srv.ok()) << srv.status().message();
    if (!srv.ok()) return;
    server_ = std::move(srv).value();
    auto port = server_->Bind();
    EXPECT_TRUE(port.ok()) << port.status().message();
    port_ = port.ok() ? *port : 0;
    if (!options_.ops_host.empty()) {
      auto ops = server_->BindOps();
      EXPECT_TRUE(ops.ok()) << ops.status().message();
      ops_port_ = ops.ok() ? *ops : 0;
    }
    thread_ = std::thread([this] { run_status_ = server_->Run(); });
  }

  ~TestServer() {
    Stop();
    server_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Stop() {
    if (thread_.joinable()) {
      server_->Stop();
      thread_.join();
    }
  }

  const std::string& key(const std::string& who) { return keys_[who]; }
  // A further key, named `name` here, for the person of an existing one
  // (e.g. a second key an admin mints for themself).
  const std::string& AnotherKey(const std::string& name, const std::string& person, Role role,
                                const std::string& authority = "") {
    auto store = OpenStore(db_, OpenMode::kMustExist);
    EXPECT_TRUE(store.ok());
    keys_[name] = MakeKey(**store, person, role, authority);
    return keys_[name];
  }
  const std::string& db() const { return db_; }
  const std::filesystem::path& dir() const { return dir_; }
  int port() const { return port_; }
  int ops_port() const { return ops_port_; }  // with options.ops_host set

  Reply Call(const std::string& method, const std::string& path, const std::string& who,
             const std::string& body = "") {
    httplib::Client cli("127.0.0.1", port_);
    cli.set_read_timeout(10, 0);
    httplib::Headers headers;
    if (!who.empty()) headers.emplace("Authorization", "Bearer " + (keys_.count(who) ? keys_[who] : who));
    httplib::Result r = method == "GET"      ? cli.Get(path.c_str(), headers)
                        : method == "DELETE" ? cli.Delete(path.c_str(), headers)
                        : method == "PUT"    ? cli.Put(path.c_str(), headers, body, "application/json")
                                             : cli.Post(path.c_str(), headers, body, "application/json");
    Reply out;
    if (!r) return out;
    out.status = r->status;
    out.body = r->body;
    out.retry_after = r->get_header_value("Retry-After");
    out.content_type = r->get_header_value("Content-Type");
    out.json = nlohmann::json::parse(out.body, nullptr, false);
    return out;
  }

  // What the store holds now (its own connection).
  int64_t Decisions() {
    auto store = OpenStore(db_, OpenMode::kMustExist);
    int64_t n = 0;
    if (store.ok()) (void)(*store)->ForEachDecision("", [&](const StoredDecision&) { return ++n, true; });
    return n;
  }
  int64_t AuditEntries() {
    auto store = OpenStore(db_, OpenMode::kMustExist);
    int64_t n = 0;
    if (store.ok()) (void)(*store)->ForEachAudit([&](const AuditEntry&) { ++n; });
    return n;
  }
  AuditEntry LastAudit() {
    auto store = OpenStore(db_, OpenMode::kMustExist);
    AuditEntry last;
    if (store.ok()) (void)(*store)->ForEachAudit([&](const AuditEntry& e) { last = e; });
    return last;
  }
  int64_t Cases() {
    auto store = OpenStore(db_, OpenMode::kMustExist);
    if (!store.ok()) return -1;
    auto all = (*store)->ListCases({});
    return all.ok() ? static_cast<int64_t>(all->size()) : -1;
  }

  Status run_status() const { return run_status_; }

 private:
  static int& counter() {
    static int n = 0;
    return n;
  }
  // Registers `person` with `role` (unless registered) and makes them a key.
  static std::string MakeKey(Store& s, const std::string& person, Role role, const std::string& authority) {
    PersonRecord p{person, "", {std::string(RoleName(role))}, authority, 1'700'000'000};
    Status added = s.PutPerson(p, "test");
    EXPECT_TRUE(added.ok() || added.code() == Status::Code::kConflict) << added.message();
    auto k = GenerateApiKey(role, authority, std::string(RoleName(role)) + ":" + authority, 1'700'000'000);
    EXPECT_TRUE(k.ok());
    k->record.person = person;
    Status put = s.PutApiKey(k->record, "test");
    EXPECT_TRUE(put.ok()) << put.message();
    return k->key;
  }

  std::filesystem::path dir_;
  std::string db_;
  std::map<std::string, std::string> keys_;
  ServerOptions options_;
  std::unique_ptr<Server> server_;
  int port_ = 0;
  int ops_port_ = 0;
  std::thread thread_;
  Status run_status_;
};

}  // namespace evenhand::server::test
