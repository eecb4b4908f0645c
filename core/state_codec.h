// The byte form of engine state in a checkpoint (SCORING.md section 14): fixed-width
// little-endian integers, doubles as their bit patterns (a restored spread sum is the
// same double, so a report from a checkpoint is bit-identical to a full replay), and
// lengths before sequences. No versioning here: the checkpoint file carries a format
// number and a checksum, and refuses any other.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/decimal.h"

namespace mm {

static_assert(std::endian::native == std::endian::little, "checkpoints are written little-endian");

class StateWriter {
 public:
  template <class T>
    requires(std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, u128>)
  void put(T v) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &v, sizeof(T));
    out_.append(bytes, sizeof(T));
  }
  void put_bytes(const void* data, size_t size) { out_.append(static_cast<const char*>(data), size); }
  void put_string(std::string_view s) {
    put<uint64_t>(s.size());
    out_.append(s);
  }
  template <class T>
  void put_optional(const std::optional<T>& v) {
    put<uint8_t>(v.has_value());
    if (v) put(*v);
  }
  // A vector of trivially copyable values, as one block.
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put_vector(const std::vector<T>& v) {
    put<uint64_t>(v.size());
    put_bytes(v.data(), v.size() * sizeof(T));
  }

  // Field lists shared by saving and loading: visit(io, x) calls io(field) per field.
  template <class T>
  void operator()(const T& v) {
    if constexpr (std::is_same_v<T, bool>) put<uint8_t>(v);
    else put(v);
  }

  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

// Reads what a StateWriter wrote. Any read past the end (a truncated or foreign state)
// makes ok() false and returns zeros from then on: decoders check ok() once at the end.
class StateReader {
 public:
  explicit StateReader(std::string_view in) : in_(in) {}

  template <class T>
    requires(std::is_arithmetic_v<T> || std::is_enum_v<T> || std::is_same_v<T, u128>)
  T get() {
    T v{};
    get_bytes(&v, sizeof(T));
    return v;
  }
  template <class T>
  void get(T& v) {
    v = get<T>();
  }
  std::string get_string() {
    const uint64_t n = get_length(1);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  template <class T>
  void get_optional(std::optional<T>& v) {
    if (get<uint8_t>()) v = get<T>();
    else v.reset();
  }
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void get_vector(std::vector<T>& v) {
    const uint64_t n = get_length(sizeof(T));
    v.resize(n);
    get_bytes(v.data(), n * sizeof(T));
  }
  // A count of elements of at least `min_bytes` each: refused when the rest cannot hold them.
  uint64_t get_length(uint64_t min_bytes) {
    const uint64_t n = get<uint64_t>();
    if (n > (in_.size() - pos_) / (min_bytes ? min_bytes : 1)) {
      fail();
      return 0;
    }
    return n;
  }

  template <class T>
  void operator()(T& v) {
    if constexpr (std::is_same_v<T, bool>) v = get<uint8_t>() != 0;
    else get(v);
  }

  void fail() {
    ok_ = false;
    pos_ = in_.size();
  }
  bool ok() const { return ok_; }
  bool at_end() const { return pos_ == in_.size(); }

 private:
  void get_bytes(void* out, size_t size) {
    if (in_.size() - pos_ < size) {
      fail();
      std::memset(out, 0, size);
      return;
    }
    std::memcpy(out, in_.data() + pos_, size);
    pos_ += size;
  }

  std::string_view in_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace mm
