#include "hub/pipeline/pipeline.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <future>
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
#include "transports/folder.h"
#include "transports/redact.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using archive::EventRecord;
using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

std::string envelope_issue_text(const x12::EnvelopeIssue& issue) {
  std::string where = fmt::format("segment {}", issue.segment);
  if (!issue.element.empty()) where += " " + issue.element;
  return fmt::format("{}: {} (code {})", where, issue.message, issue.code);
}

}  // namespace

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
  recover(summary);
  take_in_as2(summary);
  resume_left_over(summary);
  finish(summary);
  return summary;
}

RunSummary Pipeline::poll_partner(const partners::Profile& partner) {
  Lock lock(mu_);
  RunSummary summary;
  // A claim left by a crash must be recorded before the partner's server is listed
  // again, or the file still on the server would be taken a second time.
  if (!intake_->claims_recovered()) intake_->recover_claims(summary);
  poll(partner, lock, summary);
  delivery_->finish(summary);
  return summary;
}

void Pipeline::recover(RunSummary& summary) {
  intake_->recover_claims(summary);
  intake_->finish_source_removals();
  outbound_->send_queued(summary);
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

void Pipeline::finish(RunSummary& summary) {
  delivery_->finish(summary);
  acks_->flag_overdue(summary);
  acks_->flag_overdue_mdns(summary);
}

void Pipeline::poll(const partners::Profile& partner, Lock& lock, RunSummary& summary) {
  auto process = [this](const std::vector<FileRecord>& files, RunSummary& s) { process_batch(files, s); };
  if (partner.inbound) intake_->take_in(partner, *partner.inbound, "in", lock, summary, process);
  if (partner.inbound_sftp) intake_->take_in_sftp(partner, lock, summary, process);
  if (partner.erp_outbound) intake_->take_in(partner, *partner.erp_outbound, "erp", lock, summary, process);
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

// A batch is processed on this thread while the previous batch's outputs are written into
// the ERP sinks on another: mapping is CPU work, delivery mostly file creation.
void Pipeline::process_batch(const std::vector<FileRecord>& files, RunSummary& summary) {
  std::vector<Delivery> ready;
  {
    archive::Index::Transaction tx(*index_);
    for (const auto& file : files) process_contained(file, summary, ready);
    outbox_->publish_staged();  // the acks and documents queued above, before their rows commit
    tx.commit();
  }
  context_->fresh_content.clear();
  outbound_->send_queued(summary);
  delivery_->start(std::move(ready), summary);
}

// An unexpected error while processing one file (input no check foresaw, or a bug) undoes
// just that file's work: its index rows (a savepoint inside the batch's transaction), its
// counts, its deliveries. The file ends in the final state `exception` with one
// processing_error naming it and the error, so it is not taken again on every run, and the
// batch goes on. Acknowledgments it queued are rolled back with their rows (their staged
// bytes become unreferenced raw objects, as after a crash). An index that cannot roll back
// or record the exception is the hub's own failure and stops the run.
void Pipeline::process_contained(const FileRecord& file, RunSummary& summary, std::vector<Delivery>& deliveries) {
  const std::size_t raised_before = summary.exceptions.size(), deliveries_before = deliveries.size();
  std::vector<ExceptionRecord> raised;
  raised.swap(summary.exceptions);
  RunSummary counts_before = summary;  // without the exceptions: this runs once per file
  raised.swap(summary.exceptions);
  std::string error;
  // Processing names the file only in reasons and events: there its name is escaped, so a
  // name holding a newline or an escape sequence cannot forge lines where they are printed.
  FileRecord shown = file;
  shown.source_name = escape_controls(file.source_name);
  {
    archive::Index::Savepoint unit(*index_);
    context_->hold_file(file.id);
    try {
      if (file.direction == "erp") outbound_->process_erp_document(shown, summary);
      else process_file(shown, summary, deliveries);
      context_->flush_held(shown.source_name, summary);
      unit.release();
      return;
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
  deliveries.erase(deliveries.begin() + static_cast<std::ptrdiff_t>(deliveries_before), deliveries.end());
  summary.files_processed++;
  ExceptionRecord failure;
  failure.partner = file.partner;
  failure.file_id = file.id;
  failure.kind = "processing_error";
  failure.reason = fmt::format("{}: processing stopped by an unexpected error: {}; nothing of this file was delivered "
                               "or acknowledged (`edihub replay F{}` runs it again after a fix)",
                               shown.source_name, error, file.id);
  raise(summary, failure);
  context_->finish_file(file, archive::FileStatus::exception, "processing_error");
}

void Pipeline::process_file(const FileRecord& file, RunSummary& summary, std::vector<Delivery>& deliveries) {
  const std::string now = clock_.iso_now();
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
    process_xml_file(file, fresh != context_->fresh_content.end() ? fresh->second : store_->read(file.sha256), summary, deliveries);
    return;
  }
  x12::ParsedFile parsed;
  try {
    parsed = fresh != context_->fresh_content.end() ? x12::parse_bytes(fresh->second) : parse_x12_file(stored);
  } catch (const x12::UnusableInput& e) {
    base.kind = "unusable_file";
    base.reason = fmt::format("{}: not a usable X12 interchange: {} (segment {}, byte {})", file.source_name, e.what(),
                              e.segment, e.byte_offset);
    raise(summary, base);
    context_->finish_file(file, archive::FileStatus::exception, base.kind);
    return;
  }
  index_->add_event({0, file.id, 0, now, "parsed",
                     fmt::format("{} interchange(s), {} group(s), {} transaction set(s), {} segments",
                                 parsed.counts.interchanges, parsed.counts.groups, parsed.counts.transaction_sets,
                                 parsed.counts.segments)});
  auto report = x12::validate(parsed, config_.partners.schema_resolver(), config_.partners.rules_resolver());
  // From here on every value is UTF-8 (the partner's `encoding:`), whatever the hub writes it into.
  x12::decode_to_utf8(parsed, config_.partners.charset_resolver());
  FileOutcome outcome;
  if (!report.unplaced.empty()) {
    base.kind = "envelope_error";
    base.reason = file.source_name + ": segments outside any interchange were not processed:";
    for (const auto& issue : report.unplaced) base.reason += "\n  " + envelope_issue_text(issue);
    raise(summary, base);
    outcome.any_exception = true;
  }
  for (size_t i = 0; i < parsed.interchanges.size() && i < report.interchanges.size(); ++i)
    process_interchange(file, parsed.interchanges[i], report.interchanges[i], summary, deliveries, outcome);
  context_->finish_file(file,
                        outcome.any_exception    ? archive::FileStatus::exception
                        : outcome.all_duplicates ? archive::FileStatus::duplicate
                                                 : archive::FileStatus::processed,
                        fmt::format("{} interchange(s)", parsed.interchanges.size()));
}

namespace {

// Reject policy "group": one rejected set rejects its whole group, and the acknowledgment
// says so (every set R, AK9 R, none accepted).
x12::InterchangeResult with_reject_policy(const partners::Profile& partner, x12::InterchangeResult result) {
  if (partner.acks.reject != "group") return result;
  for (auto& group : result.groups) {
    if (group.sets_accepted == group.sets.size()) continue;
    for (auto& set : group.sets) set.ack_code = "R";
    group.ack_code = "R";
    group.sets_accepted = 0;
  }
  return result;
}

}  // namespace

void Pipeline::process_interchange(const FileRecord& file, const x12::ParsedInterchange& interchange,
                                   const x12::InterchangeResult& validated, RunSummary& summary,
                                   std::vector<Delivery>& deliveries, FileOutcome& outcome) {
  const std::string now = clock_.iso_now();
  const auto& h = interchange.header;
  ExceptionRecord base;
  base.partner = file.partner;
  base.file_id = file.id;
  std::string gs02 = interchange.groups.empty() ? "" : interchange.groups.front().header.sender;
  std::string sender = h.sender_qualifier + ":" + h.sender_id;
  const partners::Profile* partner = config_.partners.resolve(h.sender_qualifier, h.sender_id, gs02);
  if (!partner || (!file.partner.empty() && partner->id != file.partner)) {
    base.kind = "unknown_partner";
    base.reason = partner
        ? fmt::format("{}: interchange {} (segment {}): ISA sender {} belongs to partner '{}', but the file came in on partner '{}''s channel",
                      file.source_name, h.control_number, h.segment_number, sender, partner->id, file.partner)
        : fmt::format("{}: interchange {} (segment {}): ISA sender {} (GS02 {}) matches no partner profile; the file is kept in the archive",
                      file.source_name, h.control_number, h.segment_number, sender, gs02);
    // The partner must know about a broken file too, once it is identified.
    std::vector<std::string> lines;
    if (auto line = interchange_error_line(validated); !line.empty()) lines.push_back(line);
    for (const auto& group : validated.groups) {
      for (auto& line : group_error_lines(group)) lines.push_back(std::move(line));
      for (const auto& set : group.sets)
        for (auto& line : set_error_lines(set)) lines.push_back(std::move(line));
    }
    base.reason += indented_lines(lines);
    raise(summary, base);
    outcome.any_exception = true;
    outcome.all_duplicates = false;
    return;
  }
  base.partner = partner->id;
  const auto result = with_reject_policy(*partner, validated);
  index_->add_event({0, file.id, 0, now, "routed", fmt::format("interchange {} from {} -> partner {}", h.control_number, sender, partner->id)});

  // A replay re-runs an interchange the archive already holds: its rows are reused.
  std::int64_t interchange_id = 0;
  auto earlier = index_->find_interchanges(h.sender_qualifier, h.sender_id, h.control_number);
  bool same_content = false;
  for (const auto& e : earlier)
    if (e.content_sha256 == file.sha256) {
      same_content = true;
      interchange_id = e.id;
    }
  if (same_content && !file.replay_of) {
    ExceptionRecord dup = base;
    dup.kind = "duplicate";
    dup.reason = fmt::format("{}: interchange {} from {} was already received with the same content (file F{}); not delivered again",
                             file.source_name, h.control_number, sender, earlier.front().file_id);
    raise(summary, dup);
    summary.duplicates++;
    return;
  }
  outcome.all_duplicates = false;
  if (!earlier.empty() && !same_content) {
    ExceptionRecord reused = base;
    reused.kind = "envelope_error";
    reused.reason = fmt::format("{}: segment {} ISA13: control number {} from {} was already used by a different file (F{}); nothing in this interchange was delivered",
                                file.source_name, h.segment_number, h.control_number, sender, earlier.front().file_id);
    raise(summary, reused);
    outcome.any_exception = true;
    return;
  }
  if (!interchange_id) {
    archive::InterchangeRecord ir{0, file.id, partner->id, h.sender_qualifier, h.sender_id, h.receiver_qualifier,
                                  h.receiver_id, h.control_number, h.version, h.date, h.time, file.sha256, "in"};
    interchange_id = index_->add_interchange(ir);
  }
  for (const auto& segment : interchange.interchange_segments)
    if (segment.tag == "TA1") acks_->reconcile_ta1(file, *partner, segment, summary);

  if (!result.accepted()) {
    base.kind = "envelope_error";
    base.reason = fmt::format("{}: {}; nothing in this interchange was delivered", file.source_name, interchange_error_line(result));
    raise(summary, base);
    outcome.any_exception = true;
  }
  for (size_t g = 0; g < interchange.groups.size() && g < result.groups.size(); ++g)
    process_group(file, *partner, interchange, interchange_id, interchange.groups[g], result.groups[g], result.accepted(),
                  summary, deliveries, outcome);
  acks_->acknowledge(file, *partner, result);
}

void Pipeline::process_group(const FileRecord& file, const partners::Profile& partner,
                             const x12::ParsedInterchange& interchange, std::int64_t interchange_id,
                             const x12::ParsedGroup& group, const x12::GroupResult& result, bool interchange_accepted,
                             RunSummary& summary, std::vector<Delivery>& deliveries, FileOutcome& outcome) {
  const std::string now = clock_.iso_now();
  const auto& h = interchange.header;
  const auto& g = group.header;
  std::int64_t group_id = 0;
  ExceptionRecord base;
  base.partner = partner.id;
  base.file_id = file.id;
  auto group_lines = group_error_lines(result);
  if (interchange_accepted && !group_lines.empty() && result.ack_code == "R") {
    base.kind = "envelope_error";
    base.reason = fmt::format("{}: {}; no set of this group was delivered", file.source_name, group_lines.front());
    raise(summary, base);
    outcome.any_exception = true;
  }
  const bool group_blocked = !interchange_accepted || result.ack_code == "R";
  for (size_t s = 0; s < group.sets.size() && s < result.sets.size(); ++s) {
    const auto& set = group.sets[s];
    const auto& set_result = result.sets[s];
    archive::TransactionSetRecord rec;
    std::string key = idempotency_key(partner.id, h.control_number, g.control_number, set.control_number);
    if (auto existing = index_->transaction_set_by_key(key)) {
      rec = *existing;
      if (rec.status == archive::SetStatus::delivered || rec.status == archive::SetStatus::mapped ||
          rec.status == archive::SetStatus::reconciled) {
        index_->add_event({0, file.id, rec.id, now, "replayed",
                           fmt::format("{} {} already {}; not repeated", set.id, set.control_number, to_string(rec.status))});
        continue;
      }
    } else {
      if (!group_id) {
        archive::GroupRecord gr{0, interchange_id, g.functional_id, g.sender, g.receiver, g.control_number, g.version, "in"};
        group_id = index_->add_group(gr);
      }
      rec = set_record(file.id, interchange_id, group_id, partner.id, h, group, s, now, "in");
      rec.idempotency_key = key;
      rec.received_at = file.received_at;
      rec.id = index_->add_transaction_set(rec);
    }
    rec.file_id = file.id;
    rec.updated_at = now;
    // Whatever its fate (rejected, failed or missing mapping, mapped), the set is findable.
    for (const auto& [name, value] : x12::builtin_business_keys(set)) index_->add_business_key(rec.id, name, value);
    if (group_blocked || !set_result.accepted()) {
      summary.sets_rejected++;
      if (!set_result.codes.empty() || !set_result.segments.empty()) {
        index_->transition_set(rec, archive::SetStatus::rejected, {now, "rejected", "for its own errors (see its exception)"});
        ExceptionRecord rejected = base;
        rejected.set_id = rec.id;
        rejected.kind = set_result.segments.empty() ? "envelope_error" : "validation_error";
        rejected.reason = fmt::format("{}: transaction set {} {} (segment {}) rejected:", file.source_name, set.id,
                                      set.control_number, rec.first_segment);
        rejected.reason += indented_lines(set_error_lines(set_result));
        raise(summary, rejected);
        outcome.any_exception = true;
      } else {
        index_->transition_set(rec, archive::SetStatus::rejected,
                               {now, "rejected",
                           interchange_accepted && result.codes.empty()
                               ? "another set of its group was rejected and the partner's policy rejects whole groups"
                               : "its interchange or group was rejected"});
      }
      continue;
    }
    if (g.functional_id == "FA") {
      acks_->reconcile_functional_ack(file, partner, set, rec, summary);
      continue;
    }
    if (!map_set(file, partner, interchange, group, set, rec, summary, deliveries)) outcome.any_exception = true;
  }
}

bool Pipeline::map_set(const FileRecord& file, const partners::Profile& partner, const x12::ParsedInterchange& interchange,
                       const x12::ParsedGroup& group, const x12::TransactionSet& set, archive::TransactionSetRecord& rec,
                       RunSummary& summary, std::vector<Delivery>& deliveries) {
  const auto& h = interchange.header;
  const auto& g = group.header;
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
                      rec, summary, deliveries);
}

bool Pipeline::map_document(const FileRecord& file, const partners::Profile& partner, const partners::MappingRule* rule,
                            const std::string& what, nlohmann::ordered_json source, const Evaluate& evaluate,
                            archive::TransactionSetRecord& rec, RunSummary& summary, std::vector<Delivery>& deliveries) {
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
      if (auto d = delivery_->delivery_for(rec, std::move(content), summary)) deliveries.push_back(std::move(*d));
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
  std::vector<Delivery> ready;
  {
    archive::Index::Transaction tx(*index_);
    copy.id = index_->add_file(copy);
    index_->add_event({0, old->id, 0, copy.received_at, "replayed", fmt::format("replayed as F{} by {}", copy.id, by)});
    index_->add_event({0, copy.id, 0, copy.received_at, "received", fmt::format("replay of F{} by {}", old->id, by)});
    process_contained(copy, summary, ready);
    outbox_->publish_staged();
    tx.commit();
  }
  write_deliveries(ready, store_->env());
  delivery_->record_deliveries(ready, summary);
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

}  // namespace edihub::hub
