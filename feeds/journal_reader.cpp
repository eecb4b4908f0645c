#include "feeds/journal_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <openssl/evp.h>
#include <simdjson.h>

#include "feeds/record_parser.h"

namespace mm {

namespace {

bool is_blank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i)
    if (p[i] != ' ' && p[i] != '\t') return false;
  return true;
}

}  // namespace

// ---- SHA-256 ---------------------------------------------------------------------------

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) { reset(); }

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::reset() { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }

void Sha256::update(const char* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }

std::string Sha256::finish_hex() {
  static const char* hex = "0123456789abcdef";
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx_, digest, &size);
  reset();
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 15]);
  }
  return out;
}

Result<std::string> sha256_of_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_error(path + ": " + std::strerror(errno));
  Sha256 hash;
  std::vector<char> buffer(size_t(1) << 20);
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int e = errno;
      ::close(fd);
      return make_error(path + ": " + std::strerror(e));
    }
    hash.update(buffer.data(), size_t(n));
  }
  ::close(fd);
  return hash.finish_hex();
}

// ---- header ------------------------------------------------------------------------------

namespace {

namespace dom = simdjson::dom;

Error header_error(std::string_view field, std::string_view why) {
  return make_error("journal header: " + std::string(field) + ": " + std::string(why));
}

// A string or null; false when it is neither.
bool read_optional_string(dom::element value, std::optional<std::string>& out) {
  if (value.is_null()) return true;
  std::string_view s;
  if (value.get_string().get(s)) return false;
  out = std::string(s);
  return true;
}

bool is_sha256_hex(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Result<JournalHeader> read_header_fields(dom::object root, dom::object journal) {
  JournalHeader h;
  if (root["ts"].get_int64().get(h.ts) || h.ts < 0) return header_error("ts", "missing or not a non-negative integer");
  if (journal["format"].get_int64().get(h.format)) return header_error("journal.format", "missing or not an integer");
  std::string_view text;
  if (journal["config_hash"].get_string().get(text)) return header_error("journal.config_hash", "missing or not a string");
  h.config_hash = text;
  if (journal["mmscore"].get_string().get(text)) return header_error("journal.mmscore", "missing or not a string");
  h.mmscore = text;
  dom::element value;
  if (journal["previous"].get(value) || !read_optional_string(value, h.previous))
    return header_error("journal.previous", "missing or not a string or null");
  if (journal["previous_sha256"].get(value) || !read_optional_string(value, h.previous_sha256))
    return header_error("journal.previous_sha256", "missing or not a string or null");
  if (h.previous_sha256 && !is_sha256_hex(*h.previous_sha256))
    return header_error("journal.previous_sha256", "not 64 lowercase hex digits");
  if (h.previous_sha256 && !h.previous) return header_error("journal.previous_sha256", "set without previous");
  return h;
}

}  // namespace

Result<std::optional<JournalHeader>> parse_journal_header(std::string_view line) {
  using Found = std::optional<JournalHeader>;
  if (line.find("\"journal\"") == std::string_view::npos) return Found{};  // cheap: most lines
  dom::parser parser;  // one line per file: no need to keep it
  dom::object root;
  if (parser.parse(line.data(), line.size(), true).get(root)) return Found{};  // the record parser refuses it
  dom::element journal;
  if (root["journal"].get(journal)) return Found{};
  dom::object fields;
  if (journal.get_object().get(fields)) return header_error("journal", "not an object");
  auto header = read_header_fields(root, fields);
  if (!header) return header.error();
  return Found{std::move(*header)};
}

// ---- reader ------------------------------------------------------------------------------

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
  eof_ = unterminated_ = false;
  hash_.reset();

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
      if (hash_on_) hash_.update(buffer_.data() + end_, size_t(n));
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
    if (eof_) {  // it was the last line, without "\n"
      unterminated_ = true;
      return Next::too_long;
    }
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
  unterminated_ = false;
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
      unterminated_ = true;
      if (end_ - start > max_line_ + (base[end_ - 1] == '\r' ? 1 : 0)) return Next::too_long;
      if (take_line(start, end_, line)) return Next::line;
      unterminated_ = false;  // blank: nothing was returned
      continue;
    }
    make_room();
    if (!fill()) return Next::io_error;
  }
}

}  // namespace mm
