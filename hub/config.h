// The hub's configuration folder: edihub.yaml (archive location, pipeline settings),
// partners/*.yaml and mappings/*.yaml. Every path is relative to the folder.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>

#include "partners/profile.h"

namespace edihub::hub {

// edihub.yaml `service:`, read by `edihub serve` (docs/serve.md).
struct ServiceSettings {
  std::size_t workers = 4;                       // partner polls running at once
  std::chrono::seconds poll_every{60};           // a partner's default poll interval
  std::chrono::seconds housekeeping_every{30};   // resume, process, retry deliveries, send, flag overdue
  std::chrono::seconds shutdown_grace{30};       // SIGTERM: how long in-flight work may take to finish
  std::string health_address = "127.0.0.1";      // GET /healthz
  unsigned short health_port = 8081;             // 0: any free port (logged)
  std::string log_level = "info";                // debug, info, warn, error
};

struct Config {
  std::filesystem::path dir;           // the config folder, absolute
  std::filesystem::path archive_dir;   // raw store and index live here
  std::size_t batch_files = 500;       // files per group commit
  ServiceSettings service;
  partners::Directory partners;

  std::filesystem::path index_file() const { return archive_dir / "index.db"; }

  // Loads and checks everything; throws partners::ConfigError listing every problem.
  static Config load(const std::filesystem::path& dir);
};

}  // namespace edihub::hub
