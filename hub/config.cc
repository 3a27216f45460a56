#include "hub/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include "hub/as2_agreement.h"

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

using Problem = std::function<void(const YAML::Node&, const std::string&)>;

void reject_unknown(const YAML::Node& map, std::initializer_list<const char*> known, const std::string& where,
                    const Problem& problem) {
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (std::find_if(known.begin(), known.end(), [&](const char* k) { return key == k; }) != known.end()) continue;
    std::string list;
    for (const char* k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    problem(kv.first, "unknown key '" + key + "' in " + where + " (expected " + list + ")");
  }
}


// parent[key]: a config-relative file that must exist.
fs::path config_file(const YAML::Node& parent, const char* key, const fs::path& dir, const std::string& what,
                     const Problem& problem) {
  const YAML::Node node = parent[key];
  if (!node || !node.IsScalar()) {
    problem(parent, what + " is missing (a file relative to the config folder)");
    return {};
  }
  fs::path p = node.as<std::string>();
  if (p.is_absolute()) problem(node, what + " must be relative to the config folder");
  else if (!fs::is_regular_file(dir / p)) problem(node, what + " " + p.string() + " does not exist");
  else return fs::weakly_canonical(dir / p);
  return {};
}

long whole_number(const YAML::Node& node, long low, long high, const std::string& what, const Problem& problem) {
  try {
    long n = node.as<long>();
    if (n >= low && n <= high) return n;
  } catch (const YAML::Exception&) {
  }
  problem(node, fmt::format("{} must be a whole number from {} to {}", what, low, high));
  return low;
}

void load_service(const YAML::Node& node, ServiceSettings& s, const Problem& problem) {
  if (!node.IsMap()) return problem(node, "service must be a mapping (workers, poll_every, housekeeping_every, ...)");
  reject_unknown(node, {"workers", "poll_every", "housekeeping_every", "shutdown_grace", "health", "log_level"}, "service",
                 problem);
  auto duration = [&](const char* key, std::chrono::seconds& into) {
    if (!node[key]) return;
    auto d = node[key].IsScalar() ? partners::parse_duration(node[key].as<std::string>()) : std::nullopt;
    if (!d || d->count() < 1) problem(node[key], std::string("service.") + key + " must be a duration such as 30s, 5m or 1h");
    else into = *d;
  };
  duration("poll_every", s.poll_every);
  duration("housekeeping_every", s.housekeeping_every);
  duration("shutdown_grace", s.shutdown_grace);
  if (node["workers"]) s.workers = static_cast<std::size_t>(whole_number(node["workers"], 1, 64, "service.workers", problem));
  if (const auto health = node["health"]) {
    if (!health.IsMap()) return problem(health, "service.health must be {address, port}");
    reject_unknown(health, {"address", "port"}, "service.health", problem);
    if (health["address"]) s.health_address = health["address"].as<std::string>();
    if (health["port"])
      s.health_port = static_cast<unsigned short>(whole_number(health["port"], 0, 65535, "service.health.port (0: any free port)", problem));
  }
  if (node["log_level"]) {
    s.log_level = node["log_level"].as<std::string>();
    if (s.log_level != "debug" && s.log_level != "info" && s.log_level != "warn" && s.log_level != "error")
      problem(node["log_level"], "service.log_level must be debug, info, warn or error");
  }
}

// `where`.tls: {cert, key, passphrase_env | passphrase_file}; the key is loaded here, so a
// wrong passphrase is a configuration error in `edihub check`.
TlsSettings load_tls(const YAML::Node& tls, const fs::path& dir, const std::string& where, const Problem& problem) {
  reject_unknown(tls, {"cert", "key", "passphrase_env", "passphrase_file"}, where, problem);
  TlsSettings s{config_file(tls, "cert", dir, where + ".cert", problem), config_file(tls, "key", dir, where + ".key", problem),
                partners::key_passphrase(tls, dir, problem)};
  if (!s.key.empty()) {
    try {
      transports::as2::load_private_key(s.key.string(), s.key_passphrase);
    } catch (const transports::as2::As2Error& e) {
      problem(tls, where + ".key: " + e.what());
    }
  }
  return s;
}

