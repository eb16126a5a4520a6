// HTTP requests as the server reads them: the bytes through Beast's request
// parser with the server's limits, the target through ParseTarget, the
// media type through IsJsonMediaType, and the request (routing, keys, body)
// through Api::Handle on a real store in /dev/shm. The first byte picks the
// Authorization header: none, a fuzzed one, or a valid moderator, authority
// or admin key, so bodies reach the route parsers. The store is new every
// 100,000 inputs (kFreshStoreEvery).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "server/api.h"
#include "server/api_key.h"
#include "server/http_target.h"
#include "store/store.h"

namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using namespace evenhand;
using namespace evenhand::server;

struct World {
  std::unique_ptr<Api> api;
  std::string keys[3];
};

std::string StoreDir() { return "/dev/shm/evenhand-http-fuzz-" + std::to_string(::getpid()); }

World* Make() {
  auto* w = new World;
  const std::string dir = StoreDir();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ServerOptions o;
  o.db = dir + "/db.sqlite";
  o.policy = std::string(EVENHAND_SOURCE_DIR) + "/examples/policy.yaml";
  o.regimes = std::string(EVENHAND_SOURCE_DIR) + "/policies/regimes";
  o.rate_limit = 0;
  o.threads = 1;
  {
    auto store = OpenStore(o.db);
    if (!store.ok()) std::abort();
    (void)(*store)->PutAuthority({"pta", "PTA", "PK", "regulator", 0}, "fuzz");
    const Role roles[3] = {Role::kModerator, Role::kAuthority, Role::kAdmin};
    for (int i = 0; i < 3; ++i) {
      // Every key belongs to a registered person holding its role.
      const std::string role(RoleName(roles[i]));
      PersonRecord person{"fuzz-" + role, "", {role}, roles[i] == Role::kAuthority ? "pta" : "", 1'700'000'000};
      if (!(*store)->PutPerson(person, "fuzz").ok()) std::abort();
      auto k = GenerateApiKeyFor(person, roles[i], "fuzz", 1'700'000'000);
      if (!k.ok() || !(*store)->PutApiKey(k->record, "fuzz").ok()) std::abort();
      w->keys[i] = k->key;
    }
  }
  auto api = Api::Create(o);
  if (!api.ok()) std::abort();
  w->api = std::move(api).value();
  return w;
}

}  // namespace

// The store is started over every kFreshStoreEvery inputs: list routes
// answer with every stored record (GET /v1/orders lists every order), so
// on a store that only grew the run slowed down as it went (half of its
// time in ListOrders after 2.3 million inputs).
constexpr uint64_t kFreshStoreEvery = 100'000;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = nullptr;
  static uint64_t inputs = 0;
  if (world == nullptr || ++inputs % kFreshStoreEvery == 0) {
    if (world == nullptr) std::atexit([] { std::filesystem::remove_all(StoreDir()); });
    delete world;
    world = Make();
  }
  if (size == 0) return 0;
  const int who = data[0] % 5;
  ++data;
  --size;
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 << 10);
  parser.body_limit(1 << 20);
  parser.eager(true);
  beast::error_code ec;
  size_t used = parser.put(boost::asio::buffer(data, size), ec);
  (void)used;
  if (ec == http::error::need_more) parser.put_eof(ec);
  if (!parser.is_header_done()) return 0;
  auto& req = parser.get();
  Target target;
  std::string error;
  if (!ParseTarget(req.target(), 4096, &target, &error)) return 0;
  auto type = req.find(http::field::content_type);
  const bool json = type != req.end() && IsJsonMediaType(type->value());
  if (!parser.is_done() || (!req.body().empty() && !json)) return 0;
  std::string auth;
  if (who == 1) auth = std::string(req[http::field::authorization]);
  if (who >= 2) auth = "Bearer " + world->keys[who - 2];
  ApiRequest ar;
  const std::string method(req.method_string());
  ar.method = method;
  ar.path = target.path;
  ar.authorization = auth;
  ar.body = req.body();
  ar.query = &target.query;
  ApiResponse r = world->api->Handle(ar);
  if (r.status >= 500 && r.status != 503) {
    std::fprintf(stderr, "status %d for %s %s: %s\n", r.status, method.c_str(), target.path.c_str(), r.body.c_str());
    std::abort();
  }
  return 0;
}
