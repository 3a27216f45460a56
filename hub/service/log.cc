#include "hub/service/log.h"

#include "hub/clock.h"
#include "hub/text_escape.h"
#include "transports/redact.h"

#include <chrono>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace edihub::hub::log {

namespace {

std::shared_ptr<spdlog::logger> logger() {
  static auto instance = [] {
    auto l = spdlog::stderr_logger_mt("edihub");
    l->set_pattern("%v");  // the line is already a JSON object
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return instance;
}

// Every string of a log line without the passwords of URLs and conninfos it may quote.
void redact(nlohmann::json& value) {
  if (value.is_string()) value = transports::redact_secrets(value.get_ref<const std::string&>());
  else if (value.is_structured())
    for (auto& item : value) redact(item);
}

}  // namespace

void init(const std::string& level) { logger()->set_level(spdlog::level::from_str(level)); }

void write(std::string_view level, std::string_view event, nlohmann::json fields) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (!logger()->should_log(lvl)) return;
  auto now = std::chrono::system_clock::now();
  nlohmann::json line = {{"time", iso_utc(now)}, {"level", level}, {"event", event}};
  if (fields.is_object()) line.update(fields);
  redact(line);
  // Replace invalid UTF-8 (a partner's file name, say) rather than throw.
  logger()->log(lvl, dump_json(line));
}

}  // namespace edihub::hub::log
