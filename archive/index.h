// The archive index (SQLite, WAL): files, interchanges, functional groups, transaction
// sets, business keys, events and exceptions, with the indexes the queries need.
// The caller groups many changes into one transaction (group commit). Times are ISO 8601
// UTC strings given by the caller, so tests can use their own clock.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "archive/env.h"
#include "archive/states.h"

namespace edihub::archive {

// Direction "in": a partner's file (status received -> processed | duplicate | exception).
// Direction "erp": an ERP transaction picked up for sending (received -> processed | duplicate | exception).
// Direction "out": a file we send to a partner, an ack or an outbound document
// (queued -> sent); its control numbers were taken when it was queued. (archive/states.h)
struct FileRecord {
  std::int64_t id = 0;
  std::string sha256;
  std::uint64_t size = 0;
  std::string partner;       // partner of the channel it came in on; may be re-routed later
  std::string channel;       // e.g. "folder:inbox/acme"
  std::string source_name;   // file name at the source (informational, never a path we trust)
  std::string received_at;
  FileStatus status = FileStatus::received;
  bool source_removed = false;  // the inbox/remote copy has been removed
  std::string claim;            // its name under the raw store's incoming/ while being received
  std::string direction = "in"; // in, erp, out
  std::int64_t replay_of = 0;   // the file this one re-runs (edihub replay); 0 when not a replay
};

// Interchanges, groups and sets are recorded for both directions: for "out" the sender is
// us and the partner is the receiver.
struct InterchangeRecord {
  std::int64_t id = 0;
  std::int64_t file_id = 0;
  std::string partner;
  std::string sender_qualifier, sender_id, receiver_qualifier, receiver_id;
  std::string control_number;  // ISA13
  std::string version;         // ISA12
  std::string date, time;      // ISA09, ISA10
  std::string content_sha256;  // of the file it came in (duplicate detection)
  std::string direction = "in";
};

struct GroupRecord {
  std::int64_t id = 0;
  std::int64_t interchange_id = 0;
  std::string functional_id, sender, receiver, control_number, version;
  std::string direction = "in";
};

// Inbound transaction set status: received -> mapped -> delivered, or failed (mapping
// error), or rejected (envelope/validation error, or its group rejected by policy).
// Outbound: queued -> sent (its acknowledgment is tracked in AwaitedAck). All transitions:
// archive/states.h.
struct TransactionSetRecord {
  std::int64_t id = 0;
  std::int64_t file_id = 0;
  std::int64_t interchange_id = 0;
  std::int64_t group_id = 0;
  std::string partner;
  std::string type;              // ST01, e.g. "856"
  std::string control_number;    // ST02
  std::string interchange_control;  // ISA13 (denormalised for queries and keys)
  std::string group_control;        // GS06
  std::string version;              // GS08
  std::uint32_t first_segment = 0;  // segment number of ST in the file
  SetStatus status = SetStatus::received;
  std::string idempotency_key;   // partner/ISA13/GS06/ST02, unique
  std::string target;            // e.g. "inbound_delivery"
  std::string delivered_to;      // sink reference (e.g. file name), once delivered
  std::string received_at;
  std::string updated_at;
  std::string direction = "in";
};

// An interchange, functional group or transaction set we sent, waiting for the partner's
// TA1 (level "interchange") or 997/999 (levels "group" and "set"). An overdue one still
// settles when a late acknowledgment arrives.
struct AwaitedAck {
  std::int64_t id = 0;
  std::string partner;
  std::string level;               // interchange, group, set
  std::int64_t file_id = 0;        // the outbound file
  std::int64_t set_id = 0;         // the outbound transaction set (level set); 0 otherwise
  std::string interchange_control; // ISA13 as sent
  std::string group_control;       // GS06 as sent (levels group, set)
  std::string set_control;         // ST02 as sent (level set)
  std::string functional_id;       // GS01
  std::string set_type;            // ST01 (level set)
  std::string sent_at;
  std::string due_at;              // ISO UTC; the deadline for the acknowledgment
  AckState state = AckState::awaiting;
  std::int64_t ack_file_id = 0;    // the partner's acknowledgment that settled it
  std::string detail;              // the partner's codes, human-readable
  std::string updated_at;
};

// An acknowledgment sent or received, linked to what it answers.
struct AckRecord {
  std::int64_t id = 0;
  std::string direction;           // sent (we acknowledged a partner's file) or received
  std::string kind;                // 997, 999, TA1
  std::string partner;
  std::int64_t file_id = 0;        // the acknowledgment's own archived file
  std::int64_t answers_file_id = 0;  // the file it answers; 0 when unknown
  std::string answers_interchange_control;  // ISA13 answered
  std::string answers_group_control;        // GS06 answered; empty for TA1
  std::string code;                // TA104 or AK901
  std::string detail;
  std::string at;
};

struct EventRecord {
  std::int64_t id = 0;
  std::int64_t file_id = 0;     // 0 when not about a file
  std::int64_t set_id = 0;      // 0 when not about a transaction set
  std::string at;
  std::string step;    // received, archived, parsed, routed, mapped, delivered, duplicate, exception, ...
  std::string detail;
};

// One AS2 message, received (direction "in", state received) or sent (direction "out").
// Outbound states: sending (Message-ID chosen and committed before the POST, reused by
// every retry so the partner's duplicate check works), delivered (MDN verified),
// awaiting_mdn (async, until due_at), sent_no_mdn, negative_mdn, mdn_mismatch (MIC,
// signature or Message-ID wrong), mdn_overdue (async MDN late; still settles when it comes).
struct As2MessageRecord {
  std::int64_t id = 0;
  std::int64_t file_id = 0;    // the archived payload (in) or the queued file (out)
  std::string partner;
  std::string direction;       // in, out
  std::string message_id;      // with angle brackets
  std::string mic;             // "base64, sha-256": what the MDN must carry / what we answered with
  std::string mdn_mode;        // sync, async, none
  As2State state = As2State::received;
  std::string sent_at;         // out: first POST; in: when received
  std::string due_at;          // out, async: MDN deadline; "" otherwise
  std::string mdn_sha256;      // the MDN's raw bytes (headers + body) in the raw store; "" when none
  std::string detail;          // disposition or transport error, human-readable
  int attempts = 0;            // POSTs made (out)
  std::string updated_at;
};

// The health of a partner's inbound channels: the last poll that worked and the last that
// failed, one row per partner (partner_polls, schema version 6). `failing_since` is the
// first failure of the current run of failures, "" once a poll works again.
struct PartnerPollRecord {
  std::string partner;
  std::string last_ok_at;
  std::string last_error_at;
  std::string last_error;
  std::string failing_since;
};

// One alert notification (hub/alerts, notifications.cc): what a rule sends over one
// channel about one event, kept until the peer accepted it (state sent) or it failed for
// good. `delivery_id` is derived from rule, channel and event key: the webhook's
// idempotency id and the e-mail's Message-ID, the same on every attempt.
struct NotificationRecord {
  std::int64_t id = 0;
  std::string rule;            // the rule's name ("<partner>/<name>" for a partner's rule)
  std::string channel;         // edihub.yaml alerts.channels name
  std::string event_key;       // e.g. "exception:42", "polls:acme:2026-12-07T10:00:00.000Z"
  std::string delivery_id;
  std::string partner;
  std::string payload;         // JSON: what the webhook posts and the e-mail is written from
  NotificationState state = NotificationState::pending;
  int attempts = 0;
  std::string next_try_at;     // ISO UTC: not sent before
  std::string last_error;
  std::string created_at;
  std::string updated_at;
};

// Exception kinds: unusable_file, unknown_partner, envelope_error, validation_error,
// mapping_error, delivery_error, overdue_ack, duplicate, damaged_raw_object, and the
// reconciliation kinds (partners/findings.h). State: open, resolved, ignored.
struct ExceptionRecord {
  std::int64_t id = 0;
  std::string partner;       // "" when unknown
  std::int64_t file_id = 0;
  std::int64_t set_id = 0;
  std::string kind;
  std::string reason;        // human-readable, with the position
  ExceptionState state = ExceptionState::open;
  std::string created_at;
  std::string closed_at;
  std::string closed_by;
  std::string note;
  // The business documents it is about, e.g. {"po:4500012345", "shipment:SH-1"}.
  std::vector<std::string> documents;
};

struct Query {
  std::optional<std::string> partner;
  std::optional<std::string> type;        // ST01
  // received_at >= since and < until, as strings. Either may be a date (2026-11-27) or a
  // UTC time (2026-11-27T10:00:00Z, seconds and Z optional); anything else is rejected
  // with std::invalid_argument naming the bad value.
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::optional<std::string> control;     // matches ISA13, GS06 or ST02 (numeric compare ignores zero padding)
  std::optional<std::pair<std::string, std::string>> key;  // business key name=value
  std::optional<std::string> status;
  std::optional<std::string> direction;   // in, out (else std::invalid_argument); absent: both
  int limit = 1000;                       // negative: no limit
  std::int64_t offset = 0;                // rows skipped first (paging); negative: std::invalid_argument
};

// One page of a list: at most `limit` rows (negative: all) after skipping `offset`.
struct Page {
  int limit = -1;
  std::int64_t offset = 0;
};

// How many rows of one kind a partner has, and the oldest of them: what `edihub status`
// shows, read by one grouped query (a count and one row per group, never the rows).
struct Tally {
  std::string partner;
  std::string name;          // the exception kind, the set status or the acknowledgment level
  std::int64_t count = 0;
  std::string oldest_at;     // created_at (exceptions), updated_at (sets), due_at (acknowledgments)
  std::int64_t oldest_id = 0;  // the row with oldest_at
};

struct DocumentRow {
  TransactionSetRecord set;
  std::string file_sha256;
  std::vector<std::pair<std::string, std::string>> keys;
};

// One connection with its prepared statements: use an Index from one thread at a time.
// Errors are std::runtime_error naming the database file (unknown ids in updates too).
class Index {
 public:
  friend class BusinessRecords;  // archive/business.h: the business tables over this connection
  // Opens or creates the database (schema, WAL, synchronous=FULL, foreign keys). A file
  // that is not an edihub index (or is corrupt) throws a message naming it.
  // Writes and syncs of the database ask `env` first (archive/env.h).
  static std::unique_ptr<Index> open(const std::filesystem::path& db_file, Env& env = Env::posix());
  ~Index();

