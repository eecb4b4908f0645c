#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>

#include "daemon/published_state.h"
#include "feeds/thread_setup.h"

namespace mm {

namespace {

using std::chrono::microseconds;
using Steady = std::chrono::steady_clock;

constexpr auto kRestoreStatusEvery = std::chrono::seconds(1);
// While the restore moves, systemd's start timeout is pushed this far ahead each second.
constexpr uint64_t kRestoreExtendUs = 10'000'000;

std::optional<uint64_t> parse_u64(const char* text) {
  if (!text || !*text) return std::nullopt;
  uint64_t v = 0;
  const char* end = text + std::strlen(text);
  auto [p, ec] = std::from_chars(text, end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

}  // namespace

std::optional<microseconds> watchdog_timeout(const char* watchdog_usec, const char* watchdog_pid, pid_t self) {
  const std::optional<uint64_t> usec = parse_u64(watchdog_usec);
  if (!usec || *usec == 0) return std::nullopt;
  if (watchdog_pid) {  // set: only for that process (not for a child that inherited it)
    const std::optional<uint64_t> pid = parse_u64(watchdog_pid);
    if (!pid || *pid != uint64_t(self)) return std::nullopt;
  }
  return microseconds(*usec);
}

std::string restore_status(const RestoreFigures& f) {
  if (f.files_total == 0) return "starting: no journal to restore";
  return "restoring the journal: " + std::to_string(f.files_done) + " of " + std::to_string(f.files_total) +
         " files, " + std::to_string(f.bytes_done) + " of " + std::to_string(f.bytes_total) + " bytes, " +
         std::to_string(f.records) + " records";
}

// ---- NotifySocket ---------------------------------------------------------------------

Result<NotifySocket> NotifySocket::open(std::string_view address) {
  if (address.size() < 2 || (address[0] != '/' && address[0] != '@'))
    return make_error("NOTIFY_SOCKET: not an absolute path or @abstract name: " + std::string(address));
  if (address.size() >= sizeof(sockaddr_un::sun_path)) return make_error("NOTIFY_SOCKET: path too long");
  NotifySocket s;
  s.address_ = std::string(address);
  if (s.address_[0] == '@') s.address_[0] = '\0';  // abstract namespace
  s.fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s.fd_ < 0) return make_error(std::string("NOTIFY_SOCKET: socket: ") + std::strerror(errno));
  return s;
}

NotifySocket::NotifySocket(NotifySocket&& other) noexcept : fd_(other.fd_), address_(std::move(other.address_)) {
  other.fd_ = -1;
}

NotifySocket& NotifySocket::operator=(NotifySocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    address_ = std::move(other.address_);
    other.fd_ = -1;
  }
  return *this;
}

NotifySocket::~NotifySocket() {
  if (fd_ >= 0) ::close(fd_);
}

bool NotifySocket::send(std::string_view message) const {
  if (fd_ < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, address_.data(), address_.size());
  const auto len = socklen_t(offsetof(sockaddr_un, sun_path) + address_.size());
  const ssize_t sent = ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&addr), len);
  return sent == ssize_t(message.size());
}

// ---- ServiceNotifier ------------------------------------------------------------------

ServiceNotifier::ServiceNotifier() {
  const char* address = std::getenv("NOTIFY_SOCKET");
  if (!address) return;
  auto opened = NotifySocket::open(address);
  if (!opened) {
    spdlog::warn("systemd: {}; no service notifications", opened.message());
    return;
  }
  socket_ = std::move(*opened);
  watchdog_ = watchdog_timeout(std::getenv("WATCHDOG_USEC"), std::getenv("WATCHDOG_PID"), ::getpid());
  if (watchdog_) spdlog::info("systemd: watchdog every {} ms", watchdog_->count() / 1000);
  thread_ = std::thread([this] { thread_main(); });
}

ServiceNotifier::~ServiceNotifier() {
  set_phase(Phase::stopping);
  if (thread_.joinable()) thread_.join();
}

void ServiceNotifier::set_phase(Phase phase) {
  {
    std::lock_guard lock(mutex_);
    phase_ = phase;
    if (phase != Phase::restoring) progress_ = nullptr;  // the daemon's: not read any more
  }
  cv_.notify_one();
}

void ServiceNotifier::restoring(const RestoreProgress* progress) {
  if (!enabled() || !progress) return;
  socket_.send("STATUS=" + restore_status(progress->figures()));  // at once: a short restore has a status too
  {
    std::lock_guard lock(mutex_);
    progress_ = progress;
  }
  set_phase(Phase::restoring);
}

void ServiceNotifier::live(const std::string& status, std::function<uint64_t()> heartbeat) {
  if (!enabled()) return;
  {
    std::lock_guard lock(mutex_);
    heartbeat_ = std::move(heartbeat);
  }
  set_phase(Phase::live);
  if (!socket_.send("READY=1\nSTATUS=" + status)) spdlog::warn("systemd: READY=1 not sent: {}", std::strerror(errno));
}

void ServiceNotifier::stopping(const std::string& status) {
  if (!enabled()) return;
  set_phase(Phase::stopping);
  if (thread_.joinable()) thread_.join();  // no ping after STOPPING=1
  socket_.send("STOPPING=1\nSTATUS=" + status);
}

// Under the lock. `last_moved`: the figures' bytes + records at the previous tick.
void ServiceNotifier::restore_tick(uint64_t& last_moved) {
  if (!progress_) return;
  const RestoreFigures f = progress_->figures();
  const uint64_t moved = f.bytes_done + f.records;
  std::string message = "STATUS=" + restore_status(f);
  if (moved != last_moved) message += "\nEXTEND_TIMEOUT_USEC=" + std::to_string(kRestoreExtendUs);
  last_moved = moved;
  socket_.send(message);
}

void ServiceNotifier::thread_main() {
  name_this_thread("mm-notify");
  std::unique_lock lock(mutex_);
  Phase seen = phase_;
  uint64_t restore_mark = 0, beat_mark = 0;
  while (phase_ != Phase::stopping) {
    if (phase_ != seen) {
      seen = phase_;
      if (seen == Phase::live && heartbeat_) beat_mark = heartbeat_();
    }
    Steady::duration period{};
    if (seen == Phase::restoring) period = kRestoreStatusEvery;
    else if (seen == Phase::live && watchdog_ && heartbeat_) period = *watchdog_ / 2;
    if (period == Steady::duration{}) {  // nothing periodic in this phase: wait for the next
      cv_.wait(lock, [&] { return phase_ != seen; });
      continue;
    }
    if (cv_.wait_until(lock, Steady::now() + period, [&] { return phase_ != seen; })) continue;
    if (seen == Phase::restoring) {
      restore_tick(restore_mark);
    } else if (const uint64_t beat = heartbeat_(); beat != beat_mark) {  // the engine loop went round
      beat_mark = beat;
      socket_.send("WATCHDOG=1");
    }
  }
}

}  // namespace mm
