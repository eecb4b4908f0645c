// Streaming NDJSON reader for journals (SCORING.md section 11): hands out one line at a
// time from a large reusable buffer and never holds more than the longest line allowed.
// A file whose name ends in ".zst" (a closed journal file the writer compressed, SCORING.md
// section 14) is decompressed as it is read; lines, line numbers, torn tails and offsets
// are those of the decompressed content, exactly as for the file before compression.
// Also the journal file header (SCORING.md section 14) and the SHA-256 that chains files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
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

// SHA-256 of bytes in memory, lowercase hex (the checksums of checkpoint and history files).
std::string sha256_hex(std::string_view bytes);

// SHA-256 of a whole journal file as written, lowercase hex: of the decompressed content
// for a ".zst" file (the chain hashes files before compression). Error: "PATH: strerror"
// or "PATH: zstd: why".
Result<std::string> sha256_of_file(const std::string& path);

// True for a name ending in ".zst" (read decompressed).
bool is_compressed_journal(std::string_view path);
// The name as written: without a trailing ".zst".
std::string_view journal_name_as_written(std::string_view name);

class JournalBytes;  // the file's bytes, decompressed when needed (journal_reader.cpp)

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

  // Error: "PATH: strerror" (or "PATH: zstd: why"). May be called again for another file.
  // A plain "X.ndjson" that no longer exists is read from "X.ndjson.zst" when that exists
  // (compressed since it was listed; same content). sha256_of_file() does the same.
  // `start_offset`: where to start, in bytes of the content as written (for a ".zst" file,
  // of the decompressed stream); it must be 0 or just after a "\n", else an error. A plain
  // file seeks there, a ".zst" file is decompressed and the bytes before it discarded (and,
  // with hash_contents on, a plain file's prefix is read too: sha256_hex() is always of the
  // whole file). line_number() counts from there: the first line returned is line 1.
  Result<> open(const std::string& path, uint64_t start_offset = 0);

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
  // Offset in the content as written (decompressed for ".zst") just after the line last
  // returned: the start of the next line, a valid start_offset for open().
  uint64_t bytes_consumed() const { return buffer_offset_ + begin_; }
  // For progress: bytes of the file on disk read so far (compressed bytes for ".zst"; may
  // run ahead of the lines returned by up to a buffer), against file_size().
  uint64_t disk_bytes_read() const;
  uint64_t file_size() const { return file_size_; }  // on disk; 0 for pipes
  bool compressed() const;
  const std::string& error() const { return error_; }

 private:
  void close_file();
  Result<> skip_to(uint64_t start_offset);
  bool fill();        // reads into the free tail; sets eof_
  void make_room();   // shifts the partial line to the front; grows the buffer if full
  Next skip_long_line();
  bool take_line(size_t start, size_t stop, std::string_view& line);  // false: blank

  size_t max_line_;
  size_t capacity_;            // usable bytes; the buffer has kJsonPadding more
  std::vector<char> buffer_;
  std::unique_ptr<JournalBytes> bytes_;  // null: no file open
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
