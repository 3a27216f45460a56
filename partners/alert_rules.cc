// A profile's `alerts:` section and edihub.yaml's `alerts.rules` (partners/alert_rules.h).
#include "partners/alert_rules.h"

#include <algorithm>
#include <array>
#include <set>

#include "partners/findings.h"
#include "partners/sections.h"

namespace edihub::partners {

namespace {

constexpr std::array<std::string_view, 4> kAlertOn{"exception", "overdue_ack", "polls_failing", "dead_letter"};

std::string joined(const auto& names) {
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ", ") + std::string(n);
  return list;
}

std::string where(const std::filesystem::path& file, const YAML::Node& node) {
  return file.string() + ":" + std::to_string(node.Mark().line + 1);
}

bool valid_name(const std::string& name) {
  return !name.empty() && name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") == std::string::npos;
}

std::optional<AlertRule> read_rule(detail::ProfileReader& r, const YAML::Node& entry, const std::string& partner) {
  if (!entry.IsMap()) {
    r.problem(entry, "an alert rule must be a mapping {name, on, send, ...}");
    return std::nullopt;
  }
  r.reject_unknown_keys(entry, {"name", "on", "kinds", "failing_for", "send"}, "an alert rule");
  AlertRule rule;
  rule.partner = partner;
  const std::string name = entry["name"] && entry["name"].IsScalar() ? entry["name"].as<std::string>() : "";
  if (!valid_name(name))
    r.problem(entry["name"] ? entry["name"] : entry,
              "an alert rule needs a name of lowercase letters, digits, '_' and '-' (got '" + name + "')");
  rule.name = partner.empty() ? name : partner + "/" + name;
  const std::string on = entry["on"] && entry["on"].IsScalar() ? entry["on"].as<std::string>() : "";
  const auto it = std::find(kAlertOn.begin(), kAlertOn.end(), on);
  if (it == kAlertOn.end())
    r.problem(entry["on"] ? entry["on"] : entry,
              "alert rule '" + name + "': 'on' must be one of: " + joined(kAlertOn) + " (got '" + on + "')");
  else
    rule.on = static_cast<AlertOn>(it - kAlertOn.begin());
  const bool kinds_apply = it != kAlertOn.end() && rule.on == AlertOn::exception;
  if (const auto kinds = entry["kinds"]) {
    if (!kinds_apply) r.problem(kinds, "alert rule '" + name + "': 'kinds' applies to on: exception only");
    else if (!kinds.IsSequence() || kinds.size() == 0) r.problem(kinds, "alert rule '" + name + "': 'kinds' must be a list of exception kinds");
    else
      for (const auto& kind : kinds) {
        const std::string k = kind.IsScalar() ? kind.as<std::string>() : "";
        const auto& known = alertable_exception_kinds();
        if (std::find(known.begin(), known.end(), k) == known.end())
          r.problem(kind, "alert rule '" + name + "': unknown exception kind '" + k + "' (expected one of: " + joined(known) + ")");
        else
          rule.kinds.push_back(k);
      }
  } else if (kinds_apply) {
    r.problem(entry, "alert rule '" + name + "': on: exception needs 'kinds' (a list of exception kinds)");
  }
  const bool failing_applies = it != kAlertOn.end() && rule.on == AlertOn::polls_failing;
  if (const auto failing = entry["failing_for"]) {
    if (!failing_applies) r.problem(failing, "alert rule '" + name + "': 'failing_for' applies to on: polls_failing only");
    else if (auto d = r.duration(failing, "alert rule '" + name + "': 'failing_for'", "15m, 1h or 90m (at least 1m)", std::chrono::minutes(1)))
      rule.failing_for = *d;
  } else if (failing_applies) {
    r.problem(entry, "alert rule '" + name + "': on: polls_failing needs 'failing_for' (a duration such as 30m)");
  }
  const auto send = entry["send"];
  if (!send || !send.IsSequence() || send.size() == 0) {
    r.problem(send ? send : entry, "alert rule '" + name + "': 'send' must list the channels (edihub.yaml alerts.channels)");
  } else {
    for (const auto& channel : send) {
      const std::string c = channel.IsScalar() ? channel.as<std::string>() : "";
      rule.send.push_back({c, where(r.file(), channel)});
    }
  }
  return rule;
}

}  // namespace

std::string_view to_string(AlertOn on) { return kAlertOn[static_cast<std::size_t>(on)]; }

const std::vector<std::string_view>& alertable_exception_kinds() {
  static const std::vector<std::string_view> kinds = [] {
    std::vector<std::string_view> all{"unusable_file",   "unknown_partner",        "envelope_error",
                                      "validation_error", "mapping_error",         "delivery_error",
                                      "overdue_ack",     "duplicate",              "damaged_raw_object",
                                      "processing_error", "file_changed_after_receipt", "hub_error",
                                      "transport_error", "unreadable_inbox_entry", "unmatched_ack",
                                      "ack_rejected",    "as2_mdn",                "mdn_overdue",
                                      "unmatched_mdn"};
    all.insert(all.end(), kFindingNames.begin(), kFindingNames.end());
    return all;
  }();
  return kinds;
}

namespace detail {

std::vector<AlertRule> read_alerts(ProfileReader& r, const YAML::Node& node, const std::string& partner) {
  std::vector<AlertRule> rules;
  if (!node.IsSequence()) {
    r.problem(node, "alert rules must be a list of {name, on, send, ...}");
    return rules;
  }
  std::set<std::string> names;
  for (const auto& entry : node) {
    auto rule = read_rule(r, entry, partner);
    if (!rule) continue;
    if (!names.insert(rule->name).second) r.problem(entry, "alert rule '" + rule->name + "' is defined twice");
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace detail

std::vector<AlertRule> read_alert_rules(const YAML::Node& node, const std::filesystem::path& file,
                                        const std::filesystem::path& config_dir, std::vector<std::string>& problems) {
  detail::ProfileReader r(file, config_dir, problems);
  return detail::read_alerts(r, node, "");
}

}  // namespace edihub::partners
