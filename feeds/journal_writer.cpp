#include "feeds/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

#include "core/json_writer.h"
#include "feeds/inbound.h"
#include "feeds/thread_setup.h"

#include <spdlog/spdlog.h>

#ifndef MMSCORE_VERSION
#error "MMSCORE_VERSION is set by the top-level CMakeLists.txt (project VERSION)"
#endif

namespace mm {

namespace {
constexpr size_t kHandOverBytes = 256 * 1024;
constexpr TimeUs kHandOverEvery = 100'000;
constexpr size_t kMaxQueued = 64;  // 16 MiB behind the disk: then the engine waits

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// "journal-20260201T000000.123456Z.ndjson": names sort in time order.
std::string file_name(TimeUs now) { return "journal-" + format_compact_utc(now) + ".ndjson"; }

// Creates `dir`/file_name(now), or with a ".0001" (fixed width: still sorts) ... suffix
// when that exists (two rotations within a microsecond). O_EXCL: never an existing file.
int create_new_file(const std::string& dir, TimeUs now, std::string& path) {
  const std::string base = file_name(now);
  for (int n = 0;; ++n) {
    char suffix[16] = "";
    if (n > 0) std::snprintf(suffix, sizeof suffix, ".%04d", n);
    path = (std::filesystem::path(dir) / (base + suffix)).string();
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
}

void optional_value(JsonWriter& w, const std::optional<std::string>& v) {
  if (v) w.value(*v);
  else w.null();
}
}  // namespace

std::string_view mmscore_version() { return MMSCORE_VERSION; }

JournalWriter::JournalWriter(const Program& program, JournalOptions options)
    : program_(program), options_(std::move(options)), compressor_(options_.compress_level) {
  buffer_.reserve(2 * kHandOverBytes);
}

JournalWriter::~JournalWriter() { close(); }

Result<> JournalWriter::open(TimeUs now) {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) return make_error(options_.dir + ": cannot create journal directory: " + ec.message());
  previous_name_.reset();
  previous_sha256_.reset();
  const std::vector<std::string> uncompressed = recover_journal_dir(options_.dir);  // earlier runs'
  hash_previous_.clear();
  if (const auto existing = list_journal_files(options_.dir); !existing.empty()) {  // an earlier run's
    // Hashed by the writer thread before it writes anything: a restart does not wait for
    // a read of up to rotate_bytes (the file's header, and so its records, do).
    hash_previous_ = existing.back();
    previous_name_ = std::string(journal_name_as_written(std::filesystem::path(existing.back()).filename().string()));
  }
  if (auto opened = open_file(now); !opened) return opened;
  if (options_.compress) {
    compressor_.start();
    earlier_ = uncompressed;
    if (!options_.defer_earlier) compress_earlier_files();
  }
  file_opened_ = last_flush_ = last_ts_ = now;
  open_ = true;
  stop_ = false;
  thread_ = std::thread([this] {
    name_this_thread("mm-journal");
    writer_loop();
  });
  return {};
}

void JournalWriter::close() {
  if (!open_) return;
  hand_over(0);
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  work_cv_.notify_one();
  thread_.join();
  compressor_.stop(options_.compress_wait);  // what is left stays plain: the next open() queues it
  open_ = false;
}

void JournalWriter::compress_earlier_files() {
  for (auto& file : earlier_) compressor_.submit(std::move(file));
  earlier_.clear();
}

std::string JournalWriter::current_file() const {
  std::lock_guard lock(mutex_);
  return path_;
}

// ---- engine thread: lines -------------------------------------------------------------

void JournalWriter::begin_line(TimeUs ts) {
  last_ts_ = ts;
  buffer_ += "{\"ts\":";
  append_int(buffer_, ts);
}

void JournalWriter::append_source(const Source& s) {
  switch (s.kind) {
    case SourceKind::market: buffer_ += ",\"src\":\"public\""; return;
    case SourceKind::rest: buffer_ += ",\"src\":\"rest\""; return;
    case SourceKind::mm:
    case SourceKind::mm_rest: {
      const MmSpec& mm = program_.mms[s.mm];
      buffer_ += s.kind == SourceKind::mm ? ",\"src\":\"mm:" : ",\"src\":\"rest:mm:";
      buffer_ += mm.id;  // ids are [A-Za-z0-9._-]: no escaping needed
      buffer_ += "\",\"account\":\"";
      buffer_ += mm.accounts[s.account];
      buffer_ += '"';
      return;
    }
    case SourceKind::none: return;
  }
}

void JournalWriter::end_line() {
  buffer_ += "}\n";
  ++lines_;
  if (buffer_.size() >= kHandOverBytes) flush();
}

void JournalWriter::frame(TimeUs ts, const Source& source, std::string_view frame) {
  begin_line(ts);
  append_source(source);
  buffer_ += ",\"frame\":";
  buffer_ += frame;
  end_line();
}

void JournalWriter::rest(TimeUs ts, const Source& source, std::string_view path, std::string_view body) {
  begin_line(ts);
  append_source(source);
  buffer_ += ",\"path\":\"";
  for (char c : path)  // request paths are ours: escape defensively anyway
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) buffer_.push_back(c);
  buffer_ += "\",\"body\":";
  buffer_ += body;
  end_line();
}

