// Checkpoint files (feeds/checkpoint_store): written atomically, read back whole, and
// anything torn, damaged or foreign refused with the reason, so a restart skips it.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "feeds/checkpoint_store.h"
#include "tests/support/temp_dir.h"

using namespace mm;
namespace fs = std::filesystem;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

CheckpointMeta meta_at(TimeUs clock) {
  return CheckpointMeta{"cafe01", "0.1.0", clock, {"journal-20261201T000000.000000Z.ndjson", 4096}};
}

constexpr TimeUs kT0 = 1'796'083'200'000'000;  // 2026-12-01T00:00:00Z

}  // namespace

TEST_CASE("checkpoint store: written, listed newest first, read back exactly") {
  const std::string dir = test_support::temp_dir("ckpt") + "/checkpoints";
  const CheckpointStore store(dir, 3);
  std::string state("\0\1binary\xff state", 15);
  auto path = store.write(meta_at(kT0 + 1'500'000), state);
  REQUIRE(path);
  CHECK(fs::path(*path).filename() == "checkpoint-20261201T000001.500000Z.ckpt");
  REQUIRE(store.write(meta_at(kT0 + 2'000'000), "second"));

  const auto files = store.list();
  REQUIRE(files.size() == 2);
  CHECK(fs::path(files[0]).filename() == "checkpoint-20261201T000002.000000Z.ckpt");
  auto read = CheckpointStore::read(*path);
  REQUIRE(read);
  CHECK(read->state == state);
  CHECK(read->meta.config_hash == "cafe01");
  CHECK(read->meta.mmscore == "0.1.0");
  CHECK(read->meta.clock == kT0 + 1'500'000);
  CHECK(read->meta.position.file == "journal-20261201T000000.000000Z.ndjson");
  CHECK(read->meta.position.offset == 4096);
  CHECK(!fs::exists(*path + ".tmp"));
  CHECK_FALSE(store.write(meta_at(kT0 + 2'000'000), "same time"));  // never overwritten
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_CASE("checkpoint store: prune keeps the newest, and removes interrupted writes") {
  const std::string dir = test_support::temp_dir("ckpt") + "/checkpoints";
  const CheckpointStore store(dir, 2);
  for (int i = 0; i < 5; ++i) REQUIRE(store.write(meta_at(kT0 + i * kUsPerSecond), "s" + std::to_string(i)));
  spit(dir + "/checkpoint-20261201T000009.000000Z.ckpt.tmp", "half a file");  // SIGKILL mid-write
  spit(dir + "/notes.txt", "not ours");
  CHECK(store.list().size() == 2);
  store.prune();
  const auto files = store.list();
  REQUIRE(files.size() == 2);
  CHECK(CheckpointStore::read(files[0])->state == "s4");
  CHECK(CheckpointStore::read(files[1])->state == "s3");
  CHECK(!fs::exists(dir + "/checkpoint-20261201T000009.000000Z.ckpt.tmp"));
  CHECK(fs::exists(dir + "/notes.txt"));
  fs::remove_all(fs::path(dir).parent_path());
}

TEST_CASE("checkpoint store: a torn, damaged or foreign file is refused with the reason") {
  const std::string dir = test_support::temp_dir("ckpt") + "/checkpoints";
  const CheckpointStore store(dir, 10);
  const std::string path = *store.write(meta_at(kT0), std::string(1000, 's'));
  const std::string bytes = slurp(path);

  for (size_t keep : {bytes.size() - 1, bytes.size() / 2, size_t(100)}) {
    INFO("torn after " << keep << " bytes");
    spit(path, bytes.substr(0, keep));
    const auto r = CheckpointStore::read(path);
    REQUIRE_FALSE(r);
    CHECK(r.message() == path + ": checksum mismatch (a torn or damaged file)");
  }
  spit(path, bytes.substr(0, 20));
  CHECK(CheckpointStore::read(path).message() == path + ": not a checkpoint file (no MMSCKPT header)");

  std::string flipped = bytes;
  flipped[bytes.size() / 2] ^= 0x01;
  spit(path, flipped);
  CHECK(CheckpointStore::read(path).message() == path + ": checksum mismatch (a torn or damaged file)");

  spit(path, std::string(200, '{'));
  CHECK(CheckpointStore::read(path).message() == path + ": not a checkpoint file (no MMSCKPT header)");

  CHECK(CheckpointStore::read(dir + "/missing.ckpt").message() == dir + "/missing.ckpt: No such file or directory");
  fs::remove_all(fs::path(dir).parent_path());
}
