// edihub.yaml `alerts:` (docs/alerts.md): the channels notifications go out on, by name, and
// the rules about every partner. Secrets (an SMTP password, a webhook token) come from
// `<name>_env` or `<name>_file`, never from the YAML, as the AS2 key passphrases do.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "partners/profile.h"

namespace edihub::hub::alerts {

// E-mail over SMTP (libcurl): smtp://host:port, or smtps:// for TLS from the first byte;
// `starttls` requires the upgrade on smtp://.
struct EmailChannel {
  std::string smtp_url;
  bool starttls = false;
  std::string username;
  std::string password;            // from password_env / password_file
  std::string from;
  std::vector<std::string> to;
};

// A JSON POST; `token` (token_env / token_file) goes out as "Authorization: Bearer".
struct WebhookChannel {
  std::string url;
  std::string token;
};

struct Channel {
  std::string name;
  std::optional<EmailChannel> email;
  std::optional<WebhookChannel> webhook;
};

struct Settings {
  std::map<std::string, Channel> channels;
  std::vector<partners::AlertRule> rules;  // about every partner
  int max_attempts = 20;                   // then a notification is failed for good
};

// Reads `alerts:` of `file` (edihub.yaml); each mistake goes to `problems` as file:line.
Settings load_settings(const YAML::Node& node, const std::filesystem::path& file, const std::filesystem::path& config_dir,
                       std::vector<std::string>& problems);

// Every channel a rule (edihub.yaml's or a profile's) sends to must be declared.
void check_rule_channels(const Settings& settings, const partners::Directory& partners,
                         std::vector<std::string>& problems);

}  // namespace edihub::hub::alerts
