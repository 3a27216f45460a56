// The pipeline: take settled files from every partner's inbound channel, archive them
// durably, parse and validate them against the partner's schemas, route each interchange
// to its partner, recognise duplicates, map every accepted transaction set and deliver it
// to the partner's ERP sink exactly once, acknowledge (997/999/TA1) through the outbox,
// reconcile the partner's acknowledgments of what we sent and flag overdue ones; and in
// the other direction, map the ERP's transactions into X12 and send them. Each stage
// works on batches and ends in one durable sync plus one index commit (group commit); a
// crash at any point is resumed from the index on the next run without losing or
// repeating anything.
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
#include "formats/parsed_file.h"
#include "formats/validation.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/outbox/outbox.h"
#include "mappings/mapping.h"
#include "transports/as2_server.h"
#include "transports/folder.h"

namespace edihub::hub {

struct PartnerCounts {
  std::size_t files = 0;
  std::size_t delivered = 0;
  std::size_t failed = 0;
  std::size_t dead_letters = 0;
  std::size_t exceptions = 0;
};

struct RunSummary {
  std::size_t files_received = 0;
  std::size_t files_processed = 0;
  std::size_t duplicates = 0;
  std::size_t sets_mapped = 0;
  std::size_t sets_delivered = 0;
  std::size_t sets_failed = 0;        // no mapping, a mapping error, or refused by the ERP
  std::size_t sets_dead_letter = 0;   // the ERP endpoint kept failing: given up after its attempts
  std::size_t sets_delivery_pending = 0;  // an ERP endpoint failed transiently: tried again next run
  std::size_t sets_rejected = 0;
  std::size_t acks_sent = 0;          // 997/999/TA1 interchanges we sent
  std::size_t acks_reconciled = 0;    // partner acknowledgments matched to what we sent
  std::size_t documents_sent = 0;     // outbound documents (850, 810, ...) sent
  std::size_t acks_overdue = 0;       // awaited acknowledgments that passed their deadline in this run
  std::vector<archive::ExceptionRecord> exceptions;  // raised in this run
  std::map<std::string, PartnerCounts> partners;

  // Counts an exception already recorded in the index.
  void add_exception(archive::ExceptionRecord exception) {
    partners[exception.partner].exceptions++;
    exceptions.push_back(std::move(exception));
  }
};

class Pipeline {
 public:
  using Sleep = std::function<void(std::chrono::milliseconds)>;
  // Takes an exclusive lock on the archive: a second hub on the same archive is refused.
  // Refuses (archive::IndexUnusable) an archive whose index is missing or damaged, before
  // anything is received (archive::check_index_before_start).
  Pipeline(const Config& config, const Clock& clock, Sleep sleep);
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
  // The file is processed by housekeeping(), not here. Throws when archiving fails (503).
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

  enum class DeliveryOutcome { delivered, retry_later, rejected, dead_letter };
  // One mapped transaction set on its way to its partner's ERP sink (folder, HTTP or
  // PostgreSQL); the outcome is filled in by write_deliveries.
  struct Delivery {
    archive::TransactionSetRecord set;
    std::filesystem::path sink;   // folder sinks
    std::string name;             // derived from the idempotency key
    std::string content;
    const partners::Profile* partner = nullptr;
    int attempts_made = 0;        // failed attempts of earlier runs (HTTP)
    DeliveryOutcome outcome = DeliveryOutcome::delivered;
    std::string detail;           // why, when not delivered
  };