  // Explicit transactions; a destroyed Transaction that was not committed rolls back.
  class Transaction {
   public:
    explicit Transaction(Index& index);
    ~Transaction();
    void commit();
   private:
    Index& index_;
    bool done_ = false;
  };
  // A unit of work inside a Transaction (SQLite SAVEPOINT): release() keeps its changes in
  // the enclosing transaction; destroyed unreleased, it undoes just them (one file's work
  // in a batch, so a file that fails does not take the batch down). Not nested.
  class Savepoint {
   public:
    explicit Savepoint(Index& index);
    ~Savepoint();
    void release();
    void rollback();  // undoes its changes now (throws when the index cannot)
   private:
    Index& index_;
    bool done_ = false;
  };

  // Files
  std::int64_t add_file(const FileRecord& file);
  std::optional<FileRecord> file(std::int64_t id) const;
  std::vector<FileRecord> files_by_sha(const std::string& sha256) const;
  std::optional<FileRecord> file_by_claim(const std::string& claim) const;
  std::vector<FileRecord> files_with_status(FileStatus status) const;
  std::vector<FileRecord> files_with_source_pending() const;  // archived, source not yet removed
  std::vector<FileRecord> files_in_direction(const std::string& direction) const;  // in, erp, out; by id
  // Whether a files row or an AS2 MDN (mdn_sha256) refers to the raw object.
  bool refers_to_object(const std::string& sha256) const;
  void set_file_partner(std::int64_t id, const std::string& partner);
  void mark_source_removed(std::int64_t id);

