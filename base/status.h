// Status and StatusOr: the error vocabulary shared by every layer.
//
// A Status is either OK or carries a canonical code and a message. Codes follow
// abseil's canonical names; only the subset the service needs exists. Callers branch
// on code() and never parse message(). Messages name where the failure happened
// (a JSON path, a prefetch key, a rule id) but never carry tokens or patient data.
//
// StatusOr<T> holds a T or a non-OK Status. Accessing value() of a non-OK StatusOr
// is a bug and aborts. Both types are cheap to move and are [[nodiscard]].
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace cds {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,       // the caller sent something malformed (HTTP 400)
  kNotFound,              // no such service, card or resource (HTTP 404)
  kFailedPrecondition,    // data a rule needs cannot be obtained (HTTP 412)
  kUnauthenticated,       // missing or invalid caller credentials (HTTP 401)
  kPermissionDenied,      // caller known but not allowed (HTTP 403)
  kResourceExhausted,     // a configured limit was exceeded (HTTP 413 / 503)
  kUnsupportedMediaType,  // body is not JSON (HTTP 415); not in abseil, kept explicit
  kUnavailable,           // a dependency (FHIR server) could not be reached
  kDeadlineExceeded,      // a deadline passed before the work finished
  kInternal,              // a bug; never shown to callers with its text
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy with "context: " prepended to the message, for adding the caller's
  // view of where the failure happened on the way up. OK stays OK.
  Status WithContext(std::string_view context) const;

  // "INVALID_ARGUMENT: message" (or "OK").
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return Status(StatusCode::kInvalidArgument, std::move(m));
}
inline Status NotFoundError(std::string m) { return Status(StatusCode::kNotFound, std::move(m)); }
inline Status FailedPreconditionError(std::string m) {
  return Status(StatusCode::kFailedPrecondition, std::move(m));
}
inline Status UnauthenticatedError(std::string m) {
  return Status(StatusCode::kUnauthenticated, std::move(m));
}
inline Status PermissionDeniedError(std::string m) {
  return Status(StatusCode::kPermissionDenied, std::move(m));
}
inline Status ResourceExhaustedError(std::string m) {
  return Status(StatusCode::kResourceExhausted, std::move(m));
}
inline Status UnsupportedMediaTypeError(std::string m) {
  return Status(StatusCode::kUnsupportedMediaType, std::move(m));
}
inline Status UnavailableError(std::string m) {
  return Status(StatusCode::kUnavailable, std::move(m));
}
inline Status DeadlineExceededError(std::string m) {
  return Status(StatusCode::kDeadlineExceeded, std::move(m));
}
inline Status InternalError(std::string m) { return Status(StatusCode::kInternal, std::move(m)); }

template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // REQUIRES: !status.ok(). An OK status without a value is turned into kInternal.
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = InternalError("StatusOr constructed from OK status");
  }
  StatusOr(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return status_.ok(); }
  const Status& status() const& { return status_; }
  Status status() && { return std::move(status_); }

  const T& value() const& {
    Check();
    return *value_;
  }
  T& value() & {
    Check();
    return *value_;
  }
  T&& value() && {
    Check();
    return std::move(*value_);
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  template <typename U>
  T value_or(U&& fallback) const& {
    return ok() ? *value_ : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  void Check() const {
    if (!value_.has_value()) std::abort();
  }
  Status status_;
  std::optional<T> value_;
};

}  // namespace cds
