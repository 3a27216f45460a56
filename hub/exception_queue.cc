#include "hub/exception_queue.h"

#include <fmt/format.h>

namespace edihub::hub {

std::optional<archive::ExceptionRecord> open_transport_error(const archive::Index& index, const std::string& partner,
                                                             const std::string& channel) {
  for (auto& open : index.exceptions(partner, std::string("open")))
    if (open.kind == "transport_error" && open.reason.starts_with(channel + ":")) return open;
  return std::nullopt;
}

archive::ExceptionRecord record_exception(archive::Index& index, const Clock& clock, archive::ExceptionRecord exception) {
  exception.created_at = clock.iso_now();
  exception.id = index.add_exception(exception);
  index.add_event({0, exception.file_id, exception.set_id, exception.created_at, "exception",
                   exception.kind + ": " + exception.reason});
  return exception;
}

std::optional<archive::ExceptionRecord> transport_error(const archive::Index& index, const std::string& partner,
                                                        const std::string& channel, const transports::SftpError& error,
                                                        const std::string& next) {
  if (open_transport_error(index, partner, channel)) return std::nullopt;
  archive::ExceptionRecord problem;
  problem.partner = partner;
  problem.kind = "transport_error";
  problem.reason = fmt::format("{}: {}; {}", channel, error.what(),
                               error.retryable() ? next : "needs a person (host key or login)");
  return problem;
}

void resolve_transport_error(archive::Index& index, const Clock& clock, const std::string& partner,
                             const std::string& channel, const std::string& how) {
  if (auto open = open_transport_error(index, partner, channel))
    index.close_exception(open->id, "resolved", "edihub", how, clock.iso_now());
}

}  // namespace edihub::hub