  // Envelopes
  std::int64_t add_interchange(const InterchangeRecord& interchange);
  // Earlier interchanges from the same sender with the same ISA13.
  std::vector<InterchangeRecord> find_interchanges(const std::string& sender_qualifier,
                                                   const std::string& sender_id,
                                                   const std::string& control_number) const;
  std::vector<InterchangeRecord> interchanges_of_file(std::int64_t file_id) const;
  std::int64_t add_group(const GroupRecord& group);

  // Transaction sets
  std::int64_t add_transaction_set(const TransactionSetRecord& set);
  std::optional<TransactionSetRecord> transaction_set(std::int64_t id) const;
  std::optional<TransactionSetRecord> transaction_set_by_key(const std::string& idempotency_key) const;
  std::vector<TransactionSetRecord> transaction_sets_of_file(std::int64_t file_id) const;
  std::vector<TransactionSetRecord> transaction_sets_with_status(SetStatus status) const;
  // At most `limit` sets in `status` with an id above `after_id`, by id: pages through
  // however many there are with bounded memory (pass the last id of a page as the next after_id).
  std::vector<TransactionSetRecord> transaction_sets_with_status(SetStatus status, std::int64_t after_id,
                                                                 std::size_t limit) const;
  // Sets in `status` per partner (name: the status), with the oldest (updated_at: when
  // it got there); by partner.
  std::vector<Tally> set_status_tally(SetStatus status, const std::optional<std::string>& partner) const;
  void update_transaction_set(const TransactionSetRecord& set);  // delivered_to, target, updated_at (not the status)
  // The mapped ERP transaction of a set, kept in the index rather than as a file of its
  // own: one file creation less per transaction set, durable with the same commit.
  void put_mapped_output(std::int64_t set_id, const std::string& content);
  std::optional<std::string> mapped_output(std::int64_t set_id) const;
  void add_business_key(std::int64_t set_id, const std::string& name, const std::string& value);  // repeats ignored
  std::vector<std::pair<std::string, std::string>> business_keys(std::int64_t set_id) const;
  // The mapped output of the newest transaction set of `partner` with `target` (ERP type)
  // carrying business key name = value: for cross-document lookups.
  struct MappedDocument {
    std::int64_t set_id = 0;
    std::string direction;  // "in": a mapped partner document; "out": the ERP document we sent
    std::string content;
  };
  std::optional<MappedDocument> latest_mapped_with_key(const std::string& partner, const std::string& target,
                                                       const std::string& name, const std::string& value) const;

