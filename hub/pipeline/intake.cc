#include "hub/pipeline/intake.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>

#include <fmt/format.h>

#include "archive/sha256.h"
#include "hub/exception_queue.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

constexpr std::string_view kErpClaimSuffix = "+erp";

// Removes a received file from its inbound folder only if it still holds exactly the
// content we archived (a partner may have dropped a new file under the same name).
void remove_source_if_archived(const fs::path& source, const std::string& sha256, archive::Env& env) {
  if (!source.empty() && fs::exists(source) && archive::sha256_file(source) == sha256)
    transports::FolderInbox::remove(source, env);
}

// A name longer than this is claimed under a shortened name: the claim's unique prefix
// (~50 bytes) plus the name must stay within a file system's 255-byte name limit.
constexpr std::size_t kLongestClaimedName = 160;
constexpr std::size_t kShortenedKeep = 120;
constexpr std::size_t kShortenedHash = 16;

// The first `keep` bytes of `name`, not cutting a UTF-8 sequence, then "~" and the start
// of the SHA-256 of the whole name (so two long names sharing a beginning stay apart).
std::string shortened_name(const std::string& name) {
  std::size_t keep = kShortenedKeep;
  while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xc0) == 0x80) --keep;
  return name.substr(0, keep) + "~" + archive::sha256_hex(name).substr(0, kShortenedHash);
}

