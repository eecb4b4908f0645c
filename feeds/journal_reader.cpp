#include "feeds/journal_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include <openssl/evp.h>
#include <simdjson.h>
#include <zstd.h>

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

std::string sha256_hex(std::string_view bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.finish_hex();
}

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

bool is_compressed_journal(std::string_view path) {
  return path.size() >= 4 && path.substr(path.size() - 4) == ".zst";
}

std::string_view journal_name_as_written(std::string_view name) {
  return is_compressed_journal(name) ? name.substr(0, name.size() - 4) : name;
}

// ---- file bytes ------------------------------------------------------------------------

// Decompressed a cache-sized piece at a time: the lines are parsed while still in cache.
constexpr size_t kDecompressChunk = size_t(256) << 10;
// The first MiB of a .zst file is decompressed by the reading thread itself (a header
// check reads no more); beyond it a thread of the reader's own decompresses up to
// kAheadChunks pieces ahead, so decompression and parsing run on two cores.
constexpr uint64_t kInlineBytes = uint64_t(1) << 20;
constexpr size_t kAheadChunks = 8;

// Decompresses on its own thread, through `produce`, into a ring of pieces.
class Decompressor {
 public:
  // produce(dst, cap): > 0 bytes, 0 at the end, -1 an error; called on the thread only.
  explicit Decompressor(std::function<ssize_t(char*, size_t)> produce) : produce_(std::move(produce)) {
    for (size_t i = 0; i < kAheadChunks; ++i) {
      chunks_.emplace_back(kDecompressChunk);
      free_.push_back(i);
    }
    thread_ = std::thread([this] { run(); });
  }
  ~Decompressor() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

  ssize_t read(char* dst, size_t cap) {
    if (pos_ == size_) {
      std::unique_lock lock(mutex_);
      if (current_ != kNone) {
        free_.push_back(current_);
        current_ = kNone;
        cv_.notify_all();
      }
      if (end_ != 1) return end_;
      cv_.wait(lock, [&] { return !ready_.empty(); });
      const auto [index, n] = ready_.front();
      ready_.pop_front();
      if (n <= 0) return end_ = n;
      current_ = index;
      pos_ = 0;
      size_ = size_t(n);
    }
    const size_t n = std::min(cap, size_ - pos_);
    std::memcpy(dst, chunks_[current_].data() + pos_, n);
    pos_ += n;
    return ssize_t(n);
  }

 private:
  static constexpr size_t kNone = ~size_t(0);

  void run() {
    for (;;) {
      size_t index;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stop_ || !free_.empty(); });
        if (stop_) return;
        index = free_.back();
        free_.pop_back();
      }
      const ssize_t n = produce_(chunks_[index].data(), kDecompressChunk);
      {
        std::lock_guard lock(mutex_);
        ready_.emplace_back(index, n);
      }
      cv_.notify_all();
      if (n <= 0) return;
    }
  }

  std::function<ssize_t(char*, size_t)> produce_;
  std::vector<std::vector<char>> chunks_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<size_t> free_;
  std::deque<std::pair<size_t, ssize_t>> ready_;  // piece, bytes (0: the end, -1: an error)
  bool stop_ = false;
  std::thread thread_;
  // Reading thread only.
  size_t current_ = kNone, pos_ = 0, size_ = 0;
  ssize_t end_ = 1;  // 0 or -1 once reached
};

// A file's content as written: its bytes, or for a ".zst" file its decompressed bytes
// (streaming ZSTD_decompressStream; concatenated frames are read one after the other).
class JournalBytes {
 public:
  ~JournalBytes() {
    ahead_.reset();  // stops its thread before the context and the file go
    if (fd_ >= 0) ::close(fd_);
    ZSTD_freeDCtx(dctx_);
  }