  // Events and exceptions
  std::int64_t add_event(const EventRecord& event);
  std::vector<EventRecord> events_of_file(std::int64_t file_id) const;
  std::vector<EventRecord> events_of_set(std::int64_t set_id) const;
  std::int64_t add_exception(const ExceptionRecord& exception);
  std::optional<ExceptionRecord> exception(std::int64_t id) const;
  // Newest first; `page` skips and caps the rows, count_exceptions() counts them all.
  // Each filter applies when given.
  std::vector<ExceptionRecord> exceptions(const std::optional<std::string>& partner,
                                          const std::optional<std::string>& state, const Page& page = {},
                                          const std::optional<std::string>& kind = std::nullopt) const;
  std::int64_t count_exceptions(const std::optional<std::string>& partner, const std::optional<std::string>& state,
                                const std::optional<std::string>& kind = std::nullopt) const;
  // Exceptions whose `documents` names `document` (e.g. "po:4500012345"), of `partner`
  // when given, oldest first. Found by index: each document of an exception is also a
  // row of exception_documents.
  std::vector<ExceptionRecord> exceptions_about(const std::string& document,
                                                const std::optional<std::string>& partner) const;
  // How many open exceptions of `partner` (all when absent) name each of `documents` (a
  // page of a list): one indexed count per document.
  std::map<std::string, std::int64_t> count_open_exceptions_about(const std::vector<std::string>& documents,
                                                                  const std::optional<std::string>& partner) const;
  // Open exceptions per partner and kind, with the oldest (created_at); by partner, kind.
  std::vector<Tally> open_exception_tally(const std::optional<std::string>& partner) const;
  // Open exceptions of `partner` and `kind` whose documents include `document` (po:N,
  // shipment:ID, invoice:N), oldest first: how a business finding is found again.
  std::vector<ExceptionRecord> open_exceptions_about(const std::string& partner, const std::string& kind,
                                                     const std::string& document) const;
  // state is resolved or ignored; throws unless the exception is open.
  void close_exception(std::int64_t id, ExceptionState state, const std::string& by,
                       const std::string& note, const std::string& at);

