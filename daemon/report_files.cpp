#include "daemon/report_files.h"

#include <simdjson.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "core/json_writer.h"
#include "core/report_format.h"
#include "core/report_rows.h"
#include "core/result.h"
#include "feeds/file_io.h"
#include "feeds/journal_reader.h"  // sha256_of_file
#include "feeds/journal_writer.h"  // list_journal_files

namespace mm {

Result<> ensure_directory(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return make_error(dir + ": cannot create directory: " + ec.message());
  return {};
}

Result<> write_file_atomic(const std::string& path, const std::string& content) {
  // A temp name of its own per write: two threads writing one path never share it.
  static std::atomic<uint64_t> writes{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return make_error(tmp + ": " + std::strerror(errno));
  const bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size() && std::fflush(f) == 0;
  const int saved = errno;
  std::fclose(f);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int failed = ok ? errno : saved;
    std::remove(tmp.c_str());
    return make_error(path + ": " + std::strerror(failed));
  }
  return {};
}

namespace {

// The top-level "final" of the report at PATH (SCORING.md section 10), by a full parse:
// any key order, and a "final" nested in another value does not count. An error when the
// file cannot be read, is not JSON, is not an object or has no boolean "final".
Result<bool> read_final_flag(const std::string& path) {
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) return make_error(path + ": cannot read");
  simdjson::dom::parser parser;  // a file per call, off the hot path
  simdjson::dom::element root;
  if (const auto err = parser.parse(text).get(root)) {
    return make_error(path + ": not JSON: " + simdjson::error_message(err));
  }
  simdjson::dom::object report;
  if (root.get_object().get(report)) return make_error(path + ": not a JSON object");
  bool final = false;
  if (report["final"].get_bool().get(final)) return make_error(path + ": no boolean \"final\"");
  return final;
}

}  // namespace

bool is_final_report_file(const std::string& path) {
  const Result<bool> final = read_final_flag(path);
  return final && *final;
}

Result<std::string> write_report_files(const std::string& dir, const Program& program, const Report& report, bool csv,
                                       ReplaceReport replace) {
  if (auto made = ensure_directory(dir); !made) return made.error();
  const std::string stem = (std::filesystem::path(dir) / report_file_stem(report)).string();
  // Check and write as one step against the other writers of this process.
  static std::mutex writing;
  std::lock_guard lock(writing);
  if (replace == ReplaceReport::unless_final && !report.final && is_final_report_file(stem + ".json"))
    return make_error(stem + ".json: the month is closed; its final report is kept");
  if (auto written = write_file_atomic(stem + ".json", report_json(program, report)); !written) return written.error();
  if (csv) {
    if (auto written = write_file_atomic(stem + ".csv", report_csv(program, report)); !written) return written.error();
  }
  return stem + ".json";
}

// ---- snapshots --------------------------------------------------------------------------

