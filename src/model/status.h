// Status: the result of an operation that can fail, carried across module
// edges instead of exceptions. An ok Status has an empty message. A failed
// Status says what went wrong in words a user can act on ("FILE:LINE: field:
// what is wrong"). Cheap to copy when ok; never throws.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace evenhand {

class Status {
 public:
  enum class Code { kOk = 0, kInvalid, kNotFound, kIo, kCorrupt, kConflict, kInternal, kUnimplemented };

  Status() = default;
  static Status Ok() { return Status(); }
  static Status Invalid(std::string msg) { return Status(Code::kInvalid, std::move(msg)); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status Io(std::string msg) { return Status(Code::kIo, std::move(msg)); }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  static Status Conflict(std::string msg) { return Status(Code::kConflict, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  // An operation this build or backend does not offer (yet); the message names it.
  static Status Unimplemented(std::string msg) { return Status(Code::kUnimplemented, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid: message" style text for logs and CLI errors.
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Result<T>: a value or a failed Status (an expected-style return).
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {}  // NOLINT: must not be ok
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  T* operator->() { return &value_; }
  const T* operator->() const { return &value_; }
  T& operator*() { return value_; }

 private:
  Status status_;
  T value_{};
};

}  // namespace evenhand
