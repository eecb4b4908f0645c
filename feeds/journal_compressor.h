// Compresses closed journal files (SCORING.md section 14): `X.ndjson` becomes
// `X.ndjson.zst`, on a thread of its own so the writer thread (and so the engine) never
// waits for it. Each file is streamed through zstd into `X.ndjson.zst.tmp`, fsynced,
// renamed to `X.ndjson.zst`, the directory fsynced, then `X.ndjson` unlinked: at every
// instant one complete form exists. After a crash, recover_journal_dir() finishes the job.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"

namespace mm {

// zstd level 9: ~23 bytes a record on the bench journal (289-312 plain), compressing ~30-60
// MB/s on one core of the 2-vCPU VM; level 3 is faster but 32 bytes (README.md,
// performance). A 256 KiB window (not level 9's 4 MiB) compresses as well here and makes a
// replay from .zst ~10 points faster (the decoder's window stays in cache). A checksum per
// frame lets the reader detect a damaged file.
inline constexpr int kJournalZstdLevel = 9;
inline constexpr int kJournalZstdWindowLog = 18;
inline constexpr std::string_view kCompressTempSuffix = ".zst.tmp";

// `path` -> `path`.zst as above. `cancel` is polled between chunks; when it becomes true
// the temp file is removed and the plain file stays (error "cancelled").
// Counts into `in`/`out` the bytes read and written. `window_log` 0: zstd's for the level.
Result<> compress_journal_file(const std::string& path, int level, const std::atomic<bool>& cancel,
                               uint64_t& in, uint64_t& out, int window_log = kJournalZstdWindowLog);

// Before a writer opens its new file in `dir`: removes temp files of an interrupted
// compression and a `.zst` whose plain file still exists (the plain one wins; it is
// compressed again); returns the plain journal files left (closed files of earlier runs), in
// order. Errors (unreadable dir, unlink failures) are logged, never fatal.
std::vector<std::string> recover_journal_dir(const std::string& dir);

struct CompressorStats {
  uint64_t files = 0, bytes_in = 0, bytes_out = 0, errors = 0;
  uint64_t pending = 0;  // queued or being compressed
};

class JournalCompressor {
 public:
  explicit JournalCompressor(int level = kJournalZstdLevel);
  ~JournalCompressor();  // stop(0)
  JournalCompressor(const JournalCompressor&) = delete;
  JournalCompressor& operator=(const JournalCompressor&) = delete;

  void start();
  // Queues a closed file (any thread). Never blocks on the compression itself.
  void submit(std::string path);
  // Waits up to `limit` for the queue to drain, then cancels the file in progress (its
  // plain form stays) and stops the thread. Returns the files left uncompressed: the next
  // start's recover_journal_dir() finds them.
  size_t stop(std::chrono::milliseconds limit);
  // Blocks until nothing is queued or in progress (tests, benchmarks).
  void wait_idle();
  CompressorStats stats() const;
  std::string last_error() const;

 private:
  void run();

  const int level_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_, idle_cv_;
  std::deque<std::string> queue_;
  bool busy_ = false, stopping_ = false;
  std::atomic<bool> cancel_{false};
  CompressorStats stats_;
  std::string last_error_;
  std::thread thread_;
};

}  // namespace mm
