// EngineLoop::restore: the month's state before going live, from the newest valid
// checkpoint and the journal after it, or from the whole journal (SCORING.md section 14,
// issue 11). A checkpoint that cannot be used (torn, damaged, another config hash, its
// journal file gone, another program shape) is logged and skipped for an older one.
#include <algorithm>
#include <filesystem>
#include <limits>

#include <spdlog/spdlog.h>

#include "daemon/engine_loop.h"
#include "feeds/checkpoint_store.h"
#include "feeds/journal_replay.h"

namespace mm {

namespace {

// Within a file: at every check of the replayer (64k records), to `progress` if any.
void report_progress(JournalReplayer& replayer, RestoreProgress* progress) {
  if (!progress) return;
  auto sink = [&replayer, progress](const ReplayProgress& p) { progress->replaying(p.bytes, replayer.records()); };
  replayer.on_progress(std::move(sink), std::chrono::milliseconds(0), std::chrono::milliseconds(0));
}

// The index in `files` of the file a checkpoint names as written ("X.ndjson"), which
// may be compressed ("X.ndjson.zst") by now.
std::optional<size_t> index_of_file(const std::vector<std::string>& files, const std::string& name) {
  for (size_t i = 0; i < files.size(); ++i)
    if (journal_name_as_written(std::filesystem::path(files[i]).filename().string()) == name) return i;
  return std::nullopt;
}

// A plain file shorter than the position (lost to a power cut after the checkpoint,
// say) cannot continue it. A compressed file was complete when it was compressed.
bool reaches(const std::string& path, uint64_t offset) {
  if (path.ends_with(".zst")) return true;
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) return std::filesystem::exists(path + ".zst", ec);  // compressed since it was listed
  return size >= offset;
}

}  // namespace

std::optional<EngineLoop::RestoreStart> EngineLoop::load_checkpoint(const std::vector<std::string>& files) {
  if (options_.checkpoint_dir.empty()) return std::nullopt;
  struct Candidate {
    std::string path;
    LoadedCheckpoint checkpoint;
    size_t file;
  };
  auto skip = [](const std::string& path, const std::string& why) {
    spdlog::warn("restore: checkpoint {} skipped: {}", path, why);
  };
  auto usable = [&](const std::string& path) -> std::optional<Candidate> {
    auto c = CheckpointStore::read(path);
    if (!c) {
      spdlog::warn("restore: checkpoint skipped: {}", c.message());
      return std::nullopt;
    }
    const JournalPosition& at = c->meta.position;
    if (c->meta.config_hash != program_.config_hash) {
      skip(path, "written under config hash " + c->meta.config_hash + ", not this config's " + program_.config_hash);
      return std::nullopt;
    }
    const std::optional<size_t> index = index_of_file(files, at.file);
    if (!index) {
      skip(path, "its journal file " + at.file + " is not in the journal directory");
      return std::nullopt;
    }
    if (!reaches(files[*index], at.offset)) {
      skip(path, files[*index] + " is shorter than the checkpoint's position " + std::to_string(at.offset));
      return std::nullopt;
    }
    return Candidate{path, std::move(*c), *index};
  };
  auto take = [&](Candidate& c) -> std::optional<RestoreStart> {
    if (auto loaded = engine_.load_state(c.checkpoint.state); !loaded) {  // unchanged on an error
      skip(c.path, loaded.message());
      return std::nullopt;
    }
    const CheckpointMeta& meta = c.checkpoint.meta;
    restored_from_ = c.path;
    spdlog::info("restore: from checkpoint {} (engine time {}), then {} from byte {}", c.path,
                 format_rfc3339(meta.clock), meta.position.file, meta.position.offset);
    return RestoreStart{c.file, meta.position.offset, meta.clock};
  };
  // Newest first; with a history to rebuild from `after`, the newest from before it
  // (the replay from it is a few minutes longer), else the newest that loads (read
  // again: one checkpoint in memory at a time). Not for a point or two: after a clean
  // stop the history ends within an interval of the shutdown checkpoint.
  const TimeUs after = restore_sample_ ? restore_sample_after_ : 0;
  const TimeUs worth = 2 * restore_sample_every_;
  std::vector<std::string> newer;
  for (const std::string& path : CheckpointStore(options_.checkpoint_dir, 0).list()) {
    std::optional<Candidate> c = usable(path);
    if (!c) continue;
    if (after > 0 && c->checkpoint.meta.clock > after + worth) {
      newer.push_back(path);
      continue;
    }
    if (auto start = take(*c)) return start;
  }
  for (const std::string& path : newer)
    if (std::optional<Candidate> c = usable(path))
      if (auto start = take(*c)) return start;
  return std::nullopt;
}