  // A plain file that is gone but has a ".zst" beside it was compressed since it was
  // listed (the writer's compressor renames the .zst into place before the unlink): the
  // .zst, whose content is the same, is read instead.
  Result<> open(const std::string& path) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0 && errno == ENOENT && !is_compressed_journal(path)) {
      fd_ = ::open((path + ".zst").c_str(), O_RDONLY | O_CLOEXEC);
      if (fd_ >= 0) path_ = path + ".zst";
      else errno = ENOENT;  // name the file asked for
    }
    if (fd_ < 0) return make_error(path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) == 0) {
      if (S_ISDIR(st.st_mode)) return make_error(path + ": " + std::strerror(EISDIR));
      if (S_ISREG(st.st_mode)) size_ = uint64_t(st.st_size);
    }
    ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);  // a hint; failure is harmless
    if (is_compressed_journal(path_)) {
      dctx_ = ZSTD_createDCtx();
      if (dctx_ == nullptr) return make_error(path + ": zstd: out of memory");
      in_.resize(ZSTD_DStreamInSize());
    }
    return {};
  }

  // Up to `cap` bytes of the content: > 0 read, 0 at its end, -1 an error (error()).
  ssize_t read(char* dst, size_t cap) {
    if (dctx_ == nullptr) return read_disk(dst, cap);
    if (ahead_ != nullptr) return ahead_->read(dst, cap);
    if (inline_bytes_ >= kInlineBytes) {
      ahead_ = std::make_unique<Decompressor>([this](char* d, size_t c) { return decompress(d, c); });
      return ahead_->read(dst, cap);
    }
    const ssize_t n = decompress(dst, cap);
    if (n > 0) inline_bytes_ += uint64_t(n);
    return n;
  }

  // A plain file only: the next read() starts at `offset`.
  bool seek(uint64_t offset) {
    if (::lseek(fd_, off_t(offset), SEEK_SET) < 0) return fail(errno);
    disk_read_.store(offset, std::memory_order_relaxed);
    return true;
  }

  bool compressed() const { return dctx_ != nullptr; }
  uint64_t size() const { return size_; }
  uint64_t disk_read() const { return disk_read_.load(std::memory_order_relaxed); }
  const std::string& error() const { return error_; }

 private:
  bool fail(int e) {
    error_ = path_ + ": " + std::strerror(e);
    return false;
  }

  ssize_t read_disk(char* dst, size_t cap) {
    for (;;) {
      const ssize_t n = ::read(fd_, dst, cap);
      if (n >= 0) {
        disk_read_.fetch_add(uint64_t(n), std::memory_order_relaxed);  // the decompressor's thread too
        return n;
      }
      if (errno != EINTR) {
        fail(errno);
        return -1;
      }
    }
  }

  ssize_t decompress(char* dst, size_t cap) {
    for (;;) {
      if (in_pos_ == in_end_ && !disk_eof_) {
        const ssize_t n = read_disk(in_.data(), in_.size());
        if (n < 0) return -1;
        disk_eof_ = n == 0;
        in_pos_ = 0;
        in_end_ = size_t(n);
      }
      ZSTD_inBuffer in{in_.data(), in_end_, in_pos_};
      ZSTD_outBuffer out{dst, std::min(cap, kDecompressChunk), 0};
      const size_t hint = ZSTD_decompressStream(dctx_, &out, &in);
      if (ZSTD_isError(hint)) {
        error_ = path_ + ": zstd: " + ZSTD_getErrorName(hint);
        return -1;
      }
      if (in.pos != in_pos_ || out.pos > 0) frame_open_ = hint != 0;  // 0: a frame ended, all flushed
      in_pos_ = in.pos;
      if (out.pos > 0) return ssize_t(out.pos);
      if (disk_eof_ && in_pos_ == in_end_) {
        if (!frame_open_) return 0;
        error_ = path_ + ": zstd: truncated compressed file";
        return -1;
      }
    }
  }

  std::string path_, error_;
  int fd_ = -1;
  uint64_t size_ = 0;
  std::atomic<uint64_t> disk_read_{0};
  uint64_t inline_bytes_ = 0;  // decompressed by the reading thread
  std::unique_ptr<Decompressor> ahead_;
  ZSTD_DCtx* dctx_ = nullptr;
  std::vector<char> in_;  // compressed bytes read, [in_pos_, in_end_) not yet decompressed
  size_t in_pos_ = 0, in_end_ = 0;
  bool disk_eof_ = false;
  bool frame_open_ = true;  // an empty ".zst" file is not a compressed file
};