void JournalWriter::event(TimeUs ts, const Source& source, bool connected) {
  begin_line(ts);
  append_source(source);
  buffer_ += connected ? ",\"event\":\"connected\"" : ",\"event\":\"disconnected\"";
  end_line();
}

void JournalWriter::tick(TimeUs ts, uint32_t interval) {
  begin_line(ts);
  buffer_ += ",\"tick\":\"snapshot\",\"interval\":";
  append_int(buffer_, interval);
  end_line();
}

// ---- engine thread: hand-over ---------------------------------------------------------

void JournalWriter::checkpoint(TimeUs clock, std::string state) {
  if (!open_ || options_.checkpoints_keep == 0) return;
  pending_checkpoint_ = PendingCheckpoint{clock, std::move(state)};
  hand_over(0);
}

void JournalWriter::hand_over(TimeUs rotate_at) {
  if (!open_ || (buffer_.empty() && rotate_at == 0 && !pending_checkpoint_)) return;
  std::unique_lock lock(mutex_);
  if (queue_.size() >= kMaxQueued && !stats_.failing) {  // the disk is far behind: wait, never drop
    ++stats_.waits;
    done_cv_.wait(lock, [&] { return queue_.size() < kMaxQueued || stats_.failing; });
  }
  if (queue_.size() >= kMaxQueued) {  // failing: these records are lost anyway, never stall the engine
    stats_.unjournaled += lines_;
    episode_dropped_ += lines_;
    buffer_.clear();
    lines_ = 0;
    if (pending_checkpoint_) ++stats_.checkpoints_skipped;  // it would cover the dropped lines
    pending_checkpoint_.reset();
    if (rotate_at == 0) return;  // a rotation still goes in the queue (empty data)
  }
  Job job;
  job.data.swap(buffer_);
  job.rotate_at = rotate_at;
  job.last_ts = last_ts_;
  job.lines = lines_;
  job.checkpoint = std::move(pending_checkpoint_);
  pending_checkpoint_.reset();
  lines_ = 0;
  queue_.push_back(std::move(job));
  ++handed_;
  if (!spare_.empty()) {
    buffer_.swap(spare_.back());
    spare_.pop_back();
  }
  lock.unlock();
  work_cv_.notify_one();
}

void JournalWriter::flush() { hand_over(0); }

void JournalWriter::sync() {
  flush();
  std::unique_lock lock(mutex_);
  const uint64_t target = handed_;
  done_cv_.wait(lock, [&] { return written_ >= target || !open_; });
}

void JournalWriter::maintain(TimeUs now) {
  if (!open_) return;
  if (now - file_opened_ >= options_.rotate_every) {
    file_opened_ = now;
    last_flush_ = now;
    hand_over(now);  // rotation happens in order, after the lines before it
  } else if (now - last_flush_ >= kHandOverEvery || buffer_.size() >= kHandOverBytes) {
    last_flush_ = now;
    flush();
  }
}

JournalStats JournalWriter::stats() const {
  JournalStats s;
  {
    std::lock_guard lock(mutex_);
    s = stats_;  // lines and bytes count what reached the file
  }
  s.compressed = compressor_.stats();
  return s;
}

std::string JournalWriter::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

// ---- writer thread --------------------------------------------------------------------

std::string JournalWriter::header_line(TimeUs ts) const {
  JsonWriter w(false);
  w.begin_object();
  w.key("ts").value(int64_t(ts));
  w.key("journal").begin_object();
  w.key("format").value(kJournalFormat);
  w.key("config_hash").value(program_.config_hash);
  w.key("mmscore").value(mmscore_version());
  w.key("previous");
  optional_value(w, previous_name_);
  w.key("previous_sha256");
  optional_value(w, previous_sha256_);
  w.end_object();
  w.end_object();
  std::string line = w.take();
  line.push_back('\n');
  return line;
}

