// A fresh directory under the system temp dir for one test: "mmscore-<tag>-<random>".
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <string_view>

namespace test_support {

inline std::string temp_dir(std::string_view tag) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("mmscore-" + std::string(tag) + "-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

}  // namespace test_support
