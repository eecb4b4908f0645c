// Restart in seconds (issue 11, SCORING.md section 14): checkpoints of the engine's whole
// state. The journals here are recorded live: the real daemon against the real simulator
// over loopback, with stream drops and sequence gaps, files rotated every second.
//  - The property: at every one of many cut points of such a journal, the state at the cut
//    plus a replay of the journal after it equals a replay of the whole journal, byte for
//    byte (the engine's saved state and the report).
//  - The daemon: it writes checkpoints as it runs and at shutdown; a restart restores from
//    the newest valid one, skipping a torn one, one of another config, and a leftover temp
//    file of an interrupted write, and falls back to a full replay when none is valid. In
//    every case the restored state is the full replay's.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "config/config.h"
#include "core/report_format.h"
#include "daemon/api/history.h"
#include "daemon/live_daemon.h"
#include "daemon/live_setup.h"
#include "feeds/checkpoint_store.h"
#include "feeds/journal_replay.h"
#include "feeds/sim/server/sim_server.h"
#include "tests/core/scoring_test_util.h"
#include "tests/daemon/api/raw_client.h"
#include "tests/support/sim_accounts.h"
#include "tests/support/temp_dir.h"
#include "tests/support/three_market_config.h"

using namespace mm;
namespace fs = std::filesystem;

namespace {

const std::string kConfig = test_support::three_market_config({"alpha", "bravo", "charlie"});

const char* kFaults = "gap:SOL_USDC@1200ms,drop_public@2s,drop_private:alpha/main@2500ms,gap:ETH_USDC@3s";

std::string state_of(const Engine& e) {
  StateWriter w;
  e.save_state(w);
  return std::move(w.bytes());
}

std::string report_of(const Program& p, const Engine& e) {
  return report_json(p, score_month(p, e.month(), false));
}

// The daemon of these tests: the simulator's exchange, journal in `dir`.
struct Recorder {
  Settings settings;
  std::string dir;
  std::unique_ptr<sim::SimServer> server;
  ClientOptions client;

  Recorder() : settings(*load_config_string(kConfig, "ckpt.toml")), dir(test_support::temp_dir("ckpt")) {
    sim::SimServerOptions so;
    so.exchange = simulated_exchange(settings);
    so.events_per_second = 400;
    so.faults = kFaults;
    so.faults_after_sessions = 1 + settings.program.mms.size();  // public + each MM's: a slow start misses none
    client.reconnect_min = 50'000;
    client.reconnect_max = 300'000;
    test_support::add_sim_accounts(settings.program, client, so);
    server = std::make_unique<sim::SimServer>(so);
    REQUIRE(server->start());
    test_support::point_at(client, *server);
  }
  ~Recorder() {
    server->stop();
    fs::remove_all(dir);
  }
  const Program& program() const { return settings.program; }
  std::string journal_dir() const { return dir + "/journal"; }
  std::string checkpoint_dir() const { return journal_dir() + "/checkpoints"; }

