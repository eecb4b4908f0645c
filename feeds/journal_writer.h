// Writes the journal (SCORING.md section 11): every record the engine processed, in
// processing order, one JSON object per line. Frames and REST bodies are embedded as
// received (after the engine turned raw CR/LF into spaces, which JSON treats alike),
// so a replay parses exactly the bytes the live engine parsed.
//
// The engine thread only appends to a memory buffer. Full buffers (256 KiB, or every
// 100 ms) go to a writer thread that owns the file: write(2), rotation, fsync. So the
// engine never waits for the disk, unless the disk falls 16 MiB behind; then it waits
// (counted) rather than drop a record, unless writing is failing (below).
//
// Every file starts with a header line (SCORING.md section 14): format, config hash,
// mmscore version, and the name and SHA-256 of the previous file of the directory, so
// the files form a chain. The writer thread hashes what it writes as it writes it; the
// newest file of an earlier run is read and hashed once, by the writer thread before it
// writes anything (a restart does not wait for it). A file is always
// created new (O_EXCL), never appended to.
//
// A full disk or a write error never leaves a partial line: the writer thread writes
// whole lines and on a short write or an error truncates the file back to the end of its
// last whole line; the lines it could not write are dropped and counted (`unjournaled`,
// the running report's input.unjournaled). It logs the start of such an episode once and
// its end ("resumed"); every later hand-over tries again, and a file whose header could
// not be written gets it before any record. While failing, the engine never waits: a
// full queue drops the new buffer instead.
//
// Durability: a crash of the process loses at most the buffer not yet handed over
// (100 ms) and leaves at worst one partial last line (a torn tail: replay and restore
// drop it and count it in input.torn).
// Against power loss, `fsync`: "rotate" syncs each file when it is closed, "interval"
// also syncs the open file every `fsync_interval`, "never" leaves it to the OS.
//
// Compression (`compress`, the daemon's journal.compress): each file, once closed (rotation
// or close()), goes to a JournalCompressor thread that turns `X.ndjson` into `X.ndjson.zst`
// (journal_compressor.h); the file being written never is. Headers keep naming and hashing
// files as written: `previous` is "X.ndjson", `previous_sha256` that of the uncompressed
// bytes. open() removes leftovers of an interrupted compression and queues the plain closed
// files of earlier runs; close() waits up to `compress_wait` for the queue, then leaves the
// rest (plain, complete) for the next open().
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/events.h"
#include "core/result.h"
#include "core/program.h"
#include "feeds/checkpoint_store.h"
#include "feeds/journal_compressor.h"
#include "feeds/journal_reader.h"

namespace mm {

struct JournalOptions {
  std::string dir = "journal";
  TimeUs rotate_every = 3600 * kUsPerSecond;
  int64_t rotate_bytes = int64_t(1) << 30;
  enum class Fsync { rotate, interval, never } fsync = Fsync::rotate;
  TimeUs fsync_interval = kUsPerSecond;
  const Clock* clock = &system_clock();  // fsync interval
  bool compress = false;  // the daemon sets it from journal.compress (default true)
  int compress_level = kJournalZstdLevel;
  // close() waits this long for pending compressions: short, so SIGTERM still exits
  // within 5 s; what is left (a big last file) is compressed by the next start.
  std::chrono::milliseconds compress_wait{2'000};
  // Earlier runs' plain files: compressed from open() on, or (true) only once
  // compress_earlier_files() is called, e.g. after a restore has read them.
  bool defer_earlier = false;
  // Checkpoints (checkpoint()) go to <dir>/checkpoints, the newest `checkpoints_keep`
  // kept; 0: checkpoint() does nothing.
  size_t checkpoints_keep = 0;
};

struct JournalStats {
  // lines: record lines written (headers not counted); unjournaled: records dropped
  // because they could not be written; failing: from a failed write until one succeeds.
  uint64_t lines = 0, bytes = 0, files = 0, write_errors = 0, fsyncs = 0, waits = 0, unjournaled = 0;
  bool failing = false;
  CompressorStats compressed{};  // files compressed, bytes in and out, errors, pending
  // checkpoint(): written, failed (an error writing the file), skipped (the journal was
  // failing: a checkpoint never covers records the journal lacks).
  uint64_t checkpoints = 0, checkpoint_errors = 0, checkpoints_skipped = 0;
  uint64_t checkpoint_bytes = 0;       // size of the last one written
  TimeUs checkpoint_clock = 0;         // engine time of the last one written
  double checkpoint_write_seconds = 0; // its write + fsync time (writer thread)
};

class JournalWriter {
 public:
  JournalWriter(const Program& program, JournalOptions options);
  ~JournalWriter();

