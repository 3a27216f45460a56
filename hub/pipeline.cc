#include "hub/pipeline.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <future>
#include <optional>
#include <system_error>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hub/x12_file.h"
#include "transports/folder.h"

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

std::string channel_of(const fs::path& folder, const fs::path& config_dir) {
  return "folder:" + folder.lexically_relative(config_dir).string();
}

std::string envelope_issue_text(const x12::EnvelopeIssue& issue) {
  std::string where = fmt::format("segment {}", issue.segment);
  if (!issue.element.empty()) where += " " + issue.element;
  return fmt::format("{}: {} (code {})", where, issue.message, issue.code);
}

}  // namespace

Pipeline::Pipeline(const Config& config, const Clock& clock, Sleep sleep)
    : config_(config), clock_(clock), sleep_(std::move(sleep)) {
  fs::create_directories(config_.archive_dir);
  fs::path lock = config_.archive_dir / ".lock";
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw std::system_error(errno, std::generic_category(), "cannot open " + lock.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    throw std::runtime_error("another edihub process is working on the archive " + config_.archive_dir.string());
  }
  store_ = std::make_unique<archive::RawStore>(config_.archive_dir);
  index_ = archive::Index::open(config_.index_file());
}

Pipeline::~Pipeline() {
  index_.reset();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

RunSummary Pipeline::run_once() {
  RunSummary summary;
  recover_claims(summary);
  finish_source_removals();
  deliver_mapped(summary);
  auto left_over = index_->files_with_status("received");
  for (size_t start = 0; start < left_over.size(); start += config_.batch_files)
    process_batch({left_over.begin() + start, left_over.begin() + std::min(left_over.size(), start + config_.batch_files)},
                  summary);
  intake(summary);
  finish_deliveries(summary);
  return summary;
}

namespace {

// Removes a received file from its inbound folder only if it still holds exactly the
// content we archived (a partner may have dropped a new file under the same name).
void remove_source_if_archived(const fs::path& source, const std::string& sha256) {
  if (!source.empty() && fs::exists(source) && archive::sha256_file(source) == sha256)
    transports::FolderInbox::remove(source);
}

// Writes a batch of deliveries into their sinks. Touches files only, never the index, so
// it runs on the delivery thread while the next batch is being processed.
void write_deliveries(std::vector<Pipeline::Delivery>& batch) {
  std::map<fs::path, transports::FolderSink> sinks;
  for (const auto& d : batch) sinks.try_emplace(d.sink, d.sink).first->second.stage(d.name, d.content);
  for (auto& [path, sink] : sinks) sink.commit();
}

// Claims are named <partner>/<unique>__<file name> under the raw store's incoming/.
std::string claim_name(const std::string& partner, const std::string& file_name) {
  static std::atomic<unsigned long> counter{0};
  auto ns = std::chrono::system_clock::now().time_since_epoch().count();
  return fmt::format("{}/{:x}-{}-{}__{}", partner, ns, ::getpid(), counter++, file_name);
}

}  // namespace

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
      file.source_removed = r.staged.source_moved;
      file.claim = r.claim;
      r.file_id = file.id = index_->add_file(file);
      files.push_back(file);
      if (r.staged.size == r.staged.content.size()) fresh_content_[file.id] = std::move(r.staged.content);
      index_->add_event({0, r.file_id, 0, now, "received",
                         fmt::format("{} ({} bytes) from {} archived as {}", r.source_name, r.staged.size, r.channel,
                                     r.staged.sha256)});
      summary.partners[r.partner].files++;
    }
    tx.commit();
  }
  summary.files_received += receipts.size();
  std::vector<archive::Staged> batch;
  std::vector<std::int64_t> copied;
  for (const auto& r : receipts) {
    batch.push_back(r.staged);
    if (!r.staged.source_moved) {
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

// Claims left by a crashed run: publish those already recorded, record the others.
void Pipeline::recover_claims(RunSummary& summary) {
  std::vector<archive::Staged> recorded;
  std::vector<Receipt> unrecorded;
  for (const auto& claim : store_->pending_claims()) {
    auto staged = store_->reclaim(claim);
    if (index_->file_by_claim(claim)) {
      recorded.push_back(staged);
      continue;
    }
    Receipt r;
    r.partner = claim.substr(0, claim.find('/'));
    r.source_name = claim.substr(claim.find("__", claim.find('/')) + 2);
    r.claim = claim;
    const auto* partner = config_.partners.find(r.partner);
    r.channel = partner && partner->inbound ? channel_of(partner->inbound->path, config_.dir) : "recovered";
    if (partner && partner->inbound) r.source = partner->inbound->path / r.source_name;
    staged.source_moved = false;  // it may have been a copy: check the inbox for it too
    r.staged = staged;
    unrecorded.push_back(std::move(r));
  }
  store_->publish(recorded);
  record_receipts(unrecorded, summary);
}

// A crash between an index commit and the removal of a copied source leaves the source
// in the inbox: remove it now if it is still the very file we archived.
void Pipeline::finish_source_removals() {
  auto pending = index_->files_with_source_pending();
  if (pending.empty()) return;
  for (const auto& file : pending)
    if (file.channel.rfind("folder:", 0) == 0)
      remove_source_if_archived(config_.dir / file.channel.substr(7) / file.source_name, file.sha256);
  archive::Index::Transaction tx(*index_);
  for (const auto& file : pending) index_->mark_source_removed(file.id);
  tx.commit();
}

void Pipeline::intake(RunSummary& summary) {
  for (const auto& partner : config_.partners.profiles()) {
    if (!partner.inbound) continue;
    transports::FolderInbox inbox(partner.inbound->path, partner.inbound->pattern, partner.inbound->settle);
    auto ready = inbox.ready(sleep_);
    std::string channel = channel_of(partner.inbound->path, config_.dir);
    for (size_t start = 0; start < ready.size(); start += config_.batch_files) {
      size_t end = std::min(ready.size(), start + config_.batch_files);
      std::vector<Receipt> receipts;
      for (size_t i = start; i < end; ++i) {
        Receipt r;
        r.partner = partner.id;
        r.channel = channel;
        r.source_name = ready[i].name;
        r.source = ready[i].path;
        r.claim = claim_name(partner.id, ready[i].name);
        r.staged = store_->claim_file(ready[i].path, r.claim);
        receipts.push_back(std::move(r));
      }
      process_batch(record_receipts(receipts, summary), summary);
    }
  }
}

void Pipeline::raise(RunSummary& summary, ExceptionRecord exception) {
  exception.created_at = clock_.iso_now();
  exception.id = index_->add_exception(exception);
  index_->add_event({0, exception.file_id, exception.set_id, exception.created_at, "exception",
                     exception.kind + ": " + exception.reason});
  summary.partners[exception.partner].exceptions++;
  summary.exceptions.push_back(std::move(exception));
}

// A batch is processed on this thread while the previous batch's outputs are written into
// the ERP sinks on another: mapping is CPU work, delivery mostly file creation.
void Pipeline::process_batch(const std::vector<FileRecord>& files, RunSummary& summary) {
  std::vector<Delivery> ready;
  {
    archive::Index::Transaction tx(*index_);
    for (const auto& file : files) process_file(file, summary, ready);
    tx.commit();
  }
  fresh_content_.clear();
  finish_deliveries(summary);
  in_flight_ = std::move(ready);
  writing_ = std::async(std::launch::async, [this] { write_deliveries(in_flight_); });
}

void Pipeline::finish_deliveries(RunSummary& summary) {
  if (!writing_.valid()) return;
  writing_.get();
  record_deliveries(in_flight_, summary);
  in_flight_.clear();
}

void Pipeline::process_file(const FileRecord& file, RunSummary& summary, std::vector<Delivery>& deliveries) {
  const std::string now = clock_.iso_now();
  summary.files_processed++;
  ExceptionRecord base;
  base.partner = file.partner;
  base.file_id = file.id;

  x12::ParsedFile parsed;
  try {
    auto fresh = fresh_content_.find(file.id);
    parsed = fresh != fresh_content_.end() ? x12::parse_bytes(fresh->second) : parse_x12_file(store_->path_of(file.sha256));
  } catch (const x12::UnusableInput& e) {
    base.kind = "unusable_file";
    base.reason = fmt::format("{}: not a usable X12 interchange: {} (segment {}, byte {})", file.source_name, e.what(),
                              e.segment, e.byte_offset);
    raise(summary, base);
    index_->set_file_status(file.id, "exception");
    return;
  }
  index_->add_event({0, file.id, 0, now, "parsed",
                     fmt::format("{} interchange(s), {} group(s), {} transaction set(s), {} segments",
                                 parsed.counts.interchanges, parsed.counts.groups, parsed.counts.transaction_sets,
                                 parsed.counts.segments)});
  if (!parsed.issues.empty()) {
    base.kind = "envelope_error";
    base.reason = file.source_name + ": envelope errors, nothing in this file was delivered:";
    for (const auto& issue : parsed.issues) base.reason += "\n  " + envelope_issue_text(issue);
    raise(summary, base);
    summary.sets_rejected += parsed.counts.transaction_sets;
    index_->set_file_status(file.id, "exception");
    return;
  }

  bool any_exception = false, all_duplicates = true;
  for (const auto& interchange : parsed.interchanges) {
    const auto& h = interchange.header;
    std::string gs02 = interchange.groups.empty() ? "" : interchange.groups.front().header.sender;
    std::string sender = h.sender_qualifier + ":" + h.sender_id;
    const partners::Profile* partner = config_.partners.resolve(h.sender_qualifier, h.sender_id, gs02);
    if (!partner) {
      base.kind = "unknown_partner";
      base.reason = fmt::format("{}: interchange {} (segment {}): ISA sender {} (GS02 {}) matches no partner profile; the file is kept in the archive",
                                file.source_name, h.control_number, h.segment_number, sender, gs02);
      raise(summary, base);
      any_exception = true;
      all_duplicates = false;
      continue;
    }
    if (!file.partner.empty() && partner->id != file.partner) {
      base.kind = "unknown_partner";
      base.reason = fmt::format("{}: interchange {} (segment {}): ISA sender {} belongs to partner '{}', but the file came in on partner '{}''s channel",
                                file.source_name, h.control_number, h.segment_number, sender, partner->id, file.partner);
      raise(summary, base);
      any_exception = true;
      all_duplicates = false;
      continue;
    }
    index_->add_event({0, file.id, 0, now, "routed", fmt::format("interchange {} from {} -> partner {}", h.control_number, sender, partner->id)});

    auto earlier = index_->find_interchanges(h.sender_qualifier, h.sender_id, h.control_number);
    bool same_content = false;
    for (const auto& e : earlier) same_content |= (e.content_sha256 == file.sha256);
    if (same_content) {
      ExceptionRecord dup = base;
      dup.partner = partner->id;
      dup.kind = "duplicate";
      dup.reason = fmt::format("{}: interchange {} from {} was already received with the same content (file F{}); not delivered again",
                               file.source_name, h.control_number, sender, earlier.front().file_id);
      raise(summary, dup);
      summary.duplicates++;
      continue;
    }
    all_duplicates = false;
    if (!earlier.empty()) {
      ExceptionRecord reused = base;
      reused.partner = partner->id;
      reused.kind = "envelope_error";
      reused.reason = fmt::format("{}: segment {} ISA13: control number {} from {} was already used by a different file (F{}); nothing in this interchange was delivered",
                                  file.source_name, h.segment_number, h.control_number, sender, earlier.front().file_id);
      raise(summary, reused);
      any_exception = true;
      continue;
    }

    archive::InterchangeRecord ir{0, file.id, partner->id, h.sender_qualifier, h.sender_id, h.receiver_qualifier,
                                  h.receiver_id, h.control_number, h.version, h.date, h.time, file.sha256};
    ir.id = index_->add_interchange(ir);
    for (const auto& group : interchange.groups) {
      const auto& g = group.header;
      archive::GroupRecord gr{0, ir.id, g.functional_id, g.sender, g.receiver, g.control_number, g.version};
      gr.id = index_->add_group(gr);
      for (size_t s = 0; s < group.sets.size(); ++s) {
        const auto& set = group.sets[s];
        archive::TransactionSetRecord rec;
        rec.file_id = file.id;
        rec.interchange_id = ir.id;
        rec.group_id = gr.id;
        rec.partner = partner->id;
        rec.type = set.id;
        rec.control_number = set.control_number;
        rec.interchange_control = h.control_number;
        rec.group_control = g.control_number;
        rec.version = g.version;
        rec.first_segment = static_cast<std::uint32_t>(group.set_first_segments[s]);
        rec.idempotency_key = idempotency_key(partner->id, h.control_number, g.control_number, set.control_number);
        rec.received_at = file.received_at;
        rec.updated_at = now;
        rec.id = index_->add_transaction_set(rec);

        const auto* rule = partner->mapping_for(set.id, g.version);
        ExceptionRecord failure = base;
        failure.partner = partner->id;
        failure.set_id = rec.id;
        failure.kind = "mapping_error";
        if (!rule) {
          failure.reason = fmt::format("{}: transaction set {} control {} (segment {}), version {}: no mapping for it in {}",
                                       file.source_name, set.id, set.control_number, rec.first_segment, g.version,
                                       partner->file.filename().string());
        } else {
          try {
            mapping::Context context{&h, &g, partner->id};
            auto result = rule->mapping->evaluate(set, context, partner->code_tables);
            nlohmann::ordered_json doc;
            doc["idempotency_key"] = rec.idempotency_key;
            doc["target"] = rule->mapping->target();
            doc["partner"] = partner->id;
            doc["source"] = {{"file_sha256", file.sha256},
                             {"sender", sender},
                             {"receiver", h.receiver_qualifier + ":" + h.receiver_id},
                             {"interchange_control", h.control_number},
                             {"group_control", g.control_number},
                             {"transaction_set", set.id},
                             {"transaction_set_control", set.control_number},
                             {"version", g.version}};
            doc["transaction"] = result.transaction;
            rec.status = "mapped";
            rec.target = rule->mapping->target();
            index_->update_transaction_set(rec);
            std::string content = doc.dump(2) + "\n";
            index_->put_mapped_output(rec.id, content);
            if (auto d = delivery_for(rec, std::move(content), summary)) deliveries.push_back(std::move(*d));
            for (const auto& [name, value] : result.keys) index_->add_business_key(rec.id, name, value);
            index_->add_event({0, file.id, rec.id, now, "mapped",
                               fmt::format("{} {} -> {} with {}", set.id, set.control_number, rec.target,
                                           rule->file.filename().string())});
            summary.sets_mapped++;
            continue;
          } catch (const mapping::MappingError& e) {
            failure.reason = fmt::format("{}: {}", file.source_name, e.what());
          }
        }
        rec.status = "failed";
        index_->update_transaction_set(rec);
        raise(summary, failure);
        summary.sets_failed++;
        summary.partners[partner->id].failed++;
      }
    }
  }
  index_->set_file_status(file.id, any_exception ? "exception" : (all_duplicates ? "duplicate" : "processed"));
}

std::optional<Pipeline::Delivery> Pipeline::delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                                          RunSummary& summary) {
  const auto* partner = config_.partners.find(set.partner);
  if (!partner || !partner->erp) {
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
  return Delivery{set, partner->erp->path, delivery_name(set.idempotency_key), std::move(content)};
}

void Pipeline::record_deliveries(std::vector<Delivery>& batch, RunSummary& summary) {
  if (batch.empty()) return;
  archive::Index::Transaction tx(*index_);
  std::string now = clock_.iso_now();
  for (auto& d : batch) {
    d.set.status = "delivered";
    d.set.delivered_to = channel_of(d.sink, config_.dir) + "/" + d.name;
    d.set.updated_at = now;
    index_->update_transaction_set(d.set);
    index_->add_event({0, d.set.file_id, d.set.id, now, "delivered", d.set.delivered_to});
    summary.sets_delivered++;
    summary.partners[d.set.partner].delivered++;
  }
  tx.commit();
}

// Sets mapped by an earlier run that did not get to deliver them.
void Pipeline::deliver_mapped(RunSummary& summary) {
  auto mapped = index_->transaction_sets_with_status("mapped");
  for (size_t start = 0; start < mapped.size(); start += config_.batch_files) {
    size_t end = std::min(mapped.size(), start + config_.batch_files);
    std::vector<Delivery> batch;
    {
      archive::Index::Transaction tx(*index_);
      for (size_t i = start; i < end; ++i)
        if (auto d = delivery_for(mapped[i], index_->mapped_output(mapped[i].id).value_or(""), summary))
          batch.push_back(std::move(*d));
      tx.commit();
    }
    write_deliveries(batch);
    record_deliveries(batch, summary);
  }
}

}  // namespace edihub::hub
