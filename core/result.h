// The one error convention: a function that can fail returns Result<T> (or Result<>),
// holding either its value or an Error with a message a person can act on. Callers test
// it like a pointer (`if (!r) return r.error();`). Never thrown.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace mm {

struct Error {
  std::string message;
};

inline const std::string& empty_message() {
  static const std::string empty;
  return empty;
}

template <typename T = void>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(v_); }
  // The error's message; empty when ok (so a log line or a test never dereferences nothing).
  const std::string& message() const { return ok() ? empty_message() : error().message; }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const { return *error_; }
  const std::string& message() const { return ok() ? empty_message() : error_->message; }

 private:
  std::optional<Error> error_;
};

inline Error make_error(std::string message) { return Error{std::move(message)}; }

}  // namespace mm
