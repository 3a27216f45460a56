// Acknowledgment readers: a partner's 997 or 999 (one transaction set) and TA1 (one
// interchange-level segment) turned into what reconciliation needs: which group and
// sets of ours they answer (AK1, AK2, TA101), the verdicts (AK9, AK5/IK5, TA104/TA105)
// and the reported errors as SegmentError/ElementError, the same types validation uses.
// A 997/999 whose structure is broken (AK1 or AK9 missing, AK4 before any AK3, an AK2
// loop without AK5, IK3 in a 997, ...) throws MalformedAck naming the segment position
// and what was expected; code values themselves are not checked against the code lists,
// so a partner's newer code is still read. A TA1 is read leniently: format defects are
// listed in `deviations`, only a TA1 that cannot be matched (TA101 not a number) or
// carries no verdict throws. describe() gives the one-line summary shown in exception
// and `acks` views. Pure: no I/O.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "formats/ack.h"
#include "formats/validation.h"
#include "formats/x12.h"

namespace edihub::x12 {

class MalformedAck : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One AK2 loop: the partner's verdict on one of our transaction sets.
struct SetAck {
  std::string id;                   // AK201 ST01
  std::string control_number;       // AK202 ST02
  std::string convention;           // AK203 ST03
  std::string ack_code;             // AK501 / IK501
  std::vector<std::string> codes;   // AK502..AK506 / IK502..IK506
  // AK3/IK3 with their AK4/IK4. Base codes go to `code`, I-codes to `implementation_code`;
  // CTX segments of a 999 are kept as text in `message` ("CTX CLM01:123456789").
  std::vector<SegmentError> segments;
  bool accepted() const { return ack_code == "A" || ack_code == "E"; }
};

// One 997/999: the partner's verdict on one of our functional groups.
struct FunctionalAck {
  AckKind kind = AckKind::Functional997;
  std::string control_number;       // ST02 of the ack itself
  std::string functional_id;        // AK101: our GS01
  std::string group_control;        // AK102: our GS06
  std::string version;              // AK103: our GS08 (005010 on)
  std::vector<SetAck> sets;         // AK2 loops (a 997 may send none when all were accepted)
  std::string ack_code;             // AK901
  std::uint32_t sets_included = 0;  // AK902
  std::uint32_t sets_received = 0;  // AK903
  std::uint32_t sets_accepted = 0;  // AK904
  std::vector<std::string> codes;   // AK905..AK909
};

// A TA1: the partner's verdict on one of our interchanges.
struct InterchangeAck {
  std::string control_number;       // TA101 as sent
  std::uint64_t control_value = 0;  // TA101 as a number, to match our ISA13
  std::string date;                 // TA102: our ISA09
  std::string time;                 // TA103: our ISA10
  std::string ack_code;             // TA104: A, E or R
  std::string note_code;            // TA105 ("" when the partner left it out)
  std::vector<std::string> deviations;  // format defects tolerated, e.g. "TA101 '0659' is not 9 digits"
  bool accepted() const { return ack_code != "R"; }
};

// Reads a 997 or 999 (ST through SE, as parse_bytes gives it). Throws MalformedAck.
FunctionalAck read_functional_ack(const TransactionSet& set);
// Reads a TA1 segment (from ParsedInterchange::interchange_segments). Throws MalformedAck.
InterchangeAck read_ta1(const Segment& segment);

// e.g. "AK9 P: 1 of 2 accepted; 0002 R (5): N1 at 6 code 8 [N104 code 7 'ZZZ']"
std::string describe(const FunctionalAck& ack);
// e.g. "TA1 000000007 R 006: invalid interchange sender ID"
std::string describe(const InterchangeAck& ack);

}  // namespace edihub::x12
