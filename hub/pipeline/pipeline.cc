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
#include "formats/business_keys.h"
#include "formats/xml.h"
#include "hub/pipeline/archive_lookup.h"
#include "hub/exception_queue.h"
#include "hub/text_escape.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"
#include "hub/reconcile/holds.h"
#include "transports/folder.h"
#include "transports/redact.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using archive::EventRecord;
using archive::ExceptionRecord;
using archive::FileRecord;

Pipeline::Pipeline(const Config& config, const Clock& clock, Sleep sleep, archive::Env& env)
    : config_(config), clock_(clock) {
  lock_ = std::make_unique<archive::ArchiveLock>(config_.archive_dir, env);
  // Before anything is taken in: a lost or damaged index must be rebuilt, not restarted.
  archive::check_index_before_start(config_.archive_dir, config_.dir.string());
  store_ = std::make_unique<archive::RawStore>(config_.archive_dir, env);
  index_ = archive::Index::open(config_.index_file(), env);
  outbox_ = std::make_unique<Outbox>(config_, clock_, *store_, *index_);
  context_ = std::make_unique<PipelineContext>(config_, clock_, *store_, *index_, *outbox_);
  intake_ = std::make_unique<Intake>(*context_, std::move(sleep));
  acks_ = std::make_unique<AckTracker>(*context_);
  outbound_ = std::make_unique<OutboundDocuments>(*context_);
  delivery_ = std::make_unique<ErpDelivery>(*context_);
  alerts_ = std::make_unique<alerts::Alerts>(config_, clock_, *index_);
}

Pipeline::~Pipeline() {
  delivery_.reset();  // waits for a batch still being written
  index_.reset();
}

RunSummary Pipeline::run_once() {
  Lock lock(mu_);
  RunSummary summary;
  recover(summary);
  resume_left_over(summary);
  // One partner's failing poll (its inbox unreadable, its channel broken) does not keep
  // the others from theirs.
  for (const auto& partner : config_.partners.profiles()) {
    try {
      poll(partner, lock, summary);
      record_stage_ok("poll", partner.id);
    } catch (const std::exception& e) {
      std::optional<ExceptionRecord> raised;
      try {
        raised = record_stage_failure("poll", partner.id, e.what());
      } catch (const std::exception& unrecorded) {
        // The index failing too (a full disk) must not hide the poll's own error.
        throw std::runtime_error(fmt::format("poll of {}: {} (and it could not be recorded: {})", partner.id, e.what(),
                                             unrecorded.what()));
      }
      if (raised) summary.add_exception(std::move(*raised));
    }
  }
  finish(summary, lock);
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
  if (stage == "poll") index_->record_poll(partner, clock_.iso_now(), error);
  return raise_once(*index_, clock_, partner, "hub_error", stage, error + "; tried again on the next pass");
}

void Pipeline::record_stage_ok(const std::string& stage, const std::string& partner) {
  if (!stages_ok_.insert(partner + "/" + stage).second) return;  // a query only after a failure or at start
  resolve_exception_about(*index_, clock_, partner, "hub_error", stage, stage + " works again");
}

RunSummary Pipeline::housekeeping() {
  Lock lock(mu_);
  RunSummary summary;
  recover(summary);
  take_in_as2(summary);
  resume_left_over(summary);
  finish(summary, lock);
  return summary;
}

RunSummary Pipeline::poll_partner(const partners::Profile& partner) {
  Lock lock(mu_);
  RunSummary summary;
  // A claim left by a crash must be recorded before the partner's server is listed
  // again, or the file still on the server would be taken a second time.
  if (!intake_->claims_recovered()) intake_->recover_claims(summary);
  poll(partner, lock, summary);
  return summary;
}

void Pipeline::recover(RunSummary& summary) {
  intake_->recover_claims(summary);
  intake_->finish_source_removals();
  outbound_->send_queued(summary);
  delivery_->new_pass();  // every set still mapped is offered again
  delivery_->deliver_mapped(summary);
}

// Files AS2 received since the last pass: the batch of their channel, like a poll's.
void Pipeline::take_in_as2(RunSummary& summary) {
  std::vector<FileRecord> received;
  for (auto id : as2_received_)
    if (auto file = index_->file(id); file && file->status == archive::FileStatus::received)
      received.push_back(std::move(*file));
  as2_received_.clear();
  for (std::size_t start = 0; start < received.size(); start += config_.batch_files) {
    std::vector<FileRecord> batch(received.begin() + static_cast<std::ptrdiff_t>(start),
                                  received.begin() + static_cast<std::ptrdiff_t>(std::min(received.size(), start + config_.batch_files)));
    {
      archive::Index::Transaction tx(*index_);
      const std::string now = clock_.iso_now();
      for (const auto& file : batch)
        index_->add_event({0, file.id, 0, now, "batch",
                           fmt::format("taken in a batch of {} AS2 file(s) received since the last pass", batch.size())});
      tx.commit();
    }
    process_batch(batch, summary);
  }
}

