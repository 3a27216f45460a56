#include "hub/exception_queue.h"

#include <fmt/format.h>

namespace edihub::hub {

std::optional<archive::ExceptionRecord> open_exception_about(const archive::Index& index, const std::string& partner,
                                                             const std::string& kind, const std::string& subject) {
  for (auto& open : index.exceptions(partner, std::string("open")))
    if (open.kind == kind && open.reason.starts_with(subject + ":")) return open;
  return std::nullopt;
}

std::optional<archive::ExceptionRecord> open_transport_error(const archive::Index& index, const std::string& partner,
                                                             const std::string& channel) {
  return open_exception_about(index, partner, "transport_error", channel);
}

std::optional<archive::ExceptionRecord> raise_once(archive::Index& index, const Clock& clock, const std::string& partner,
                                                   const std::string& kind, const std::string& subject,
                                                   const std::string& detail) {
  if (open_exception_about(index, partner, kind, subject)) return std::nullopt;
  archive::ExceptionRecord problem;
  problem.partner = partner;
  problem.kind = kind;
  problem.reason = subject + ": " + detail;
  return record_exception(index, clock, std::move(problem));
}

void resolve_exception_about(archive::Index& index, const Clock& clock, const std::string& partner,
                             const std::string& kind, const std::string& subject, const std::string& how) {
  if (auto open = open_exception_about(index, partner, kind, subject))
    index.close_exception(open->id, archive::ExceptionState::resolved, "edihub", how, clock.iso_now());
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
  resolve_exception_about(index, clock, partner, "transport_error", channel, how);
}

}  // namespace edihub::hub