 private:
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
  std::vector<archive::FileRecord> record_receipts(std::vector<Receipt>& receipts, RunSummary& summary);
  using Lock = std::unique_lock<std::mutex>;
  // Releases the pipeline's lock for its lifetime (network waits) and takes it back after.
  struct Unlocked {
    explicit Unlocked(Lock& lock) : lock_(lock) { lock_.unlock(); }
    ~Unlocked() { lock_.lock(); }
    Unlocked(const Unlocked&) = delete;
    Unlocked& operator=(const Unlocked&) = delete;
    Lock& lock_;
  };
  void resume(RunSummary& summary);
  void finish(RunSummary& summary);
  void poll(const partners::Profile& partner, Lock& lock, RunSummary& summary);
  void recover_claims(RunSummary& summary);
  // How long a recorded claim is kept after its last change, to see whether its writer
  // goes on (docs/receiving.md).
  static constexpr std::chrono::minutes kClaimWatch{60};
  void claim_changed(const archive::FileRecord& file, const std::string& claim, archive::Staged copy,
                     RunSummary& summary);
  void finish_source_removals();
  // Takes the settled files of one channel into the archive in batches and processes them.
  // `lock` holds mu_ and is released while waiting for files to settle or downloading.
  void take_in(const partners::Profile& partner, const partners::FolderChannel& channel, const std::string& direction,
               Lock& lock, RunSummary& summary);
  // The same for a partner's SFTP server (pipeline_sftp.cc).
  void take_in_sftp(const partners::Profile& partner, Lock& lock, RunSummary& summary);
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
  // XML documents (pipeline_xml.cc): partner from the document's sender or the channel,
  // one transaction set row per document, mapped by the partner's rule for its type.
  void process_xml_file(const archive::FileRecord& file, std::string bytes, RunSummary& summary);
  // Records the interchange, groups and sets of a file we built and queued (direction
  // out); each set's idempotency key is `key_prefix` (+ "/ST02" when the group has several).
  std::vector<archive::TransactionSetRecord> record_sent(const partners::Profile& partner,
                                                         const archive::FileRecord& out, const std::string& bytes,
                                                         const std::string& key_prefix);
  // Acknowledgments (pipeline_acks.cc)
  void acknowledge(const archive::FileRecord& file, const partners::Profile& partner,
                   const x12::InterchangeResult& result);
  void reconcile_ta1(const archive::FileRecord& file, const partners::Profile& partner, const x12::Segment& ta1,
                     RunSummary& summary);
  void reconcile_functional_ack(const archive::FileRecord& file, const partners::Profile& partner,
                                const x12::TransactionSet& ack, archive::TransactionSetRecord& rec, RunSummary& summary);
  void settle(archive::AwaitedAck& row, const std::string& state, const archive::FileRecord& ack_file,
              const std::string& detail, RunSummary& summary);
  void flag_overdue(RunSummary& summary);
  // Async MDNs past their deadline: state mdn_overdue, one exception each (pipeline_as2.cc).
  void flag_overdue_mdns(RunSummary& summary);
  void send_outbox(RunSummary& summary);
  // Outbound documents (pipeline_outbound.cc)
  void process_erp_document(const archive::FileRecord& file, RunSummary& summary);
  std::optional<Delivery> delivery_for(const archive::TransactionSetRecord& set, std::string content,
                                       RunSummary& summary);
  void record_deliveries(std::vector<Delivery>& batch, RunSummary& summary);
  std::string sink_name(const Delivery& d) const;
  void deliver_mapped(RunSummary& summary);
  void raise(RunSummary& summary, archive::ExceptionRecord exception);
  void report_skipped(const partners::Profile& partner, const std::string& channel,
                      const std::vector<transports::SkippedEntry>& skipped, RunSummary& summary);
  std::optional<archive::ExceptionRecord> record_stage_failure(const std::string& stage, const std::string& partner,
                                                               const std::string& error);
  void record_stage_ok(const std::string& stage, const std::string& partner);

  const Config& config_;
  const Clock& clock_;
  Sleep sleep_;
  std::mutex mu_;  // serializes index and store work (see housekeeping())
  bool claims_recovered_ = false;
  std::unique_ptr<archive::ArchiveLock> lock_;  // before store_ and index_: released after them
  // Exceptions raised while one file is processed, held until it is done so a flood of
  // one kind (100,000 broken interchanges) becomes one exception with counts.
  struct FileExceptions {
    std::int64_t file_id = 0;
    std::map<std::string, std::vector<archive::ExceptionRecord>> first;  // by kind, at most kListed
    std::map<std::string, std::size_t> count;
  };
  static constexpr std::size_t kListedPerKind = 20;
  void flush_file_exceptions(FileExceptions& held, const std::string& file_name, RunSummary& summary);
  FileExceptions* held_ = nullptr;
  std::set<std::string> reported_entries_;  // "<partner>\n<channel>/<name>" already raised or open
  std::set<std::string> stages_ok_;  // "<partner>/<stage>" known to have no open hub_error
  std::unique_ptr<archive::RawStore> store_;
  std::unique_ptr<archive::Index> index_;
  std::unique_ptr<Outbox> outbox_;
  // Bytes of files received in the current batch, so processing need not read them again.
  std::map<std::int64_t, std::string> fresh_content_;
  // Mapped sets with ids up to this one were offered to their sinks in this pass.
  std::int64_t delivery_cursor_ = 0;
};

// A unique claim name under the raw store's incoming/ for a file received for `folder`.
std::string claim_name(const std::string& folder, const std::string& file_name);

// Writes a batch of deliveries into their sinks (folder files, HTTP POSTs, one PostgreSQL
// transaction per partner) and sets each one's outcome. Touches no index, so it runs on
// the delivery thread while the next batch is being processed.
void write_deliveries(std::vector<Pipeline::Delivery>& batch);

// A transaction set's index row (status, key, target are the caller's).
archive::TransactionSetRecord set_record(std::int64_t file_id, std::int64_t interchange_id, std::int64_t group_id,
                                         const std::string& partner, const x12::InterchangeHeader& interchange,
                                         const x12::GroupHeader& group, const x12::TransactionSet& set,
                                         const std::string& now, const std::string& direction);

// The ERP transaction as delivered: the mapped document wrapped with where it came from.
std::string idempotency_key(const std::string& partner, const std::string& isa13, const std::string& gs06,
                            const std::string& st02);

}  // namespace edihub::hub
