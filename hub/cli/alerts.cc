// alerts: the notifications the alert rules queued (docs/alerts.md).
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "hub/text_escape.h"

namespace edihub::hub {

int command_alerts(const std::string& config_dir, const PageOptions& page, bool json, std::ostream& out, std::ostream&) {
  auto index = open_index(config_dir);
  const auto rows = index->notifications({page.limit, page.offset});
  const auto total = index->count_notifications();
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const auto& n : rows)
      list.push_back({{"id", n.id},
                      {"rule", n.rule},
                      {"channel", n.channel},
                      {"event", n.event_key},
                      {"delivery_id", n.delivery_id},
                      {"partner", n.partner},
                      {"state", n.state},
                      {"attempts", n.attempts},
                      {"next_try_at", n.next_try_at},
                      {"last_error", n.last_error},
                      {"created_at", n.created_at},
                      {"updated_at", n.updated_at},
                      {"payload", nlohmann::ordered_json::parse(n.payload)}});
    out << dump_json(page_json(std::move(list), total, page), 2) << "\n";
    return 0;
  }
  out << fmt::format("{:<6} {:<24} {:<12} {:<24} {:<8} {:<8} {}\n", "id", "created", "partner", "rule / channel", "state",
                     "attempts", "event");
  for (const auto& n : rows) {
    out << fmt::format("{:<6} {:<24} {:<12} {:<24} {:<8} {:<8} {}", n.id, n.created_at, escape_controls(n.partner),
                       n.rule + " / " + n.channel, to_string(n.state), n.attempts, escape_controls(n.event_key));
    if (n.state == archive::NotificationState::pending && n.attempts > 0) out << " (next try " << n.next_try_at << ")";
    if (!n.last_error.empty()) out << ": " << escape_controls(n.last_error);
    out << "\n";
  }
  out << page_footer(rows.size(), total, page, "notification(s)") << "\n";
  return 0;
}

}  // namespace edihub::hub
