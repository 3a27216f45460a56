#include "hub/config.h"

#include <yaml-cpp/yaml.h>

namespace edihub::hub {

namespace fs = std::filesystem;

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
        auto key = kv.first.as<std::string>();
        if (key != "archive" && key != "pipeline") problem(kv.first, "unknown key '" + key + "' (expected archive, pipeline)");
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
