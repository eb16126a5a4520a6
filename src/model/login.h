// Sign-up and login records of an account: when, from which network
// address and source port, on which device. They are personal data (IP
// addresses identify people): they are stored for data-disclosure requests
// (cases/datareq_package.h), never shown by scans, and disclosed only under
// a legal process that covers them, after a second person approves.
//
// JSONL (model/jsonl_reader.h) and POST /v1/logins:
//   {"kind":"login","account":ID,"ts":RFC3339,"ip":IP,"port":N,"device":S,
//    "event":"login"|"signup"}
// account, ts and ip are required; port (1-65535), device and event
// (default "login") are optional. The address is stored in its canonical
// text form (inet_ntop), so "2001:DB8::0:1" and "2001:db8::1" are one.
// Plain data and pure functions; thread safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace evenhand {

enum class LoginEvent { kLogin, kSignup };

std::string_view LoginEventName(LoginEvent e);  // "login", "signup"
std::optional<LoginEvent> ParseLoginEvent(std::string_view name);

struct LoginRecord {
  std::string account;
  int64_t ts = 0;         // unix seconds
  std::string ip;         // canonical IPv4 or IPv6 text
  int port = 0;           // source port; 0 = not given
  std::string device;     // as given; may be empty
  LoginEvent event = LoginEvent::kLogin;

  void Clear() {
    account.clear(); ts = 0; ip.clear(); port = 0; device.clear(); event = LoginEvent::kLogin;
  }
};

// How many login records an account has in some time range (retention).
struct LoginAge {
  std::string account;
  int64_t count = 0;
  int64_t oldest = 0, newest = 0;  // unix seconds
};

// The canonical text of an IPv4 or IPv6 address (no port, no brackets, no
// zone); nullopt when `text` is not one.
std::optional<std::string> CanonicalIp(std::string_view text);

}  // namespace evenhand
