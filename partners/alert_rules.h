// Alert rules (docs/alerts.md): when the hub sends a notification, and over which of the
// channels edihub.yaml's `alerts.channels` declares. Rules sit in edihub.yaml
// (`alerts.rules`, about every partner) and in a profile (`alerts:`, about that partner
// only); both are read by read_alert_rules, each mistake a "file:line: message" problem.
// Channel names are checked against edihub.yaml by hub/config.cc, which knows both files;
// secrets never sit in a rule.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace edihub::partners {

// What a rule watches. exception: an exception of one of `kinds` opens; overdue_ack: an
// acknowledgment turns overdue (the `overdue_ack` exception, and AS2's `mdn_overdue`);
// polls_failing: a partner's polls have failed for `failing_for` or longer; dead_letter:
// an ERP delivery gave up (a set reaching `dead_letter`).
enum class AlertOn { exception, overdue_ack, polls_failing, dead_letter };
std::string_view to_string(AlertOn on);

struct AlertRule {
  std::string name;                        // "<partner>/<name>" for a profile's rule
  AlertOn on = AlertOn::exception;
  std::vector<std::string> kinds;          // on: exception
  std::chrono::seconds failing_for{0};     // on: polls_failing
  struct Send {
    std::string channel;  // a name in edihub.yaml alerts.channels
    std::string where;    // "file:line" of the name, for the check against edihub.yaml
  };
  std::vector<Send> send;
  std::string partner;                     // "" (edihub.yaml): every partner
};

// The exception kinds the hub raises (archive ExceptionRecord kinds and the
// reconciliation findings of partners/findings.h): what `kinds` may name.
const std::vector<std::string_view>& alertable_exception_kinds();

// edihub.yaml's `alerts.rules` (a YAML sequence) of `file`, about every partner; problems
// are appended to `problems`. A profile's `alerts:` is read with the profile.
std::vector<AlertRule> read_alert_rules(const YAML::Node& node, const std::filesystem::path& file,
                                        const std::filesystem::path& config_dir, std::vector<std::string>& problems);

}  // namespace edihub::partners
