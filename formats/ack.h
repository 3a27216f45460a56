// Acknowledgment builders: turn the validation report of one received interchange
// (formats/validation.h) into the interchange we send back: an optional TA1 and one
// GS*FA group holding one 997 or 999 per acknowledged functional group. Sender and
// receiver are swapped relative to the partner's ISA (ISA05/06 <-> ISA07/08) and GS
// (GS02 <-> GS03); the partner's delimiters are reused. Envelope values that must be
// durable (ISA13, GS06, ST02) and the clock are the caller's. Pure: no I/O.
//
// What is emitted (docs/x12-facts.md sections 4-6):
//   997  AK1 (GS01, GS06 [, GS08 when the group is 005010 or later]); an AK2 loop only for
//        sets that are rejected or carry codes/errors: AK2 (ST01, ST02 [, ST03 from
//        005010]), AK3 (tag, position, loop, code) + AK4 (C030 position, reference, code,
//        bad value) per base-coded error, AK5 (code + up to 5 base codes); AK9 (code,
//        included, received, accepted, up to 5 codes). Findings that only have a
//        999 implementation code (I-codes) cannot be said in a 997 and are left out.
//   999  ST03 and GS08 005010X231A1; AK1 (GS01, GS06, GS08); an AK2 loop for every set
//        (accepted ones get IK5*A); IK3/IK4 carry the implementation code when there is
//        one, else the base code; IK5 codes may include I5/I6. No CTX is emitted: the
//        report carries neither the business key nor the situational trigger CTX names.
//   TA1  TA101 ISA13 (9 digits), TA102 ISA09, TA103 ISA10, TA104 A/E/R, TA105 note code.
// At most 99 AK4/IK4 per AK3/IK3 and 5 codes per AK5/IK5/AK9 are sent (the X12 maxima).
// Values copied from the partner's file (bad data in AK404/IK404 included) lose every
// character that is a target delimiter and every control character (they are dropped,
// not replaced, so the rest of the value stays readable); AK404/IK404 is then cut to 99
// bytes and omitted when nothing is left.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "formats/validation.h"
#include "formats/x12.h"

namespace edihub::x12 {

enum class AckKind { Functional997, Implementation999 };

inline constexpr std::string_view k999Convention = "005010X231A1";  // ST03 and GS08 of our 999

struct AckRequest {
  AckKind kind = AckKind::Functional997;
  bool ta1 = false;              // send a TA1 (e.g. ISA14 was 1, or the partner's profile wants it)
  bool functional_acks = true;   // send the GS*FA group
};

struct AckEnvelope {
  Delimiters delimiters;          // the partner's, as read from its ISA
  std::string suffix;             // after each terminator, e.g. "\n"
  std::string date;               // CCYYMMDD: GS04, and ISA09 as YYMMDD
  std::string time;               // HHMM: ISA10 and GS05
  std::string usage;              // ISA15: the partner's
  std::string version = "00401";  // our ISA12
  std::uint64_t interchange_control = 0;  // ISA13
  std::uint64_t group_control = 0;        // GS06
  std::uint64_t first_set_control = 1;    // ST02 of the first ack set; the next ones follow on
};

// The complete ack interchange for `partner`. A rejected interchange (TA104 R) is
// answered by a TA1 alone, even when `request.ta1` is false: it is the only way to tell
// the partner. Groups with GS01 FA (acks themselves) are never acknowledged. Returns ""
// when there is nothing to send (no TA1 wanted and no group to acknowledge).
// Partner values the answer must copy but cannot carry (ISA12 not 5 digits, ISA15 not P/T/I,
// an ID that holds a delimiter or has the wrong length: what validation reports) are
// replaced by safe fallbacks (00401, P, the ID without delimiters, ZZ, the ISA06 for a
// GS02 that is no 2..15-character ID), so an answer can be built for every report.
// Throws std::invalid_argument when an envelope value of the caller's does not fit.
std::string build_ack(const InterchangeResult& partner, const AckRequest& request, const AckEnvelope& envelope);

// How many ST02 control numbers build_ack will use with the same arguments (0 when it
// sends no FA group), so the caller can reserve them from its counter first.
std::size_t ack_set_count(const InterchangeResult& partner, const AckRequest& request);

// Whether `group` gets a 997/999: every group except acknowledgments (GS01 FA) and groups
// whose GS06 the AK102 cannot repeat (validation rejects those with AK905 6). Within a
// group, a set whose ST02 the AK202 cannot repeat gets no AK2 loop; AK9 still counts it.
bool acknowledged(const GroupResult& group);

// Whether the 997/999 for a group has an AK2 loop for `set`: the 997 for sets not plainly
// accepted, the 999 for every set. A streaming caller keeps only these results.
bool ack_reports(AckKind kind, const SetResult& set);

// The partner's delimiters made valid for our ISA12: no repetition separator below
// 00402; from 00402, the partner's, or when it declared none the first of ^ ! | ` { }
// that is not already a delimiter.
Delimiters ack_delimiters(const Delimiters& partner, std::string_view version);

// The segments between ST and SE of the 997 or 999 for `group`, written for `target`
// delimiters (C030 positions use its component separator).
std::vector<Segment> functional_ack_body(AckKind kind, const GroupResult& group, const Delimiters& target);

// TA1 for the interchange (elements free of `target` delimiters). TA102/TA103 echo ISA09/
// ISA10; where those are not a YYMMDD date and HHMM time, `envelope`'s date and time stand
// in (when given), and TA101 is 000000000 where ISA13 is not a number of at most 9 digits,
// so the TA1 is always one our own reader accepts (TA105 says what was wrong).
Segment ta1_segment(const InterchangeResult& interchange, const Delimiters& target, const AckEnvelope& envelope = {});

// ISA12 of our answer: the partner's when X12 defines it (known_control_version), else 00401.
std::string ack_version(std::string_view partner_version);

}  // namespace edihub::x12
