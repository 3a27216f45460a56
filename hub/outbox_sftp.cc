// Sending queued files to a partner's SFTP server (outbound.sftp).
#include "hub/outbox.h"

namespace edihub::hub {

std::vector<Outbox::Handed> Outbox::send_sftp(const partners::Profile&, std::vector<archive::FileRecord>) {
  return {};  // not yet: files stay queued
}

}  // namespace edihub::hub