Result<> write_file_no_replace(const std::string& path, const std::string& content) {
  static std::atomic<uint64_t> writes{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(++writes);
  if (auto written = write_file_atomic(tmp, content); !written) return written;
  const int linked = ::link(tmp.c_str(), path.c_str());  // fails with EEXIST: never replaces
  const int saved = errno;
  std::remove(tmp.c_str());
  if (linked != 0) return make_error(path + ": " + std::strerror(saved));
  return {};
}

Result<std::string> write_snapshot_files(const std::string& dir, const Program& program, const Report& report,
                                         TimeUs taken) {
  if (auto made = ensure_directory(dir); !made) return made.error();
  const std::string json = report_json(program, report), csv = report_csv(program, report);
  const std::string base = (std::filesystem::path(dir) / ("snapshot-" + format_compact_utc(taken))).string();
  for (int n = 1; n < 1000; ++n) {
    const std::string stem = n == 1 ? base : base + "-" + std::to_string(n);
    if (std::filesystem::exists(stem + ".csv")) continue;
    auto written = write_file_no_replace(stem + ".json", json);
    if (!written && std::filesystem::exists(stem + ".json")) continue;  // taken meanwhile
    if (!written) return written.error();
    if (auto c = write_file_no_replace(stem + ".csv", csv); !c) return c.error();
    return stem + ".json";
  }
  return make_error(base + ".json: 1000 snapshots in one microsecond");
}

bool is_snapshot_file_name(std::string_view name) {
  if (!name.starts_with("snapshot-") || name.find('/') != std::string_view::npos ||
      name.find("..") != std::string_view::npos || name.find(".tmp.") != std::string_view::npos)
    return false;
  return name.ends_with(".json") || name.ends_with(".csv");
}

std::vector<SnapshotFile> list_snapshot_files(const std::string& dir) {
  std::vector<SnapshotFile> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!e.is_regular_file(ec) || !is_snapshot_file_name(name)) continue;
    out.push_back({name, uint64_t(e.file_size(ec))});
  }
  std::sort(out.begin(), out.end(), [](const SnapshotFile& a, const SnapshotFile& b) { return a.name < b.name; });
  return out;
}

// ---- month-end close ------------------------------------------------------------------