std::optional<As2Settings> load_as2(const YAML::Node& node, const fs::path& dir, const Problem& problem) {
  if (!node.IsMap()) {
    problem(node, "as2 must be a mapping (listen, identity, ...)");
    return std::nullopt;
  }
  reject_unknown(node, {"listen", "tls", "max_body_mb", "max_concurrent_uploads", "read_timeout_seconds", "identity", "async_mdn_url"},
                 "as2", problem);
  As2Settings s;
  if (auto listen = node["listen"]) {
    reject_unknown(listen, {"address", "port", "path"}, "as2.listen", problem);
    if (listen["address"]) s.address = listen["address"].as<std::string>();
    if (listen["port"]) s.port = static_cast<unsigned short>(whole_number(listen["port"], 0, 65535, "as2.listen.port", problem));
    if (listen["path"]) s.path = listen["path"].as<std::string>();
    if (!s.path.starts_with("/")) problem(listen["path"], "as2.listen.path must start with /");
  }
  if (auto tls = node["tls"]) s.tls = load_tls(tls, dir, "as2.tls", problem);
  if (node["max_body_mb"])
    s.max_body_bytes = std::size_t(whole_number(node["max_body_mb"], 1, 4096, "as2.max_body_mb", problem)) << 20;
  if (node["max_concurrent_uploads"])
    s.max_concurrent_uploads =
        std::size_t(whole_number(node["max_concurrent_uploads"], 1, 256, "as2.max_concurrent_uploads", problem));
  if (node["read_timeout_seconds"])
    s.read_timeout = std::chrono::seconds(whole_number(node["read_timeout_seconds"], 1, 3600, "as2.read_timeout_seconds", problem));
  if (node["async_mdn_url"]) s.async_mdn_url = node["async_mdn_url"].as<std::string>();
  auto identity = node["identity"];
  if (!identity || !identity.IsMap()) {
    problem(identity ? identity : node, "as2.identity {as2_id, certificate, private_key} is required");
    return std::nullopt;
  }
  reject_unknown(identity, {"as2_id", "certificate", "private_key", "passphrase_env", "passphrase_file"}, "as2.identity",
                 problem);
  std::string id = identity["as2_id"] ? identity["as2_id"].as<std::string>() : "";
  if (id.empty()) problem(identity, "as2.identity.as2_id is missing");
  auto cert = config_file(identity, "certificate", dir, "as2.identity.certificate", problem);
  auto key = config_file(identity, "private_key", dir, "as2.identity.private_key", problem);
  const std::string passphrase = partners::key_passphrase(identity, dir, problem);
  if (id.empty() || cert.empty() || key.empty()) return std::nullopt;
  try {
    s.identity = transports::as2::As2Identity::load(id, cert.string(), key.string(), passphrase);
  } catch (const transports::as2::As2Error& e) {
    problem(identity, std::string("as2.identity: ") + e.what());
    return std::nullopt;
  }
  return s;
}

// A dashboard tokens file: one "name token" per line (blank lines and # comments skipped).
// A token is at least 16 characters, so a guessable word is refused; a repeated one is an
// error (who did an action must be certain). Problems name the file and line, never the token.
void read_tokens_file(const fs::path& file, std::vector<DashboardSettings::Token>& tokens,
                      std::vector<std::string>& problems) {
  std::ifstream in(file);
  if (!in) return problems.push_back(file.string() + ": cannot read the dashboard tokens file");
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream words(line);
    std::string user, token, extra;
    words >> user >> token >> extra;
    if (user.empty() || user.starts_with("#")) continue;
    auto where = fmt::format("{}:{}: ", file.string(), number);
    if (token.empty() || !extra.empty())
      problems.push_back(where + "expected \"NAME TOKEN\" (two words: who, then their token)");
    else if (token.size() < 16)
      problems.push_back(where + "the token of " + user + " is shorter than 16 characters");
    else if (std::any_of(tokens.begin(), tokens.end(), [&](const auto& t) { return t.token == token; }))
      problems.push_back(where + "the token of " + user + " is already given to someone else");
    else
      tokens.push_back({user, token});
  }
}

std::optional<DashboardSettings> load_dashboard(const YAML::Node& node, const fs::path& dir, const Problem& problem,
                                                std::vector<std::string>& problems) {
  if (!node.IsMap()) {
    problem(node, "dashboard must be a mapping (address, port, tokens_file, token_env, tls, ...)");
    return std::nullopt;
  }
  reject_unknown(node, {"address", "port", "tokens_file", "token_env", "tls", "session_lifetime", "max_connections"},
                 "dashboard", problem);
  DashboardSettings s;
  if (node["address"]) s.address = node["address"].as<std::string>();
  if (node["port"]) s.port = static_cast<unsigned short>(whole_number(node["port"], 0, 65535, "dashboard.port", problem));
  if (node["tokens_file"]) {
    auto file = config_file(node, "tokens_file", dir, "dashboard.tokens_file", problem);
    if (!file.empty()) read_tokens_file(file, s.tokens, problems);
  }
  if (auto env = node["token_env"]) {
    const std::string name = env.as<std::string>();
    const char* value = std::getenv(name.c_str());
    if (!value || !*value) problem(env, "dashboard.token_env: the environment variable " + name + " is not set");
    else if (std::string_view(value).size() < 16) problem(env, "dashboard.token_env: the token in " + name + " is shorter than 16 characters");
    else s.tokens.push_back({name, value});
  }
  if (auto tls = node["tls"]) s.tls = load_tls(tls, dir, "dashboard.tls", problem);
  if (auto lifetime = node["session_lifetime"]) {
    auto d = lifetime.IsScalar() ? partners::parse_duration(lifetime.as<std::string>()) : std::nullopt;
    if (!d || d->count() < 60) problem(lifetime, "dashboard.session_lifetime must be a duration of a minute or more, such as 30m or 8h");
    else s.session_lifetime = *d;
  }
  if (node["max_connections"])
    s.max_connections = std::size_t(whole_number(node["max_connections"], 1, 1024, "dashboard.max_connections", problem));
  return s;
}

}  // namespace

