// Feeds journal files, record by record, into an Engine: the whole of `mmscore replay`
// and of the live daemon's restart. Refused records are counted by the engine and
// reported to a sink with file, line and reason; they never stop the replay.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/engine.h"
#include "feeds/journal_reader.h"
#include "feeds/record_parser.h"

namespace mm {

struct ReplayProgress {
  const std::string* file;
  uint64_t records;       // this file so far
  uint64_t bytes;         // consumed of this file
  uint64_t total_bytes;   // file size
  double seconds;         // since this file started
};

class JournalReplayer {
 public:
  using RefusalSink = std::function<void(const std::string& file, uint64_t line, std::string_view reason)>;
  using ProgressSink = std::function<void(const ReplayProgress&)>;

  JournalReplayer(const Program& program, Engine& engine) : parser_(program), engine_(engine) {}

  void on_refusal(RefusalSink sink) { refusal_ = std::move(sink); }
  // Called about every `every` while a file replays, after `after` has passed.
  void on_progress(ProgressSink sink, std::chrono::milliseconds after, std::chrono::milliseconds every) {
    progress_ = std::move(sink);
    progress_after_ = after;
    progress_every_ = every;
  }

  // Asked every 64k records; when it says true, replay_file stops and returns false.
  void stop_when(std::function<bool()> should_stop) { should_stop_ = std::move(should_stop); }

  // An error on an I/O error or a stop; refused records are not errors.
  Result<> replay_file(const std::string& path);
  uint64_t records() const { return records_; }

 private:
  RecordParser parser_;
  Engine& engine_;
  Record record_;
  RefusalSink refusal_;
  ProgressSink progress_;
  std::function<bool()> should_stop_;
  std::chrono::milliseconds progress_after_{0}, progress_every_{0};
  uint64_t records_ = 0;
};

}  // namespace mm
