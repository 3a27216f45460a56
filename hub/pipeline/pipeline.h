// The pipeline: the order of stages and batches. Each pass recovers what a crash left
// (Intake::recover_claims, left-over files), takes each partner's settled files into the
// archive in batches (Intake), processes every batch (parse, validate, route, recognise
// duplicates, map: the inbound functions here and X12Stream, one transaction set at a
// time; ERP documents: OutboundDocuments), delivers the mapped sets from the index in
// pages after each batch commits (ErpDelivery), acknowledges and reconciles (AckTracker),
// sends the outbox, flags overdue acknowledgments and sends the alerts their exceptions
// and the channels' health call for (hub/alerts). Each batch ends in one durable sync
// plus one index commit (group commit); a crash at any point is resumed from the index
// on the next run without losing or repeating anything. The collaborators share a
// PipelineContext (config, clock, store, index, outbox, exception sink).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive/index.h"
#include "archive/lock.h"
#include "archive/raw_store.h"
#include "hub/alerts/alerts.h"
#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/outbox/outbox.h"
#include "hub/pipeline/ack_tracker.h"
#include "hub/pipeline/context.h"
#include "hub/pipeline/erp_delivery.h"
#include "hub/pipeline/intake.h"
#include "hub/pipeline/outbound_documents.h"
#include "hub/pipeline/run_summary.h"
#include "hub/pipeline/set_rows.h"
#include "mappings/mapping.h"
#include "transports/as2_server.h"
#include "transports/folder.h"

namespace edihub::hub {

class Pipeline {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // Takes an exclusive lock on the archive: a second hub on the same archive is refused.
  // Refuses (archive::IndexUnusable) an archive whose index is missing or damaged, before
  // anything is received (archive::check_index_before_start). The archive, the folder
  // channels, the folder sinks and the outbox reach the filesystem through `env`.
  Pipeline(const Config& config, const Clock& clock, Sleep sleep, archive::Env& env = archive::Env::posix());
  ~Pipeline();

  // One pass: resume unfinished work, poll every inbound channel, process, deliver,
  // acknowledge, send the ERP's outbound documents, flag overdue acknowledgments.
  RunSummary run_once();

  // The same work split for `edihub serve`, which calls these from several threads: every
  // public method is thread-safe. Index and store work is serialized by one mutex; network
  // waits (settle listings, SFTP transfers) run outside it, so one partner's slow server
  // does not hold up the others.
  // housekeeping(): resume unfinished work, process files received by other means (AS2),
  // deliver, send the outbox, flag overdue acknowledgments.
  RunSummary housekeeping();
  // One poll of one partner: its inbound channels and its ERP pickup folder.
  RunSummary poll_partner(const partners::Profile& partner);

  // A stage that failed as a whole: serve's housekeeping pass (partner ""), a partner's
  // poll ("poll"). One open `hub_error` about the stage per partner while it lasts, its
  // reason "<stage>: <error>"; stage_ok resolves it once the stage works again. Returns
  // the exception when one was raised. run_once does this itself for each partner's poll.
  std::optional<archive::ExceptionRecord> stage_failed(const std::string& stage, const std::string& partner,
                                                       const std::string& error);
  void stage_ok(const std::string& stage, const std::string& partner);

  // Re-runs an archived file through the current profiles and mappings as a new file
  // linked to it (replay_of); sets already delivered are not delivered again. Open
  // exceptions of the old file are resolved when the replay raises none.
  RunSummary replay(std::int64_t file_id, const std::string& by);

  // A person resolves or ignores exception `id` with a note (the dashboard), under the
  // pipeline's lock: hub::close_exception_as_user (hub/reconcile/holds.h) in one
  // transaction, so a set it held is released or dropped with it. Throws
  // std::runtime_error when there is no such exception or it is not open.
  std::optional<archive::SetStatus> close_exception(std::int64_t id, archive::ExceptionState state, const std::string& by,
                                                    const std::string& note);

  // --- AS2 (pipeline_as2.cc): what `edihub serve` wires into transports::as2::As2Server ---
  // As2ServerConfig::find_partner: the inbound agreement of the partner whose `as2.as2_id`
  // is `as2_from`, certificates loaded; nullopt (HTTP 403) for anyone else.
  std::optional<transports::as2::As2Partner> as2_partner(const std::string& as2_from);
  // As2ServerConfig::async_url_allowed: `url` starts with one of the partner's
  // as2.async_mdn_urls (none listed: any URL, as the transport's default).
  bool as2_async_url_allowed(const transports::as2::As2Partner& partner, const std::string& url);
  // As2ServerConfig::handler: archives the payload as a received file of the partner
  // (channel "as2:<AS2-From>") and records the message, both in one index commit, and only
  // then returns accepted(), so the MDN follows the durable archive. A Message-ID already
  // received from that partner is accepted("duplicate-document") without a second file.
  // The file is processed by the next housekeeping() in a batch of the AS2 files received
  // since the last one, not here. Throws when archiving fails (503).
  transports::as2::As2Result receive_as2(const transports::as2::ReceivedMessage& message);
  // As2ServerConfig::on_mdn: an async MDN for a message we sent, matched by its
  // Original-Message-ID, verified against the MIC we committed, archived, and the message
  // settled (delivered, negative_mdn or mdn_mismatch with an as2_mdn exception; a late one
  // resolves its mdn_overdue exception). An MDN for no message of ours: unmatched_mdn.
  void receive_mdn(const transports::as2::Headers& headers, const std::string& body);
  // As2ServerConfig::on_mdn_built: archives an MDN we send for a message we received
  // (linked to its row and file by an event); nothing for messages we could not read.
  void record_sent_mdn(const transports::as2::ReceivedMessage& message, const std::string& disposition,
                       const transports::as2::BuiltMdn& mdn);
  // The receiver's settings from edihub.yaml's `as2:` with the four methods above as its
  // callbacks: what `edihub serve` runs (it adds logging). Requires Config::as2.
  transports::as2::As2ServerConfig as2_server_config();
  // ---