  // `seconds` live; `feeds`: false points the daemon at a closed port (a restart that
  // only restores). Returns the daemon, stopped.
  // `clock`: the assembly's clock (a restart's frozen one: no snapshot falls due).
  std::unique_ptr<LiveDaemon> run(double seconds, TimeUs checkpoint_every, bool feeds = true,
                                  const Clock* clock = &system_clock()) {
    LiveDaemonOptions o;
    o.clock = clock;
    o.client = client;
    if (!feeds) o.client.ws_url = "ws://127.0.0.1:1", o.client.rest_url = "http://127.0.0.1:1";
    // Compressed as in production: cuts fall in .zst files too (closed ones are compressed).
    o.journal = JournalOptions{.dir = journal_dir(), .rotate_every = kUsPerSecond, .compress = true,
                               .checkpoints_keep = 3};
    o.engine = {.publish_interval = 200'000, .report_dir = dir + "/reports"};
    o.engine.checkpoint_every = checkpoint_every;
    auto d = std::make_unique<LiveDaemon>(program(), std::move(o));
    REQUIRE(d->start());
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    d->stop();
    return d;
  }

  struct Replayed {
    std::string state, report;
    uint64_t records = 0;
  };
  // `live`: as a daemon's engine is after its restore (go_live: sampling by time).
  Replayed full_replay(bool live = false) const {
    Engine e(program());
    JournalReplayer r(program(), e);
    for (const std::string& f : list_journal_files(journal_dir())) REQUIRE(r.replay_file(f));
    if (live) e.go_live();
    return {state_of(e), report_of(program(), e), r.records()};
  }
};

// The engine's state after every `step` records and after each file's header, with the
// journal position after them.
struct Cut {
  size_t file;
  uint64_t offset;
  TimeUs clock;
  std::string state;
};

std::vector<Cut> cuts_every(const Program& p, const std::vector<std::string>& files, uint64_t step) {
  Engine e(p);
  RecordParser parser(p);
  Record record;
  std::vector<Cut> cuts;
  uint64_t n = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    JournalReader reader;
    REQUIRE(reader.open(files[i]));
    std::string_view line;
    while (reader.next(line) == JournalReader::Next::line) {
      if (reader.unterminated()) break;  // none here: the daemon stopped cleanly
      if (auto header = parse_journal_header(line); header && *header) {
        // A cut right after every file's header: each file is cut, even one the daemon
        // rotated to just before it stopped (a slow run leaves it nearly empty).
        cuts.push_back({i, reader.bytes_consumed(), e.clock(), state_of(e)});
        continue;
      }
      const ParseOutcome out = parser.parse_journal_line(line, record);
      if (out.ok) e.apply(record);
      else e.reject();
      if (++n % step == 0) cuts.push_back({i, reader.bytes_consumed(), e.clock(), state_of(e)});
    }
  }
  return cuts;
}

// Bytes of a journal file as written (decompressed for .zst).
uint64_t content_size(const std::string& path) {
  JournalReader reader;
  REQUIRE(reader.open(path));
  std::string_view line;
  while (reader.next(line) == JournalReader::Next::line) {
  }
  return reader.bytes_consumed();
}

}  // namespace

TEST_CASE("checkpoint: at every cut of a live journal, the state there plus the rest equals a full replay") {
  Recorder rec;
  rec.run(4.5, 0);  // no checkpoints: only the journal
  const std::vector<std::string> files = list_journal_files(rec.journal_dir());
  REQUIRE(files.size() >= 3);
  const Recorder::Replayed full = rec.full_replay();
  REQUIRE(full.records > 2000);

  const std::vector<Cut> cuts = cuts_every(rec.program(), files, full.records / 60);
  REQUIRE(cuts.size() >= 60);
  std::set<size_t> files_cut;
  for (const Cut& cut : cuts) {
    INFO("cut in " << files[cut.file] << " at byte " << cut.offset);
    Engine e(rec.program());
    REQUIRE(e.load_state(cut.state));
    JournalReplayer r(rec.program(), e);
    REQUIRE(r.replay_file_from(files[cut.file], cut.offset, cut.clock));
    for (size_t i = cut.file + 1; i < files.size(); ++i) REQUIRE(r.replay_file(files[i]));
    CHECK(report_of(rec.program(), e) == full.report);
    CHECK((state_of(e) == full.state));  // (bytes: not printed)
    files_cut.insert(cut.file);
  }
  CHECK(files_cut.size() == files.size());  // cuts in every file, so also across rotations
  size_t compressed = 0;
  for (const std::string& f : files) compressed += f.ends_with(".zst");
  CHECK(compressed >= 1);  // closed files are compressed while the daemon runs (a slow one lags)
}

