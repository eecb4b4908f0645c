#include "feeds/journal_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace mm {

namespace {
constexpr size_t kFlushBytes = 256 * 1024;
constexpr TimeUs kFlushEvery = 100'000;

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// "journal-20260201T000000.123456Z.ndjson": names sort in time order.
std::string file_name(TimeUs now) {
  std::string t = format_rfc3339(now - now % kUsPerSecond);
  t.erase(std::remove(t.begin(), t.end(), '-'), t.end());
  t.erase(std::remove(t.begin(), t.end(), ':'), t.end());
  t.pop_back();  // 'Z'
  char us[16];
  std::snprintf(us, sizeof us, ".%06lldZ", static_cast<long long>(now % kUsPerSecond));
  return "journal-" + t + us + ".ndjson";
}
}  // namespace

JournalWriter::JournalWriter(const Program& program, JournalOptions options)
    : program_(program), options_(std::move(options)) {
  buffer_.reserve(2 * kFlushBytes);
  if (options_.fsync == JournalOptions::Fsync::interval) sync_thread_ = std::thread([this] { sync_loop(); });
}

JournalWriter::~JournalWriter() {
  close();
  {
    std::lock_guard lock(sync_mutex_);
    sync_stop_ = true;
  }
  sync_cv_.notify_all();
  if (sync_thread_.joinable()) sync_thread_.join();
}

bool JournalWriter::open(TimeUs now, std::string& error) {
  std::error_code ec;
  std::filesystem::create_directories(options_.dir, ec);
  if (ec) {
    error = options_.dir + ": cannot create journal directory: " + ec.message();
    return false;
  }
  return open_file(now, error);
}

bool JournalWriter::open_file(TimeUs now, std::string& error) {
  std::string path = (std::filesystem::path(options_.dir) / file_name(now)).string();
  for (int n = 1; std::filesystem::exists(path); ++n)  // two rotations within a microsecond
    path = (std::filesystem::path(options_.dir) / (file_name(now) + "." + std::to_string(n))).string();
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    error = path + ": " + std::strerror(errno);
    return false;
  }
  fd_ = fd;
  path_ = path;
  file_opened_ = now;
  last_flush_ = now;
  file_bytes_ = 0;
  ++stats_.files;
  std::lock_guard lock(sync_mutex_);
  sync_fd_ = fd_;
  return true;
}

void JournalWriter::close_file() {
  if (fd_ < 0) return;
  flush();
  {
    std::lock_guard lock(sync_mutex_);
    sync_fd_ = -1;
  }
  if (options_.fsync != JournalOptions::Fsync::never) {
    ::fdatasync(fd_);
    ++stats_.fsyncs;
  }
  ::close(fd_);
  fd_ = -1;
}

void JournalWriter::close() { close_file(); }

void JournalWriter::begin_line(TimeUs ts) {
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
  ++stats_.lines;
  if (buffer_.size() >= kFlushBytes) flush();
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

void JournalWriter::flush() {
  if (fd_ < 0 || buffer_.empty()) return;
  size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      ++stats_.write_errors;
      last_error_ = path_ + ": " + std::strerror(errno);
      break;  // keep the rest buffered: retried at the next flush, never lost silently
    }
    done += size_t(n);
  }
  stats_.bytes += done;
  file_bytes_ += int64_t(done);
  buffer_.erase(0, done);
}

void JournalWriter::maintain(TimeUs now) {
  if (fd_ < 0) return;
  if (now - last_flush_ >= kFlushEvery || buffer_.size() >= kFlushBytes) {
    flush();
    last_flush_ = now;
  }
  if (now - file_opened_ >= options_.rotate_every || file_bytes_ >= options_.rotate_bytes) {
    close_file();
    std::string error;
    if (!open_file(now, error)) {
      ++stats_.write_errors;
      last_error_ = error;
    }
  }
}

void JournalWriter::sync_loop() {
  std::unique_lock lock(sync_mutex_);
  while (!sync_stop_) {
    sync_cv_.wait_for(lock, std::chrono::microseconds(options_.fsync_interval));
    // Held across the sync: the writer takes this mutex before it closes the fd. It
    // only waits here when rotating, never while appending.
    if (!sync_stop_ && sync_fd_ >= 0) ::fdatasync(sync_fd_);
  }
}

std::vector<std::string> list_journal_files(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind("journal-", 0) == 0 && name.find(".ndjson") != std::string::npos)
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace mm
