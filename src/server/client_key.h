// ClientKey: the key under which the HTTP transport counts a client's open
// connections (--max-connections-per-address).
//
// An IPv4 address is its own key, and so is the IPv4 address inside an
// IPv4-mapped IPv6 address (a dual-stack listener sees "::ffff:a.b.c.d"), so
// one client is counted once however it arrives. Any other IPv6 address is
// keyed by its /64 prefix ("2001:db8:1:2::/64"): a single host commonly holds
// a whole /64 and could otherwise take a fresh address for every connection.
// Pure function, thread safe.
#pragma once

#include <string>

#include <boost/asio/ip/address.hpp>

namespace evenhand::server {

std::string ClientKey(const boost::asio::ip::address& address);

}  // namespace evenhand::server