TEST_CASE("checkpoint: the daemon restarts from its newest valid checkpoint, or from the journal") {
  Recorder rec;
  const TimeUs every = 300'000;
  rec.run(3.5, every);
  const CheckpointStore store(rec.checkpoint_dir(), 3);
  std::vector<std::string> saved = store.list();
  REQUIRE(saved.size() == 3);  // more were written; the newest 3 are kept
  // The newest is the shutdown's: it covers the whole journal.
  const auto newest = CheckpointStore::read(saved[0]);
  REQUIRE(newest);
  const std::vector<std::string> files = list_journal_files(rec.journal_dir());
  // The file as written (compressed by now, or still plain if close() did not wait for it).
  CHECK(newest->meta.position.file == journal_name_as_written(fs::path(files.back()).filename().string()));
  CHECK(newest->meta.position.offset == content_size(files.back()));
  CHECK(newest->meta.config_hash == rec.program().config_hash);

  auto restart = [&](const std::string& expected_from) {
    const Recorder::Replayed before = rec.full_replay(true);  // the journal as the restart finds it
    // Time stands at the last record: the restored engine takes no snapshot of its own.
    const ManualClock frozen(newest->meta.clock);
    auto d = rec.run(0.3, every, false, &frozen);
    CHECK(d->restored_from() == expected_from);
    // The restart journals nothing new but its header (the feeds never connect).
    CHECK((state_of(d->engine()) == before.state));  // (bytes: not printed)
    CHECK(report_of(rec.program(), d->engine()) == before.report);
  };
  SECTION("the newest one") { restart(saved[0]); }
  SECTION("torn, foreign and interrupted ones are skipped for an older one") {
    const std::string torn = saved[0];
    fs::resize_file(torn, fs::file_size(torn) / 2);  // as if the disk lost its end
    CheckpointMeta other = newest->meta;
    other.config_hash = "0000000000000000";
    other.clock += 10 * kUsPerSecond;  // the newest of all, but of another config
    REQUIRE(CheckpointStore(rec.checkpoint_dir(), 10).write(other, newest->state));
    std::ofstream(rec.checkpoint_dir() + "/" + checkpoint_file_name(other.clock + 1) + ".tmp") << "half";
    restart(saved[1]);
  }
  SECTION("none valid: a full replay") {
    for (const std::string& f : saved) fs::resize_file(f, 100);
    restart("");
  }
}

