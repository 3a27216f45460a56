// Interchange writer: builds one complete X12 interchange in memory, ISA to IEA, with
// the envelope arithmetic done here so callers cannot get it wrong: the 106-character
// ISA (fields padded to their fixed widths), interchange-level segments such as TA1
// before any group, GS/GE with GE01 = sets in the group, ST/SE with SE01 = body + 2 and
// SE02 = ST02, IEA01 = groups, IEA02 = ISA13. Control numbers are given as numbers by the
// caller (who keeps them in durable counters) and written zero-padded: ISA13 to 9
// digits, ST02 to at least 4. A value longer than its field, containing a delimiter or
// out of its range throws std::invalid_argument naming the field (e.g. "ISA06"); calls
// out of envelope order throw std::logic_error. Pure: builds a string, no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/x12.h"
#include "formats/x12_writer.h"

namespace edihub::x12 {

struct InterchangeSettings {
  // Delimiters to write. ISA11 is "U" when `version` is below 00402 (the repetition
  // separator is then not declared and must be 0); from 00402 it is the repetition
  // separator, which must then be set.
  Delimiters delimiters;
  std::string suffix;                        // written after every terminator, e.g. "\n"
  std::string authorization_qualifier = "00";  // ISA01
  std::string authorization;                 // ISA02, up to 10, space-padded
  std::string security_qualifier = "00";     // ISA03
  std::string security;                      // ISA04, up to 10, space-padded
  std::string sender_qualifier;              // ISA05, 2 characters
  std::string sender_id;                     // ISA06, up to 15, space-padded
  std::string receiver_qualifier;            // ISA07, 2 characters
  std::string receiver_id;                   // ISA08, up to 15, space-padded
  std::string date;                          // ISA09 YYMMDD
  std::string time;                          // ISA10 HHMM
  std::string version = "00401";             // ISA12, 5 digits
  std::uint64_t control_number = 0;          // ISA13, at most 999999999
  bool ack_requested = false;                // ISA14: 1 asks the receiver for a TA1
  std::string usage = "P";                   // ISA15: P, T or I
};

struct GroupSettings {
  std::string functional_id;        // GS01, e.g. SH, FA
  std::string sender;               // GS02 application sender code, 2-15
  std::string receiver;             // GS03 application receiver code, 2-15
  std::string date;                 // GS04 CCYYMMDD
  std::string time;                 // GS05 HHMM (HHMMSS and HHMMSSdd accepted)
  std::uint64_t control_number = 0; // GS06, 1-999999999
  std::string agency = "X";         // GS07
  std::string version;              // GS08, e.g. 004010, 005010X231A1
};

class InterchangeWriter {
 public:
  // Validates the settings and writes the ISA.
  explicit InterchangeWriter(const InterchangeSettings& settings);
  InterchangeWriter(const InterchangeWriter&) = delete;
  InterchangeWriter& operator=(const InterchangeWriter&) = delete;

  // The delimiters segments must use (as given; repetition 0 below 00402).
  const Delimiters& delimiters() const { return delimiters_; }

  // A segment directly inside the interchange (TA1), allowed only before the first group.
  void interchange_segment(const Segment& segment);
  void begin_group(const GroupSettings& group);
  // Writes ST, `body` (the segments between ST and SE, elements already in the target
  // delimiters) and SE. `convention` is ST03, omitted when empty. ST02 is at most 9 digits.
  void transaction_set(std::string_view id, std::uint64_t control_number, std::string_view convention,
                       const std::vector<Segment>& body);
  void end_group();
  // Writes the IEA and hands over the interchange; the writer is spent afterwards.
  std::string finish();

 private:
  enum class State { Interchange, Group, Finished };
  void require(State state, std::string_view call) const;

  std::string out_;  // declared before writer_, which appends to it
  Delimiters delimiters_;
  Writer writer_;
  std::string interchange_control_;  // ISA13 as written, repeated in IEA02
  std::string group_control_;        // GS06 of the open group, repeated in GE02
  State state_ = State::Interchange;
  std::uint64_t groups_ = 0, sets_in_group_ = 0;
};

}  // namespace edihub::x12