 private:
  using Lock = PipelineLock;
  // The stages of a pass, in order. recover: what a crash left (claims, source removals,
  // the outbox, sets left mapped). take_in_as2: the files receive_as2 recorded since the
  // last pass, processed as a batch like a poll's. resume_left_over: files left received
  // by an interruption (event "resumed"). finish: the deadlines, then the alerts (queued
  // under `lock`, sent with it released).
  void recover(RunSummary& summary);
  void take_in_as2(RunSummary& summary);
  void resume_left_over(RunSummary& summary);
  void finish(RunSummary& summary, Lock& lock);
  void poll(const partners::Profile& partner, Lock& lock, RunSummary& summary);
  void process_batch(const std::vector<archive::FileRecord>& files, RunSummary& summary);
  struct FileOutcome {
    bool any_exception = false;
    bool all_duplicates = true;
  };
  // process_file or process_erp_document, failure-contained (see pipeline.cc).
  void process_contained(const archive::FileRecord& file, RunSummary& summary);
  void process_file(const archive::FileRecord& file, RunSummary& summary);
  // An X12 file streamed one transaction set at a time (x12_inbound.cc): each set is
  // recorded and mapped as its SE arrives, group and interchange verdicts settle at GE/IEA.
  class X12Stream;
  // `bytes`: the file's content when still in memory (small files), else read from `stored`.
  void process_x12_file(const archive::FileRecord& file, const std::string* bytes, const std::filesystem::path& stored,
                        RunSummary& summary);
  bool map_set(const archive::FileRecord& file, const partners::Profile& partner, const x12::InterchangeHeader& h,
               const x12::GroupHeader& g, const x12::TransactionSet& set, archive::TransactionSetRecord& rec,
               RunSummary& summary);
  // Maps one document (an X12 set or an XML document) with `rule` (none: a mapping_error
  // naming `what`), then records the output, its business keys and its delivery; a
  // MappingError becomes a mapping_error exception. `source` says in the delivered JSON
  // where the document came from. A mapped document stays in the index (status mapped,
  // its output stored) until deliver_mapped hands it to its ERP sink.
  using Evaluate = std::function<mapping::Result(const mapping::Lookup*)>;
  bool map_document(const archive::FileRecord& file, const partners::Profile& partner, const partners::MappingRule* rule,
                    const std::string& what, nlohmann::ordered_json source, const Evaluate& evaluate,
                    archive::TransactionSetRecord& rec, RunSummary& summary);
  mapping::Lookup lookup_for(const std::string& partner) const;
  // Reconciles a mapped set from its stored output (reconciliation.cc): X12 sets once their
  // interchange is accepted (a set of a group rejected at its GE never counts), XML
  // documents when mapped.
  void reconcile_set(const partners::Profile& partner, std::int64_t set_id, RunSummary& summary);
  // XML documents (pipeline_xml.cc): partner from the document's sender or the channel,
  // one transaction set row per document, mapped by the partner's rule for its type.
  void process_xml_file(const archive::FileRecord& file, std::string bytes, RunSummary& summary);
  void raise(RunSummary& summary, archive::ExceptionRecord exception) { context_->raise(summary, std::move(exception)); }
  std::optional<archive::ExceptionRecord> record_stage_failure(const std::string& stage, const std::string& partner,
                                                               const std::string& error);
  void record_stage_ok(const std::string& stage, const std::string& partner);

  const Config& config_;
  const Clock& clock_;
  std::mutex mu_;  // serializes index and store work (see housekeeping())
  std::unique_ptr<archive::ArchiveLock> lock_;  // before store_ and index_: released after them
  std::set<std::string> stages_ok_;  // "<partner>/<stage>" known to have no open hub_error
  std::vector<std::int64_t> as2_received_;  // files receive_as2 recorded, for take_in_as2
  std::unique_ptr<archive::RawStore> store_;
  std::unique_ptr<archive::Index> index_;
  std::unique_ptr<Outbox> outbox_;
  std::unique_ptr<PipelineContext> context_;
  std::unique_ptr<Intake> intake_;
  std::unique_ptr<AckTracker> acks_;
  std::unique_ptr<OutboundDocuments> outbound_;
  std::unique_ptr<alerts::Alerts> alerts_;
  std::unique_ptr<ErpDelivery> delivery_;  // last: its destructor waits for a batch being written
};

}  // namespace edihub::hub
