// Checkpoint files (issue 11, SCORING.md section 14): the engine's whole state at a
// journal position, so a restart replays only the journal after it. The state's bytes
// are core's (Engine::save_state); this file frames, writes, finds and checks them.
//
// A file `checkpoint-<engine time>.ckpt` in the journal's `checkpoints/` directory:
//   "MMSCKPT\n", u32 format, then (StateWriter encoding) config hash, mmscore version,
//   engine clock, journal file name (as written, without ".zst") and byte offset after
//   the last line the state covers, the state; then the SHA-256 (hex) of all before it.
// Written atomically (write_file_durably: a temp file, fsync, rename, fsync of the directory). A reader
// refuses a wrong magic, format, length or checksum with a reason, so a torn or foreign
// file is skipped for an older one (or a full replay), never half used.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "core/time_utc.h"

namespace mm {

struct JournalPosition {
  std::string file;     // journal file name as written ("journal-...ndjson"), no directory
  uint64_t offset = 0;  // bytes of that file's content the state covers (a line start)
};

struct CheckpointMeta {
  std::string config_hash;
  std::string mmscore;  // version of the writer
  TimeUs clock = 0;     // engine clock of the state
  JournalPosition position;
};

struct LoadedCheckpoint {
  std::string path;
  CheckpointMeta meta;
  std::string state;  // Engine::load_state's input
};

class CheckpointStore {
 public:
  // `dir` is created by write(); `keep`: newest checkpoints kept by prune().
  CheckpointStore(std::string dir, size_t keep) : dir_(std::move(dir)), keep_(keep) {}

  const std::string& dir() const { return dir_; }
  // Writes atomically, then prunes; returns the path.
  Result<std::string> write(const CheckpointMeta& meta, std::string_view state) const;
  // Checkpoint files, newest first (names sort by engine time).
  std::vector<std::string> list() const;
  // Deletes all but the newest `keep` checkpoints, and temp files of interrupted writes.
  void prune() const;

  // Reads and checks one file. Errors name the file and what is wrong with it.
  static Result<LoadedCheckpoint> read(const std::string& path);

 private:
  std::string dir_;
  size_t keep_;
};

// "checkpoint-20261214T093000.123456Z.ckpt": sorts in time order.
std::string checkpoint_file_name(TimeUs clock);

}  // namespace mm
