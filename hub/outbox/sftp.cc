// Sending queued files to a partner's SFTP server (outbound.sftp): one session per partner
// per send; each file is uploaded under a hidden temporary name and renamed when complete
// (SftpSession::upload), under its queued name (source_name, refused by upload unless it
// is safe_remote_name). A file of that name already on the server is never overwritten:
// with the same bytes it is the upload of an earlier run that stopped before marking it
// sent, so it counts as sent; with other bytes the file stays queued with a delivery_error
// for a person. A channel that cannot be used leaves every file queued with one
// transport_error, raised once while it lasts and resolved when the channel works again.
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "archive/raw_store.h"
#include "hub/exception_queue.h"
#include "hub/outbox/outbox.h"
#include "hub/sftp_endpoint.h"

namespace edihub::hub {

std::vector<Outbox::Handed> Outbox::send_sftp(const partners::Profile& partner, std::vector<archive::FileRecord> files,
                                              const Raise& raise) {
  const auto& c = *partner.outbound->sftp;
  const std::string channel = c.name();
  std::vector<Handed> handed;
  auto channel_failed = [&](const transports::SftpError& e) {
    if (auto problem = transport_error(index_, partner.id, channel, e, "the files stay queued and are sent on the next run"))
      raise(std::move(*problem));
  };
  // Raised once per file while it is open: each run tries the file again.
  auto file_failed = [&](const archive::FileRecord& file, const std::string& why) {
    for (const auto& open : index_.exceptions_of_file(file.id))
      if (open.state == archive::ExceptionState::open && open.kind == "delivery_error") return;
    archive::ExceptionRecord problem;
    problem.partner = partner.id;
    problem.file_id = file.id;
    problem.kind = "delivery_error";
    problem.reason = fmt::format("{}: {}: {}; it stays queued and is sent again on the next run", channel,
                                 file.source_name, why);
    raise(std::move(problem));
  };
  std::optional<transports::SftpSession> session;
  try {
    session.emplace(sftp_endpoint(c));
  } catch (const transports::SftpError& e) {
    channel_failed(e);
    return handed;
  }
  bool working = true;
  for (auto& file : files) {
    try {
      const std::string remote = transports::remote_join(c.remote_dir, file.source_name);
      if (session->stat(remote)) {
        std::ostringstream there;
        session->download(remote, there);
        if (archive::sha256_hex(there.str()) != file.sha256) {
          file_failed(file, "a different file of that name is already on the server and is not overwritten");
          continue;
        }
      } else {
        session->upload(c.remote_dir, file.source_name, store_.read(file.sha256));
      }
      handed.push_back({std::move(file), channel, std::nullopt, std::nullopt});
    } catch (const transports::SftpError& e) {
      // Remote (refused) and Local (unsafe name) are about this file; anything else spends the session.
      if (e.kind == transports::SftpError::Kind::Remote || e.kind == transports::SftpError::Kind::Local) {
        file_failed(file, e.what());
        continue;
      }
      channel_failed(e);
      working = false;
      break;
    }
  }
  archive::Index::Transaction tx(index_);
  if (working) resolve_transport_error(index_, clock_, partner.id, channel, "sent again");
  for (const auto& h : handed)
    for (const auto& open : index_.exceptions_of_file(h.file.id))
      if (open.state == archive::ExceptionState::open && open.kind == "delivery_error")
        index_.close_exception(open.id, archive::ExceptionState::resolved, "edihub", "sent", clock_.iso_now());
  tx.commit();
  return handed;
}

}  // namespace edihub::hub
