#include "feeds/journal_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "feeds/record_parser.h"

namespace mm {

namespace {

bool is_blank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t') return false;
  return true;
}

}  // namespace

JournalReader::JournalReader(size_t max_line_bytes, size_t buffer_bytes)
    : max_line_(max_line_bytes),
      // Room for a whole line of the maximum length plus its "\r\n".
      capacity_(std::max<size_t>(1, std::min(buffer_bytes, max_line_bytes + 2))) {}

JournalReader::~JournalReader() { close_file(); }

void JournalReader::close_file() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<> JournalReader::open(const std::string& path) {
  close_file();
  path_ = path;
  error_.clear();
  begin_ = scan_ = end_ = 0;
  buffer_offset_ = line_number_ = file_size_ = 0;
  eof_ = false;

  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    return make_error(path + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd_, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      close_file();
      return make_error(path + ": " + std::strerror(EISDIR));
    }
    if (S_ISREG(st.st_mode)) file_size_ = uint64_t(st.st_size);
  }
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint; failure is harmless
  if (buffer_.size() != capacity_ + kJsonPadding) buffer_.assign(capacity_ + kJsonPadding, '\0');
  return {};
}

bool JournalReader::fill() {
  for (;;) {
    ssize_t n = ::read(fd_, buffer_.data() + end_, capacity_ - end_);
    if (n > 0) {
      end_ += size_t(n);
      return true;
    }
    if (n == 0) {
      eof_ = true;
      return true;
    }
    if (errno != EINTR) {
      error_ = path_ + ": " + std::strerror(errno);
      return false;
    }
  }
}

void JournalReader::make_room() {
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    buffer_offset_ += begin_;
    scan_ -= begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    // A line longer than the buffer: grow, at most to hold the longest allowed line.
    capacity_ = std::min(capacity_ * 2, max_line_ + 2);
    buffer_.resize(capacity_ + kJsonPadding, '\0');
  }
}

bool JournalReader::take_line(size_t start, size_t stop, std::string_view& line) {
  const char* p = buffer_.data() + start;
  size_t n = stop - start;
  if (n > 0 && p[n - 1] == '\r') --n;
  if (is_blank(p, n)) return false;
  line = std::string_view(p, n);
  return true;
}

JournalReader::Next JournalReader::skip_long_line() {
  ++line_number_;
  for (;;) {
    // Drop what is buffered of the line; only its end is looked for.
    buffer_offset_ += end_;
    begin_ = scan_ = end_ = 0;
    if (eof_) return Next::too_long;  // it was the last line, without "\n"
    if (!fill()) return Next::io_error;
    const void* nl = std::memchr(buffer_.data(), '\n', end_);
    if (nl != nullptr) {
      begin_ = scan_ = size_t(static_cast<const char*>(nl) - buffer_.data()) + 1;
      return Next::too_long;
    }
  }
}

JournalReader::Next JournalReader::next(std::string_view& line) {
  if (fd_ < 0) return Next::eof;
  for (;;) {
    const char* base = buffer_.data();
    const void* found = std::memchr(base + scan_, '\n', end_ - scan_);
    if (found != nullptr) {
      size_t start = begin_;
      size_t stop = size_t(static_cast<const char*>(found) - base);
      begin_ = scan_ = stop + 1;
      ++line_number_;
      size_t length = stop - start;
      if (length > 0 && base[stop - 1] == '\r') --length;
      if (length > max_line_) return Next::too_long;
      if (take_line(start, stop, line)) return Next::line;
      continue;
    }
    scan_ = end_;
    if (end_ - begin_ > max_line_ + 1) return skip_long_line();
    if (eof_) {
      if (begin_ == end_) return Next::eof;
      size_t start = begin_;
      begin_ = scan_ = end_;
      ++line_number_;
      if (end_ - start > max_line_ + (base[end_ - 1] == '\r' ? 1 : 0)) return Next::too_long;
      if (take_line(start, end_, line)) return Next::line;
      continue;
    }
    make_room();
    if (!fill()) return Next::io_error;
  }
}

}  // namespace mm
