#include "feeds/checkpoint_store.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/state_codec.h"
#include "feeds/file_io.h"
#include "feeds/journal_reader.h"

namespace mm {

namespace {

constexpr std::string_view kMagic = "MMSCKPT\n";
constexpr uint32_t kFileFormat = 1;
constexpr size_t kHexDigest = 64;
constexpr std::string_view kSuffix = ".ckpt";

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string framed(const CheckpointMeta& meta, std::string_view state) {
  StateWriter w;
  w.put_bytes(kMagic.data(), kMagic.size());
  w.put(kFileFormat);
  w.put_string(meta.config_hash);
  w.put_string(meta.mmscore);
  w.put(meta.clock);
  w.put_string(meta.position.file);
  w.put(meta.position.offset);
  w.put_string(state);
  std::string bytes = std::move(w.bytes());
  bytes += sha256_hex(bytes);
  return bytes;
}

bool is_checkpoint_name(const std::string& name) {
  return name.rfind("checkpoint-", 0) == 0 && name.size() > kSuffix.size() &&
         name.compare(name.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0;
}

}  // namespace

std::string checkpoint_file_name(TimeUs clock) { return "checkpoint-" + format_compact_utc(clock) + std::string(kSuffix); }

Result<std::string> CheckpointStore::write(const CheckpointMeta& meta, std::string_view state) const {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  if (ec) return make_error(dir_ + ": " + ec.message());
  const std::string path = (std::filesystem::path(dir_) / checkpoint_file_name(meta.clock)).string();
  if (std::filesystem::exists(path, ec)) return make_error(path + ": a checkpoint of this engine time exists");
  // The name is new (checked above); an exclusive temp: no second writer of it.
  if (auto written = write_file_durably(path, framed(meta, state), TempFile::exclusive); !written)
    return written.error();
  prune();
  return path;
}

std::vector<std::string> CheckpointStore::list() const {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    if (entry.is_regular_file(ec) && is_checkpoint_name(entry.path().filename().string()))
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end(), std::greater<>());
  return files;
}

void CheckpointStore::prune() const {
  const std::vector<std::string> files = list();
  std::error_code ec;
  for (size_t i = keep_; i < files.size(); ++i) std::filesystem::remove(files[i], ec);
  for (const auto& entry : std::filesystem::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("checkpoint-", 0) == 0 && name.ends_with(".tmp")) std::filesystem::remove(entry.path(), ec);
  }
}

Result<LoadedCheckpoint> CheckpointStore::read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(errno_text(path));
  std::ostringstream content;
  content << in.rdbuf();
  const std::string bytes = std::move(content).str();
  auto bad = [&](std::string_view why) { return make_error(path + ": " + std::string(why)); };
  if (bytes.size() < kMagic.size() + kHexDigest || bytes.compare(0, kMagic.size(), kMagic) != 0)
    return bad("not a checkpoint file (no MMSCKPT header)");
  const std::string_view body(bytes.data(), bytes.size() - kHexDigest);
  if (sha256_hex(body) != std::string_view(bytes).substr(body.size()))
    return bad("checksum mismatch (a torn or damaged file)");
  StateReader r(body.substr(kMagic.size()));
  if (const uint32_t format = r.get<uint32_t>(); format != kFileFormat)
    return bad("checkpoint format " + std::to_string(format) + ", this mmscore reads " + std::to_string(kFileFormat));
  LoadedCheckpoint c;
  c.path = path;
  c.meta.config_hash = r.get_string();
  c.meta.mmscore = r.get_string();
  r(c.meta.clock);
  c.meta.position.file = r.get_string();
  r(c.meta.position.offset);
  c.state = r.get_string();
  if (!r.ok() || !r.at_end()) return bad("malformed checkpoint fields");
  return c;
}

}  // namespace mm
