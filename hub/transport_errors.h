// A channel's transport_error exception (SFTP server unreachable, AS2 peer down, ...):
// raised once while the problem lasts, not at every poll or send, and resolved by the
// first success on that channel. The exception's reason starts with "<channel>:".
#pragma once

#include <optional>
#include <string>

#include "archive/index.h"

namespace edihub::hub {

std::optional<archive::ExceptionRecord> open_transport_error(const archive::Index& index, const std::string& partner,
                                                             const std::string& channel);
// Closes the open one, if any (inside the caller's transaction or on its own).
void resolve_transport_error(archive::Index& index, const std::string& partner, const std::string& channel,
                             const std::string& note, const std::string& now);

}  // namespace edihub::hub