  // Control numbers we send under (kind "ISA", "GS", "ST"), one counter per partner and
  // kind: returns the number to use and advances the counter in the caller's transaction,
  // so a number is never handed out twice once that transaction commits. The advance is
  // durable once the caller commits (at once when called outside a transaction); a rolled
  // back transaction hands the same number out again. The first call returns `first`;
  // after `last` it wraps to `first`, and so does a counter outside [first, last] (its
  // range was changed). first > last throws std::invalid_argument.
  std::uint64_t next_control_number(const std::string& partner, const std::string& kind, std::uint64_t first = 1,
                                    std::uint64_t last = 999999999);
  struct ControlCounter {
    std::string partner, kind;
    std::uint64_t next = 0;  // the number next_control_number hands out next
  };
  std::vector<ControlCounter> control_counters() const;  // by partner, then kind
  // Sets the counter to `next` unless it is already higher: a counter never goes back
  // (archive rebuild). Returns the counter's value afterwards.
  std::uint64_t raise_control_counter(const std::string& partner, const std::string& kind, std::uint64_t next);

  // Acknowledgment tracking
  std::int64_t add_awaited_ack(const AwaitedAck& awaited);
  void update_awaited_ack(const AwaitedAck& awaited);  // ack_file_id, detail, updated_at (not the state)
  std::optional<AwaitedAck> awaited_ack(std::int64_t id) const;
  // Rows of a partner (all partners when absent), filtered by state when given, oldest
  // (sent_at) first.
  std::vector<AwaitedAck> awaited_acks(const std::optional<std::string>& partner,
                                       const std::optional<std::string>& state) const;
  // The rows an acknowledgment answers: level interchange by ISA13 (group_control empty,
  // a TA1), or the group and set rows of GS06 (a 997/999, which does not name the ISA13:
  // interchange_control is then not used). Control numbers compare ignoring zero padding;
  // newest interchange (sent_at) first, a group row before its set rows.
  std::vector<AwaitedAck> awaited_for(const std::string& partner, const std::string& interchange_control,
                                      const std::string& group_control) const;
  // Every row (interchange, group, set) of the interchanges sent to `partner` under
  // `interchange_control` (an EDIFACT CONTRL names the UNB 0020 it answers), compared
  // ignoring zero padding; newest first, each interchange's rows in insertion order.
  std::vector<AwaitedAck> awaited_in_interchange(const std::string& partner, const std::string& interchange_control) const;
  // State "awaiting" with due_at <= now, earliest due first. `now` is in due_at's form
  // (2026-11-27T10:00:00Z), compared as a string; a malformed one is std::invalid_argument.
  std::vector<AwaitedAck> awaited_due(const std::string& now) const;
  std::int64_t add_ack(const AckRecord& ack);
  std::vector<AckRecord> acks_answering(std::int64_t file_id) const;       // in insertion order
  std::vector<AckRecord> acks_of_partner(const std::string& partner) const;  // oldest (at) first
  std::vector<ExceptionRecord> exceptions_of_file(std::int64_t file_id) const;  // in insertion order
  std::vector<FileRecord> replays_of(std::int64_t file_id) const;  // files with replay_of = file_id, in order