// Files a crash (or a stop) left received but not processed.
void Pipeline::resume_left_over(RunSummary& summary) {
  auto left_over = index_->files_with_status(archive::FileStatus::received);
  for (std::size_t start = 0; start < left_over.size(); start += config_.batch_files) {
    std::vector<FileRecord> batch(left_over.begin() + static_cast<std::ptrdiff_t>(start),
                                  left_over.begin() + static_cast<std::ptrdiff_t>(std::min(left_over.size(), start + config_.batch_files)));
    {
      archive::Index::Transaction tx(*index_);
      const std::string now = clock_.iso_now();
      for (const auto& file : batch)
        index_->add_event({0, file.id, 0, now, "resumed", "received before an interruption; processed now"});
      tx.commit();
    }
    process_batch(batch, summary);
  }
}

void Pipeline::finish(RunSummary& summary, Lock& lock) {
  acks_->flag_overdue(summary);
  acks_->flag_overdue_mdns(summary);
  {
    archive::Index::Transaction tx(*index_);
    for (auto& e : context_->reconciler.check_deadlines(config_.partners)) summary.add_exception(std::move(e));
    tx.commit();
  }
  // Last, so the exceptions this pass raised are alerted on in it.
  alerts_->queue();
  alerts_->send_due(lock);
}

void Pipeline::poll(const partners::Profile& partner, Lock& lock, RunSummary& summary) {
  auto process = [this](const std::vector<FileRecord>& files, RunSummary& s) { process_batch(files, s); };
  // The ERP's orders first: a partner's answer to one must find it known.
  if (partner.erp_open_orders) intake_->take_in(partner, *partner.erp_open_orders, "erp", lock, summary, process);
  if (partner.erp_outbound) intake_->take_in(partner, *partner.erp_outbound, "erp", lock, summary, process);
  if (partner.inbound) intake_->take_in(partner, *partner.inbound, "in", lock, summary, process);
  std::string channel_error;
  if (partner.inbound_sftp) channel_error = intake_->take_in_sftp(partner, lock, summary, process);
  // Channel health: a poll that threw is recorded by record_stage_failure.
  index_->record_poll(partner.id, clock_.iso_now(), channel_error);
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

}  // namespace

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
  context_->fresh_content.clear();
  outbound_->send_queued(summary);
  delivery_->deliver_mapped(summary);
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
    context_->hold_file(file.id);
    try {
      if (file.direction == "erp") outbound_->process_erp_document(shown, summary);
      else process_file(shown, summary);
      context_->flush_held(shown.source_name, summary);
      unit.release();
      return;
    } catch (const x12::UnusableInput& e) {
      // Found while streaming, perhaps after sets of an earlier interchange were recorded:
      // the file is refused as a whole, as before anything was read.
      unusable = e;
    } catch (const std::exception& e) {
      error = e.what();
    }
    context_->drop_held();
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
    context_->finish_file(file, archive::FileStatus::exception, failure.kind);
    return;
  }
  failure.kind = "processing_error";
  failure.reason = fmt::format("{}: processing stopped by an unexpected error: {}; nothing of this file was delivered "
                               "or acknowledged (`edihub replay F{}` runs it again after a fix)",
                               shown.source_name, error, file.id);
  raise(summary, failure);
  context_->finish_file(file, archive::FileStatus::exception, "processing_error");
}

void Pipeline::process_file(const FileRecord& file, RunSummary& summary) {
  summary.files_processed++;
  ExceptionRecord base;
  base.partner = file.partner;
  base.file_id = file.id;

  auto fresh = context_->fresh_content.find(file.id);
  const fs::path stored = store_->path_of(file.sha256);
  if (fresh == context_->fresh_content.end()) {
    try {
      store_->verify(file.sha256);  // never processes bytes that are not what was received
    } catch (const archive::IntegrityError& e) {
      base.kind = "damaged_raw_object";
      base.reason = file.source_name + ": " + e.what();
      raise(summary, base);
      context_->finish_file(file, archive::FileStatus::exception, base.kind);
      return;
    }
  }
  if (fresh != context_->fresh_content.end() ? xml::looks_like_xml(fresh->second) : starts_like_xml(stored)) {
    process_xml_file(file, fresh != context_->fresh_content.end() ? fresh->second : store_->read(file.sha256), summary);
    return;
  }
  process_x12_file(file, fresh != context_->fresh_content.end() ? &fresh->second : nullptr, stored, summary);
}

