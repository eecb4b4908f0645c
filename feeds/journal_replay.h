// Feeds journal files, record by record, into an Engine: the whole of `mmscore replay`
// and of the live daemon's restart. Refused records are counted by the engine and
// reported to a sink with file, line and reason; they never stop the replay.
//
// Files must come in the order they were written (SCORING.md section 14); replay_file
// returns an error naming the file, before applying any of its records, when
// - its first record is older than the last record of the file replayed before it,
// - its header names another previous file than the one replayed before it (by file
//   name as written: "X.ndjson" matches a file now compressed to "X.ndjson.zst"; a
//   header with "previous": null starts a chain and follows any file),
// - its header's previous_sha256 is not the SHA-256 of that file as written (of the
//   decompressed bytes for a ".zst" file; see check_headers),
// - its header's format is not 1, or its config_hash is not the program's (unless
//   `allow_config_change`: then on_config_change is told and the replay goes on).
// A file without a header (hand-made, other recorders) is only checked by timestamps.
// A header is not a record: not counted, no time. A last line without its "\n" is a torn
// write: dropped and counted by Engine::torn(). Anywhere else a broken line is refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/engine.h"
#include "feeds/journal_reader.h"
#include "feeds/record_parser.h"

namespace mm {

struct ReplayProgress {
  const std::string* file;
  uint64_t records;       // this file so far
  uint64_t bytes;         // read of this file on disk (compressed bytes for .zst)
  uint64_t total_bytes;   // file size on disk
  double seconds;         // since this file started
};

struct JournalReplayOptions {
  // A header written under another config hash than the program's: refused (replay),
  // or replayed and told to on_config_change (restore; replay --allow-config-change).
  bool allow_config_change = false;
};

class JournalReplayer {
 public:
  using RefusalSink = std::function<void(const std::string& file, uint64_t line, std::string_view reason)>;
  using ProgressSink = std::function<void(const ReplayProgress&)>;
  using ConfigChangeSink = std::function<void(const std::string& file, const std::string& journal_config_hash)>;

  JournalReplayer(const Program& program, Engine& engine, JournalReplayOptions options = {})
      : program_(program), options_(options), parser_(program), engine_(engine) {}

  void on_refusal(RefusalSink sink) { refusal_ = std::move(sink); }
  // Called about every `every` while a file replays, after `after` has passed.
  void on_progress(ProgressSink sink, std::chrono::milliseconds after, std::chrono::milliseconds every) {
    progress_ = std::move(sink);
    progress_after_ = after;
    progress_every_ = every;
  }
  // Each file whose header has another config hash (only with allow_config_change).
  void on_config_change(ConfigChangeSink sink) { config_change_ = std::move(sink); }

  // Asked every 64k records; when it says true, replay_file stops and returns false.
  void stop_when(std::function<bool()> should_stop) { should_stop_ = std::move(should_stop); }
  // Called with each record's time just before the engine applies it (the restore
  // rebuilds the charts' history at time boundaries this way).
  void before_record(std::function<void(TimeUs ts)> hook) { before_record_ = std::move(hook); }

  // Before any work: the header checks (format, config hash, previous file names) of
  // `files` as replay_file will make them in this order. Also notes which of them a
  // later header names with its SHA-256: replay_file hashes those as it reads them.
  // Without this call (or for another order), a file is hashed, by reading it again,
  // only when the next file's header asks for it.
  Result<> check_headers(const std::vector<std::string>& files);

  // An error on an I/O error, a stop, or a file out of order (see above); refused
  // records are not errors. Files replayed one after the other form one sequence.
  Result<> replay_file(const std::string& path);
  // A restore from a checkpoint: `path` from byte `offset` of its content (a line start
  // after its header; JournalReader::open), as if the lines before it had been replayed
  // up to engine time `last_ts`. That file is not read whole, so its SHA-256 is not known:
  // the next file's header is checked by name only.
  Result<> replay_file_from(const std::string& path, uint64_t offset, TimeUs last_ts);
  uint64_t records() const { return records_; }
  // The config hash of the first header that differed from the program's.
  const std::optional<std::string>& journal_config_hash() const { return journal_config_hash_; }

 private:
  struct ReplayedFile {
    std::string path;
    std::string name;               // file name, without the directory
    std::optional<TimeUs> last_ts;  // of its last record (or of an earlier file's, if it had none)
    std::optional<std::string> sha256;  // when hashed while replayed
    bool whole = true;                  // false: replayed from a checkpoint's offset
  };
  struct FileProgress {
    uint64_t lines = 0, records = 0;  // lines: every one returned by the reader
    std::optional<TimeUs> last_ts;
  };

  // The checks a header alone allows; `previous`: the file name given before it.
  Result<> check_header(const JournalHeader& header, const std::string& path,
                        const std::optional<std::string>& previous) const;
  Result<> check_chain_hash(const JournalHeader& header, const std::string& path);
  // The first line of a file, a header: checked, then taken (it is not a record).
  Result<> take_header(const JournalHeader& header, const std::string& path);
  Result<> check_first_record(TimeUs ts, const std::string& path, uint64_t line_number) const;
  // One line of a file: true when it was a record (applied or refused), false for the
  // header and a torn tail; an error when the file is out of order.
  Result<bool> replay_line(const JournalReader& reader, JournalReader::Next next, std::string_view line,
                           const std::string& path, FileProgress& file);
  void refuse(const std::string& path, uint64_t line, std::string_view reason);
  Result<> replay_from(const std::string& path, uint64_t offset);

  const Program& program_;
  JournalReplayOptions options_;
  RecordParser parser_;
  Engine& engine_;
  Record record_;
  RefusalSink refusal_;
  ProgressSink progress_;
  ConfigChangeSink config_change_;
  std::function<bool()> should_stop_;
  std::function<void(TimeUs)> before_record_;
  std::chrono::milliseconds progress_after_{0}, progress_every_{0};
  uint64_t records_ = 0;
  std::optional<ReplayedFile> previous_;
  std::set<std::string> hash_while_replaying_;  // paths, from check_headers
  std::optional<std::string> journal_config_hash_;
};

}  // namespace mm
