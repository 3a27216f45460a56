// Intake: taking received files into the archive durably. A file moves from its inbox (a
// local folder, a partner's SFTP server, or an AS2 message) into the raw store's
// incoming/ as a claim (a rename: never deleted), the claims are synced, their rows
// committed in one index transaction, and only then is each published into raw/ and its
// source removed. A crash anywhere leaves either the inbox file, or a claim, or a row:
// recover_claims and finish_source_removals pick each up again on the next run.
// Files are taken in batches of the config's batch_files; each batch, once recorded, is
// handed to the pipeline's processing (ProcessBatch) before the next is taken.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "hub/pipeline/context.h"
#include "transports/folder.h"

namespace edihub::hub {

// A received file on its way into the archive.
struct Receipt {
  std::string partner, channel, source_name, claim;
  std::string name_note;         // added to the "received" event
  std::string direction = "in";
  bool remote = false;           // from an SFTP server: removed there after the commit, by the poller
  std::filesystem::path source;  // where it came from, when that is a local path
  archive::Staged staged;
  // Rows recorded in the same commit as the file row (given its id): an AS2 message.
  std::function<void(std::int64_t file_id)> record_with;
  std::int64_t file_id = 0;
};

class Intake {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  using ProcessBatch = std::function<void(const std::vector<archive::FileRecord>&, RunSummary&)>;
  Intake(PipelineContext& context, Sleep sleep) : ctx_(context), sleep_(std::move(sleep)) {}

  // Records the receipts' files (status received) and their "received" events in one
  // commit, then removes copied sources and publishes the bytes. Returns the file rows.
  std::vector<archive::FileRecord> record_receipts(std::vector<Receipt>& receipts, RunSummary& summary);
  // Claims under incoming/: those left by a crash before their row are recorded now;
  // recorded ones are watched for kClaimWatch after their last change (see claim_changed).
  void recover_claims(RunSummary& summary);
  bool claims_recovered() const { return claims_recovered_; }
  // Removes sources a crash left in their inbox after their file was committed.
  void finish_source_removals();
  // Takes the settled files of a partner's folder channel (direction "in" or "erp").
  // `lock` is released while waiting for files to settle.
  void take_in(const partners::Profile& partner, const partners::FolderChannel& channel, const std::string& direction,
               PipelineLock& lock, RunSummary& summary, const ProcessBatch& process);
  // The same for a partner's SFTP server (intake_sftp.cc); `lock` is released for
  // connecting, listing, downloading and removing. A transport failure is a
  // transport_error exception, not thrown: its message is returned ("" when it worked),
  // so the poll counts as failed in the channel's health.
  std::string take_in_sftp(const partners::Profile& partner, PipelineLock& lock, RunSummary& summary,
                    const ProcessBatch& process);

  // How long a recorded claim is kept after its last change, to see whether its writer
  // goes on (docs/receiving.md).
  static constexpr std::chrono::minutes kClaimWatch{60};

 private:
  void claim_changed(const archive::FileRecord& file, const std::string& claim, archive::Staged copy,
                     RunSummary& summary);
  // Each entry an inbox will never take is one unreadable_inbox_entry while it is open.
  void report_skipped(const partners::Profile& partner, const std::string& channel,
                      const std::vector<transports::SkippedEntry>& skipped, RunSummary& summary);

  PipelineContext& ctx_;
  Sleep sleep_;
  bool claims_recovered_ = false;
  std::set<std::string> reported_entries_;  // "<partner>\n<channel>/<name>" already raised or open
};

// A unique claim name under the raw store's incoming/ for a file received into `folder`
// (a partner id, or "<partner>+erp" for ERP documents).
std::string claim_name(const std::string& folder, const std::string& file_name);

}  // namespace edihub::hub
