// The daemon's HTTP/WebSocket API (see daemon/api/README.md): its own thread and
// io_context, so API load never runs on the feed or engine threads. It only reads what
// the engine publishes (RcuCell) and never calls into the engine.
//
//   ApiServer api(api_options(settings.api), {&program, &published, &client.stats(), write_snapshot, processed});
//   if (auto started = api.start(); !started) ...;   // binds, loads tokens, starts the thread
//   api.reload_tokens();                            // on SIGHUP
//   api.stop();                   // before `published` and the sources go away
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "daemon/api/api_options.h"
#include "daemon/api/api_stats.h"

namespace mm::api {

class ApiServer {
 public:
  ApiServer(ApiOptions options, ApiSources sources);
  ~ApiServer();  // stops
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Loads the tokens, binds `listen` (port 0: any free port) and starts the server
  // thread. An error on failure; then nothing runs.
  Result<> start();
  uint16_t port() const;  // the bound port, after start()

  // Re-reads the token file (SIGHUP). On error the previous tokens stay, the error is
  // logged and returned. Streams whose token is gone are closed. Any thread.
  Result<> reload_tokens();

  // Closes the listener and every connection, then joins the thread (at most ~2 s).
  void stop();

  ApiStatsSnapshot stats() const;

  // The charts' history: the newest point its file held at start (0: none), and the
  // points the restore rebuilt after it, handed to the server thread (returns once it
  // took them). Any thread but the server's.
  TimeUs history_loaded_until() const;
  void add_history(std::vector<HistoryPoint> points);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace mm::api
