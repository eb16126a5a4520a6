// SHA-256 (OpenSSL libcrypto) as lowercase hex.
#pragma once

#include <string>
#include <string_view>

namespace evenhand {

std::string Sha256Hex(std::string_view data);

}  // namespace evenhand
