#include "hub/alerts/settings.h"

#include <set>

namespace edihub::hub::alerts {

namespace fs = std::filesystem;

namespace {

using Problem = std::function<void(const YAML::Node&, const std::string&)>;

void reject_unknown(const YAML::Node& map, const std::set<std::string>& known, const std::string& where,
                    const Problem& problem) {
  for (const auto& kv : map) {
    const auto key = kv.first.as<std::string>();
    if (known.contains(key)) continue;
    std::string list;
    for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
    problem(kv.first, "unknown key '" + key + "' in " + where + " (expected one of: " + list + ")");
  }
}

std::string text(const YAML::Node& owner, const char* key, const std::string& where, const Problem& problem) {
  const auto node = owner[key];
  if (node && node.IsScalar() && !node.as<std::string>().empty()) return node.as<std::string>();
  problem(node ? node : owner, where + "." + key + " is missing");
  return "";
}

// An e-mail address as SMTP needs it: one @, no spaces, angle brackets or line breaks.
bool plain_address(const std::string& a) {
  const auto at = a.find('@');
  return at != std::string::npos && at > 0 && at + 1 < a.size() && a.find('@', at + 1) == std::string::npos &&
         a.find_first_of(" <>\r\n\t,") == std::string::npos;
}

EmailChannel read_email(const YAML::Node& node, const std::string& where, const fs::path& dir, const Problem& problem) {
  reject_unknown(node, {"smtp", "starttls", "username", "password_env", "password_file", "from", "to"}, where, problem);
  EmailChannel e;
  e.smtp_url = text(node, "smtp", where, problem);
  if (!e.smtp_url.empty() && !e.smtp_url.starts_with("smtp://") && !e.smtp_url.starts_with("smtps://"))
    problem(node["smtp"], where + ".smtp must be an smtp:// or smtps:// URL (host and port)");
  if (node["starttls"]) {
    try {
      e.starttls = node["starttls"].as<bool>();
    } catch (const YAML::Exception&) {
      problem(node["starttls"], where + ".starttls must be true or false");
    }
  }
  if (node["username"]) e.username = node["username"].as<std::string>();
  e.password = partners::secret(node, "password", dir, problem);
  e.from = text(node, "from", where, problem);
  if (!e.from.empty() && !plain_address(e.from)) problem(node["from"], where + ".from '" + e.from + "' is not an e-mail address");
  const auto to = node["to"];
  if (!to || !to.IsSequence() || to.size() == 0) problem(to ? to : node, where + ".to must list the recipients");
  else
    for (const auto& address : to) {
      const std::string a = address.IsScalar() ? address.as<std::string>() : "";
      if (!plain_address(a)) problem(address, where + ".to: '" + a + "' is not an e-mail address");
      else e.to.push_back(a);
    }
  return e;
}

WebhookChannel read_webhook(const YAML::Node& node, const std::string& where, const fs::path& dir, const Problem& problem) {
  reject_unknown(node, {"url", "token_env", "token_file"}, where, problem);
  WebhookChannel w;
  w.url = text(node, "url", where, problem);
  if (!w.url.empty() && !w.url.starts_with("http://") && !w.url.starts_with("https://"))
    problem(node["url"], where + ".url must be an http:// or https:// URL");
  w.token = partners::secret(node, "token", dir, problem);
  if (w.token.find_first_of("\r\n") != std::string::npos) problem(node, where + ": the token holds a line break");
  return w;
}

}  // namespace

Settings load_settings(const YAML::Node& node, const fs::path& file, const fs::path& config_dir,
                       std::vector<std::string>& problems) {
  const Problem problem = [&](const YAML::Node& at, const std::string& message) {
    problems.push_back(file.string() + ":" + std::to_string(at.IsDefined() ? at.Mark().line + 1 : 0) + ": " + message);
  };
  Settings s;
  if (!node.IsMap()) {
    problem(node, "alerts must be a mapping {channels, rules}");
    return s;
  }
  reject_unknown(node, {"channels", "rules", "max_attempts"}, "alerts", problem);
  if (const auto channels = node["channels"]) {
    if (!channels.IsMap()) problem(channels, "alerts.channels must map names to {email: ...} or {webhook: ...}");
    else
      for (const auto& kv : channels) {
        Channel c;
        c.name = kv.first.as<std::string>();
        const std::string where = "alerts.channels." + c.name;
        if (!kv.second.IsMap() || kv.second.size() != 1 || !(kv.second["email"] || kv.second["webhook"])) {
          problem(kv.second, where + " must be {email: ...} or {webhook: ...}");
          continue;
        }
        if (kv.second["email"]) c.email = read_email(kv.second["email"], where + ".email", config_dir, problem);
        else c.webhook = read_webhook(kv.second["webhook"], where + ".webhook", config_dir, problem);
        s.channels.emplace(c.name, std::move(c));
      }
  }
  if (const auto max = node["max_attempts"]) {
    try {
      s.max_attempts = max.as<int>();
    } catch (const YAML::Exception&) {
      s.max_attempts = 0;
    }
    if (s.max_attempts < 1 || s.max_attempts > 1000) problem(max, "alerts.max_attempts must be a whole number from 1 to 1000");
  }
  if (const auto rules = node["rules"]) s.rules = partners::read_alert_rules(rules, file, config_dir, problems);
  return s;
}

void check_rule_channels(const Settings& settings, const partners::Directory& partners,
                         std::vector<std::string>& problems) {
  auto check = [&](const partners::AlertRule& rule) {
    for (const auto& send : rule.send)
      if (!settings.channels.contains(send.channel))
        problems.push_back(send.where + ": alert rule '" + rule.name + "' sends to channel '" + send.channel +
                           "', which edihub.yaml alerts.channels does not declare");
  };
  for (const auto& rule : settings.rules) check(rule);
  for (const auto& profile : partners.profiles())
    for (const auto& rule : profile.alerts) check(rule);
}

}  // namespace edihub::hub::alerts
