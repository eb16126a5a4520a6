#include "cases/datareq_coverage.h"

namespace evenhand {

namespace {

struct FieldClass {
  std::string_view field;
  DataClass data_class;
};

constexpr FieldClass kFieldClasses[] = {
    {kFieldAccountId, DataClass::kSubscriber},      {kFieldAccountCreated, DataClass::kSubscriber},
    {kFieldAccountCountry, DataClass::kSubscriber}, {kFieldRegistrationIp, DataClass::kSubscriber},
    {kFieldLoginTs, DataClass::kTraffic},           {kFieldLoginIp, DataClass::kTraffic},
    {kFieldLoginPort, DataClass::kTraffic},         {kFieldLoginDevice, DataClass::kTraffic},
    {kFieldPostIds, DataClass::kMetadata},          {kFieldPostTs, DataClass::kMetadata},
    {kFieldPostRegion, DataClass::kMetadata},       {kFieldPostLang, DataClass::kMetadata},
    {kFieldPostText, DataClass::kContent},
};

// The coverage table of the header comment, row by row.
struct Coverage {
  LegalProcessKind kind;
  bool subscriber, traffic, metadata, content;
};

constexpr Coverage kCoverage[] = {
    {LegalProcessKind::kStatutoryNotice, true, false, false, false},
    {LegalProcessKind::kSubpoena, true, false, false, false},
    {LegalProcessKind::kCourtOrder, true, true, true, true},
    {LegalProcessKind::kWarrant, true, true, true, true},
    {LegalProcessKind::kEmergencyNone, true, true, true, false},
    {LegalProcessKind::kNone, false, false, false, false},
};

}  // namespace

std::string_view DataClassName(DataClass c) {
  switch (c) {
    case DataClass::kSubscriber: return "subscriber";
    case DataClass::kTraffic: return "traffic";
    case DataClass::kMetadata: return "metadata";
    case DataClass::kContent: return "content";
  }
  return "?";
}

std::optional<DataClass> ClassOfField(std::string_view field) {
  for (const FieldClass& f : kFieldClasses)
    if (f.field == field) return f.data_class;
  return std::nullopt;
}

bool ProcessCoversClass(LegalProcessKind kind, DataClass c) {
  for (const Coverage& row : kCoverage) {
    if (row.kind != kind) continue;
    switch (c) {
      case DataClass::kSubscriber: return row.subscriber;
      case DataClass::kTraffic: return row.traffic;
      case DataClass::kMetadata: return row.metadata;
      case DataClass::kContent: return row.content;
    }
  }
  return false;
}

bool ProcessCovers(LegalProcessKind kind, std::string_view field) {
  std::optional<DataClass> c = ClassOfField(field);
  return c && ProcessCoversClass(kind, *c);
}

}  // namespace evenhand