Config Config::load(const fs::path& dir) {
  Config config;
  config.dir = fs::absolute(dir);
  config.archive_dir = config.dir / "archive";
  std::vector<std::string> problems;
  fs::path file = config.dir / "edihub.yaml";
  auto problem = [&](const YAML::Node& at, const std::string& message) {
    problems.push_back(file.string() + ":" + std::to_string(at.IsDefined() ? at.Mark().line + 1 : 0) + ": " + message);
  };
  if (!fs::is_directory(config.dir)) throw partners::ConfigError({config.dir.string() + ": no such config folder"});
  YAML::Node reconcile_defaults;  // the partners' `reconcile:` defaults, read with the profiles
  if (fs::exists(file)) {
    try {
      YAML::Node root = YAML::LoadFile(file.string());
      reconcile_defaults = root["reconcile"];
      for (const auto& kv : root) {
        static const std::set<std::string> known{"archive", "pipeline", "service", "as2", "limits", "reconcile", "alerts",
                                                 "dashboard"};
        auto key = kv.first.as<std::string>();
        if (!known.contains(key))
          problem(kv.first,
                  "unknown key '" + key + "' (expected archive, pipeline, service, as2, limits, reconcile, alerts, dashboard)");
      }
      if (auto archive = root["archive"]) {
        for (const auto& kv : archive)
          if (kv.first.as<std::string>() != "path") problem(kv.first, "unknown key '" + kv.first.as<std::string>() + "' in archive (expected path)");
        if (archive["path"]) {
          // The archive lives inside the configuration folder: an absolute path or one
          // that climbs out with ".." is refused alike (a symlink placed there on purpose
          // by the operator is followed).
          std::string text = archive["path"].as<std::string>();
          fs::path p = fs::path(text).lexically_normal();
          if (p.is_absolute() || p.empty() || *p.begin() == "..")
            problem(archive["path"], "archive.path '" + text +
                                         "' is outside the config folder; give a folder inside it, relative to it "
                                         "(e.g. archive or data/archive)");
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
      if (auto limits = root["limits"]) {
        for (const auto& kv : limits)
          if (kv.first.as<std::string>() != "max_transaction_set_bytes")
            problem(kv.first, "unknown key '" + kv.first.as<std::string>() + "' in limits (expected max_transaction_set_bytes)");
        if (auto max = limits["max_transaction_set_bytes"]) {
          try {
            long long n = max.as<long long>();
            if (n < 1024) throw YAML::Exception(max.Mark(), "range");
            config.max_transaction_set_bytes = static_cast<std::uint64_t>(n);
          } catch (const YAML::Exception&) {
            problem(max, "max_transaction_set_bytes must be a whole number of bytes, at least 1024");
          }
        }
      }
      if (auto service = root["service"]) load_service(service, config.service, problem);
      if (auto as2 = root["as2"]) config.as2 = load_as2(as2, config.dir, problem);
      if (auto alerts = root["alerts"]) config.alerts = alerts::load_settings(alerts, file, config.dir, problems);
      if (auto dashboard = root["dashboard"]) config.dashboard = load_dashboard(dashboard, config.dir, problem, problems);
    } catch (const YAML::Exception& e) {
      problems.push_back(file.string() + ":" + std::to_string(e.mark.line + 1) + ": YAML error: " + e.msg);
    }
  }
  try {
    config.partners = partners::Directory::load(config.dir, reconcile_defaults);
  } catch (const partners::ConfigError& e) {
    problems.insert(problems.end(), e.problems.begin(), e.problems.end());
  }
  alerts::check_rule_channels(config.alerts, config.partners, problems);
  for (const auto& profile : config.partners.profiles()) {
    if (!profile.as2) continue;
    if (auto partner = as2_partner_of(profile, config.as2 ? config.as2->async_mdn_url : "", problems))
      config.as2_partners.emplace(profile.id, std::move(*partner));
  }
  if (!problems.empty()) throw partners::ConfigError(problems);
  return config;
}

}  // namespace edihub::hub
