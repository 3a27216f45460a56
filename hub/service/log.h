// Structured logs of `edihub serve`: one JSON object per line on stderr, {"time", "level",
// "event", ...fields}, written through spdlog so lines from several threads never
// interleave. Times are the machine's UTC wall clock (not the pipeline's clock).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace edihub::hub::log {

// level: debug, info, warn, error (edihub.yaml service.log_level).
void init(const std::string& level);
void write(std::string_view level, std::string_view event, nlohmann::json fields = nlohmann::json::object());

inline void debug(std::string_view event, nlohmann::json fields = nlohmann::json::object()) { write("debug", event, std::move(fields)); }
inline void info(std::string_view event, nlohmann::json fields = nlohmann::json::object()) { write("info", event, std::move(fields)); }
inline void warn(std::string_view event, nlohmann::json fields = nlohmann::json::object()) { write("warn", event, std::move(fields)); }
inline void error(std::string_view event, nlohmann::json fields = nlohmann::json::object()) { write("error", event, std::move(fields)); }

}  // namespace edihub::hub::log