Result<> JournalWriter::open_file(TimeUs now) {
  std::string path;
  const int fd = create_new_file(options_.dir, now, path);
  if (fd < 0) {
    return make_error(path + ": " + std::strerror(errno));
  }
  {
    std::lock_guard lock(mutex_);
    fd_ = fd;
    path_ = path;
    file_bytes_ = 0;
    ++stats_.files;
  }
  file_hash_.reset();
  header_ts_ = now;
  if (!hash_previous_.empty()) return {};  // the header waits for the previous file's hash
  pending_header_ = header_line(now);
  ensure_header();  // on a failing disk: retried before the file's first record
  return {};
}

void JournalWriter::close_file() {
  if (fd_ < 0) return;
  if (!pending_header_.empty() && file_bytes_ == 0) {  // never got its header: an empty file, not in the chain
    ::close(fd_);
    ::unlink(path_.c_str());
    fd_ = -1;
    pending_header_.clear();
    return;
  }
  if (options_.fsync != JournalOptions::Fsync::never) {
    ::fdatasync(fd_);
    std::lock_guard lock(mutex_);
    ++stats_.fsyncs;
  }
  ::close(fd_);
  fd_ = -1;
  previous_name_ = std::filesystem::path(path_).filename().string();  // the next file's header names it
  previous_sha256_ = file_hash_.finish_hex();
  if (options_.compress) compressor_.submit(path_);  // its own thread: the writer goes on at once
}

// Records go to a file only after its header; a missing file (failed open, torn tail
// closed) is opened anew first. False: the lines were dropped (counted).
bool JournalWriter::write_out(const std::string& data, uint64_t lines, TimeUs ts) {
  if (data.empty()) return true;
  if (fd_ < 0) {
    if (auto opened = open_file(reopen_at_ != 0 ? reopen_at_ : ts); !opened) {
      std::lock_guard lock(mutex_);
      write_failed(opened.message(), lines);
      return false;
    }
    reopen_at_ = 0;
  }
  if (!ensure_header()) {
    std::lock_guard lock(mutex_);
    stats_.unjournaled += lines;
    episode_dropped_ += lines;
    return false;
  }
  return write_whole(data, lines);
}

bool JournalWriter::ensure_header() {
  if (pending_header_.empty()) return true;
  if (fd_ < 0 || !write_whole(pending_header_, 0)) return false;
  pending_header_.clear();
  return true;
}

// `data` is whole lines. On a short write or an error, keeps the lines that made it whole
// and cuts the file back to the last of them: a partial line is never glued to the next write.
bool JournalWriter::write_whole(const std::string& data, uint64_t lines) {
  size_t done = 0;
  int err = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n > 0) done += size_t(n);
    else if (n < 0 && errno == EINTR) continue;
    else {
      err = n < 0 ? errno : ENOSPC;  // 0 bytes for a non-empty write: no room
      break;
    }
  }
  size_t kept = done;
  bool torn = false;
  if (err != 0) {
    const size_t nl = done == 0 ? std::string::npos : data.rfind('\n', done - 1);
    kept = nl == std::string::npos ? 0 : nl + 1;
    if (kept < done && ::ftruncate(fd_, off_t(file_bytes_ + int64_t(kept))) != 0) {
      kept = done;  // cannot cut: the file keeps a torn tail (replay drops it), so close it
      torn = true;
    }
  }
  file_hash_.update(data.data(), kept);
  file_bytes_ += int64_t(kept);
  const uint64_t kept_lines = err == 0 || lines == 0 ? lines : uint64_t(std::count(data.data(), data.data() + kept, '\n'));
  {
    std::lock_guard lock(mutex_);
    stats_.bytes += kept;
    stats_.lines += kept_lines;
    if (err != 0) write_failed("writing " + path_ + ": " + std::strerror(err), lines - kept_lines);
    else if (lines > 0) write_succeeded();  // a header alone does not end an episode
  }
  if (torn) close_file();  // the next records open a new file
  return err == 0;
}

// Lock held. Logs once per episode; the daemon's health and metrics show it meanwhile.
void JournalWriter::write_failed(const std::string& what, uint64_t dropped) {
  ++stats_.write_errors;
  stats_.unjournaled += dropped;
  last_error_ = what;
  if (!stats_.failing) {
    spdlog::error("journal: {}: records are not journaled until a write succeeds", what);
    stats_.failing = true;
    episode_dropped_ = 0;
  }
  episode_dropped_ += dropped;
}

// Lock held.
void JournalWriter::write_succeeded() {
  if (!stats_.failing) return;
  spdlog::info("journal writing resumed after {} records not journaled", episode_dropped_);
  stats_.failing = false;
  episode_dropped_ = 0;
}

// The first file's header names the newest file of an earlier run with its SHA-256 (as
// written: decompressed); an unreadable one is logged and the chain restarts (null hash).
void JournalWriter::write_deferred_header() {
  if (hash_previous_.empty()) return;
  auto hashed = sha256_of_file(hash_previous_);
  if (hashed) previous_sha256_ = std::move(*hashed);
  else spdlog::error("journal: cannot hash the previous file for the header chain: {}", hashed.message());
  hash_previous_.clear();
  pending_header_ = header_line(header_ts_);
  ensure_header();  // on a failing disk: retried before the file's first record
}

