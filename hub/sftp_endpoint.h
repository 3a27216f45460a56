// The connection settings of a partner's SFTP channel (inbound.sftp or outbound.sftp) as
// the SFTP client takes them; shared by the intake and the outbox so both connect alike.
#pragma once

#include "partners/profile.h"
#include "transports/sftp.h"

namespace edihub::hub {

inline transports::SftpEndpoint sftp_endpoint(const partners::SftpChannel& c) {
  transports::SftpEndpoint e;
  e.host = c.host;
  e.port = c.port;
  e.user = c.user;
  e.private_key = c.private_key;
  e.passphrase = c.passphrase;
  e.host_key_sha256 = c.host_key_sha256;
  e.known_hosts = c.known_hosts;
  e.connect_timeout = c.connect_timeout;
  e.transfer_timeout = c.transfer_timeout;
  return e;
}

}  // namespace edihub::hub
