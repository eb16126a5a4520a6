// Hash-exchange inputs (issue 21, point 4): ThreatExchange / HMA / StopNCII
// hash lists, signed bank snapshots and deltas. The first byte picks the
// reader: 0..4 ParseSignalList with auto, te-csv, te-file, te-updates,
// stopncii; 5 ParseSnapshot (unsigned accepted, then the bank rebuilt from
// its entries); 6 ParseDelta, applied to an empty snapshot of its bank;
// 7 NCMEC XML, its records applied to an MD5 bank holding referenced entries.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "exchange/bank_entries.h"
#include "exchange/category_map.h"
#include "exchange/signal_import.h"
#include "exchange/signal_list.h"
#include "exchange/snapshot.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const uint8_t mode = data[0] % 8;
  const VerifyOptions opts{"", true};
  if (mode < 5) {
    static const SignalFormat kFormats[] = {SignalFormat::kAuto, SignalFormat::kTeCsv, SignalFormat::kTeFile,
                                            SignalFormat::kTeUpdates, SignalFormat::kStopNcii};
    SignalList list;
    (void)ParseSignalList(text, "fuzz", kFormats[mode], &list);
  } else if (mode == 7) {
    SignalList list;
    if (ParseSignalList(text, "fuzz.xml", SignalFormat::kNcmecXml, &list).ok()) {
      std::vector<std::string> entries = {"a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1,ncmec ncmec:image:image1",
                                          "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1,ncmec:video:v ncmec"};
      std::string category;
      SignalImportCounts counts;
      ApplySignals(list.records, BankKind::kMd5, false, CategoryMap(), &category, &entries, &counts);
    }
  } else if (mode == 5) {
    auto st = ParseSnapshot(text, "fuzz.snap", opts);
    if (st.ok()) (void)BuildBank(st->manifest.kind, st->manifest.info, st->entries, "fuzz.snap");
  } else {
    auto d = ParseDelta(text, "fuzz.delta", opts);
    if (d.ok()) {
      BankState empty;
      empty.manifest = d->manifest;
      empty.manifest.delta = false;
      empty.manifest.version = d->manifest.from_version;
      empty.manifest.content = d->manifest.from_content;
      (void)ApplyDelta(empty, *d);
    }
  }
  return 0;
}