void JournalWriter::writer_loop() {
  write_deferred_header();
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      const auto interval = std::chrono::microseconds(options_.fsync_interval);
      work_cv_.wait_for(lock, interval, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) {
        if (stop_) break;
      } else {
        job = std::move(queue_.front());
        queue_.pop_front();
      }
    }
    const bool data_written = write_out(job.data, job.lines, job.last_ts);
    if (job.checkpoint) write_checkpoint(*job.checkpoint, data_written);
    const bool by_size = file_bytes_ >= options_.rotate_bytes;
    if (job.rotate_at != 0 || by_size) {
      close_file();
      // Named by engine time, like the first file: names sort in write order.
      const TimeUs name = job.rotate_at != 0 ? job.rotate_at : job.last_ts;
      if (auto opened = open_file(name); !opened) {
        reopen_at_ = name;  // the next records try again
        std::lock_guard lock(mutex_);
        write_failed(opened.message(), 0);
      }
    }
    const TimeUs now = options_.clock->now_us();
    if (options_.fsync == JournalOptions::Fsync::interval && fd_ >= 0 && now - last_sync_ >= options_.fsync_interval) {
      ::fdatasync(fd_);
      last_sync_ = now;
      std::lock_guard lock(mutex_);
      ++stats_.fsyncs;
    }
    std::lock_guard lock(mutex_);
    if (!job.data.empty() || job.rotate_at != 0 || job.checkpoint) ++written_;
    job.data.clear();
    if (job.data.capacity() > 0 && spare_.size() < 4) spare_.push_back(std::move(job.data));
    done_cv_.notify_all();
  }
  close_file();
}

namespace {
// "journal-*.ndjson" or "journal-*.ndjson.NNNN" (the names file_name() and create_new_file() make).
bool is_journal_name(std::string_view name) {
  if (name.rfind("journal-", 0) != 0) return false;
  const size_t dot = name.rfind(".ndjson");
  if (dot == std::string_view::npos) return false;
  const std::string_view rest = name.substr(dot + 7);
  return rest.empty() ||
         (rest.size() == 5 && rest[0] == '.' && rest.find_first_not_of("0123456789", 1) == std::string_view::npos);
}
}  // namespace

// The position is the open file's end: every line handed over before the checkpoint is
// in it (or in an earlier file). While writing fails, or when the lines before it could
// not be written, the journal lacks records the state holds: no checkpoint then.
void JournalWriter::write_checkpoint(const PendingCheckpoint& c, bool data_written) {
  if (!data_written || fd_ < 0 || !pending_header_.empty() || stats_.failing) {
    std::lock_guard lock(mutex_);
    ++stats_.checkpoints_skipped;
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  // The journal up to the position first: a power cut must not leave a checkpoint that
  // covers lines the disk lost.
  if (::fdatasync(fd_) != 0) {
    std::lock_guard lock(mutex_);
    ++stats_.checkpoint_errors;
    spdlog::error("checkpoint not written: {}: fdatasync: {}", path_, std::strerror(errno));
    return;
  }
  CheckpointMeta meta{program_.config_hash, std::string(mmscore_version()), c.clock,
                      {std::filesystem::path(path_).filename().string(), uint64_t(file_bytes_)}};
  const CheckpointStore store((std::filesystem::path(options_.dir) / "checkpoints").string(), options_.checkpoints_keep);
  auto written = store.write(meta, c.state);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::lock_guard lock(mutex_);
  if (!written) {
    ++stats_.checkpoint_errors;
    spdlog::error("checkpoint not written: {}", written.message());
    return;
  }
  ++stats_.checkpoints;
  stats_.checkpoint_bytes = c.state.size();
  stats_.checkpoint_clock = c.clock;
  stats_.checkpoint_write_seconds = seconds;
  spdlog::debug("checkpoint {} ({} bytes, {:.3f} s)", *written, c.state.size(), seconds);
}

std::vector<std::string> list_journal_files(const std::string& dir) {
  std::vector<std::pair<std::string, std::string>> files;  // name as written, path
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string_view written = journal_name_as_written(name);
    if (entry.is_regular_file() && is_journal_name(written)) files.emplace_back(written, entry.path().string());
  }
  // By name as written; of a plain/compressed pair the plain one sorts first and stays.
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.first == b.first; }),
              files.end());
  std::vector<std::string> paths;
  for (auto& f : files) paths.push_back(std::move(f.second));
  return paths;
}

}  // namespace mm