// The charts' history after a crash (issue 12 part 6): a SIGKILL loses what came after
// the history file's last save; the restore rebuilds it from the journal. The crash is a
// copy of the daemon's disk taken while it runs (what a SIGKILL leaves: the history file
// saved a while ago, then the checkpoints and a journal that goes on to the moment of the
// copy, its last line maybe torn). A daemon started on the copy must chart the file's
// points and then, for each interval after them, the journal's state at its last record
// in that interval: what an independent full replay of the copy, sampled the same way,
// gives, value for value, with no gap from the file's end to the journal's.
TEST_CASE("checkpoint: the charts' history lost to a crash is rebuilt from the journal") {
  Recorder rec;
  const TimeUs interval = 200'000;
  const std::string token = "ops-token-history-rebuild";
  std::ofstream(rec.dir + "/tokens") << token << " ops\n";
  fs::permissions(rec.dir + "/tokens", fs::perms::owner_read | fs::perms::owner_write);
  auto options = [&](const std::string& journal, const Clock* clock) {
    LiveDaemonOptions o;
    o.clock = clock;
    o.client = rec.client;
    o.journal = JournalOptions{.dir = journal, .rotate_every = 3600 * kUsPerSecond, .checkpoints_keep = 12};
    o.engine = {.publish_interval = 50'000, .report_dir = rec.dir + "/reports"};
    o.engine.checkpoint_every = 250'000;  // 12 kept: 3 s, more than the history's save_every
    api::ApiOptions api;
    api.listen = "127.0.0.1:0";
    api.tokens_file = rec.dir + "/tokens";
    api.history.interval = interval;
    api.history.save_every = 400'000;
    api.push_interval = 50'000;  // the history samples at this tick
    o.api = api;
    return o;
  };
  const std::string image = rec.dir + "/image", image_checkpoints = image + "/checkpoints";
  {
    LiveDaemon running(rec.program(), options(rec.journal_dir(), &system_clock()));
    REQUIRE(running.start());
    std::this_thread::sleep_for(std::chrono::seconds(4));  // past the simulator's faults
    fs::create_directories(image_checkpoints);
    REQUIRE(fs::exists(rec.checkpoint_dir() + "/history.bin"));  // saved every 400 ms
    fs::copy_file(rec.checkpoint_dir() + "/history.bin", image_checkpoints + "/history.bin");
    std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // charted, not yet saved
    for (const auto& e : fs::directory_iterator(rec.checkpoint_dir())) {
      const std::string name = e.path().filename().string();
      std::error_code ec;  // a checkpoint being written or rotated away: not on the "disk"
      if (name != "history.bin" && !name.ends_with(".tmp")) fs::copy_file(e.path(), image_checkpoints + "/" + name, ec);
    }
    for (const std::string& f : list_journal_files(rec.journal_dir()))
      fs::copy_file(f, image + "/" + fs::path(f).filename().string());
    running.stop();
  }
  {  // After that clean stop, the restart takes the shutdown checkpoint: the history
     // file ends within an interval of it, nothing worth a longer replay.
    const std::string newest = CheckpointStore(rec.checkpoint_dir(), 0).list().front();
    const auto shutdown = CheckpointStore::read(newest);
    REQUIRE(shutdown);
    const ManualClock at_stop(shutdown->meta.clock);
    LiveDaemonOptions o = options(rec.journal_dir(), &at_stop);
    o.client.ws_url = "ws://127.0.0.1:1", o.client.rest_url = "http://127.0.0.1:1";
    LiveDaemon clean(rec.program(), std::move(o));
    REQUIRE(clean.start());
    CHECK(clean.restored_from() == newest);
    clean.stop();
  }

  // The file's points, and the journal's last record (a torn tail left out, as the restore does).
  api::HistoryOptions file_options = options(image, &system_clock()).api->history;
  file_options.file = image_checkpoints + "/history.bin";
  file_options.coarse_points = 2048;
  api::History reference(rec.program(), file_options);
  const TimeUs saved_until = reference.loaded_until();
  REQUIRE(saved_until > 0);
  const std::vector<std::string> image_files = list_journal_files(image);  // before the restart adds its own
  Engine replayed(rec.program());
  {
    JournalReplayer r(rec.program(), replayed);
    for (const std::string& f : image_files) REQUIRE(r.replay_file(f));
  }
  const TimeUs last_record = replayed.clock();
  REQUIRE(last_record > saved_until + 5 * interval);

  // The restarted daemon, its clock frozen at the last record: its own live points fall
  // in the last interval, which the rebuilt history already holds.
  const ManualClock frozen(last_record);
  LiveDaemonOptions o = options(image, &frozen);
  o.client.ws_url = "ws://127.0.0.1:1", o.client.rest_url = "http://127.0.0.1:1";
  LiveDaemon restarted(rec.program(), std::move(o));
  REQUIRE(restarted.start());
  REQUIRE_FALSE(restarted.restored_from().empty());
  const auto from = CheckpointStore::read(restarted.restored_from());
  REQUIRE(from);
  // A checkpoint from before the file's end, or within two intervals after it (not worth
  // a longer replay): the rebuild starts at the later of the two.
  CHECK(from->meta.clock <= saved_until + 2 * interval);
  const TimeUs sample_from = std::max(saved_until, from->meta.clock);
  const api_test::HttpResult got = api_test::http_get(restarted.api_port(), "/v1/history", token);
  restarted.stop();
  REQUIRE(got.status == 200);

  // The reference: the same journal replayed whole, sampled as the restore samples it.
  Engine e(rec.program());
  JournalReplayer r(rec.program(), e);
  auto sample = [&] {
    PublishedState s;
    fill_engine_view(e, s);
    s.published_at = e.clock();
    s.report = score_month(rec.program(), e.month(), false);
    return reference.add(s.published_at, api::History::row(rec.program(), s));
  };
  size_t rebuilt = 0;
  r.before_record([&](TimeUs ts) {
    if (e.started() && e.clock() > sample_from && ts / interval > e.clock() / interval) rebuilt += sample();
  });
  for (const std::string& f : image_files) REQUIRE(r.replay_file(f));
  rebuilt += sample();
  CHECK(rebuilt >= 5);  // the journal went on >= 1.2 s after the file's last point
  CHECK(got.body == reference.json(api::Role{api::Role::Kind::ops, 0}, INT64_MIN));

  // From the file's last point to the last record: one point per interval that had
  // records (so no gap but where the journal has one: none at 400 events/s, unless a
  // slow run stalled the daemon), the last at the last record.
  const scoring_test::Json h = scoring_test::parse_json(got.body);
  const scoring_test::Json& reward = scoring_test::by_key(h["mms"], "mm_id", "alpha")["total_reward_usd"];
  int64_t last = 0;
  size_t after = 0;  // points, not the null rows of gaps (a reward is never null)
  for (size_t k = 0; k < h["t_ms"].size(); ++k) {
    const int64_t ms = std::stoll(h["t_ms"][k].text);
    if (ms <= saved_until / 1000 || reward[k].is_null()) continue;  // rebuilt points are in later intervals
    last = ms, ++after;
  }
  CHECK(after == rebuilt);
  CHECK(last == last_record / 1000);
}
