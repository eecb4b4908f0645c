#include "feeds/journal_compressor.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <spdlog/spdlog.h>
#include <zstd.h>

#include "feeds/journal_reader.h"
#include "feeds/journal_writer.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {

constexpr size_t kChunk = size_t(1) << 20;

Error io_error(const std::string& what) { return make_error(what + ": " + std::strerror(errno)); }

bool write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      if (w == 0) errno = ENOSPC;
      return false;
    }
    p += w;
    n -= size_t(w);
  }
  return true;
}

Result<> sync_dir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(dir);
  const int rc = ::fsync(fd);
  const int e = errno;
  ::close(fd);
  if (rc != 0) {
    errno = e;
    return io_error("fsync " + dir);
  }
  return {};
}

// Owns the descriptors and the context of one compression; removes the temp file unless kept.
struct Compression {
  int in = -1, out = -1;
  ZSTD_CCtx* cctx = nullptr;
  std::string temp;
  bool keep_temp = false;
  ~Compression() {
    if (in >= 0) ::close(in);
    if (out >= 0) ::close(out);
    ZSTD_freeCCtx(cctx);
    if (!keep_temp && !temp.empty()) ::unlink(temp.c_str());
  }
};

Result<> configure(ZSTD_CCtx* cctx, int level, int window_log) {
  size_t rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, level);
  if (!ZSTD_isError(rc)) rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1);  // decoders detect damage
  // A small window keeps the reader's decompression in cache, next to the replay's own data.
  if (!ZSTD_isError(rc) && window_log != 0) rc = ZSTD_CCtx_setParameter(cctx, ZSTD_c_windowLog, window_log);
  if (ZSTD_isError(rc)) return make_error(std::string("zstd: ") + ZSTD_getErrorName(rc));
  return {};
}

// Streams c.in through the compressor into c.out.
Result<> stream(Compression& c, const std::string& path, const std::atomic<bool>& cancel, uint64_t& in_bytes,
                uint64_t& out_bytes) {
  std::vector<char> in(kChunk), out(ZSTD_CStreamOutSize());
  for (bool last = false; !last;) {
    if (cancel.load(std::memory_order_relaxed)) return make_error(path + ": cancelled");
    const ssize_t n = ::read(c.in, in.data(), in.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error(path);
    in_bytes += uint64_t(n);
    last = n == 0;
    ZSTD_inBuffer input{in.data(), size_t(n), 0};
    for (;;) {
      ZSTD_outBuffer output{out.data(), out.size(), 0};
      const size_t left = ZSTD_compressStream2(c.cctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
      if (ZSTD_isError(left)) return make_error(path + ": zstd: " + ZSTD_getErrorName(left));
      if (!write_all(c.out, out.data(), output.pos)) return io_error("writing " + c.temp);
      out_bytes += output.pos;
      if (last ? left == 0 : input.pos == input.size) break;
    }
  }
  return {};
}

}  // namespace

Result<> compress_journal_file(const std::string& path, int level, const std::atomic<bool>& cancel,
                               uint64_t& in_bytes, uint64_t& out_bytes, int window_log) {
  const std::string final_path = path + ".zst";
  Compression c;
  c.in = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (c.in < 0) return io_error(path);
  c.temp = path + std::string(kCompressTempSuffix);
  c.out = ::open(c.temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (c.out < 0) {
    c.temp.clear();  // not ours to remove
    return io_error(path + std::string(kCompressTempSuffix));
  }
  c.cctx = ZSTD_createCCtx();
  if (c.cctx == nullptr) return make_error(path + ": zstd: out of memory");
  if (auto ok = configure(c.cctx, level, window_log); !ok) return ok;
  if (auto ok = stream(c, path, cancel, in_bytes, out_bytes); !ok) return ok;
  if (::fsync(c.out) != 0) return io_error("fsync " + c.temp);
  if (::rename(c.temp.c_str(), final_path.c_str()) != 0) return io_error("rename " + c.temp);
  c.keep_temp = true;
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (auto synced = sync_dir(dir.empty() ? "." : dir); !synced) return synced;  // the .zst is durable
  if (::unlink(path.c_str()) != 0) return io_error("unlink " + path);           // before the plain one goes
  return {};
}

std::vector<std::string> recover_journal_dir(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("journal-", 0) != 0) continue;
    const bool temp = name.size() > kCompressTempSuffix.size() &&
                      name.compare(name.size() - kCompressTempSuffix.size(), kCompressTempSuffix.size(),
                                   kCompressTempSuffix) == 0;
    std::string plain = temp ? entry.path().string().substr(0, entry.path().string().size() - kCompressTempSuffix.size())
                             : std::string(journal_name_as_written(entry.path().string()));
    const bool paired = !temp && is_compressed_journal(name) && std::filesystem::exists(plain, ec);
    if (!temp && !paired) continue;
    spdlog::warn("journal: removing {} ({})", entry.path().string(),
                 temp ? "an interrupted compression" : "compressed again from the plain file beside it");
    std::filesystem::remove(entry.path(), ec);
    if (ec) spdlog::error("journal: cannot remove {}: {}", entry.path().string(), ec.message());
  }
  std::vector<std::string> plain;
  for (auto& file : list_journal_files(dir))
    if (!is_compressed_journal(file)) plain.push_back(std::move(file));
  return plain;
}

// ---- the compressor thread -------------------------------------------------------------

JournalCompressor::JournalCompressor(int level) : level_(level) {}

JournalCompressor::~JournalCompressor() { stop(std::chrono::milliseconds(0)); }

void JournalCompressor::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  cancel_ = false;
  thread_ = std::thread([this] {
    name_this_thread("mm-compress");
    ::setpriority(PRIO_PROCESS, pid_t(::syscall(SYS_gettid)), 10);  // behind the engine; failure is harmless
    run();
  });
}

void JournalCompressor::submit(std::string path) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(path));
    ++stats_.pending;
  }
  work_cv_.notify_one();
}

size_t JournalCompressor::stop(std::chrono::milliseconds limit) {
  std::unique_lock lock(mutex_);
  if (!thread_.joinable()) return queue_.size();
  idle_cv_.wait_for(lock, limit, [&] { return queue_.empty() && !busy_; });
  stopping_ = true;
  cancel_ = true;  // the file in progress keeps its plain form
  lock.unlock();
  work_cv_.notify_one();
  thread_.join();
  lock.lock();
  const size_t left = queue_.size();
  if (left > 0) spdlog::info("journal: {} closed files left uncompressed until the next start", left);
  queue_.clear();
  stats_.pending = 0;
  return left;
}

void JournalCompressor::wait_idle() {
  std::unique_lock lock(mutex_);
  idle_cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || !thread_.joinable(); });
}

CompressorStats JournalCompressor::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::string JournalCompressor::last_error() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void JournalCompressor::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    work_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) break;
    const std::string path = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    lock.unlock();
    uint64_t in = 0, out = 0;
    auto done = compress_journal_file(path, level_, cancel_, in, out);
    lock.lock();
    busy_ = false;
    --stats_.pending;
    if (done) {
      ++stats_.files;
      stats_.bytes_in += in;
      stats_.bytes_out += out;
    } else if (!cancel_) {
      ++stats_.errors;
      last_error_ = done.message();
      spdlog::error("journal: compressing: {} (the plain file stays)", done.message());
    } else {
      queue_.push_front(path);  // counted as left by stop()
    }
    idle_cv_.notify_all();
  }
}

}  // namespace mm
