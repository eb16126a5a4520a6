#include "model/status.h"

namespace evenhand {

std::string Status::ToString() const {
  switch (code_) {
    case Code::kOk: return "ok";
    case Code::kInvalid: return "invalid: " + message_;
    case Code::kNotFound: return "not found: " + message_;
    case Code::kIo: return "I/O error: " + message_;
    case Code::kCorrupt: return "corrupt: " + message_;
    case Code::kConflict: return "conflict: " + message_;
    case Code::kInternal: return "internal error: " + message_;
    case Code::kUnimplemented: return "not implemented: " + message_;
  }
  return message_;
}

}  // namespace evenhand
