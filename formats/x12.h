// X12 vocabulary shared by the reader, the envelope checker, the writer and the mappings:
// delimiters, a segment seen while streaming (views, valid during one callback) and an
// owned segment / transaction set for later evaluation. Pure: no I/O.
//
// The same model holds UN/EDIFACT: an interchange (UNB), a functional group (UNG, or the
// implicit group of messages standing directly in the interchange) and a message (UNH..UNT)
// as a TransactionSet. formats/edifact.h says which field holds which EDIFACT value, and
// how EDIFACT values are held (unescaped, composites split by a reserved control character).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace edihub::x12 {

// The four delimiters an interchange declares in its ISA.
struct Delimiters {
  char element = '*';
  char component = ':';
  char repetition = 0;        // 0: none (ISA12 below 00402, or ISA11 is 'U')
  std::string segment = "~";  // 1-4 bytes: "~", "\n", "\r\n", a multi-byte UTF-8 character
  char release = 0;           // EDIFACT only: the release character (UNA6, default '?'); 0: none
  char decimal = 0;           // EDIFACT only: the decimal mark (UNA3, '.' or ','); 0 in X12
  bool operator==(const Delimiters&) const = default;
};

// Splits one element into its components (ISA16) or its repetitions (ISA11).
std::vector<std::string_view> split(std::string_view element, char separator);

// One segment as the reader streams it. Views point into the reader's buffer and are
// valid only until the handler returns.
struct SegmentView {
  std::string_view tag;                          // "ISA", "BSN", ...
  std::span<const std::string_view> elements;    // elements[0] is XX01
  std::uint64_t number = 0;                      // 1-based segment number in the file
  std::uint64_t byte_offset = 0;                 // offset of the tag's first byte in the file
  const Delimiters* delimiters = nullptr;        // of the interchange this segment belongs to

  // 1-based element access (element(1) is XX01); empty when absent.
  std::string_view element(std::size_t n) const {
    return n >= 1 && n <= elements.size() ? elements[n - 1] : std::string_view{};
  }
};

// An owned copy of a segment, kept after the reader moved on.
struct Segment {
  std::string tag;
  std::vector<std::string> elements;   // elements[0] is XX01; raw text, components unsplit
  std::uint64_t number = 0;            // 1-based segment number in the file
  std::uint32_t position = 0;          // position in its transaction set, ST = 1

  std::string_view element(std::size_t n) const {
    return n >= 1 && n <= elements.size() ? std::string_view(elements[n - 1]) : std::string_view{};
  }
};

Segment to_owned(const SegmentView& view, std::uint32_t position = 0);

enum class Standard { X12, Edifact };

// The envelope a transaction set was found in.
struct InterchangeHeader {
  Standard standard = Standard::X12;
  std::string syntax_identifier;  // EDIFACT UNB S001/0001, e.g. "UNOC"; empty for X12
  std::vector<std::string> isa;  // ISA01..ISA16 exactly as they stand (padding kept)
  Delimiters delimiters;
  std::string sender_qualifier;  // ISA05, trimmed
  std::string sender_id;         // ISA06, trimmed
  std::string receiver_qualifier;
  std::string receiver_id;
  std::string date;              // ISA09 YYMMDD
  std::string time;              // ISA10 HHMM
  std::string version;           // ISA12
  std::string control_number;    // ISA13
  bool ack_requested = false;    // ISA14 == "1"
  std::string usage;             // ISA15
  std::uint64_t segment_number = 0;
  std::uint64_t byte_offset = 0;
};

struct GroupHeader {
  std::string functional_id;   // GS01
  std::string sender;          // GS02
  std::string receiver;        // GS03
  std::string date;            // GS04
  std::string time;            // GS05
  std::string control_number;  // GS06
  std::string agency;          // GS07
  std::string version;         // GS08, e.g. 004010, 005010X231A1
  std::uint64_t segment_number = 0;
  std::string declared_sets;   // GE01 as sent, known once the GE was read (AK902)
  bool implicit = false;       // EDIFACT: no UNG; the messages stand directly in the interchange
};

// One transaction set, ST through SE inclusive, with the delimiters needed to split
// components and repetitions of its elements.
struct TransactionSet {
  std::string id;              // ST01
  std::string control_number;  // ST02
  std::string convention;      // ST03 (005010 on); EDIFACT: UNH S009/0057 association code, e.g. "EAN008"
  std::string message_version; // EDIFACT only: UNH S009 version and release, e.g. "D96A"
  std::vector<Segment> segments;
  Delimiters delimiters;
  std::uint64_t first_segment = 0;  // segment number of the ST in the file
  std::uint64_t bytes = 0;          // size from ST through SE as received
  bool truncated = false;           // larger than the reader's limit: segments past it were not copied
};

}  // namespace edihub::x12
