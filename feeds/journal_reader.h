// Streaming NDJSON reader for journals (SCORING.md section 11): hands out one line at a
// time from a large reusable buffer and never holds more than the longest line allowed.
// Also the journal file header (SCORING.md section 14) and the SHA-256 that chains files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_utc.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX, kept out of this header

namespace mm {

// Incremental SHA-256 (OpenSSL EVP) of a journal file's bytes.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const char* data, size_t size);
  // Lowercase hex of everything since the last reset; then starts over.
  std::string finish_hex();
  void reset();

 private:
  evp_md_ctx_st* ctx_;
};

// SHA-256 of a whole file as on disk, lowercase hex. Error: "PATH: strerror".
Result<std::string> sha256_of_file(const std::string& path);

// The first line of a journal file written by the daemon:
// {"ts":..,"journal":{"format":1,"config_hash":"..","mmscore":"..","previous":"<file name>"|null,
//  "previous_sha256":"<hex>"|null}}. Not a record: never counted, never moves time.
struct JournalHeader {
  TimeUs ts = 0;
  int64_t format = 0;
  std::string config_hash;
  std::string mmscore;                         // version of the writer
  std::optional<std::string> previous;         // file name (not path) of the previous file
  std::optional<std::string> previous_sha256;  // of that whole file
};

inline constexpr int64_t kJournalFormat = 1;

// A line whose top-level object has a "journal" key is a header: its value, or an error
// naming the field when it is malformed. Any other line (records, broken JSON): nullopt.
Result<std::optional<JournalHeader>> parse_journal_header(std::string_view line);

class JournalReader {
 public:
  // Lines longer than `max_line_bytes` (not counting "\n" or "\r\n") are refused.
  // `buffer_bytes` is the read size; the buffer grows towards the cap only for long lines.
  explicit JournalReader(size_t max_line_bytes = size_t(64) << 20,
                         size_t buffer_bytes = size_t(4) << 20);
  ~JournalReader();
  JournalReader(const JournalReader&) = delete;
  JournalReader& operator=(const JournalReader&) = delete;

  // Error: "PATH: strerror". May be called again to read another file.
  Result<> open(const std::string& path);

  enum class Next { line, too_long, eof, io_error };
  // line: `line` holds the next non-blank line without its "\n" / "\r\n", valid until the
  //   next call, followed by kJsonPadding (record_parser.h) readable bytes. A last line
  //   without "\n" is returned too, and unterminated() says so (a torn write).
  // too_long: the line exceeded the cap; it was skipped without being held in memory and
  //   the next call continues with the following line.
  // io_error: see error().
  Next next(std::string_view& line);

  uint64_t line_number() const { return line_number_; }  // 1-based, of the line last returned
  // The line (or too-long line) last returned ended the file without its "\n".
  bool unterminated() const { return unterminated_; }
  // From the next open(): also hash every byte read; sha256_hex() once next() said eof.
  void hash_contents(bool on) { hash_on_ = on; }
  std::string sha256_hex() { return hash_.finish_hex(); }
  uint64_t bytes_consumed() const { return buffer_offset_ + begin_; }
  uint64_t file_size() const { return file_size_; }  // 0 for pipes
  const std::string& error() const { return error_; }

 private:
  void close_file();
  bool fill();        // reads into the free tail; sets eof_
  void make_room();   // shifts the partial line to the front; grows the buffer if full
  Next skip_long_line();
  bool take_line(size_t start, size_t stop, std::string_view& line);  // false: blank

  size_t max_line_;
  size_t capacity_;            // usable bytes; the buffer has kJsonPadding more
  std::vector<char> buffer_;
  int fd_ = -1;
  std::string path_;
  std::string error_;
  size_t begin_ = 0;           // first unconsumed byte
  size_t scan_ = 0;            // [begin_, scan_) holds no '\n'
  size_t end_ = 0;             // end of the bytes read
  uint64_t buffer_offset_ = 0; // file offset of buffer_[0]
  uint64_t line_number_ = 0;
  uint64_t file_size_ = 0;
  bool eof_ = false;
  bool unterminated_ = false;
  bool hash_on_ = false;
  Sha256 hash_;
};

}  // namespace mm