  // AS2 messages (as2.cc). (direction, partner, message_id) is unique: adding it twice throws.
  std::int64_t add_as2_message(const As2MessageRecord& message);
  // Everything but id, direction, partner, message_id and the state.
  void update_as2_message(const As2MessageRecord& message);
  std::optional<As2MessageRecord> as2_message(const std::string& direction, const std::string& partner,
                                              const std::string& message_id) const;
  // An outbound message by Message-ID alone (an async MDN names only that), newest first.
  std::vector<As2MessageRecord> as2_messages_by_id(const std::string& direction, const std::string& message_id) const;
  std::vector<As2MessageRecord> as2_messages_of_file(std::int64_t file_id) const;  // oldest first
  std::vector<As2MessageRecord> as2_messages_in_state(As2State state) const;  // oldest first
  // Outbound rows awaiting_mdn with due_at <= now (ISO UTC, as awaited_due), earliest first.
  std::vector<As2MessageRecord> as2_mdns_due(const std::string& now) const;

  // Awaited acknowledgments overdue at `now` (state overdue, or awaiting with due_at <=
  // now, in due_at's form) per partner and level, interchange (TA1) and group (997/999)
  // rows only: a group's set rows are late with it. Oldest: the earliest due_at.
  std::vector<Tally> overdue_ack_tally(const std::string& now, const std::optional<std::string>& partner) const;

  // State changes (transitions.cc): each is checked against its machine's table
  // (archive/states.h) and against the state the row holds now (a stale record is
  // ArchiveStateError too), and written with its event ({file, set, change.at,
  // change.step, change.detail}) in the caller's transaction. The record is updated;
  // change.at becomes its updated_at where it has one.
  struct StateChange {
    std::string at, step, detail;
  };
  void transition_file(FileRecord& file, FileStatus to, const StateChange& change);
  // Also writes the set's delivered_to and target.
  void transition_set(TransactionSetRecord& set, SetStatus to, const StateChange& change);
  // Also writes the row's ack_file_id and detail.
  void transition_awaited_ack(AwaitedAck& row, AckState to, const StateChange& change);
  // Also writes what update_as2_message writes.
  void transition_as2_message(As2MessageRecord& message, As2State to, const StateChange& change);

  // Channel health (polls.cc): each poll of a partner's inbound channels records its
  // outcome at `at`; `error` empty means it worked.
  void record_poll(const std::string& partner, const std::string& at, const std::string& error);
  std::vector<PartnerPollRecord> partner_polls() const;  // by partner

  // Alerts (notifications.cc). Queues a notification unless one with its rule, channel and
  // event key exists (INSERT OR IGNORE); true when queued now.
  bool add_notification(const NotificationRecord& notification);
  // Pending rows with next_try_at <= now (ISO UTC), oldest first, at most `limit`.
  std::vector<NotificationRecord> notifications_due(const std::string& now, std::size_t limit) const;
  std::vector<NotificationRecord> notifications(const Page& page = {}) const;  // newest first
  std::int64_t count_notifications() const;
  // A failed attempt of a pending row: its attempts, next_try_at, last_error and updated_at.
  void retry_notification(const NotificationRecord& notification);
  // pending -> sent | failed (archive/states.h), with last_error, attempts and updated_at = at.
  void transition_notification(NotificationRecord& notification, NotificationState to, const std::string& at);
  // Up to which row id of `name` ("exceptions", "events") alerts were derived.
  std::int64_t alert_cursor(const std::string& name) const;
  void set_alert_cursor(const std::string& name, std::int64_t last_id);
  // Rows after a cursor, by id, at most `limit`: exceptions, and events of one step.
  std::vector<ExceptionRecord> exceptions_after(std::int64_t id, std::size_t limit) const;
  std::vector<EventRecord> events_after(std::int64_t id, const std::string& step, std::size_t limit) const;
  std::int64_t last_event_id() const;  // 0 when there are none

