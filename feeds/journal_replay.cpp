#include "feeds/journal_replay.h"

namespace mm {

Result<> JournalReplayer::replay_file(const std::string& path) {
  JournalReader reader;
  if (auto opened = reader.open(path); !opened) return opened;
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto next_progress = started + progress_after_;
  uint64_t file_records = 0;
  std::string_view line;
  while (true) {
    const JournalReader::Next n = reader.next(line);
    if (n == JournalReader::Next::eof) break;
    if (n == JournalReader::Next::io_error) {
      return make_error(path + ": read error at line " + std::to_string(reader.line_number()));
    }
    ++file_records;
    ++records_;
    if (n == JournalReader::Next::too_long) {
      engine_.reject();
      if (refusal_) refusal_(path, reader.line_number(), "line longer than the journal line limit");
    } else if (const ParseOutcome out = parser_.parse_journal_line(line, record_); out.ok) {
      engine_.apply(record_);
    } else {
      engine_.reject();
      if (refusal_) refusal_(path, reader.line_number(), out.reason);
    }
    // Checking the clock is cheap but not free: look every 64k records.
    if ((file_records & 0xffff) != 0) continue;
    if (should_stop_ && should_stop_()) {
      return make_error(path + ": stopped at line " + std::to_string(reader.line_number()));
    }
    if (progress_ && Clock::now() >= next_progress) {
      next_progress = Clock::now() + progress_every_;
      const double secs = std::chrono::duration<double>(Clock::now() - started).count();
      progress_({&path, file_records, reader.bytes_consumed(), reader.file_size(), secs});
    }
  }
  return {};
}

}  // namespace mm
