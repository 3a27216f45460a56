// Validation of X12 input against transaction-set schemas, reported the way the
// acknowledgments report it: per interchange (TA1 note), per functional group (AK9),
// per transaction set (AK5/IK5), per segment (AK3/IK3) and per element (AK4/IK4), with
// the standard codes and positions. The acknowledgment builders (formats/ack.h) turn a
// report into 997, 999 or TA1; `edihub validate` prints it. Pure: no I/O.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "formats/charset.h"
#include "formats/interchange_checker.h"
#include "formats/parsed_file.h"
#include "formats/schema.h"
#include "formats/x12_reader.h"

namespace edihub::x12 {

// AK4 / IK4: one element in error.
struct ElementError {
  std::uint32_t position = 0;    // element position in the segment (1 = XX01)
  std::uint32_t component = 0;   // component position inside a composite; 0 = not a component
  std::uint32_t repetition = 0;  // repetition number (5010 repeating elements); 0 = not repeated
  std::string reference;         // data element reference number, e.g. "353"; may be empty
  std::string code;              // AK403/IK403 base code: "1".."13"
  std::string implementation_code;  // 999-only code when the error comes from a partner's tightening (e.g. "I6"); else empty
  std::string bad_value;         // copy of the bad data (AK404), at most 99 characters
  std::string message;           // human-readable: what was found, what was expected
};

// AK3 / IK3: one segment in error (or a segment missing).
struct SegmentError {
  std::string tag;               // segment ID (for a missing segment: the one expected)
  std::uint32_t position = 0;    // position in the set, ST = 1 (for a missing segment: where it was expected)
  std::uint64_t file_segment = 0;  // segment number in the file; 0 for a missing segment
  std::string loop_id;           // AK303: loop identifier (trigger segment tag of the loop), empty at top level
  std::string code;              // AK304/IK304 base code: "1".."8"
  std::string implementation_code;  // 999-only code when it comes from a partner's tightening; else empty
  std::vector<ElementError> elements;  // set when code == "8"
  std::string message;
};

// AK5 / IK5: one transaction set.
struct SetResult {
  std::string id;                // ST01
  std::string control_number;    // ST02
  std::string convention;        // ST03
  std::string message_version;   // EDIFACT: UNH S009 0052+0054 ("D96B"), what its CONTRL UCM repeats
  std::uint64_t first_segment = 0;  // segment number of ST in the file
  std::string ack_code = "A";    // A accepted, E accepted with errors noted, R rejected
  std::vector<std::string> codes;  // AK502..AK506 (at most 5 reported in an ack; all kept here)
  std::vector<SegmentError> segments;
  std::size_t errors_cut = 0;    // errors found beyond the caps (ValidationRules): counted, not kept
  bool validated = false;        // false when no schema applied (envelope checks only)
  std::string note;              // why not plainly validated/accepted: no schema ("no schema for 856 version
                                 // 003060: envelope checks only"), wrong GS01, envelope issue messages
  bool accepted() const { return ack_code == "A" || ack_code == "E"; }
};

// AK9: one functional group.
struct GroupResult {
  GroupHeader header;
  std::vector<SetResult> sets;
  std::string ack_code = "A";    // A, E, P (some sets rejected), R
  std::vector<std::string> codes;  // AK905..AK909
  std::uint32_t sets_included = 0;  // AK902: GE01 as sent (or the count received when GE01 is missing/not numeric)
  std::uint32_t sets_received = 0;  // AK903
  std::uint32_t sets_accepted = 0;  // AK904
  std::string note;              // where the group-level errors were found, human-readable
};

// TA1: one interchange.
struct InterchangeResult {
  InterchangeHeader header;
  std::string ack_code = "A";    // TA104: A, E, R
  std::string note_code = "000"; // TA105
  std::string note;              // human-readable reason for the note code
  std::vector<GroupResult> groups;
  bool accepted() const { return ack_code != "R"; }
};

struct ValidationReport {
  std::vector<InterchangeResult> interchanges;
  std::vector<EnvelopeIssue> unplaced;  // issues outside any interchange
  std::size_t errors_cut = 0;           // all sets' errors_cut
  bool valid() const;                   // nothing rejected and no errors noted anywhere
};

// Chooses the schema for a transaction set: the library's for ST01 + GS08 version,
// possibly tightened by the partner's profile. nullptr: no schema (envelope checks only).
using SchemaResolver =
    std::function<const TransactionSetSchema*(const InterchangeHeader&, const GroupHeader&, const TransactionSet&)>;

// What a partner's profile sets for validating its interchanges. The caps bound the work
// and memory one input can cause: errors past them still decide the verdict (the set is
// rejected all the same) but are only counted (SetResult::errors_cut). Element errors are
// kept up to 99 per segment, what one AK3 can carry.
struct ValidationRules {
  const Charset* charset = &Charset::utf8();  // of element values (profile `encoding:`)
  std::size_t max_errors_per_set = 100;       // segment errors kept per transaction set
  std::size_t max_errors_per_file = 1000;     // segment errors kept over the whole input
};

// Whether ISA12 is an interchange control version X12 defines (I11 code list).
bool known_control_version(std::string_view isa12);
// Whether an acknowledgment can repeat the control number: AK102 is GS06 (N0 1..9),
// AK202 is ST02 (AN 4..9). Validation rejects a group or set whose number fails this.
bool group_control_answerable(std::string_view gs06);
bool set_control_answerable(std::string_view st02);

// The rules for the sets of a group (by the partner its ISA and GS name).
using RulesResolver = std::function<ValidationRules(const InterchangeHeader&, const GroupHeader&)>;

// What a streamed validation hands on, in file order, as each verdict becomes final: a
// set's result at its SE (its envelope issues folded in), a group's AK9 at its GE, an
// interchange's TA1 at its IEA. Results passed on are not kept by the validator: memory
// stays bounded by the largest transaction set, whatever the size of the file.
class ValidationConsumer {
 public:
  virtual ~ValidationConsumer() = default;
  // Every envelope issue, as found (before it is folded into its result).
  virtual void on_envelope_issue(const EnvelopeIssue&) {}
  // After the ISA checks; `interchange.groups` stays empty.
  virtual void on_interchange_start(const InterchangeResult&) {}
  // TA1 / ISB / ISE directly inside the interchange.
  virtual void on_interchange_segment(const InterchangeResult&, const Segment&) {}
  // After the GS checks (a GS that cannot be answered is already R).
  virtual void on_group_start(const InterchangeResult&, const GroupResult&) {}
  // One set with its result; `group` and `interchange` carry the verdicts so far (a
  // trailer may still reject them). The consumer may move from `set` and `result`.
  virtual void on_set(const InterchangeResult&, const GroupResult&, TransactionSet&, SetResult&) {}
  // The group's AK9 (counts and codes final); `group.sets` is empty.
  virtual void on_group_end(const InterchangeResult&, GroupResult&) {}
  // The interchange's TA1 verdict; `interchange.groups` is empty.
  virtual void on_interchange_end(InterchangeResult&) {}
  // An envelope issue outside any interchange (or group) it could belong to.
  virtual void on_unplaced(const EnvelopeIssue&) {}
};

// Envelope checks and schema validation in one pass over a stream of segments: feed it
// the Reader's segments, call finish() after Reader::finish(). Validates each set with
// the schema `resolve` gives when its SE arrives and folds every envelope issue into the
// result of its level (TA1 note, AK9 code, AK5 code). Sets larger than
// `max_set_bytes` (bytes from ST through SE) are not copied past the limit and are
// rejected (AK5 5) with a note naming the set and its size. EDIFACT segments (from
// edifact::Reader) go to the EDIFACT envelope checker, X12's to X12's: the results are
// the same kinds, with the ISA/GS/ST-specific checks left out for EDIFACT.
class StreamValidator : public SegmentHandler, private EnvelopeListener {
 public:
  static constexpr std::uint64_t kDefaultMaxSetBytes = 16ull << 20;
  StreamValidator(ValidationConsumer& consumer, SchemaResolver resolve, RulesResolver rules = {},
                  std::uint64_t max_set_bytes = kDefaultMaxSetBytes);
  void on_segment(const SegmentView& segment) override;
  void finish();
  EnvelopeCounts counts() const;
  std::size_t errors_cut() const { return errors_cut_; }