  // Creates the directory and the first file, named by `now`, whose header names the
  // directory's newest journal file as the previous one; starts the writer thread.
  Result<> open(TimeUs now);
  // Writes everything appended so far, closes the file (fsync per policy), stops the thread.
  void close();
  std::string current_file() const;
  // With defer_earlier: queues the plain closed files open() found (earlier runs').
  void compress_earlier_files();

  // Engine thread: append one record.
  void frame(TimeUs ts, const Source& source, std::string_view frame);
  void rest(TimeUs ts, const Source& source, std::string_view path, std::string_view body);
  void event(TimeUs ts, const Source& source, bool connected);
  void tick(TimeUs ts, uint32_t interval);
  // Engine thread: `state` (Engine::save_state at engine time `clock`) is written as a
  // checkpoint by the writer thread once every line appended so far is written, at the
  // journal position after them. Does not wait for the disk.
  void checkpoint(TimeUs clock, std::string state);

  // Engine thread, often (idle loop): hands the buffer over when due; rotates by time.
  void maintain(TimeUs now);
  // Hands the buffer over now (does not wait for the disk).
  void flush();
  // Hands the buffer over and waits until the writer has written it.
  void sync();
  JournalStats stats() const;
  std::string last_error() const;

 private:
  struct PendingCheckpoint {
    TimeUs clock = 0;
    std::string state;
  };
  struct Job {
    std::string data;        // lines to append
    TimeUs rotate_at = 0;    // then open a new file named by this time (0: no rotation)
    TimeUs last_ts = 0;      // of the last line: names the next file if the size rotates it
    uint64_t lines = 0;      // in data
    std::optional<PendingCheckpoint> checkpoint;  // written after `data`
  };

  void begin_line(TimeUs ts);
  void append_source(const Source& source);
  void end_line();
  void hand_over(TimeUs rotate_at);
  Result<> open_file(TimeUs now);  // writer thread (or before it starts); writes the header
  void close_file();                               // writer thread
  bool write_out(const std::string& data, uint64_t lines, TimeUs ts);  // writer thread; false: dropped
  bool write_whole(const std::string& data, uint64_t lines);  // writer thread
  bool ensure_header();                              // writer thread
  void write_failed(const std::string& what, uint64_t dropped);  // writer thread, lock held
  void write_succeeded();                                     // writer thread, lock held
  std::string header_line(TimeUs ts) const;        // writer thread
  void writer_loop();
  void write_deferred_header();  // writer thread, first thing
  void write_checkpoint(const PendingCheckpoint& c, bool data_written);  // writer thread

  const Program& program_;
  JournalOptions options_;
  JournalCompressor compressor_;  // closed files -> .zst, on its own thread
  std::vector<std::string> earlier_;  // plain files of earlier runs, deferred

  // Engine thread.
  std::string buffer_;
  TimeUs last_flush_ = 0, file_opened_ = 0, last_ts_ = 0;
  uint64_t lines_ = 0;  // in buffer_
  std::optional<PendingCheckpoint> pending_checkpoint_;  // goes with the next hand-over
  bool open_ = false;

  // Hand-over between the threads (the mutex is taken once per buffer, not per line).
  mutable std::mutex mutex_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job> queue_;
  std::vector<std::string> spare_;  // recycled buffers: no allocation in steady state
  bool stop_ = false;
  uint64_t handed_ = 0, written_ = 0;

  // Writer thread (and readers of stats under the mutex).
  int fd_ = -1;
  std::string path_;
  int64_t file_bytes_ = 0;
  Sha256 file_hash_;                            // of the open file, as written
  std::optional<std::string> previous_name_;    // the file before the open one (file name)
  std::optional<std::string> previous_sha256_;  // and its SHA-256
  TimeUs last_sync_ = 0;
  std::string pending_header_;  // the open file's header, not written yet (a failing disk)
  std::string hash_previous_;   // open(): the earlier run's newest file, hashed by the writer thread
  TimeUs header_ts_ = 0;        // of the open file's header
  TimeUs reopen_at_ = 0;        // no file (a failed open): name of the one to try next
  uint64_t episode_dropped_ = 0;  // records dropped since writing started failing
  JournalStats stats_;
  std::string last_error_;
  std::thread thread_;
};

// Journal files of a directory in the order they were written (names sort by time),
// plain (`journal-*.ndjson`, `...ndjson.NNNN`) and compressed (the same + `.zst`), ordered
// by the name as written. When both forms of a file exist (a crash between the rename of
// the `.zst` and the unlink), only the plain one is listed. Temp files are never listed.
std::vector<std::string> list_journal_files(const std::string& dir);

// The version journal headers carry ("mmscore": project(VERSION) of CMakeLists.txt).
std::string_view mmscore_version();

}  // namespace mm
