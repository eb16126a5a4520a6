// Which legal process covers which data field: the one place where the
// minimisation rule of data-disclosure requests is written down.
//
// Fields fall in four classes, as the regimes distinguish them (PECA 2016
// and the Budapest Convention speak of subscriber information, traffic
// data and content data; the EU e-Evidence Regulation 2023/1543 counts the
// address an account was registered from as subscriber data):
//   subscriber  account.id, account.created, account.country,
//               account.registration_ip   (who holds the account, and the
//               address, source port and time it was registered from)
//   traffic     account.logins.ts, account.logins.ip, account.logins.port,
//               account.logins.device     (when and from where the account
//               was used)
//   metadata    account.posts.ids, account.posts.ts, account.posts.region,
//               account.posts.lang   (records about posts, not what they say)
//   content     account.posts.text   (what the user wrote)
//
// and a process covers these classes:
//   statutory_notice  subscriber                      (a notice under a
//                     statute reaches basic subscriber records only)
//   subpoena          subscriber                      (likewise: no judge has
//                     weighed access to records or content)
//   court_order       subscriber, traffic, metadata, content
//   warrant           subscriber, traffic, metadata, content
//   emergency_none    subscriber, traffic, metadata   (a deliberate, narrow
//                     choice: in an emergency the platform may answer before
//                     any process, and the login addresses are what finds a
//                     person at risk; what people wrote waits for a court
//                     order or warrant; the follow-up process, once recorded,
//                     governs a package prepared after it)
//   (none)            nothing
//
// A field that is asked for but not covered is withheld and listed as
// withheld in the package, with the reason. Pure functions; thread safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/data_request.h"

namespace evenhand {

enum class DataClass { kSubscriber, kTraffic, kMetadata, kContent };

std::string_view DataClassName(DataClass c);  // "subscriber", "traffic", "metadata", "content"
// The class of a catalogue field; nullopt for a field not in the catalogue.
std::optional<DataClass> ClassOfField(std::string_view field);
bool ProcessCoversClass(LegalProcessKind kind, DataClass c);
// False for an unknown field.
bool ProcessCovers(LegalProcessKind kind, std::string_view field);

}  // namespace evenhand
