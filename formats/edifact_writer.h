// EDIFACT interchange writer: builds one complete UN/EDIFACT interchange in memory, the
// EDIFACT counterpart of x12::InterchangeWriter, with the envelope arithmetic done here:
// UNA when the delimiters are not the syntax defaults (or always, when asked), UNB, an
// optional UNG/UNE group (UNE 0060 = messages in the group), UNH/UNT (UNT 0074 = body +
// 2, counting UNH and UNT; UNT 0062 = UNH 0062), UNZ (0036 = groups when there are UNGs,
// else messages; 0020 = UNB 0020). Values are given unescaped as edifact.h holds them
// (composites joined by kComponent) and written escaped with the release character.
// Control references are the caller's (durable counters): given as strings, or numbers
// through reference(). A setting that does not fit its data element throws
// std::invalid_argument naming it ("UNB S002/0004"); calls out of envelope order throw
// std::logic_error. Pure: builds a string, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/edifact.h"
#include "formats/x12.h"

namespace edihub::edifact {

struct InterchangeSettings {
  int syntax_version = 4;                // S001/0002: 3 or 4; decides date width and repetition
  std::string syntax_identifier = "UNOC";  // S001/0001: UNOA..UNOZ
  // Written as given; a UNA announces them unless they are default_delimiters(version).
  // Unset: the defaults of `syntax_version`.
  std::optional<x12::Delimiters> delimiters;
  bool always_una = false;               // write the UNA even for the default delimiters
  std::string suffix;                    // after every terminator, e.g. "\n"
  std::string sender_id;                 // S002/0004, 1-35
  std::string sender_qualifier;          // S002/0007, 0-4 (omitted when empty)
  std::string recipient_id;              // S003/0010, 1-35
  std::string recipient_qualifier;       // S003/0007, 0-4
  std::string date;                      // S004/0017: YYMMDD in syntax 3, CCYYMMDD in 4
  std::string time;                      // S004/0019: HHMM
  std::string control_reference;         // 0020, 1-14
  std::string application_reference;     // 0026, 0-14 (omitted when empty)
  bool ack_requested = false;            // 0031 = 1: the recipient is asked for a CONTRL
  bool test = false;                     // 0035 = 1
};

struct GroupSettings {
  std::string group_id;                  // UNG 0038 (the message type, e.g. "INVOIC"), 1-6
  std::string sender_id;                 // S006/0040, 1-35
  std::string sender_qualifier;          // S006/0007, 0-4
  std::string recipient_id;              // S007/0044, 1-35
  std::string recipient_qualifier;       // S007/0007, 0-4
  std::string date;                      // S004/0017 (YYMMDD in syntax 3, CCYYMMDD in 4)
  std::string time;                      // S004/0019 HHMM
  std::string control_reference;         // 0048, 1-14
  std::string agency = "UN";             // 0051, 1-3
  std::string version;                   // S008/0052, e.g. "D"
  std::string release;                   // S008/0054, e.g. "96A"
  std::string association;               // S008/0057, 0-6
};

// S009 of a UNH: "DESADV:D:96A:UN:EAN005".
struct MessageIdentifier {
  std::string type;         // 0065, 1-6
  std::string version;      // 0052, 1-3
  std::string release;      // 0054, 1-3
  std::string agency = "UN";  // 0051, 1-3
  std::string association;  // 0057, 0-6 (omitted when empty)
};

// A control reference from a durable counter, written as its decimal digits.
std::string reference(std::uint64_t number);

class InterchangeWriter {
 public:
  // Validates the settings and writes UNA (when due) and UNB.
  explicit InterchangeWriter(const InterchangeSettings& settings);
  // The delimiters written (the settings' or the syntax defaults).
  const x12::Delimiters& delimiters() const { return delimiters_; }
  InterchangeWriter(const InterchangeWriter&) = delete;
  InterchangeWriter& operator=(const InterchangeWriter&) = delete;

  void begin_group(const GroupSettings& group);
  // Writes UNH, `body` (the segments between UNH and UNT, unescaped values) and UNT.
  // Messages stand either all in groups or all directly in the interchange.
  void message(const MessageIdentifier& id, std::string_view reference, const std::vector<x12::Segment>& body);
  void end_group();
  // Writes the UNZ and hands over the interchange; the writer is spent afterwards.
  std::string finish();

 private:
  enum class State { Interchange, Group, Finished };
  void require(State state, std::string_view call) const;
  void write(const x12::Segment& segment);

  int syntax_version_;
  x12::Delimiters delimiters_;
  std::string suffix_;
  std::string interchange_reference_;  // UNB 0020, repeated in UNZ
  std::string out_;
  std::string group_reference_;  // UNG 0048 of the open group, repeated in UNE
  State state_ = State::Interchange;
  std::uint64_t groups_ = 0, messages_ = 0, messages_in_group_ = 0;  // messages_: directly in the interchange
};

}  // namespace edihub::edifact
