// Closing an exception, and what that does to a transaction set held for it
// (reconcile.hold_on): resolving the last open exception that holds a set releases it to
// the ERP (held -> mapped; delivered on the next pass), ignoring one drops the set
// (held -> dropped, never delivered; the shipment or invoice it carried stops counting). Every way an exception is closed (the CLI, the
// dashboard) goes through here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "archive/index.h"

namespace edihub::hub {

// Closes exception `id` (resolved or ignored) in the caller's transaction and releases or
// drops the set it held, if any. Throws unless the exception is open. Returns the set's
// new status when it changed one.
std::optional<archive::SetStatus> close_exception(archive::Index& index, std::int64_t id, archive::ExceptionState state,
                                                  const std::string& by, const std::string& note, const std::string& at);

// What a person does (`edihub exceptions resolve|ignore`, the dashboard): close_exception
// plus the event "exception ID STATE by WHO: NOTE" on the exception's file and set, in the
// caller's transaction, so the file's history says who closed it.
std::optional<archive::SetStatus> close_exception_as_user(archive::Index& index, const archive::ExceptionRecord& exception,
                                                          archive::ExceptionState state, const std::string& by,
                                                          const std::string& note, const std::string& at);

}  // namespace edihub::hub
