// The commands behind the CLI, each writing to the given streams and returning the exit
// code, so tests can call them directly as well as through the binary.
#pragma once

#include <optional>
#include <ostream>
#include <string>

namespace edihub::hub {

struct QueryOptions {
  std::optional<std::string> partner, type, since, until, control, key, status;
  int limit = 1000;
};

struct ShowOptions {
  std::string id;
  bool raw = false, mapped = false, events = false;
};

struct ExceptionsOptions {
  std::optional<std::string> partner;
  std::optional<std::string> state;
};

int command_parse(const std::string& file, std::ostream& out, std::ostream& err);
int command_validate(const std::string& file, bool json, std::ostream& out, std::ostream& err);
int command_check(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err);
int command_run_once(const std::string& config_dir, bool json, std::ostream& out, std::ostream& err);
int command_archive_query(const std::string& config_dir, const QueryOptions& options, bool json, std::ostream& out,
                          std::ostream& err);
int command_archive_show(const std::string& config_dir, const ShowOptions& options, bool json, std::ostream& out,
                         std::ostream& err);
int command_exceptions(const std::string& config_dir, const ExceptionsOptions& options, bool json, std::ostream& out,
                       std::ostream& err);

}  // namespace edihub::hub