  // What a partner's row on the dashboard shows and /metrics exports (stats.cc): counts
  // of inbound files and sets received since `since`, and what is open right now.
  struct PartnerCounts {
    std::string partner;
    std::int64_t files_in = 0, bytes_in = 0, files_in_error = 0;  // received since; ended as an exception
    std::int64_t sets_in = 0, sets_in_error = 0;                  // inbound sets since; rejected, failed, dead_letter
    std::int64_t acks_awaiting = 0, acks_overdue = 0;             // our documents awaiting the partner's 997/999/TA1
    std::int64_t exceptions_open = 0;
    std::int64_t deliveries_pending = 0;  // inbound sets mapped, not yet delivered to the ERP
    std::int64_t dead_letters = 0;        // inbound sets the ERP never accepted (dead_letter)
    std::int64_t backlog_files = 0;       // files received and not yet processed
  };
  std::vector<PartnerCounts> partner_counts(const std::string& since) const;  // by partner

  // For /metrics, read incrementally: rows only grow, so a scraper keeps running totals and
  // asks for what came after the last id it saw (each result is at most `limit` rows).
  struct ReceivedFile {
    std::int64_t id = 0;
    std::string partner, channel;  // channel kind: folder, sftp, as2
    std::int64_t bytes = 0;
  };
  std::vector<ReceivedFile> received_files_after(std::int64_t file_id, std::size_t limit) const;
  // Seconds from a file's receipt to the end of a stage: "archived" (its index row
  // committed), "validated" (read to its end, every set validated: its "parsed" event) and
  // "delivered" (a set of it accepted by the ERP), one row per event, in event order.
  struct StageTiming {
    std::int64_t event_id = 0;
    std::string partner, stage;
    double seconds = 0;
  };
  std::vector<StageTiming> stage_timings_after(std::int64_t event_id, std::size_t limit) const;
  // Transaction sets now, by partner, direction and status (open exceptions by kind:
  // open_exception_tally).
  struct SetCount {
    std::string partner, direction, status;
    std::int64_t count = 0;
  };
  std::vector<SetCount> sets_by_status() const;
  // The dashboard's charts (daily.cc): per partner and UTC day from `since` (a date such as
  // 2026-11-07, or a UTC time) on, what came in and how long it took to reach the ERP.
  // Latency is per inbound set delivered: its first `delivered` event minus its
  // received_at, in whole seconds; the median and p90 are nearest-rank (the value at rank
  // ceil(p * n) of the day's n latencies, in order), so each is a latency that happened.
  struct DailyStats {
    std::string partner;
    std::string day;               // 2026-11-27 (UTC), by received_at
    std::int64_t files_in = 0;     // inbound files received that day
    std::int64_t sets_in = 0;      // inbound transaction sets received that day
    std::int64_t delivered = 0;    // of those sets, delivered to the ERP
    std::int64_t median_seconds = 0, p90_seconds = 0;  // of the delivered ones (0 when none)
  };
  std::vector<DailyStats> daily_stats(const std::string& since) const;  // by partner, then day

  // Queries over transaction sets, newest first; count() is how many rows match the same
  // filters, limit and offset aside (paging says "rows 1-50 of 1234").
  std::vector<DocumentRow> query(const Query& query) const;
  std::int64_t count(const Query& query) const;

  struct Impl;
 private:
  explicit Index(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  void begin();
  void commit();
  void rollback();
};

}  // namespace edihub::archive
