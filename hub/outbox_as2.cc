// Sending queued files to a partner over AS2 (outbound.as2).
#include "hub/outbox.h"

namespace edihub::hub {

std::vector<Outbox::Handed> Outbox::send_as2(const partners::Profile&, std::vector<archive::FileRecord>) {
  return {};  // not yet: files stay queued
}

}  // namespace edihub::hub
