// The supplier configuration (tests/supplier_config.h) with its inbound folder replaced by
// the fixture server's outbox/ polled over SFTP (pattern *.edi, no settle wait, delete
// after receipt) and its ERP folder sink replaced by `erp_yaml`, for the e2e SFTP tests.
#pragma once

#include <string>

#include "tests/fixtures/sshd.h"
#include "tests/supplier_config.h"

namespace edihub::testing {

inline void write_sftp_supplier_config(const TempDir& dir, const SshServer& server, const std::string& host_key,
                                       const std::string& erp_yaml, int batch_files = 500) {
  write_supplier_config(dir.path(), batch_files);
  std::filesystem::create_directories(dir / "keys");
  std::filesystem::copy_file(server.client_key(), dir / "keys/supplier_ed25519");
  std::filesystem::permissions(dir / "keys/supplier_ed25519",
                               std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  auto profile = read_file(dir / "partners/supplier.yaml");
  const std::string folder = "inbound:\n  folder: {path: inbox, settle_seconds: 0}\n";
  profile.replace(profile.find(folder), folder.size(),
                  fmt::format("inbound:\n  sftp:\n    host: 127.0.0.1\n    port: {}\n    user: {}\n"
                              "    private_key: keys/supplier_ed25519\n    host_key_sha256: \"{}\"\n"
                              "    remote_dir: {}\n    pattern: \"*.edi\"\n    settle_seconds: 0\n"
                              "    after_receipt: delete\n    connect_timeout_seconds: 3\n",
                              server.port(), server.user(), host_key, server.remote("outbox")));
  write_file(dir / "partners/supplier.yaml", profile);
  use_erp_sink(dir.path(), erp_yaml);
}

}  // namespace edihub::testing
