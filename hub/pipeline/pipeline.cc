#include "hub/pipeline/pipeline.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/verify.h"
#include "formats/xml.h"
#include "hub/pipeline/archive_lookup.h"
#include "hub/exception_queue.h"
#include "hub/text_escape.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"
#include "transports/folder.h"
#include "transports/redact.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using archive::EventRecord;
using archive::ExceptionRecord;
using archive::FileRecord;

std::string idempotency_key(const std::string& partner, const std::string& isa13, const std::string& gs06,
                            const std::string& st02) {
  return partner + "/" + isa13 + "/" + gs06 + "/" + st02;
}

namespace {

// ERP file names come from the idempotency key, never from anything a partner chose
// freely: '/' becomes '_', other characters outside [A-Za-z0-9_-] become '-'.
std::string delivery_name(const std::string& key) {
  std::string name;
  for (char c : key) name += (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') ? c : (c == '/' ? '_' : '-');
  return name + ".json";
}

constexpr std::string_view kErpClaimSuffix = "+erp";

std::string channel_of(const fs::path& folder, const fs::path& config_dir) {
  return "folder:" + folder.lexically_relative(config_dir).string();
}

}  // namespace

Pipeline::Pipeline(const Config& config, const Clock& clock, Sleep sleep)
    : config_(config), clock_(clock), sleep_(std::move(sleep)) {
  lock_ = std::make_unique<archive::ArchiveLock>(config_.archive_dir);
  // Before anything is taken in: a lost or damaged index must be rebuilt, not restarted.
  archive::check_index_before_start(config_.archive_dir, config_.dir.string());
  store_ = std::make_unique<archive::RawStore>(config_.archive_dir);
  index_ = archive::Index::open(config_.index_file());
  outbox_ = std::make_unique<Outbox>(config_, clock_, *store_, *index_);
}

Pipeline::~Pipeline() { index_.reset(); }

RunSummary Pipeline::run_once() {
  Lock lock(mu_);
  RunSummary summary;
  resume(summary);
  // One partner's failing poll (its inbox unreadable, its channel broken) does not keep
  // the others from theirs.
  for (const auto& partner : config_.partners.profiles()) {
    try {
      poll(partner, lock, summary);
      record_stage_ok("poll", partner.id);
    } catch (const std::exception& e) {
      if (auto raised = record_stage_failure("poll", partner.id, e.what())) summary.add_exception(std::move(*raised));
    }
  }
  finish(summary);
  return summary;
}

std::optional<ExceptionRecord> Pipeline::stage_failed(const std::string& stage, const std::string& partner,
                                                      const std::string& error) {
  Lock lock(mu_);
  return record_stage_failure(stage, partner, error);
}

void Pipeline::stage_ok(const std::string& stage, const std::string& partner) {
  Lock lock(mu_);
  record_stage_ok(stage, partner);
}

std::optional<ExceptionRecord> Pipeline::record_stage_failure(const std::string& stage, const std::string& partner,
                                                              const std::string& error) {
  stages_ok_.erase(partner + "/" + stage);
  return raise_once(*index_, clock_, partner, "hub_error", stage, error + "; tried again on the next pass");
}

void Pipeline::record_stage_ok(const std::string& stage, const std::string& partner) {
  if (!stages_ok_.insert(partner + "/" + stage).second) return;  // a query only after a failure or at start
  resolve_exception_about(*index_, clock_, partner, "hub_error", stage, stage + " works again");
}

RunSummary Pipeline::housekeeping() {
  Lock lock(mu_);
  RunSummary summary;
  resume(summary);
  finish(summary);
  return summary;
}

RunSummary Pipeline::poll_partner(const partners::Profile& partner) {
  Lock lock(mu_);
  RunSummary summary;
  // A claim left by a crash must be recorded before the partner's server is listed
  // again, or the file still on the server would be taken a second time.
  if (!claims_recovered_) recover_claims(summary);
  poll(partner, lock, summary);
  return summary;
}

void Pipeline::resume(RunSummary& summary) {
  recover_claims(summary);
  finish_source_removals();
  send_outbox(summary);
  delivery_cursor_ = 0;  // a new pass: every set still mapped is offered again
  deliver_mapped(summary);
  auto left_over = index_->files_with_status("received");
  for (size_t start = 0; start < left_over.size(); start += config_.batch_files)
    process_batch({left_over.begin() + start, left_over.begin() + std::min(left_over.size(), start + config_.batch_files)},
                  summary);
}

void Pipeline::finish(RunSummary& summary) {
  flag_overdue(summary);
  flag_overdue_mdns(summary);
}

void Pipeline::poll(const partners::Profile& partner, Lock& lock, RunSummary& summary) {
  if (partner.inbound) take_in(partner, *partner.inbound, "in", lock, summary);
  if (partner.inbound_sftp) take_in_sftp(partner, lock, summary);
  if (partner.erp_outbound) take_in(partner, *partner.erp_outbound, "erp", lock, summary);
}

namespace {

// Whether an archived file is XML, from its first bytes (X12 files are streamed, not read whole).
bool starts_like_xml(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return xml::looks_like_xml(head);
}

// Removes a received file from its inbound folder only if it still holds exactly the
// content we archived (a partner may have dropped a new file under the same name).
void remove_source_if_archived(const fs::path& source, const std::string& sha256) {
  if (!source.empty() && fs::exists(source) && archive::sha256_file(source) == sha256)
    transports::FolderInbox::remove(source);
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
std::vector<FileRecord> Pipeline::record_receipts(std::vector<Receipt>& receipts, RunSummary& summary) {
  std::vector<FileRecord> files;
  if (receipts.empty()) return files;
  store_->sync();
  {
    archive::Index::Transaction tx(*index_);
    std::string now = clock_.iso_now();
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
      r.file_id = file.id = index_->add_file(file);
      if (r.record_with) r.record_with(file.id);
      files.push_back(file);
      if (r.staged.size == r.staged.content.size()) fresh_content_[file.id] = std::move(r.staged.content);
      index_->add_event({0, r.file_id, 0, now, "received",
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
      remove_source_if_archived(r.source, r.staged.sha256);
      copied.push_back(r.file_id);
    }
  }
  if (!copied.empty()) {
    archive::Index::Transaction tx(*index_);
    for (auto id : copied) index_->mark_source_removed(id);
    tx.commit();
  }
  store_->publish(batch);
  return files;
}

// Claims under incoming/: those left by a crash before their row are recorded now; those
// recorded are kept for kClaimWatch after their last change and compared with what was
// archived (published now if a crash came before), then retired. A claim whose bytes
// differ from its row's was written to after the hub took it: see claim_changed.
void Pipeline::recover_claims(RunSummary& summary) {
  claims_recovered_ = true;
  std::vector<archive::Staged> recorded;
  std::vector<Receipt> unrecorded;
  const auto now = fs::file_time_type::clock::now();
  for (const auto& claim : store_->pending_claims()) {
    if (auto file = index_->file_by_claim(claim)) {
      std::error_code ec;
      const fs::path path = store_->claim_path(claim);
      const auto size = fs::file_size(path, ec);
      const auto mtime = fs::last_write_time(path, ec);
      if (ec) continue;  // retired meanwhile
      const bool published = store_->contains(file->sha256);
      if (published && size == file->size && now - mtime < kClaimWatch) continue;  // watched a while longer
      auto copy = store_->reclaim(claim);
      if (copy.sha256 != file->sha256) {
        claim_changed(*file, claim, std::move(copy), summary);
      } else if (!published) {
        recorded.push_back(std::move(copy));  // the crash came between the commit and the publish
      } else {
        store_->discard(copy);
        store_->retire_claim(claim);
      }
      continue;
    }
    auto staged = store_->reclaim(claim);
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
      if (const auto* partner = config_.partners.find(r.partner)) channel = partner->erp_outbound;
    } else if (const auto* partner = config_.partners.find(r.partner)) {
      channel = partner->inbound;
      r.remote = partner->inbound_sftp.has_value();
      if (r.remote) r.channel = partner->inbound_sftp->name();
    }
    if (!r.remote) r.channel = channel ? channel_of(channel->path, config_.dir) : "recovered";
    if (channel) r.source = channel->path / r.source_name;
    staged.source_moved = false;  // it may have been a copy: check the inbox for it too
    r.staged = staged;
    unrecorded.push_back(std::move(r));
  }
  store_->publish(recorded);
  record_receipts(unrecorded, summary);
}

// The claim of `file` now holds other bytes (`copy`): its writer went on after the hub
// took the file (it paused longer than the settle time). What was archived stays as it
// is (it hashes to its name); the claim's present bytes are archived as another received
// file of the same partner, channel and name, processed like any other, and watched in
// turn. One file_changed_after_receipt on the first file names both.
void Pipeline::claim_changed(const FileRecord& file, const std::string& claim, archive::Staged copy, RunSummary& summary) {
  Receipt r;
  r.partner = file.partner;
  r.channel = file.channel;
  r.direction = file.direction;
  r.source_name = file.source_name;
  r.claim = claim_name(claim.substr(0, claim.find('/')), file.source_name);
  r.name_note = fmt::format("; the later bytes of F{}, written after it was taken", file.id);
  store_->rename_claim(claim, r.claim);
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
  raise(summary, changed);
}

// A crash between an index commit and the removal of a copied source leaves the source
// in the inbox: remove it now if it is still the very file we archived.
void Pipeline::finish_source_removals() {
  auto pending = index_->files_with_source_pending();
  if (pending.empty()) return;
  archive::Index::Transaction tx(*index_);
  for (const auto& file : pending) {
    if (file.channel.starts_with("sftp:")) continue;  // removed remotely by the next poll of its server
    if (file.channel.starts_with("folder:"))
      remove_source_if_archived(config_.dir / file.channel.substr(7) / file.source_name, file.sha256);
    index_->mark_source_removed(file.id);
  }
  tx.commit();
}

void Pipeline::take_in(const partners::Profile& partner, const partners::FolderChannel& folder,
                       const std::string& direction, Lock& lock, RunSummary& summary) {
  transports::FolderInbox inbox(folder.path, folder.pattern, folder.settle);
  std::vector<transports::InboundFile> ready;
  {
    Unlocked waiting(lock);
    ready = inbox.ready(sleep_);
  }
  std::string channel = channel_of(folder.path, config_.dir);
  report_skipped(partner, channel, inbox.skipped(), summary);
  std::string claim_folder = direction == "erp" ? partner.id + std::string(kErpClaimSuffix) : partner.id;
  for (size_t start = 0; start < ready.size(); start += config_.batch_files) {
    size_t end = std::min(ready.size(), start + config_.batch_files);
    std::vector<Receipt> receipts;
    for (size_t i = start; i < end; ++i) {
      Receipt r;
      r.partner = partner.id;
      r.channel = channel;
      r.direction = direction;
      r.source_name = ready[i].name;
      r.source = ready[i].path;
      r.claim = claim_name(claim_folder, ready[i].name);
      r.staged = store_->claim_file(ready[i].path, r.claim);
      receipts.push_back(std::move(r));
    }
    process_batch(record_receipts(receipts, summary), summary);
  }
}

// Each entry an inbox will never take is one unreadable_inbox_entry while it is open
// (kept by name; remembered by this process, so a poll queries the index once per entry).
void Pipeline::report_skipped(const partners::Profile& partner, const std::string& channel,
                              const std::vector<transports::SkippedEntry>& skipped, RunSummary& summary) {
  for (const auto& entry : skipped) {
    std::string subject = channel + "/" + escape_controls(entry.name);
    if (!reported_entries_.insert(partner.id + "\n" + subject).second) continue;
    if (auto raised = raise_once(*index_, clock_, partner.id, "unreadable_inbox_entry", subject,
                                 entry.why + "; left in place and never taken (remove or rename it)"))
      summary.add_exception(std::move(*raised));
  }
}

void Pipeline::raise(RunSummary& summary, ExceptionRecord exception) {
  if (held_ && exception.file_id == held_->file_id) {
    auto& first = held_->first[exception.kind];
    if (first.size() < kListedPerKind) first.push_back(std::move(exception));
    held_->count[exception.kind]++;
    return;
  }
  summary.add_exception(record_exception(*index_, clock_, std::move(exception)));
}

// Up to kListedPerKind exceptions of a kind are raised one by one; more become one
// exception of that kind for the file: how many, and the first ones' reasons.
void Pipeline::flush_file_exceptions(FileExceptions& held, const std::string& file_name, RunSummary& summary) {
  for (auto& [kind, first] : held.first) {
    const std::size_t count = held.count[kind];
    if (count <= kListedPerKind) {
      for (auto& e : first) summary.add_exception(record_exception(*index_, clock_, std::move(e)));
      continue;
    }
    ExceptionRecord flood = first.front();
    flood.set_id = 0;
    flood.reason = fmt::format("{}: {} {} exceptions in this file; the first {}:", file_name, count, kind, first.size());
    for (const auto& e : first) flood.reason += indented_lines({e.reason});
    flood.reason += fmt::format("\n  ... and {} more, not listed", count - first.size());
    summary.add_exception(record_exception(*index_, clock_, std::move(flood)));
  }
}

// A batch's files are processed in one transaction; their mapped sets wait in the index
// and are then delivered from there in pages, so no batch holds the outputs of a file of
// half a million sets in memory.
void Pipeline::process_batch(const std::vector<FileRecord>& files, RunSummary& summary) {
  {
    archive::Index::Transaction tx(*index_);
    for (const auto& file : files) process_contained(file, summary);
    outbox_->publish_staged();  // the acks and documents queued above, before their rows commit
    tx.commit();
  }
  fresh_content_.clear();
  send_outbox(summary);
  deliver_mapped(summary);
}

// An unexpected error while processing one file (input no check foresaw, or a bug) undoes
// just that file's work: its index rows (a savepoint inside the batch's transaction), its
// counts, its deliveries. The file ends in the final state `exception` with one
// processing_error naming it and the error, so it is not taken again on every run, and the
// batch goes on. Acknowledgments it queued are rolled back with their rows (their staged
// bytes become unreferenced raw objects, as after a crash). An index that cannot roll back
// or record the exception is the hub's own failure and stops the run.
void Pipeline::process_contained(const FileRecord& file, RunSummary& summary) {
  const std::size_t raised_before = summary.exceptions.size();
  std::vector<ExceptionRecord> raised;
  raised.swap(summary.exceptions);
  RunSummary counts_before = summary;  // without the exceptions: this runs once per file
  raised.swap(summary.exceptions);
  std::string error;
  std::optional<x12::UnusableInput> unusable;
  // Processing names the file only in reasons and events: there its name is escaped, so a
  // name holding a newline or an escape sequence cannot forge lines where they are printed.
  FileRecord shown = file;
  shown.source_name = escape_controls(file.source_name);
  {
    archive::Index::Savepoint unit(*index_);
    FileExceptions held;
    held.file_id = file.id;
    held_ = &held;
    try {
      if (file.direction == "erp") process_erp_document(shown, summary);
      else process_file(shown, summary);
      held_ = nullptr;
      flush_file_exceptions(held, shown.source_name, summary);
      unit.release();
      return;
    } catch (const x12::UnusableInput& e) {
      // Found while streaming, perhaps after sets of an earlier interchange were recorded:
      // the file is refused as a whole, as before anything was read.
      unusable = e;
    } catch (const std::exception& e) {
      error = e.what();
    }
    held_ = nullptr;
    unit.rollback();
  }
  raised = std::move(summary.exceptions);
  raised.resize(raised_before);
  summary = std::move(counts_before);
  summary.exceptions = std::move(raised);
  summary.files_processed++;
  ExceptionRecord failure;
  failure.partner = file.partner;
  failure.file_id = file.id;
  if (unusable) {
    failure.kind = "unusable_file";
    failure.reason = fmt::format("{}: not a usable X12 interchange: {} (segment {}, byte {})", shown.source_name,
                                 unusable->what(), unusable->segment, unusable->byte_offset);
    raise(summary, failure);
    index_->set_file_status(file.id, "exception");
    return;
  }
  failure.kind = "processing_error";
  failure.reason = fmt::format("{}: processing stopped by an unexpected error: {}; nothing of this file was delivered "
                               "or acknowledged (`edihub replay F{}` runs it again after a fix)",
                               shown.source_name, error, file.id);
  raise(summary, failure);
  index_->set_file_status(file.id, "exception");
}

void Pipeline::process_file(const FileRecord& file, RunSummary& summary) {
  summary.files_processed++;
  ExceptionRecord base;
  base.partner = file.partner;
  base.file_id = file.id;

  auto fresh = fresh_content_.find(file.id);
  const fs::path stored = store_->path_of(file.sha256);
  if (fresh == fresh_content_.end()) {
    try {
      store_->verify(file.sha256);  // never processes bytes that are not what was received
    } catch (const archive::IntegrityError& e) {
      base.kind = "damaged_raw_object";
      base.reason = file.source_name + ": " + e.what();
      raise(summary, base);
      index_->set_file_status(file.id, "exception");
      return;
    }
  }
  if (fresh != fresh_content_.end() ? xml::looks_like_xml(fresh->second) : starts_like_xml(stored)) {
    process_xml_file(file, fresh != fresh_content_.end() ? fresh->second : store_->read(file.sha256), summary);
    return;
  }
  process_x12_file(file, fresh != fresh_content_.end() ? &fresh->second : nullptr, stored, summary);
}

bool Pipeline::map_set(const FileRecord& file, const partners::Profile& partner, const x12::InterchangeHeader& h,
                       const x12::GroupHeader& g, const x12::TransactionSet& set, archive::TransactionSetRecord& rec,
                       RunSummary& summary) {
  nlohmann::ordered_json source = {{"file_sha256", file.sha256},
                                   {"sender", h.sender_qualifier + ":" + h.sender_id},
                                   {"receiver", h.receiver_qualifier + ":" + h.receiver_id},
                                   {"interchange_control", h.control_number},
                                   {"group_control", g.control_number},
                                   {"transaction_set", set.id},
                                   {"transaction_set_control", set.control_number},
                                   {"version", g.version}};
  std::string what = fmt::format("transaction set {} control {} (segment {}), version {}", set.id, set.control_number,
                                 rec.first_segment, g.version);
  const auto* rule = partner.mapping_for(set.id, g.version);
  return map_document(file, partner, rule, what, std::move(source),
                      [&](const mapping::Lookup* lookup) {
                        mapping::Context context{&h, &g, partner.id, lookup};
                        return rule->mapping->evaluate(set, context, partner.code_tables);
                      },
                      rec, summary);
}

bool Pipeline::map_document(const FileRecord& file, const partners::Profile& partner, const partners::MappingRule* rule,
                            const std::string& what, nlohmann::ordered_json source, const Evaluate& evaluate,
                            archive::TransactionSetRecord& rec, RunSummary& summary) {
  const std::string now = clock_.iso_now();
  ExceptionRecord failure;
  failure.partner = partner.id;
  failure.file_id = file.id;
  failure.set_id = rec.id;
  failure.kind = "mapping_error";
  if (!rule) {
    failure.reason = fmt::format("{}: {}: no mapping for it in {}", file.source_name, what, partner.file.filename().string());
  } else {
    try {
      mapping::Lookup lookup = lookup_for(partner.id);
      auto result = evaluate(&lookup);
      nlohmann::ordered_json doc;
      doc["idempotency_key"] = rec.idempotency_key;
      doc["target"] = rule->mapping->target();
      doc["partner"] = partner.id;
      doc["source"] = std::move(source);
      doc["transaction"] = result.transaction;
      rec.status = "mapped";
      rec.target = rule->mapping->target();
      index_->update_transaction_set(rec);
      std::string content = dump_json(doc, 2) + "\n";
      index_->put_mapped_output(rec.id, content);
      for (const auto& [name, value] : result.keys) index_->add_business_key(rec.id, name, value);
      index_->add_event({0, file.id, rec.id, now, "mapped",
                         fmt::format("{} {} -> {} with {}", rec.type, rec.control_number, rec.target, rule->file.filename().string())});
      summary.sets_mapped++;
      return true;
    } catch (const mapping::MappingError& e) {
      failure.reason = fmt::format("{}: {}", file.source_name, e.what());
    }
  }
  rec.status = "failed";
  index_->update_transaction_set(rec);
  raise(summary, failure);
  summary.sets_failed++;
  summary.partners[partner.id].failed++;
  return false;
}

// Cross-document lookups read the partner's archive: the newest document of the ERP type
// with that business key, inbound (its mapped transaction) or outbound (the ERP document we sent).
mapping::Lookup Pipeline::lookup_for(const std::string& partner) const { return archive_lookup(*index_, partner); }

std::optional<Pipeline::Delivery> Pipeline::delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                                          RunSummary& summary) {
  const auto* partner = config_.partners.find(set.partner);
  if (!partner || !partner->has_erp_sink()) {
    // Left mapped: it is delivered once the profile names a sink again.
    ExceptionRecord missing;
    missing.partner = set.partner;
    missing.file_id = set.file_id;
    missing.set_id = set.id;
    missing.kind = "delivery_error";
    missing.reason = fmt::format("transaction set {} {}: partner '{}' has no ERP sink in its profile; kept mapped for later delivery",
                                 set.type, set.control_number, set.partner);
    raise(summary, missing);
    return std::nullopt;
  }
  Delivery d;
  d.set = set;
  d.name = delivery_name(set.idempotency_key);
  d.content = std::move(content);
  d.partner = partner;
  if (partner->erp) {
    d.sink = partner->erp->path;
  } else {
    // Failed attempts since the set was last mapped (a replay maps it again) count toward
    // the HTTP sink's limit.
    for (const auto& e : index_->events_of_set(set.id))
      d.attempts_made = e.step == "mapped" ? 0 : d.attempts_made + (e.step == "delivery_failed");
  }
  return d;
}

std::string Pipeline::sink_name(const Delivery& d) const {
  if (d.partner->erp) return channel_of(d.sink, config_.dir) + "/" + d.name;
  if (d.partner->erp_http) return "http:" + transports::redact_url(d.partner->erp_http->url);
  return "postgres:" + d.partner->erp_postgres->schema + "." + d.partner->erp_postgres->table;
}

void Pipeline::record_deliveries(std::vector<Delivery>& batch, RunSummary& summary) {
  if (batch.empty()) return;
  archive::Index::Transaction tx(*index_);
  std::string now = clock_.iso_now();
  for (auto& d : batch) {
    d.set.updated_at = now;
    if (d.outcome == DeliveryOutcome::retry_later) {
      index_->add_event({0, d.set.file_id, d.set.id, now, "delivery_failed",
                         fmt::format("{}: {}; tried again on the next run", sink_name(d), d.detail)});
      summary.sets_delivery_pending++;
      continue;
    }
    if (d.outcome != DeliveryOutcome::delivered) {
      d.set.status = d.outcome == DeliveryOutcome::dead_letter ? "dead_letter" : "failed";
      index_->update_transaction_set(d.set);
      ExceptionRecord failed;
      failed.partner = d.set.partner;
      failed.file_id = d.set.file_id;
      failed.set_id = d.set.id;
      failed.kind = "delivery_error";
      failed.reason = fmt::format("transaction set {} {} ({}): {} {}: {}", d.set.type, d.set.control_number,
                                  d.set.idempotency_key, sink_name(d),
                                  d.outcome == DeliveryOutcome::dead_letter ? "gave up (dead letter)" : "refused it",
                                  d.detail);
      raise(summary, failed);
      if (d.outcome == DeliveryOutcome::dead_letter) {
        summary.sets_dead_letter++;
        summary.partners[d.set.partner].dead_letters++;
      } else {
        summary.sets_failed++;
        summary.partners[d.set.partner].failed++;
      }
      continue;
    }
    d.set.status = "delivered";
    d.set.delivered_to = sink_name(d);
    index_->update_transaction_set(d.set);
    index_->add_event({0, d.set.file_id, d.set.id, now, "delivered", d.set.delivered_to});
    summary.sets_delivered++;
    summary.partners[d.set.partner].delivered++;
  }
  tx.commit();
}

// Mapped sets not yet offered to their sinks in this pass (those of the batch just
// committed, at the start of a pass those an earlier one did not get to deliver), a page
// of batch_files at a time; one that fails transiently is tried again in the next pass.
void Pipeline::deliver_mapped(RunSummary& summary) {
  std::int64_t& after = delivery_cursor_;
  for (;;) {
    auto mapped = index_->transaction_sets_with_status("mapped", after, static_cast<std::int64_t>(config_.batch_files));
    if (mapped.empty()) return;
    after = mapped.back().id;
    std::vector<Delivery> batch;
    {
      archive::Index::Transaction tx(*index_);
      for (const auto& set : mapped)
        if (auto d = delivery_for(set, index_->mapped_output(set.id).value_or(""), summary)) batch.push_back(std::move(*d));
      tx.commit();
    }
    write_deliveries(batch);
    record_deliveries(batch, summary);
  }
}

archive::TransactionSetRecord set_record(std::int64_t file_id, std::int64_t interchange_id, std::int64_t group_id,
                                         const std::string& partner, const x12::InterchangeHeader& h,
                                         const x12::GroupHeader& group, const x12::TransactionSet& set,
                                         const std::string& now, const std::string& direction) {
  archive::TransactionSetRecord rec;
  rec.file_id = file_id;
  rec.interchange_id = interchange_id;
  rec.group_id = group_id;
  rec.partner = partner;
  rec.type = set.id;
  rec.control_number = set.control_number;
  rec.interchange_control = h.control_number;
  rec.group_control = group.control_number;
  rec.version = group.version;
  rec.first_segment = static_cast<std::uint32_t>(set.first_segment);
  rec.received_at = now;
  rec.updated_at = now;
  rec.direction = direction;
  return rec;
}

std::vector<archive::TransactionSetRecord> Pipeline::record_sent(const partners::Profile& partner,
                                                                 const FileRecord& out, const std::string& bytes,
                                                                 const std::string& key_prefix) {
  const std::string now = clock_.iso_now();
  std::vector<archive::TransactionSetRecord> sets;
  for (const auto& interchange : x12::parse_bytes(bytes).interchanges) {
    const auto& h = interchange.header;
    archive::InterchangeRecord ir{0, out.id, partner.id, h.sender_qualifier, h.sender_id, h.receiver_qualifier,
                                  h.receiver_id, h.control_number, h.version, h.date, h.time, out.sha256, "out"};
    ir.id = index_->add_interchange(ir);
    for (const auto& group : interchange.groups) {
      const auto& g = group.header;
      archive::GroupRecord gr{0, ir.id, g.functional_id, g.sender, g.receiver, g.control_number, g.version, "out"};
      gr.id = index_->add_group(gr);
      for (std::size_t s = 0; s < group.sets.size(); ++s) {
        auto rec = set_record(out.id, ir.id, gr.id, partner.id, h, g, group.sets[s], now, "out");
        rec.status = "queued";
        rec.target = "x12 " + rec.type;
        rec.idempotency_key = key_prefix + (group.sets.size() > 1 ? "/" + rec.control_number : "");
        rec.id = index_->add_transaction_set(rec);
        sets.push_back(std::move(rec));
      }
    }
  }
  return sets;
}

RunSummary Pipeline::replay(std::int64_t file_id, const std::string& by) {
  RunSummary summary;
  auto old = index_->file(file_id);
  if (!old) throw std::runtime_error(fmt::format("no file F{} in the archive", file_id));
  if (old->direction == "out") throw std::runtime_error(fmt::format("F{} is a file we sent; only received files are replayed", file_id));
  if (old->status == "received") throw std::runtime_error(fmt::format("F{} has not been processed yet; run first", file_id));
  store_->verify(old->sha256);  // a damaged raw object is refused, not replayed
  FileRecord copy = *old;
  copy.replay_of = old->id;
  copy.channel = fmt::format("replay:F{}", old->id);
  copy.received_at = clock_.iso_now();
  copy.status = "received";
  copy.claim.clear();
  copy.source_removed = true;
  {
    archive::Index::Transaction tx(*index_);
    copy.id = index_->add_file(copy);
    index_->add_event({0, old->id, 0, copy.received_at, "replayed", fmt::format("replayed as F{} by {}", copy.id, by)});
    index_->add_event({0, copy.id, 0, copy.received_at, "received", fmt::format("replay of F{} by {}", old->id, by)});
    process_contained(copy, summary);
    outbox_->publish_staged();
    tx.commit();
  }
  deliver_mapped(summary);
  send_outbox(summary);
  if (summary.exceptions.empty()) {
    archive::Index::Transaction tx(*index_);
    std::string now = clock_.iso_now();
    for (const auto& e : index_->exceptions_of_file(old->id))
      if (e.state == "open")
        index_->close_exception(e.id, "resolved", by, fmt::format("replayed as F{} without exceptions", copy.id), now);
    tx.commit();
  }
  return summary;
}

}  // namespace edihub::hub
