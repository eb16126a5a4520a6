// Order, notice and data-request JSON: the submissions authorities send and
// the stored documents read back. The first byte picks the parser.
#include <cstdint>
#include <string_view>

#include "cases/datareq_json.h"
#include "cases/notice_json.h"
#include "cases/order_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace evenhand;
  if (size == 0) return 0;
  const std::string_view json(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr int64_t kNow = 1'750'000'000;
  switch (data[0] % 6) {
    case 0: (void)ParseOrderSubmission(json, kNow); break;
    case 1: (void)ParseNoticeSubmission(json, kNow); break;
    case 2: (void)ParseDataRequestSubmission(json, kNow); break;
    case 3: (void)OrderFromJson(json); break;
    case 4: (void)NoticeFromJson(json); break;
    default: (void)DataRequestFromJson(json); break;
  }
  return 0;
}
