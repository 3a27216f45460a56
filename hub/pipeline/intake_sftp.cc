// Intake from a partner's SFTP server: settled remote files are downloaded into the
// archive's downloads/ folder, claimed like local files, recorded and committed; only then
// is the remote file deleted or moved (after_receipt) and its row marked source-removed.
// A crash before the commit leaves the remote file to be taken again; one after it leaves
// the removal, which the next poll finishes first. Connection problems are exceptions
// raised once while they last, never a lost or half-read file.
#include <fmt/format.h>

#include "hub/exception_queue.h"
#include "hub/pipeline/intake.h"
#include "hub/sftp_endpoint.h"
#include "transports/sftp.h"

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

transports::SftpInboxRules rules_of(const partners::SftpChannel& c) {
  transports::SftpInboxRules r;
  r.pattern = c.pattern;
  r.temp_pattern = c.temp_pattern;
  r.done_suffix = c.done_suffix;
  r.stable_listing = c.stable_listing;
  r.settle = c.settle;
  r.max_files = c.max_files;
  return r;
}

transports::AfterReceipt after_receipt_of(const partners::SftpChannel& c) {
  transports::AfterReceipt a;
  if (!c.move_to.empty()) {
    a.action = transports::AfterReceipt::Action::Move;
    a.move_to = c.move_to;
  }
  return a;
}

}  // namespace

std::string Intake::take_in_sftp(const partners::Profile& partner, PipelineLock& lock, RunSummary& summary,
                                 const ProcessBatch& process) {
  const auto& c = *partner.inbound_sftp;
  const std::string channel = c.name();
  // One folder per partner: partners are polled in parallel, each by one poll at a time.
  const fs::path downloads = ctx_.config.archive_dir / "downloads" / partner.id;
  // Partial downloads of a crashed or abandoned poll were never recorded: the remote files are still there.
  fs::remove_all(downloads);
  fs::create_directories(downloads);
  try {
    std::optional<transports::SftpSession> session;
    {
      Unlocked connecting(lock);
      session.emplace(sftp_endpoint(c));
    }
    resolve_transport_error(ctx_.index, ctx_.clock, partner.id, channel, "connected again");
    transports::SftpInbox inbox(rules_of(c));
    auto removed = [&](const archive::FileRecord& file) {
      {
        Unlocked removing(lock);
        inbox.after_receipt(*session, c.remote_dir, file.source_name, after_receipt_of(c));
      }
      archive::Index::Transaction tx(ctx_.index);
      ctx_.index.mark_source_removed(file.id);
      ctx_.index.add_event({0, file.id, 0, ctx_.clock.iso_now(), "source_removed",
                         fmt::format("{} {} on {}", c.move_to.empty() ? "deleted" : "moved to " + c.move_to,
                                     file.source_name, channel)});
      tx.commit();
    };
    for (const auto& file : ctx_.index.files_with_source_pending())
      if (file.channel == channel) removed(file);

    std::vector<transports::SftpEntry> ready;
    {
      Unlocked listing(lock);
      ready = inbox.ready(*session, c.remote_dir, sleep_);
    }
    for (std::size_t start = 0; start < ready.size(); start += ctx_.config.batch_files) {
      std::size_t end = std::min(ready.size(), start + ctx_.config.batch_files);
      {
        Unlocked downloading(lock);
        for (std::size_t i = start; i < end; ++i)
          session->download(transports::remote_join(c.remote_dir, ready[i].name), downloads / ready[i].name);
      }
      // Claimed and recorded under the lock, so a concurrent housekeeping() never sees an
      // unrecorded claim of a live poll.
      std::vector<Receipt> receipts;
      for (std::size_t i = start; i < end; ++i) {
        Receipt r;
        r.partner = partner.id;
        r.channel = channel;
        r.remote = true;
        r.source_name = ready[i].name;  // checked by SftpInbox: a safe single path component
        r.claim = claim_name(partner.id, ready[i].name);
        r.staged = ctx_.store.claim_file(downloads / ready[i].name, r.claim);
        receipts.push_back(std::move(r));
      }
      // Processed before the lock is released for the removals, so a concurrent
      // housekeeping() never takes these files as left over from a crash.
      auto files = record_receipts(receipts, summary);
      process(files, summary);
      for (const auto& file : files) removed(file);
    }
  } catch (const transports::SftpError& e) {
    if (auto problem = transport_error(ctx_.index, partner.id, channel, e, "polled again on the next run")) {
      archive::Index::Transaction tx(ctx_.index);
      ctx_.raise(summary, std::move(*problem));
      tx.commit();
    }
    return e.what();
  }
  return "";
}

}  // namespace edihub::hub
