// Entry points of the loader: parse, read every section, resolve paths, hash.
#include "config/config.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "config/sections.h"
#include "config/toml_reader.h"

namespace mm {
namespace {

using config_detail::Fields;
using config_detail::LoadFailure;
using config_detail::Source;

constexpr std::string_view kTopLevelKeys[] = {"program", "snapshot", "quotes", "categories", "markets", "fee_tiers",
                                              "mms",     "feed",     "journal", "report",    "api",     "simulator", "risk"};

Settings load(std::string_view text, const std::string& display_path) {
  const Source source(display_path);
  toml::table doc;
  try {
    doc = toml::parse(text, std::string_view(display_path));
  } catch (const toml::parse_error& e) {
    source.fail(e.source(), {}, e.description());
  }

  Settings settings;
  settings.path = display_path;
  Fields root(source, doc, "");
  // A misspelt section ("[[market]]") is reported as such, not as a missing one.
  for (std::string_view key : kTopLevelKeys) root.find(key);
  root.finish();

  read_program_knobs(root, settings.program);  // first: categories check against the pool
  read_markets(root, settings.program);
  read_categories(root, settings.program);
  read_mms(root, settings);
  read_project_sections(root, settings);
  settings.program.max_trade_id_jump = uint64_t(settings.feed.max_trade_id_jump);
  settings.program.backfill_overlap = settings.feed.backfill_overlap;

  settings.key_lines = source.take_lines();
  settings.program.index();
  settings.program.config_hash = compute_config_hash(settings.program);
  if (settings.program.config_hash.empty()) throw LoadFailure{display_path + ": cannot compute the config hash (OpenSSL)"};
  return settings;
}

std::string resolve(const std::filesystem::path& base, const std::string& path) {
  if (path.empty() || base.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (base / path).lexically_normal().string();
}

void resolve_paths(Settings& s, const std::filesystem::path& base) {
  s.feed.ca_file = resolve(base, s.feed.ca_file);
  s.journal.dir = resolve(base, s.journal.dir);
  s.report.dir = resolve(base, s.report.dir);
  s.api.tokens_file = resolve(base, s.api.tokens_file);
  for (auto& accounts : s.accounts) {
    for (auto& a : accounts) {
      a.api_key_file = resolve(base, a.api_key_file);
      a.api_secret_file = resolve(base, a.api_secret_file);
    }
  }
}

// Returns 0 or the errno of the failure.
int read_whole_file(const std::string& path, std::string& out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return errno;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  const int error = std::ferror(f) ? (errno != 0 ? errno : EIO) : 0;
  std::fclose(f);
  return error;
}

}  // namespace

Result<Settings> load_config_string(std::string_view toml, const std::string& display_path) {
  try {
    return load(toml, display_path);
  } catch (const LoadFailure& failure) {
    return make_error(failure.message);
  } catch (const std::exception& e) {  // e.g. bad_alloc: still never escapes
    return make_error(display_path + ": " + e.what());
  }
}

Result<Settings> load_config_file(const std::string& path) {
  std::string text;
  errno = 0;
  if (const int error = read_whole_file(path, text); error != 0)
    return make_error(path + ": cannot read: " + std::strerror(error));
  auto result = load_config_string(text, path);
  if (result) resolve_paths(*result, std::filesystem::path(path).parent_path());
  return result;
}

}  // namespace mm
