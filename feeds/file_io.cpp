#include "feeds/file_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mm {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

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

}  // namespace

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return make_error(path + ": read error");
  return std::move(ss).str();
}

Result<> write_file_durably(const std::string& path, std::string_view bytes, TempFile temp) {
  const std::string tmp = path + ".tmp";
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (temp == TempFile::exclusive ? O_EXCL : O_TRUNC);
  const int fd = ::open(tmp.c_str(), flags, 0640);
  if (fd < 0) return make_error(errno_text(tmp));
  Result<> written = write_all(fd, bytes, tmp);
  if (written && ::fsync(fd) != 0) written = make_error(errno_text(tmp));
  ::close(fd);
  if (written && ::rename(tmp.c_str(), path.c_str()) != 0) written = make_error(errno_text(path));
  if (!written) {
    ::unlink(tmp.c_str());
    return written;
  }
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return fsync_directory(dir.empty() ? "." : dir);
}

}  // namespace mm
