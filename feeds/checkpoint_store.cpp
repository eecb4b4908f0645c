#include "feeds/checkpoint_store.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/state_codec.h"
#include "feeds/journal_reader.h"

namespace mm {

namespace {

constexpr std::string_view kMagic = "MMSCKPT\n";
constexpr uint32_t kFileFormat = 1;
constexpr size_t kHexDigest = 64;
constexpr std::string_view kSuffix = ".ckpt";

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

std::string digest_of(std::string_view bytes) {
  Sha256 h;
  h.update(bytes.data(), bytes.size());
  return h.finish_hex();
}

Result<> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return make_error(errno_text(path));
    data.remove_prefix(size_t(n));
  }
  return {};
}

Result<> fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return make_error(errno_text(dir));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return make_error(errno_text(dir));
  return {};
}

// Temp file next to the target, written and synced, then renamed over nothing (O_EXCL
// on the temp; the target name is new), then the directory synced.
Result<> write_atomically(const std::string& dir, const std::string& path, std::string_view bytes) {
  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return make_error(errno_text(temp));
  Result<> written = write_all(fd, bytes, temp);
  if (written && ::fsync(fd) != 0) written = make_error(errno_text(temp));
  ::close(fd);
  if (written && ::rename(temp.c_str(), path.c_str()) != 0) written = make_error(errno_text(path));
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  return fsync_directory(dir);
}

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
  bytes += digest_of(bytes);
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
  if (auto written = write_atomically(dir_, path, framed(meta, state)); !written) return written.error();
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
  if (digest_of(body) != std::string_view(bytes).substr(body.size()))
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
