#include "model/login.h"

#include <arpa/inet.h>

namespace evenhand {

std::string_view LoginEventName(LoginEvent e) { return e == LoginEvent::kSignup ? "signup" : "login"; }

std::optional<LoginEvent> ParseLoginEvent(std::string_view name) {
  if (name == "login") return LoginEvent::kLogin;
  if (name == "signup") return LoginEvent::kSignup;
  return std::nullopt;
}

std::optional<std::string> CanonicalIp(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  text.copy(buf, text.size());
  buf[text.size()] = '\0';
  unsigned char bin[16];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, buf, bin) == 1) return std::string(inet_ntop(AF_INET, bin, out, sizeof out));
  if (inet_pton(AF_INET6, buf, bin) == 1) return std::string(inet_ntop(AF_INET6, bin, out, sizeof out));
  return std::nullopt;
}

}  // namespace evenhand
