// CONTRL, UN/EDIFACT's syntax and service report, both ways. Pure: no I/O.
//
// Out: build_contrl() turns the validation report of one EDIFACT interchange
// (formats/validation.h, whose codes are X12's) into the CONTRL interchange we send back,
// every code said in EDIFACT's 0085 through edifact::syntax_error():
//   UNB   sender/recipient swapped relative to theirs; their syntax identifier and version
//         (3 below syntax 4); their delimiters (repetition dropped in syntax 3).
//   UNH   S009 CONTRL:D:3:UN in syntax 3 and CONTRL:4:1:UN in syntax 4: the CONTRL of
//         ISO 9735 version 4 (ISO 9735-1:2002 annex, UN/CEFACT SDG) is message version 4
//         release 1; syntax 3 partners use the directory form D:3 (the UN/EDIFACT CONTRL
//         message, e.g. https://stedi.com/edi/edifact/D08A/messages/CONTRL; both forms are
//         what public CONTRLs carry, e.g. UK CHIEF's "CONTRL:4:1:UN", EANCOM's "CONTRL:D:3:UN").
//   UCI   0020 their UNB 0020, S002/S003 as in their UNB, 0083 7 (acknowledged) or 4
//         (rejected), 0085 + 0013 service segment tag (UNB or UNZ) + S011 position when
//         the interchange envelope is at fault. A rejected interchange gets the UCI alone.
//   UCF   per UNG group (none for messages standing directly in the interchange): 0048,
//         S006/S007 as in their UNG, 0083 (4 only for the group's own envelope faults,
//         then without UCMs), 0085 + 0013 (UNE) for those faults.
//   UCM   one per message, accepted ones included (0083 7): ISO 9735-5 lets a CONTRL name
//         only rejected messages (7 at UCI acknowledges the rest), but a UCM per message
//         lets a partner's tracker settle each message without inferring, as the 999
//         does for X12; 0062, S009 as in their UNH, 0083 7/4, 0085 + 0013 (UNT/UNH) for
//         message envelope faults.
//   UCS   per segment in error: 0096 position (UNH = 1), 0085 when the segment itself is
//         at fault (absent when only its elements are); at most 999 per message.
//   UCD   per element in error: 0085, S011 0098 element position : 0104 component; at
//         most 99 per UCS.
// CONTRL messages in the interchange get no UCM (a CONTRL is never acknowledged), and an
// interchange of CONTRLs alone gets no CONTRL at all.
//
// In: read_contrl() reads a partner's CONTRL (UNH..UNT, as the reader gives it) into what
// reconciliation needs: which interchange (UCI 0020), groups (UCF 0048) and messages
// (UCM 0062 + S009) of ours it answers, the actions and codes, UCS/UCD as SegmentError/
// ElementError. A CONTRL whose structure is broken throws x12::MalformedAck naming the
// segment position and what was expected.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "formats/ack_reader.h"
#include "formats/validation.h"
#include "formats/x12.h"

namespace edihub::edifact {

inline constexpr std::string_view kContrl = "CONTRL";

// 0083 action codes.
inline constexpr std::string_view kAcknowledged = "7";  // this level and lower levels not rejected
inline constexpr std::string_view kRejected = "4";      // this level and all lower levels rejected
inline constexpr std::string_view kReceived = "8";      // interchange received (not checked)

struct ContrlEnvelope {
  std::string date;                   // CCYYMMDD (written as YYMMDD in syntax 3)
  std::string time;                   // HHMM
  std::string interchange_reference;  // our UNB 0020
  std::string message_reference;      // our UNH 0062
  std::string suffix;                 // after each terminator, e.g. "\n"
  // Our UNB S002 / their S003 when set; else the ids their UNB addressed / came from.
  std::string our_id, our_qualifier, their_id, their_qualifier;
};

// The complete CONTRL interchange answering `partner` (header.standard Edifact); "" when
// there is nothing to answer (only CONTRL messages). Throws std::invalid_argument when an
// envelope value of the caller's does not fit.
std::string build_contrl(const x12::InterchangeResult& partner, const ContrlEnvelope& envelope);

// The segments between UNH and UNT of that CONTRL (unescaped values; the same in syntax 3 and 4).
std::vector<x12::Segment> contrl_body(const x12::InterchangeResult& partner);

// Whether the interchange holds anything a CONTRL answers (a message other than CONTRL,
// or an envelope verdict).
bool contrl_answers(const x12::InterchangeResult& partner);

// A UCM: the partner's verdict on one of our messages.
struct MessageAck {
  std::string reference;      // 0062: our UNH 0062
  std::string type;           // S009/0065
  std::string version;        // S009 0052+0054, e.g. "D96A"
  std::string group_reference;  // UCF 0048 it stands under; "" directly under the UCI
  std::string action;         // 0083
  std::string error;          // 0085 ("" when none)
  std::string service_segment;  // 0013 (UNH, UNT) when the fault is in the envelope
  std::vector<x12::SegmentError> segments;  // UCS (code = 0085, position = 0096) with UCD as elements
  bool rejected() const { return action == kRejected; }
};

// A UCF: the partner's verdict on one of our groups.
struct GroupAck {
  std::string reference;      // 0048: our UNG 0048
  std::string action, error, service_segment;
  bool rejected() const { return action == kRejected; }
};

// One CONTRL message.
struct ContrlAck {
  std::string control_number;         // UNH 0062 of the CONTRL itself
  std::string interchange_reference;  // UCI 0020: our UNB 0020
  std::string sender_id, recipient_id;  // UCI S002/0004, S003/0010: our UNB's
  std::string action, error, service_segment;  // UCI 0083, 0085, 0013
  std::vector<GroupAck> groups;
  std::vector<MessageAck> messages;
  bool rejected() const { return action == kRejected; }
  bool received_only() const { return action == kReceived; }
};

// Reads a CONTRL message. Throws x12::MalformedAck.
ContrlAck read_contrl(const x12::TransactionSet& set);
// The action a message of ours gets: its UCM's, else (not listed) its UCF's or the UCI's
// when that rejects everything below it, else acknowledged.
std::string_view message_action(const ContrlAck& ack, std::string_view reference, std::string_view group_reference = "");

// e.g. "UCI 42 7: 1 of 2 message(s) rejected; 2 ORDERS 4 (UCS 3 code 13; UCS 5 [0098 2:1 code 12])"
std::string describe(const ContrlAck& ack);

}  // namespace edihub::edifact