 private:
  void on_interchange_start(const InterchangeHeader&) override;
  void on_interchange_segment(const InterchangeHeader&, const Segment&) override;
  void on_group_start(const InterchangeHeader&, const GroupHeader&) override;
  void take_transaction_set(const InterchangeHeader&, const GroupHeader&, TransactionSet&& set) override;
  void on_group_end(const InterchangeHeader&, const GroupHeader&) override;
  void on_interchange_end(const InterchangeHeader&) override;
  // Folds the issues the checker found since the last call into the open results.
  void drain(SetResult* set = nullptr);

  ValidationConsumer& consumer_;
  SchemaResolver resolve_;
  RulesResolver rules_for_;
  std::uint64_t max_set_bytes_;
  InterchangeChecker checker_;
  std::optional<InterchangeResult> interchange_;
  std::optional<GroupResult> group_;
  ValidationRules rules_;
  bool group_noted_ = false;     // a set of the open group was accepted with errors noted (E)
  std::size_t kept_ = 0;         // segment errors kept over the file
  std::size_t errors_cut_ = 0;
};

// Validates a whole input in memory (tests, small files, the CLI preview of acks): the
// StreamValidator with a consumer that keeps every result. Throws UnusableInput.
ValidationReport validate(std::string_view bytes, const SchemaResolver& resolve, const RulesResolver& rules = {});

// One transaction set against one schema: its segment and element errors and AK5 result.
// At most `max_errors` segment errors are kept (default: rules.max_errors_per_set).
SetResult validate_set(const TransactionSet& set, const TransactionSetSchema& schema, const ValidationRules& rules = {},
                       std::optional<std::size_t> max_errors = std::nullopt);

}  // namespace edihub::x12