Result<std::string> sha256_of_file(const std::string& path) {
  JournalBytes bytes;
  if (auto opened = bytes.open(path); !opened) return opened.error();
  Sha256 hash;
  std::vector<char> buffer(size_t(1) << 20);
  for (;;) {
    const ssize_t n = bytes.read(buffer.data(), buffer.size());
    if (n == 0) break;
    if (n < 0) return make_error(bytes.error());
    hash.update(buffer.data(), size_t(n));
  }
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

void JournalReader::close_file() { bytes_.reset(); }

bool JournalReader::compressed() const { return bytes_ != nullptr && bytes_->compressed(); }

uint64_t JournalReader::disk_bytes_read() const { return bytes_ != nullptr ? bytes_->disk_read() : 0; }

Result<> JournalReader::open(const std::string& path, uint64_t start_offset) {
  close_file();
  path_ = path;
  error_.clear();
  begin_ = scan_ = end_ = 0;
  buffer_offset_ = line_number_ = file_size_ = 0;
  eof_ = unterminated_ = false;
  hash_.reset();

  auto bytes = std::make_unique<JournalBytes>();
  if (auto opened = bytes->open(path); !opened) return opened;
  file_size_ = bytes->size();
  bytes_ = std::move(bytes);
  if (buffer_.size() != capacity_ + kJsonPadding) buffer_.assign(capacity_ + kJsonPadding, '\0');
  if (start_offset == 0) return {};
  auto skipped = skip_to(start_offset);
  if (!skipped) close_file();
  return skipped;
}

// Positions the reader at `start_offset` of the content, which must follow a "\n".
Result<> JournalReader::skip_to(uint64_t start_offset) {
  const std::string where = path_ + ": start offset " + std::to_string(start_offset);
  if (!bytes_->compressed() && !hash_on_) {
    if (file_size_ != 0 && start_offset > file_size_)
      return make_error(where + " is beyond the end (" + std::to_string(file_size_) + " bytes)");
    if (!bytes_->seek(start_offset - 1)) return make_error(bytes_->error());
    buffer_offset_ = start_offset - 1;
  } else {
    while (buffer_offset_ < start_offset - 1) {  // read and discard (hashed when asked)
      const size_t want = size_t(std::min<uint64_t>(capacity_, start_offset - 1 - buffer_offset_));
      const ssize_t n = bytes_->read(buffer_.data(), want);
      if (n < 0) return make_error(bytes_->error());
      if (n == 0) return make_error(where + " is beyond the end (" + std::to_string(buffer_offset_) + " bytes)");
      if (hash_on_) hash_.update(buffer_.data(), size_t(n));
      buffer_offset_ += uint64_t(n);
    }
  }
  // The byte before the offset is read like any other: it must be the "\n" of a line.
  if (!fill()) return make_error(error_);
  if (end_ == 0) return make_error(where + " is beyond the end (" + std::to_string(buffer_offset_) + " bytes)");
  if (buffer_[0] != '\n') return make_error(where + " is not at the start of a line");
  begin_ = scan_ = 1;
  eof_ = false;
  return {};
}

bool JournalReader::fill() {
  const ssize_t n = bytes_->read(buffer_.data() + end_, capacity_ - end_);
  if (n < 0) {
    error_ = bytes_->error();
    return false;
  }
  if (n == 0) {
    eof_ = true;
    return true;
  }
  if (hash_on_) hash_.update(buffer_.data() + end_, size_t(n));
  end_ += size_t(n);
  return true;
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
  if (bytes_ == nullptr) return Next::eof;
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
