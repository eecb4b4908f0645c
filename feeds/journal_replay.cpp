#include "feeds/journal_replay.h"

#include <filesystem>

namespace mm {

namespace {

// The file name as written, which headers use: "X.ndjson" also for a compressed "X.ndjson.zst".
std::string file_name_of(const std::string& path) {
  return std::string(journal_name_as_written(std::filesystem::path(path).filename().string()));
}

// The header of a journal file when its first line is one; a malformed header is left
// to replay_file, which refuses that line. Reads 64 KiB, not the reader's usual 4 MiB:
// headers are short, and a month has hundreds of files. (A longer first line is no
// header here; replay_file still checks it.)
Result<std::optional<JournalHeader>> read_journal_header(const std::string& path) {
  using Found = std::optional<JournalHeader>;
  JournalReader reader(size_t(64) << 10, size_t(64) << 10);
  if (auto opened = reader.open(path); !opened) return opened.error();
  std::string_view line;
  const JournalReader::Next n = reader.next(line);
  if (n == JournalReader::Next::io_error) return make_error(reader.error());
  if (n != JournalReader::Next::line || reader.unterminated()) return Found{};
  auto header = parse_journal_header(line);
  if (!header) return Found{};
  return std::move(*header);
}

}  // namespace

Result<> JournalReplayer::check_header(const JournalHeader& h, const std::string& path,
                                       const std::optional<std::string>& previous) const {
  if (h.format != kJournalFormat) {
    return make_error(path + ": journal format " + std::to_string(h.format) + " is not supported (this mmscore reads " +
                      std::to_string(kJournalFormat) + ")");
  }
  if (h.config_hash != program_.config_hash && !options_.allow_config_change) {
    return make_error(path + ": written under config hash " + h.config_hash + ", not this config's " +
                      program_.config_hash + " (replay --allow-config-change accepts it)");
  }
  if (previous && h.previous && *h.previous != *previous) {
    return make_error(path + ": out of order: its header names " + *h.previous + " as the previous file, but " +
                      *previous + " was given before it");
  }
  return {};
}

Result<> JournalReplayer::check_chain_hash(const JournalHeader& h, const std::string& path) {
  if (!previous_ || !h.previous || *h.previous != previous_->name || !h.previous_sha256 || !previous_->whole) return {};
  if (!previous_->sha256) {  // not hashed while it was replayed: read it again
    auto hashed = sha256_of_file(previous_->path);  // decompressed: the file as written
    if (!hashed) return hashed.error();
    previous_->sha256 = std::move(*hashed);
  }
  if (*h.previous_sha256 == *previous_->sha256) return {};
  return make_error(path + ": broken chain: its header gives " + previous_->name + " the SHA-256 " +
                    *h.previous_sha256 + ", but that file's is " + *previous_->sha256);
}

Result<> JournalReplayer::check_headers(const std::vector<std::string>& files) {
  std::optional<std::string> previous;
  if (previous_) previous = previous_->name;
  for (size_t i = 0; i < files.size(); ++i) {
    auto header = read_journal_header(files[i]);
    if (!header) return header.error();
    if (*header) {
      const JournalHeader& h = **header;
      if (auto checked = check_header(h, files[i], previous); !checked) return checked;
      if (i > 0 && h.previous && h.previous_sha256) hash_while_replaying_.insert(files[i - 1]);
    }
    previous = file_name_of(files[i]);
  }
  return {};
}

Result<> JournalReplayer::take_header(const JournalHeader& h, const std::string& path) {
  std::optional<std::string> previous;
  if (previous_) previous = previous_->name;
  if (auto checked = check_header(h, path, previous); !checked) return checked;
  if (auto chained = check_chain_hash(h, path); !chained) return chained;
  if (h.config_hash != program_.config_hash) {  // allowed, or check_header had refused it
    if (!journal_config_hash_) journal_config_hash_ = h.config_hash;
    if (config_change_) config_change_(path, h.config_hash);
  }
  return {};
}

Result<> JournalReplayer::check_first_record(TimeUs ts, const std::string& path, uint64_t line_number) const {
  if (!previous_ || !previous_->last_ts || ts >= *previous_->last_ts) return {};
  return make_error(path + ":" + std::to_string(line_number) + ": out of order: its first record (ts " +
                    std::to_string(ts) + ") is before the last record of " + previous_->name + " (ts " +
                    std::to_string(*previous_->last_ts) + ")");
}

void JournalReplayer::refuse(const std::string& path, uint64_t line, std::string_view reason) {
  engine_.reject();
  if (refusal_) refusal_(path, line, reason);
}

Result<bool> JournalReplayer::replay_line(const JournalReader& reader, JournalReader::Next next, std::string_view line,
                                          const std::string& path, FileProgress& file) {
  const bool first_line = file.lines++ == 0;
  const uint64_t number = reader.line_number();
  if (reader.unterminated()) {  // a torn write at the end of the file: not a record
    engine_.torn();
    return false;
  }
  if (first_line && next == JournalReader::Next::line) {
    auto header = parse_journal_header(line);
    if (!header) {
      refuse(path, number, header.message());
      return true;
    }
    if (*header) {
      if (auto taken = take_header(**header, path); !taken) return taken.error();
      return false;
    }
  }
  if (next == JournalReader::Next::too_long) {
    refuse(path, number, "line longer than the journal line limit");
    return true;
  }
  const ParseOutcome out = parser_.parse_journal_line(line, record_);
  if (!out.ok) {
    refuse(path, number, out.reason);
    return true;
  }
  if (!file.last_ts) {
    if (auto ordered = check_first_record(record_.ts, path, number); !ordered) return ordered.error();
  }
  file.last_ts = record_.ts;
  if (before_record_) before_record_(record_.ts);
  engine_.apply(record_);
  return true;
}

Result<> JournalReplayer::replay_file(const std::string& path) { return replay_from(path, 0); }

Result<> JournalReplayer::replay_file_from(const std::string& path, uint64_t offset, TimeUs last_ts) {
  // The records before `offset` are in the state: later ones must not be older. (At
  // offset 0 the file's header follows: it is checked as the chain's start.)
  if (offset > 0) previous_ = ReplayedFile{path, "the checkpoint", last_ts, std::nullopt, false};
  return replay_from(path, offset);
}

Result<> JournalReplayer::replay_from(const std::string& path, uint64_t offset) {
  JournalReader reader;
  const bool hash = offset == 0 && hash_while_replaying_.count(path) != 0;
  reader.hash_contents(hash);  // the next file's header names this one's SHA-256
  if (auto opened = reader.open(path, offset); !opened) return opened;
  using Clock = std::chrono::steady_clock;
  const auto started = Clock::now();
  auto next_progress = started + progress_after_;
  FileProgress file;
  std::string_view line;
  while (true) {
    const JournalReader::Next n = reader.next(line);
    if (n == JournalReader::Next::eof) break;
    if (n == JournalReader::Next::io_error) {
      return make_error(path + ": read error at line " + std::to_string(reader.line_number() + 1) + ": " + reader.error());
    }
    auto record = replay_line(reader, n, line, path, file);
    if (!record) return record.error();
    if (!*record) continue;
    ++file.records;
    ++records_;
    // Checking the clock is cheap but not free: look every 64k records.
    if ((file.records & 0xffff) != 0) continue;
    if (should_stop_ && should_stop_()) {
      return make_error(path + ": stopped at line " + std::to_string(reader.line_number()));
    }
    if (progress_ && Clock::now() >= next_progress) {
      next_progress = Clock::now() + progress_every_;
      const double secs = std::chrono::duration<double>(Clock::now() - started).count();
      progress_({&path, file.records, reader.disk_bytes_read(), reader.file_size(), secs});
    }
  }
  std::optional<TimeUs> last_ts = file.last_ts;
  if (!last_ts && previous_) last_ts = previous_->last_ts;  // no record: the order goes on from the file before
  previous_ = ReplayedFile{path, file_name_of(path), last_ts, std::nullopt, offset == 0};
  if (hash) previous_->sha256 = reader.sha256_hex();
  return {};
}

}  // namespace mm
