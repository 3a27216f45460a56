// The hub's configuration folder: edihub.yaml (archive location, pipeline settings),
// partners/*.yaml and mappings/*.yaml. Every path is relative to the folder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "partners/profile.h"

namespace edihub::hub {

struct Config {
  std::filesystem::path dir;           // the config folder, absolute
  std::filesystem::path archive_dir;   // raw store and index live here
  std::size_t batch_files = 500;       // files per group commit
  partners::Directory partners;

  std::filesystem::path index_file() const { return archive_dir / "index.db"; }

  // Loads and checks everything; throws partners::ConfigError listing every problem.
  static Config load(const std::filesystem::path& dir);
};

}  // namespace edihub::hub