bool is_shortened_name(const std::string& name) {
  if (name.size() < kShortenedHash + 1 || name[name.size() - kShortenedHash - 1] != '~') return false;
  return std::all_of(name.end() - kShortenedHash, name.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

// Claims are named <partner>/<unique>__<file name> under the raw store's incoming/, and
// <partner>+erp/... for ERP documents ('+' is never part of a partner id). A name too long
// for that is shortened (shortened_name); the index row keeps the original name.
std::string claim_name(const std::string& partner, const std::string& file_name) {
  static std::atomic<unsigned long> counter{0};
  auto ns = std::chrono::system_clock::now().time_since_epoch().count();
  return fmt::format("{}/{:x}-{}-{}__{}", partner, ns, ::getpid(), counter++,
                     file_name.size() > kLongestClaimedName ? shortened_name(file_name) : file_name);
}

// A file moves from the inbox into the store's incoming/ (a rename: it is never deleted),
// the claims are synced, the rows committed, and only then is each file published into
// raw/. A crash anywhere leaves either the inbox file, or a claim, or a row: each is
// picked up again by the next run.
std::vector<FileRecord> Intake::record_receipts(std::vector<Receipt>& receipts, RunSummary& summary) {
  std::vector<FileRecord> files;
  if (receipts.empty()) return files;
  ctx_.store.sync();
  {
    archive::Index::Transaction tx(ctx_.index);
    std::string now = ctx_.clock.iso_now();
    for (auto& r : receipts) {
      FileRecord file;
      file.sha256 = r.staged.sha256;
      file.size = r.staged.size;
      file.partner = r.partner;
      file.channel = r.channel;
      file.source_name = r.source_name;
      file.received_at = now;
      file.source_removed = r.staged.source_moved && !r.remote;
      file.claim = r.claim;
      file.direction = r.direction;
      r.file_id = file.id = ctx_.index.add_file(file);
      if (r.record_with) r.record_with(file.id);
      files.push_back(file);
      if (r.staged.size == r.staged.content.size()) ctx_.fresh_content[file.id] = std::move(r.staged.content);
      ctx_.index.add_event({0, r.file_id, 0, now, "received",
                         fmt::format("{} ({} bytes) from {} archived as {}{}", escape_controls(r.source_name), r.staged.size,
                                     r.channel, r.staged.sha256, r.name_note)});
      summary.partners[r.partner].files++;
    }
    tx.commit();
  }
  summary.files_received += receipts.size();
  std::vector<archive::Staged> batch;
  std::vector<std::int64_t> copied;
  for (const auto& r : receipts) {
    batch.push_back(r.staged);
    if (!r.staged.source_moved && !r.remote) {
      remove_source_if_archived(r.source, r.staged.sha256, ctx_.store.env());
      copied.push_back(r.file_id);
    }
  }
  if (!copied.empty()) {
    archive::Index::Transaction tx(ctx_.index);
    for (auto id : copied) ctx_.index.mark_source_removed(id);
    tx.commit();
  }
  ctx_.store.publish(batch);
  return files;
}

// Claims under incoming/: those left by a crash before their row are recorded now; those
// recorded are kept for kClaimWatch after their last change and compared with what was
// archived (published now if a crash came before), then retired. A claim whose bytes
// differ from its row's was written to after the hub took it: see claim_changed.
void Intake::recover_claims(RunSummary& summary) {
  claims_recovered_ = true;
  std::vector<archive::Staged> recorded;
  std::vector<Receipt> unrecorded;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& claim : ctx_.store.pending_claims()) {
    if (auto file = ctx_.index.file_by_claim(claim)) {
      std::error_code ec;
      const fs::path path = ctx_.store.claim_path(claim);
      const auto size = fs::file_size(path, ec);
      const auto mtime = fs::last_write_time(path, ec);
      if (ec) continue;  // retired meanwhile
      const bool published = ctx_.store.contains(file->sha256);
      if (published && size == file->size && now - mtime < kClaimWatch) continue;  // watched a while longer
      auto copy = ctx_.store.reclaim(claim);
      if (copy.sha256 != file->sha256) {
        claim_changed(*file, claim, std::move(copy), summary);
      } else if (!published) {
        recorded.push_back(std::move(copy));  // the crash came between the commit and the publish
      } else {
        ctx_.store.discard(copy);
        ctx_.store.retire_claim(claim);
      }
      continue;
    }
    auto staged = ctx_.store.reclaim(claim);
    Receipt r;
    r.partner = claim.substr(0, claim.find('/'));
    r.source_name = claim.substr(claim.find("__", claim.find('/')) + 2);
    // A long name was shortened for its claim and the crash came before its row kept the
    // original: the shortened name is all there is (the event below says so).
    if (is_shortened_name(r.source_name)) r.name_note = "; its name was shortened for its claim before a crash";
    r.claim = claim;
    std::optional<partners::FolderChannel> channel;
    if (r.partner.ends_with(kErpClaimSuffix)) {
      r.partner.resize(r.partner.size() - kErpClaimSuffix.size());
      r.direction = "erp";
      if (const auto* partner = ctx_.config.partners.find(r.partner)) channel = partner->erp_outbound;
    } else if (const auto* partner = ctx_.config.partners.find(r.partner)) {
      channel = partner->inbound;
      r.remote = partner->inbound_sftp.has_value();
      if (r.remote) r.channel = partner->inbound_sftp->name();
    }
    if (!r.remote) r.channel = channel ? folder_channel(channel->path, ctx_.config.dir) : "recovered";
    if (channel) r.source = channel->path / r.source_name;
    staged.source_moved = false;  // it may have been a copy: check the inbox for it too
    r.staged = staged;
    unrecorded.push_back(std::move(r));
  }
  ctx_.store.publish(recorded);
  record_receipts(unrecorded, summary);
}

// The claim of `file` now holds other bytes (`copy`): its writer went on after the hub
// took the file (it paused longer than the settle time). What was archived stays as it
// is (it hashes to its name); the claim's present bytes are archived as another received
// file of the same partner, channel and name, processed like any other, and watched in
// turn. One file_changed_after_receipt on the first file names both.
void Intake::claim_changed(const FileRecord& file, const std::string& claim, archive::Staged copy, RunSummary& summary) {
  Receipt r;
  r.partner = file.partner;
  r.channel = file.channel;
  r.direction = file.direction;
  r.source_name = file.source_name;
  r.claim = claim_name(claim.substr(0, claim.find('/')), file.source_name);
  r.name_note = fmt::format("; the later bytes of F{}, written after it was taken", file.id);
  ctx_.store.rename_claim(claim, r.claim);
  r.staged = std::move(copy);
  r.staged.source_moved = true;  // nothing is left at the source
  std::vector<Receipt> receipts;
  receipts.push_back(std::move(r));
  auto later = record_receipts(receipts, summary);
  ExceptionRecord changed;
  changed.partner = file.partner;
  changed.file_id = file.id;
  changed.kind = "file_changed_after_receipt";
  changed.reason = fmt::format(
      "{}: written to after the hub took it: F{} archived {} bytes (sha256 {}), the file then held {} bytes (sha256 "
      "{}), archived as F{}; its sender must write under a temporary name and rename when complete (docs/receiving.md)",
      escape_controls(file.source_name), file.id, file.size, file.sha256, later.front().size, later.front().sha256,
      later.front().id);
  ctx_.raise(summary, changed);
}

// A crash between an index commit and the removal of a copied source leaves the source
// in the inbox: remove it now if it is still the very file we archived.
void Intake::finish_source_removals() {
  auto pending = ctx_.index.files_with_source_pending();
  if (pending.empty()) return;
  archive::Index::Transaction tx(ctx_.index);
  for (const auto& file : pending) {
    if (file.channel.starts_with("sftp:")) continue;  // removed remotely by the next poll of its server
    if (file.channel.starts_with("folder:"))
      remove_source_if_archived(ctx_.config.dir / file.channel.substr(7) / file.source_name, file.sha256, ctx_.store.env());
    ctx_.index.mark_source_removed(file.id);
  }
  tx.commit();
}

void Intake::take_in(const partners::Profile& partner, const partners::FolderChannel& folder,
                    const std::string& direction, PipelineLock& lock, RunSummary& summary,
                    const ProcessBatch& process) {
  transports::FolderInbox inbox(folder.path, folder.pattern, folder.settle, transports::FolderInbox::kStaleAfter,
                                ctx_.store.env());
  std::vector<transports::InboundFile> ready;
  {
    Unlocked waiting(lock);
    ready = inbox.ready(sleep_);
  }
  std::string channel = folder_channel(folder.path, ctx_.config.dir);
  report_skipped(partner, channel, inbox.skipped(), summary);
  std::string claim_folder = direction == "erp" ? partner.id + std::string(kErpClaimSuffix) : partner.id;
  for (size_t start = 0; start < ready.size(); start += ctx_.config.batch_files) {
    size_t end = std::min(ready.size(), start + ctx_.config.batch_files);
    std::vector<Receipt> receipts;
    for (size_t i = start; i < end; ++i) {
      Receipt r;
      r.partner = partner.id;
      r.channel = channel;
      r.direction = direction;
      r.source_name = ready[i].name;
      r.source = ready[i].path;
      r.claim = claim_name(claim_folder, ready[i].name);
      r.staged = ctx_.store.claim_file(ready[i].path, r.claim);
      receipts.push_back(std::move(r));
    }
    process(record_receipts(receipts, summary), summary);
  }
}

// Each entry an inbox will never take is one unreadable_inbox_entry while it is open
// (kept by name; remembered by this process, so a poll queries the index once per entry).
void Intake::report_skipped(const partners::Profile& partner, const std::string& channel,
                              const std::vector<transports::SkippedEntry>& skipped, RunSummary& summary) {
  for (const auto& entry : skipped) {
    std::string subject = channel + "/" + escape_controls(entry.name);
    if (!reported_entries_.insert(partner.id + "\n" + subject).second) continue;
    if (auto raised = raise_once(ctx_.index, ctx_.clock, partner.id, "unreadable_inbox_entry", subject,
                                 entry.why + "; left in place and never taken (remove or rename it)"))
      summary.add_exception(std::move(*raised));
  }
}

}  // namespace edihub::hub
