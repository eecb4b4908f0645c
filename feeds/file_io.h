// Whole-file reads and durable replacing writes, for the daemon's small state files
// (checkpoints, the charts' history, tokens, statements). Journals stream through
// JournalReader / JournalWriter instead.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace mm {

// The whole file; error "FILE: cannot read: reason".
Result<std::string> read_file(const std::string& path);

// What write_file_durably does with "<path>.tmp" if it exists already.
enum class TempFile {
  exclusive,         // fail: another write of this path may be in progress
  replace_leftover,  // overwrite: a crash's leftover of the only writer
};

// `bytes` to "<path>.tmp", fsync, rename over `path`, fsync of its directory: a reader
// finds the old file or the new one, and the new one survives a power cut once this
// returned. The directory must exist. Errors name the file and the reason.
Result<> write_file_durably(const std::string& path, std::string_view bytes, TempFile temp);

}  // namespace mm
