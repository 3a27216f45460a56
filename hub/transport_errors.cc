#include "hub/transport_errors.h"

namespace edihub::hub {

std::optional<archive::ExceptionRecord> open_transport_error(const archive::Index& index, const std::string& partner,
                                                             const std::string& channel) {
  for (auto& open : index.exceptions(partner, std::string("open")))
    if (open.kind == "transport_error" && open.reason.starts_with(channel + ":")) return open;
  return std::nullopt;
}

void resolve_transport_error(archive::Index& index, const std::string& partner, const std::string& channel,
                             const std::string& note, const std::string& now) {
  if (auto open = open_transport_error(index, partner, channel))
    index.close_exception(open->id, "resolved", "edihub", note, now);
}

}  // namespace edihub::hub