Result<> EngineLoop::restore(const std::vector<std::string>& files, std::function<bool()> should_stop) {
  // The history sink is for this restore only (it may point at the caller's locals).
  struct ForgetSample {
    RestoreSample& sink;
    ~ForgetSample() { sink = nullptr; }
  } forget{restore_sample_};
  restoring_ = true;
  const std::optional<RestoreStart> start = load_checkpoint(files);
  const size_t first = start ? start->file : 0;
  const std::vector<std::string> later(files.begin() + std::min(files.size(), first + 1), files.end());
  // Same order and chain checks as `mmscore replay`, but another config hash is only a
  // warning: the operator may have changed the config since those files were written.
  JournalReplayer replayer(program_, engine_, JournalReplayOptions{.allow_config_change = true});
  replayer.on_config_change([](const std::string& file, const std::string& journal_hash) {
    spdlog::warn("restore: {} was written under config hash {}, not this config's", file, journal_hash);
  });
  // Before any work (plans the hashing); a checkpoint's own file is checked by name only.
  if (auto checked = replayer.check_headers(start ? later : files); !checked) {
    restoring_ = false;
    return checked;
  }
  if (should_stop) replayer.stop_when(std::move(should_stop));
  replayer.on_refusal([](const std::string& file, uint64_t line, std::string_view reason) {
    spdlog::warn("restore: {}:{}: refused: {}", file, line, reason);
  });
  report_progress(replayer, options_.restore_progress);
  // The charts' history from the journal: one point per `every` crossed after `after`.
  // Only after a checkpoint: a full replay would score a point per `every` of the month.
  const TimeUs sample_after =
      start ? std::max(restore_sample_after_, start->clock) : std::numeric_limits<TimeUs>::max();
  size_t samples = 0;
  auto sample_due = [&] { return engine_.started() && engine_.clock() > sample_after; };
  if (restore_sample_ && restore_sample_every_ > 0) {
    replayer.before_record([&](TimeUs ts) {
      if (sample_due() && ts / restore_sample_every_ > engine_.clock() / restore_sample_every_)
        sample_restored(), ++samples;
    });
  }
  if (options_.restore_progress) options_.restore_progress->files_skipped(first);
  for (size_t i = first; i < files.size(); ++i) {
    auto replayed = start && i == first ? replayer.replay_file_from(files[i], start->offset, start->clock)
                                        : replayer.replay_file(files[i]);
    if (!replayed) {
      restoring_ = false;
      return replayed;
    }
    if (options_.restore_progress) options_.restore_progress->file_done(replayer.records());
  }
  restoring_ = false;
  if (restore_sample_ && restore_sample_every_ > 0 && replayer.records() > 0 && sample_due())
    sample_restored(), ++samples;  // the state at the last record
  if (!files.empty())
    spdlog::info("restored {} records from {} journal files{}{}", replayer.records(), files.size() - first,
                 start ? " after the checkpoint" : "",
                 samples ? fmt::format("; {} chart points rebuilt", samples) : std::string());
  // The journal after the checkpoint (or all of it) is now in the state: save it.
  checkpoint_due_ = replayer.records() > 0;
  if (!engine_.started()) return {};
  close_sources_left_open();
  return {};
}

// A crash leaves sources "connected" in the journal: close them at the last record.
void EngineLoop::close_sources_left_open() {
  const TimeUs ts = engine_.clock();
  auto close = [&](Source s) {
    engine_.apply(Record{ts, s, ConnectionEvent{false}});
    if (journal_) journal_->event(ts, s, false);
  };
  if (engine_.public_connected()) close(Source{SourceKind::market});
  for (uint16_t i = 0; i < program_.mms.size(); ++i)
    for (uint16_t a = 0; a < program_.mms[i].accounts.size(); ++a)
      if (engine_.account_connected(i, a)) close(Source{SourceKind::mm, i, a});
}

}  // namespace mm