bool Pipeline::map_set(const FileRecord& file, const partners::Profile& partner, const x12::InterchangeHeader& h,
                       const x12::GroupHeader& g, const x12::TransactionSet& set, archive::TransactionSetRecord& rec,
                       RunSummary& summary) {
  const bool edifact = h.standard == x12::Standard::Edifact;
  const std::string& version = edifact ? set.message_version : g.version;
  nlohmann::ordered_json source = {{"file_sha256", file.sha256},
                                   {"sender", h.sender_qualifier + ":" + h.sender_id},
                                   {"receiver", h.receiver_qualifier + ":" + h.receiver_id},
                                   {"interchange_control", h.control_number},
                                   {"group_control", g.control_number},
                                   {"transaction_set", set.id},
                                   {"transaction_set_control", set.control_number},
                                   {"version", version}};
  if (edifact) source["standard"] = "edifact";
  std::string what = fmt::format("{} {} {} {} (segment {}), version {}", edifact ? "message" : "transaction set", set.id,
                                 edifact ? "reference" : "control", set.control_number, rec.first_segment, version);
  const auto* rule = partner.mapping_for(set.id, version);
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
      rec.target = rule->mapping->target();
      index_->transition_set(rec, archive::SetStatus::mapped,
                             {now, "mapped",
                              fmt::format("{} {} -> {} with {}", rec.type, rec.control_number, rec.target,
                                          rule->file.filename().string())});
      std::string content = dump_json(doc, 2) + "\n";
      index_->put_mapped_output(rec.id, content);
      for (const auto& [name, value] : result.keys) index_->add_business_key(rec.id, name, value);
      summary.sets_mapped++;
      return true;
    } catch (const mapping::MappingError& e) {
      failure.reason = fmt::format("{}: {}", file.source_name, e.what());
    }
  }
  index_->transition_set(rec, archive::SetStatus::failed, {now, "failed", "not mapped (mapping_error)"});
  raise(summary, failure);
  summary.sets_failed++;
  summary.partners[partner.id].failed++;
  return false;
}

// Cross-document lookups read the partner's archive: the newest document of the ERP type
// with that business key, inbound (its mapped transaction) or outbound (the ERP document we sent).
mapping::Lookup Pipeline::lookup_for(const std::string& partner) const { return archive_lookup(*index_, partner); }

RunSummary Pipeline::replay(std::int64_t file_id, const std::string& by) {
  Lock lock(mu_);
  RunSummary summary;
  auto old = index_->file(file_id);
  if (!old) throw std::runtime_error(fmt::format("no file F{} in the archive", file_id));
  if (old->direction == "out") throw std::runtime_error(fmt::format("F{} is a file we sent; only received files are replayed", file_id));
  if (old->status == archive::FileStatus::received) throw std::runtime_error(fmt::format("F{} has not been processed yet; run first", file_id));
  store_->verify(old->sha256);  // a damaged raw object is refused, not replayed
  FileRecord copy = *old;
  copy.replay_of = old->id;
  copy.channel = fmt::format("replay:F{}", old->id);
  copy.received_at = clock_.iso_now();
  copy.status = archive::FileStatus::received;
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
  delivery_->deliver_mapped(summary);
  outbound_->send_queued(summary);
  if (summary.exceptions.empty()) {
    archive::Index::Transaction tx(*index_);
    std::string now = clock_.iso_now();
    for (const auto& e : index_->exceptions_of_file(old->id))
      if (e.state == archive::ExceptionState::open)
        index_->close_exception(e.id, archive::ExceptionState::resolved, by, fmt::format("replayed as F{} without exceptions", copy.id), now);
    tx.commit();
  }
  return summary;
}

std::optional<archive::SetStatus> Pipeline::close_exception(std::int64_t id, archive::ExceptionState state,
                                                            const std::string& by, const std::string& note) {
  Lock lock(mu_);
  auto exception = index_->exception(id);
  if (!exception) throw std::runtime_error(fmt::format("no exception {}", id));
  if (exception->state != archive::ExceptionState::open)
    throw std::runtime_error(fmt::format("exception {} is already {} (by {} at {})", id, to_string(exception->state),
                                         exception->closed_by, exception->closed_at));
  archive::Index::Transaction tx(*index_);
  auto set_status = close_exception_as_user(*index_, *exception, state, by, note, clock_.iso_now());
  tx.commit();
  return set_status;
}

}  // namespace edihub::hub
