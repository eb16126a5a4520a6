// Which legal process covers which data field: the one place where the
// minimisation rule of data-disclosure requests is written down.
//
// Fields fall in three classes:
//   subscriber  account.id, account.created, account.country
//   metadata    account.posts.ids, account.posts.ts, account.posts.region,
//               account.posts.lang   (records about posts, not what they say)
//   content     account.posts.text   (what the user wrote)
//
// and a process covers these classes:
//   statutory_notice  subscriber                      (a notice under a
//                     statute reaches basic subscriber records only)
//   subpoena          subscriber                      (likewise: no judge has
//                     weighed access to records or content)
//   court_order       subscriber, metadata, content
//   warrant           subscriber, metadata, content
//   emergency_none    subscriber, metadata            (a deliberate, narrow
//                     choice: in an emergency the platform may answer before
//                     any process, but what people wrote waits for a court
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

enum class DataClass { kSubscriber, kMetadata, kContent };

std::string_view DataClassName(DataClass c);  // "subscriber", "metadata", "content"
// The class of a catalogue field; nullopt for a field not in the catalogue.
std::optional<DataClass> ClassOfField(std::string_view field);
bool ProcessCoversClass(LegalProcessKind kind, DataClass c);
// False for an unknown field.
bool ProcessCovers(LegalProcessKind kind, std::string_view field);

}  // namespace evenhand