namespace {

using MF = MarketField;
constexpr MarketField kStatementMarketFields[] = {
    MF::symbol, MF::category, MF::reward_tier, MF::active_days, MF::pair_pool_usd, MF::maker_volume_usd,
    MF::program_maker_volume_usd, MF::snapshots_observed, MF::snapshots_unobserved,
};

// The sum of every MM's liquidity metric in the market: the liquidity score's denominator.
double program_liquidity_metric(const Report& r, uint32_t market) {
  double sum = 0;
  for (const MmResult& mm : r.mms) sum += mm.markets[market].liquidity_metric;
  return sum;
}

std::string safe_file_part(const std::string& id) {
  std::string out = id;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  return out;
}

// {"file", "sha256", "bytes"} of a file on disk.
Result<> write_file_entry(JsonWriter& w, const std::string& path, const std::string& shown) {
  const auto sha = sha256_of_file(path);
  if (!sha) return sha.error();
  std::error_code ec;
  const auto bytes = std::filesystem::file_size(path, ec);
  if (ec) return make_error(path + ": " + ec.message());
  w.begin_object().key("file").value(shown).key("sha256").value(*sha).key("bytes").value(uint64_t(bytes));
  w.end_object();
  return {};
}

Result<> write_journal_list(JsonWriter& w, const char* key, const std::vector<std::string>& files) {
  w.key(key).begin_array();
  for (const std::string& f : files) {
    if (auto r = write_file_entry(w, f, std::filesystem::absolute(f).lexically_normal().string()); !r) return r;
  }
  w.end_array();
  return {};
}

Result<std::string> manifest_json(const Program& program, const Report& report, const std::string& config_path,
                                  const MonthJournals& journals, const std::string& dir,
                                  const std::vector<std::string>& written) {
  const auto config_sha = sha256_of_file(config_path);
  if (!config_sha) return config_sha.error();
  JsonWriter w;
  w.begin_object();
  w.key("manifest").value(uint64_t(1));
  w.key("month").value(report.month.to_string());
  w.key("config_hash").value(program.config_hash);
  w.key("config_file").value(std::filesystem::absolute(config_path).lexically_normal().string());
  w.key("config_sha256").value(*config_sha);
  if (auto r = write_journal_list(w, "replay_from", journals.replay_from); !r) return r.error();
  if (auto r = write_journal_list(w, "journals", journals.journals); !r) return r.error();
  w.key("files").begin_array();  // by name: they sit beside the manifest
  for (const std::string& name : written) {
    if (auto r = write_file_entry(w, (std::filesystem::path(dir) / name).string(), name); !r) return r.error();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

}  // namespace

std::string statement_file_stem(YearMonth month, const std::string& mm_id) {
  return "statement-" + month.to_string() + "-" + safe_file_part(mm_id);
}

std::string statement_file_stem(const Report& report, const Program& program, uint32_t mm) {
  return statement_file_stem(report.month, program.mms[mm].id);
}

std::string manifest_file_name(YearMonth month) { return "manifest-" + month.to_string() + ".json"; }

Result<StatementFile> read_statement_file(const std::string& report_dir, const std::string& mm_id,
                                          std::optional<YearMonth> month, bool csv) {
  const std::string ext = csv ? ".csv" : ".json";
  std::optional<YearMonth> found = month;
  if (!found) {  // the newest: a name statement_file_stem makes for this MM (an id may hold '-')
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(report_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with("statement-") || name.size() < 17) continue;
      const std::optional<YearMonth> m = parse_year_month(std::string_view(name).substr(10, 7));  // "YYYY-MM"
      if (m && name == statement_file_stem(*m, mm_id) + ext && (!found || *m > *found)) found = m;
    }
    if (!found) return make_error("no statement for " + mm_id + " yet: one is written when a month closes");
  }
  const std::string name = statement_file_stem(*found, mm_id) + ext;
  Result<std::string> content = read_file((std::filesystem::path(report_dir) / name).string());
  if (!content) return make_error("no statement for " + mm_id + " for " + found->to_string());
  return StatementFile{name, std::move(*content)};
}

std::string statement_json(const Program& p, const Report& r, uint32_t mm) {
  JsonWriter w;
  w.begin_object();
  w.key("statement").value(uint64_t(1));
  w.key("month").value(r.month.to_string());
  w.key("final").value(r.final);
  w.key("as_of").value(format_rfc3339(r.as_of));
  w.key("config_hash").value(r.config_hash);
  w.key("pool_usd").cents(r.pool);
  w.key("mm");
  write_mm_row(w, MmRow{p, r.mms[mm]});
  w.key("markets").begin_array();
  for (uint32_t m = 0; m < r.markets.size(); ++m) {
    w.begin_object();
    write_fields(w, MarketRow{p, r.markets[m]}, kStatementMarketFields);
    w.key("program_liquidity_metric").fixed(program_liquidity_metric(r, m), 9);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  return w.take() + "\n";
}

// The report's CSV row of each of the MM's markets, then the market's aggregates.
std::string statement_csv(const Program& p, const Report& r, uint32_t mm) {
  std::string out = csv_header();
  out.pop_back();
  for (MarketField f : {MF::pair_pool_usd, MF::maker_volume_usd, MF::program_maker_volume_usd})
    out += ",market_" + std::string(field_name(f));
  out += ",program_liquidity_metric\n";
  for (uint32_t m = 0; m < r.markets.size(); ++m) {
    append_csv_row(out, MmRow{p, r.mms[mm]}, MmMarketRow{p, r.mms[mm].markets[m]});
    out.pop_back();
    for (MarketField f : {MF::pair_pool_usd, MF::maker_volume_usd, MF::program_maker_volume_usd})
      out += "," + csv_cell(field_value(MarketRow{p, r.markets[m]}, f));
    out += "," + format_double_fixed(program_liquidity_metric(r, m), 9) + "\n";
  }
  return out;
}

Result<std::vector<std::string>> write_month_statements(const std::string& dir, const Program& program,
                                                        const Report& report, bool csv) {
  const std::string stem = report_file_stem(report);
  std::vector<std::string> written{stem + ".json"};
  if (csv) written.push_back(stem + ".csv");
  for (uint32_t i = 0; i < program.mms.size(); ++i) {
    const std::string name = statement_file_stem(report, program, i);
    for (const auto& [ext, text] : {std::pair{".json", statement_json(program, report, i)},
                                    std::pair{".csv", statement_csv(program, report, i)}}) {
      const std::string path = (std::filesystem::path(dir) / (name + ext)).string();
      if (auto ok = write_file_atomic(path, text); !ok) return ok.error();
      written.push_back(name + ext);
    }
  }
  return written;
}

Result<std::string> write_month_manifest(const std::string& dir, const Program& program, const Report& report,
                                         const std::string& config_path, const MonthJournals& journals,
                                         const std::vector<std::string>& written) {
  const auto manifest = manifest_json(program, report, config_path, journals, dir, written);
  if (!manifest) return manifest.error();
  const std::string path = (std::filesystem::path(dir) / manifest_file_name(report.month)).string();
  if (auto ok = write_file_atomic(path, *manifest); !ok) return ok.error();
  return path;
}

Result<std::string> write_month_close(const std::string& dir, const Program& program, const Report& report, bool csv,
                                      const std::string& config_path, const MonthJournals& journals) {
  const auto report_path = write_report_files(dir, program, report, csv);
  if (!report_path) return report_path.error();
  const auto written = write_month_statements(dir, program, report, csv);
  if (!written) return written.error();
  return write_month_manifest(dir, program, report, config_path, journals, *written);
}

// ---- the live daemon's close -----------------------------------------------------------

namespace {

std::string plain_name(const std::string& path) {  // the name as written, without ".zst"
  std::string name = std::filesystem::path(path).filename().string();
  if (name.size() > 4 && name.ends_with(".zst")) name.resize(name.size() - 4);
  return name;
}

}  // namespace

MonthJournals live_month_journals(const std::string& journal_dir, YearMonth month, const std::string& last) {
  // Journal names sort by the time their file was opened: "journal-YYYYMMDDTHHMMSS.ffffffZ...".
  const std::string month_start = "journal-" + format_compact_utc(month.start());
  const std::string last_name = plain_name(last);
  std::vector<std::string> before, during;
  for (const std::string& f : list_journal_files(journal_dir)) {
    const std::string name = plain_name(f);
    if (name > last_name) break;
    (name < month_start ? before : during).push_back(f);
  }
  MonthJournals out;
  if (!before.empty()) {  // the last file opened before the month holds its first records
    during.insert(during.begin(), before.back());
    before.pop_back();
  }
  out.replay_from = std::move(before);
  out.journals = std::move(during);
  return out;
}

LiveMonthClose::LiveMonthClose(const Program& program, std::string report_dir, std::string config_path,
                               std::string journal_dir)
    : program_(program),
      report_dir_(std::move(report_dir)),
      config_path_(std::move(config_path)),
      journal_dir_(std::move(journal_dir)) {}

LiveMonthClose::~LiveMonthClose() { finish(); }

void LiveMonthClose::closed(const Report& report, const std::string& open_journal_file) {
  const auto written = write_month_statements(report_dir_, program_, report, false);
  if (!written) {
    spdlog::error("statements for {}: {}", report.month.to_string(), written.message());
    return;
  }
  spdlog::info("month {} closed: {} statements written", report.month.to_string(), program_.mms.size());
  if (config_path_.empty() || journal_dir_.empty() || open_journal_file.empty()) return;
  pending_.push_back({report, *written, open_journal_file});
}

void LiveMonthClose::journal_at(const std::string& current_file) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->open_file == current_file) {
      ++it;
      continue;
    }
    writers_.emplace_back([this, p = std::move(*it)] { write_manifest(p); });
    it = pending_.erase(it);
  }
}

void LiveMonthClose::finish() {
  for (Pending& p : pending_) write_manifest(p);
  pending_.clear();
  for (std::thread& t : writers_) t.join();
  writers_.clear();
}

void LiveMonthClose::write_manifest(const Pending& p) const {
  const MonthJournals files = live_month_journals(journal_dir_, p.report.month, p.open_file);
  const auto path = write_month_manifest(report_dir_, program_, p.report, config_path_, files, p.written);
  if (!path) spdlog::error("manifest for {}: {}", p.report.month.to_string(), path.message());
  else spdlog::info("month {}: manifest {}", p.report.month.to_string(), *path);
}

}  // namespace mm
