// Streaming NDJSON reader for journals (SCORING.md section 11): hands out one line at a
// time from a large reusable buffer and never holds more than the longest line allowed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace mm {

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
  //   without "\n" is returned too.
  // too_long: the line exceeded the cap; it was skipped without being held in memory and
  //   the next call continues with the following line.
  // io_error: see error().
  Next next(std::string_view& line);

  uint64_t line_number() const { return line_number_; }  // 1-based, of the line last returned
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
};

}  // namespace mm
