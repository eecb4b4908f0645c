// Writes the journal (SCORING.md section 11): every record the engine processed, in
// processing order, one JSON object per line. Frames and REST bodies are embedded as
// received (after the engine turned raw CR/LF into spaces, which JSON treats alike),
// so a replay parses exactly the bytes the live engine parsed.
//
// Durability: lines are appended with write(2) from a buffer flushed every 100 ms or
// 256 KiB, so a crash of the process loses nothing already written and at worst
// leaves one partial last line (replay refuses it and counts it). Against power loss,
// `fsync`: "rotate" syncs each file when it is closed, "interval" also syncs the open
// file every `fsync_interval` from a background thread, "never" leaves it to the OS.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/events.h"
#include "core/program.h"

namespace mm {

struct JournalOptions {
  std::string dir = "journal";
  TimeUs rotate_every = 3600 * kUsPerSecond;
  int64_t rotate_bytes = int64_t(1) << 30;
  enum class Fsync { rotate, interval, never } fsync = Fsync::rotate;
  TimeUs fsync_interval = kUsPerSecond;
};

struct JournalStats {
  uint64_t lines = 0, bytes = 0, files = 0, write_errors = 0, fsyncs = 0;
};

class JournalWriter {
 public:
  JournalWriter(const Program& program, JournalOptions options);
  ~JournalWriter();

  // Creates the directory and the first file, named by `now`.
  bool open(TimeUs now, std::string& error);
  void close();
  const std::string& current_file() const { return path_; }

  void frame(TimeUs ts, const Source& source, std::string_view frame);
  void rest(TimeUs ts, const Source& source, std::string_view path, std::string_view body);
  void event(TimeUs ts, const Source& source, bool connected);
  void tick(TimeUs ts, uint32_t interval);

  // Call often (engine idle loop): flushes the buffer when due and rotates files.
  void maintain(TimeUs now);
  void flush();
  const JournalStats& stats() const { return stats_; }
  const std::string& last_error() const { return last_error_; }

 private:
  void begin_line(TimeUs ts);
  void append_source(const Source& source);
  void end_line();
  bool open_file(TimeUs now, std::string& error);
  void close_file();
  void sync_loop();

  const Program& program_;
  JournalOptions options_;
  std::string buffer_;
  std::string path_;
  int fd_ = -1;
  TimeUs file_opened_ = 0, last_flush_ = 0;
  int64_t file_bytes_ = 0;
  JournalStats stats_;
  std::string last_error_;

  // Background fdatasync for Fsync::interval; the mutex only guards fd hand-over.
  std::mutex sync_mutex_;
  std::condition_variable sync_cv_;
  int sync_fd_ = -1;
  bool sync_stop_ = false;
  std::thread sync_thread_;
};

// Journal files of a directory in the order they were written (names sort by time).
std::vector<std::string> list_journal_files(const std::string& dir);

}  // namespace mm
