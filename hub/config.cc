#include "hub/config.h"

#include <functional>
#include <set>

#include <yaml-cpp/yaml.h>

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

using Problem = std::function<void(const YAML::Node&, const std::string&)>;

void load_service(const YAML::Node& node, ServiceSettings& s, const Problem& problem) {
  if (!node.IsMap()) return problem(node, "service must be a mapping (workers, poll_every, housekeeping_every, ...)");
  static const std::set<std::string> known{"workers", "poll_every", "housekeeping_every", "shutdown_grace", "health", "log_level"};
  for (const auto& kv : node)
    if (!known.contains(kv.first.as<std::string>()))
      problem(kv.first, "unknown key '" + kv.first.as<std::string>() +
                            "' in service (expected workers, poll_every, housekeeping_every, shutdown_grace, health, log_level)");
  auto duration = [&](const char* key, std::chrono::seconds& into) {
    if (!node[key]) return;
    auto d = node[key].IsScalar() ? partners::parse_duration(node[key].as<std::string>()) : std::nullopt;
    if (!d || d->count() < 1) problem(node[key], std::string("service.") + key + " must be a duration such as 30s, 5m or 1h");
    else into = *d;
  };
  duration("poll_every", s.poll_every);
  duration("housekeeping_every", s.housekeeping_every);
  duration("shutdown_grace", s.shutdown_grace);
  if (node["workers"]) {
    try {
      long n = node["workers"].as<long>();
      if (n < 1 || n > 64) throw YAML::Exception(node["workers"].Mark(), "range");
      s.workers = static_cast<std::size_t>(n);
    } catch (const YAML::Exception&) {
      problem(node["workers"], "service.workers must be a whole number from 1 to 64");
    }
  }
  if (const auto health = node["health"]) {
    if (!health.IsMap()) return problem(health, "service.health must be {address, port}");
    for (const auto& kv : health)
      if (kv.first.as<std::string>() != "address" && kv.first.as<std::string>() != "port")
        problem(kv.first, "unknown key '" + kv.first.as<std::string>() + "' in service.health (expected address, port)");
    if (health["address"]) s.health_address = health["address"].as<std::string>();
    if (health["port"]) {
      try {
        long port = health["port"].as<long>();
        if (port < 0 || port > 65535) throw YAML::Exception(health["port"].Mark(), "range");
        s.health_port = static_cast<unsigned short>(port);
      } catch (const YAML::Exception&) {
        problem(health["port"], "service.health.port must be a port number (0: any free port)");
      }
    }
  }
  if (node["log_level"]) {
    s.log_level = node["log_level"].as<std::string>();
    if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" && s.log_level != "error")
      problem(node["log_level"], "service.log_level must be debug, info, warn or error");
  }
}

}  // namespace

Config Config::load(const fs::path& dir) {
  Config config;
  config.dir = fs::absolute(dir);
  config.archive_dir = config.dir / "archive";
  std::vector<std::string> problems;
  fs::path file = config.dir / "edihub.yaml";
  auto problem = [&](const YAML::Node& at, const std::string& message) {
    problems.push_back(file.string() + ":" + std::to_string(at.Mark().line + 1) + ": " + message);
  };
  if (!fs::is_directory(config.dir)) throw partners::ConfigError({config.dir.string() + ": no such config folder"});
  if (fs::exists(file)) {
    try {
      YAML::Node root = YAML::LoadFile(file.string());
      for (const auto& kv : root) {
        static const std::set<std::string> known{"archive", "pipeline", "service"};
        auto key = kv.first.as<std::string>();
        if (!known.contains(key)) problem(kv.first, "unknown key '" + key + "' (expected archive, pipeline, service)");
      }
      if (auto archive = root["archive"]) {
        for (const auto& kv : archive)
          if (kv.first.as<std::string>() != "path") problem(kv.first, "unknown key '" + kv.first.as<std::string>() + "' in archive (expected path)");
        if (archive["path"]) {
          fs::path p = archive["path"].as<std::string>();
          if (p.is_absolute()) problem(archive["path"], "archive.path must be relative to the config folder");
          else config.archive_dir = config.dir / p;
        }
      }
      if (auto pipeline = root["pipeline"]) {
        for (const auto& kv : pipeline)
          if (kv.first.as<std::string>() != "batch_files") problem(kv.first, "unknown key '" + kv.first.as<std::string>() + "' in pipeline (expected batch_files)");
        if (pipeline["batch_files"]) {
          try {
            long n = pipeline["batch_files"].as<long>();
            if (n < 1 || n > 100000) throw YAML::Exception(pipeline["batch_files"].Mark(), "range");
            config.batch_files = static_cast<std::size_t>(n);
          } catch (const YAML::Exception&) {
            problem(pipeline["batch_files"], "batch_files must be a whole number from 1 to 100000");
          }
        }
      }
      if (auto service = root["service"]) load_service(service, config.service, problem);
    } catch (const YAML::Exception& e) {
      problems.push_back(file.string() + ":" + std::to_string(e.mark.line + 1) + ": YAML error: " + e.msg);
    }
  }
  try {
    config.partners = partners::Directory::load(config.dir);
  } catch (const partners::ConfigError& e) {
    problems.insert(problems.end(), e.problems.begin(), e.problems.end());
  }
  if (!problems.empty()) throw partners::ConfigError(problems);
  return config;
}

}  // namespace edihub::hub
