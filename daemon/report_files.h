// Writes report files atomically (temp file + rename), so readers never see half a report.
#pragma once

#include <optional>
#include <string>
#include <thread>
#include <string_view>
#include <vector>

#include "core/program.h"
#include "core/result.h"
#include "core/scoring.h"

namespace mm {

// What a write may replace. The daemon writes running reports from two threads (the API's
// snapshot, the stop) while the engine may be writing a month's final report: a running
// report must never replace a final one.
enum class ReplaceReport { always, unless_final };

// Writes DIR/report-YYYY-MM.json (and .csv when asked). Returns the JSON path.
Result<std::string> write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                                       ReplaceReport replace = ReplaceReport::always);
Result<> ensure_directory(const std::string& dir);
Result<> write_file_atomic(const std::string& path, const std::string& content);
// Whether PATH holds a report with "final": true (false when absent or unreadable).
bool is_final_report_file(const std::string& path);

// ---- snapshots: immutable copies of the running report --------------------------------

// Writes DIR/snapshot-YYYYMMDDTHHMMSS.ffffffZ.json and .csv, named by `taken` (UTC); never
// replaces a file: a second snapshot of the same microsecond is named "...Z-2.json".
// Returns the JSON path.
Result<std::string> write_snapshot_files(const std::string& dir, const Program& program, const Report& report,
                                         TimeUs taken);
struct SnapshotFile {
  std::string name;  // "snapshot-20261214T093000.000000Z.json"
  uint64_t bytes = 0;
};
// The snapshot files of DIR (JSON and CSV), oldest first; empty when DIR is missing.
std::vector<SnapshotFile> list_snapshot_files(const std::string& dir);
// A name write_snapshot_files makes (no directory part, no ".."): safe to serve from DIR.
bool is_snapshot_file_name(std::string_view name);
// Writes PATH only if it does not exist yet (atomically: a reader never sees half a file).
Result<> write_file_no_replace(const std::string& path, const std::string& content);

// ---- month-end close (SCORING.md section 15) ------------------------------------------

// One MM's statement: its report entry whole (entries, fee tiers) and, per market, the
// aggregates its scores are computed against (all-user and program volume, the pair pool,
// the sum of the MMs' liquidity metrics); nothing of another MM.
std::string statement_json(const Program& program, const Report& report, uint32_t mm);
std::string statement_csv(const Program& program, const Report& report, uint32_t mm);
std::string statement_file_stem(const Report& report, const Program& program, uint32_t mm);  // statement-2026-02-alpha
std::string statement_file_stem(YearMonth month, const std::string& mm_id);
std::string manifest_file_name(YearMonth month);                                            // manifest-2026-02.json

// One MM's month-end statement as written in `report_dir` (GET /v1/mms/<id>/statement):
// `month`'s, or the newest there is; JSON or CSV. An error saying why when there is none.
struct StatementFile {
  std::string name, content;
};
Result<StatementFile> read_statement_file(const std::string& report_dir, const std::string& mm_id,
                                          std::optional<YearMonth> month, bool csv);

// The journal files a closed month's manifest names: `replay_from` holds the earlier
// files whose state (resting orders, books, trade ids seen) the month starts from;
// `journals` the files holding the month's records, through the one that closed it.
struct MonthJournals {
  std::vector<std::string> replay_from;
  std::vector<std::string> journals;
};

// Writes DIR/report-YYYY-MM.json (and .csv when asked), one statement per MM (JSON and
// CSV) and, last, DIR/manifest-YYYY-MM.json with the SHA-256 of the config file, of every
// journal named and of every file written here. Returns the manifest's path.
Result<std::string> write_month_close(const std::string& dir, const Program& program, const Report& report, bool csv,
                                      const std::string& config_path, const MonthJournals& journals);
// The parts of write_month_close: the statements (returns the names of the files written
// for the month, the report's included), then the manifest over them.
Result<std::vector<std::string>> write_month_statements(const std::string& dir, const Program& program,
                                                        const Report& report, bool csv);
Result<std::string> write_month_manifest(const std::string& dir, const Program& program, const Report& report,
                                         const std::string& config_path, const MonthJournals& journals,
                                         const std::vector<std::string>& written);

// The journal files of a live daemon's directory that a closed month's manifest names:
// up to and including `last` (the file open at the close); files opened before the
// month began go to replay_from, but the last of them, which holds its first records.
MonthJournals live_month_journals(const std::string& journal_dir, YearMonth month, const std::string& last);

// The live daemon's month-end close after the final report: the statements at once; the
// manifest once the journal file open at the close is closed (its SHA-256 is final only
// then), on a thread of its own (hashing a month of journals takes a while).
class LiveMonthClose {
 public:
  // Empty config_path or journal_dir: statements only, no manifest.
  LiveMonthClose(const Program& program, std::string report_dir, std::string config_path, std::string journal_dir);
  ~LiveMonthClose();  // finish()
  LiveMonthClose(const LiveMonthClose&) = delete;
  LiveMonthClose& operator=(const LiveMonthClose&) = delete;

  // Engine thread, after the final report was written.
  void closed(const Report& final_report, const std::string& open_journal_file);
  // Engine thread: a manifest waits for its journal file (a plain flag: cheap to ask often).
  bool waiting() const { return !pending_.empty(); }
  // Engine thread: the journal's current file; manifests whose file was closed are written.
  void journal_at(const std::string& current_file);
  // After the journal was closed: writes every waiting manifest, waits for all of them.
  void finish();

 private:
  struct Pending {
    Report report;
    std::vector<std::string> written;
    std::string open_file;
  };
  void write_manifest(const Pending& p) const;

  const Program& program_;
  std::string report_dir_, config_path_, journal_dir_;
  std::vector<Pending> pending_;
  std::vector<std::thread> writers_;
};

}  // namespace mm
