// systemd's service notifications (sd_notify(3), `Type=notify`), written directly: each
// message is one datagram to the AF_UNIX socket that $NOTIFY_SOCKET names ("@name": the
// Linux abstract namespace), so no libsystemd. Without NOTIFY_SOCKET (a shell, a test,
// Type=simple) everything here does nothing and starts no thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "core/result.h"

namespace mm {

class RestoreProgress;
struct RestoreFigures;

// sd_watchdog_enabled(): the ping deadline when WATCHDOG_USEC is a positive integer and
// WATCHDOG_PID is unset or `self`; none otherwise (null arguments: unset variables).
std::optional<std::chrono::microseconds> watchdog_timeout(const char* watchdog_usec, const char* watchdog_pid,
                                                          pid_t self);

// The STATUS= text while restoring, e.g. "restoring the journal: 1 of 3 files,
// 1048576 of 5242880 bytes, 20000 records".
std::string restore_status(const RestoreFigures& f);

// The socket, opened once.
class NotifySocket {
 public:
  NotifySocket() = default;  // disabled
  // An error for an address that is not a usable AF_UNIX path (too long, empty).
  static Result<NotifySocket> open(std::string_view address);
  NotifySocket(NotifySocket&& other) noexcept;
  NotifySocket& operator=(NotifySocket&& other) noexcept;
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;
  ~NotifySocket();

  bool enabled() const { return fd_ >= 0; }
  // One message ("READY=1\nSTATUS=..."); false when disabled or the send failed.
  bool send(std::string_view message) const;

 private:
  int fd_ = -1;
  std::string address_;  // sun_path bytes, a leading '\0' for the abstract namespace
};

// The daemon's side of Type=notify, on a thread of its own (only under systemd):
//   restoring(progress): STATUS= with the restore's figures at once and every second,
//                        with EXTEND_TIMEOUT_USEC= while they move (a long restore is
//                        progress, not a hang, for TimeoutStartSec)
//   live(status, heartbeat): READY=1 and STATUS=; then, with a watchdog, WATCHDOG=1 every
//                        WATCHDOG_USEC/2, but only when `heartbeat` (the engine loop's
//                        iteration counter) moved since the last ping: a stuck engine
//                        stops the pings and systemd restarts the service
//   stopping(status):    STOPPING=1 (and STATUS=); the thread ends
// The calls come from one thread (run_command's), in that order; each may be skipped.
class ServiceNotifier {
 public:
  ServiceNotifier();  // from NOTIFY_SOCKET, WATCHDOG_USEC, WATCHDOG_PID
  ~ServiceNotifier();
  ServiceNotifier(const ServiceNotifier&) = delete;
  ServiceNotifier& operator=(const ServiceNotifier&) = delete;

  bool enabled() const { return socket_.enabled(); }
  // `progress` must stay valid until live() or stopping().
  void restoring(const RestoreProgress* progress);
  void live(const std::string& status, std::function<uint64_t()> heartbeat);
  void stopping(const std::string& status);

 private:
  enum class Phase : uint8_t { starting, restoring, live, stopping };
  void thread_main();
  void restore_tick(uint64_t& last_moved);
  void set_phase(Phase phase);

  NotifySocket socket_;
  std::optional<std::chrono::microseconds> watchdog_;
  std::mutex mutex_;
  std::condition_variable cv_;
  Phase phase_ = Phase::starting;
  const RestoreProgress* progress_ = nullptr;
  std::function<uint64_t()> heartbeat_;
  std::thread thread_;
};

}  // namespace mm
