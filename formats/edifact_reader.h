// Streaming UN/EDIFACT reader: bytes go in, in chunks of any size; segments come out
// unescaped (formats/edifact.h) through the same handler as X12's. Delimiters come from
// each interchange's UNA service string advice, or are the syntax defaults. Memory is
// bounded by the longest segment, never by the file. Tolerated on purpose: a UTF-8 BOM,
// CR/LF/space/tab between segments, a last segment without its terminator, several
// interchanges in one file, each with its own UNA.
//
// What the handler sees:
//   - a UNA as a segment of its own, tag "UNA", one element: the six service characters
//     as declared (component, element, decimal, release, repetition, terminator), so the
//     envelope checker knows the interchange's delimiters;
//   - every other segment unescaped, its views pointing at unescaped_delimiters();
//     repetitions are split only in syntax 4 (UNB S001/0002 is "4") when a repetition
//     separator is declared;
//   - kComponent or kRepetition in data (no EDIFACT repertoire allows them) held as SUB
//     (0x1A), a control character the validator reports, so splitting stays unambiguous.
#pragma once

#include <cstdint>
#include <string_view>

#include "formats/x12_reader.h"

namespace edihub::edifact {

class Reader {
 public:
  explicit Reader(x12::SegmentHandler& handler);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Feeds the next bytes of the file; calls the handler for every complete segment.
  // Throws x12::UnusableInput on input that is not EDIFACT (no UNA/UNB first, a
  // malformed UNA, a segment tag that is not three letters or digits: binary junk).
  void feed(std::string_view bytes);
  // End of input: delivers a last segment that had no terminator. Throws
  // x12::UnusableInput when the input held no interchange at all.
  void finish();

  std::uint64_t segments_read() const;
  std::uint64_t bytes_read() const;
  // Capacity of the reader's internal buffers: stays near the longest segment.
  std::size_t buffered_capacity() const;

 private:
  struct State;
  State* state_;
};

// Reads a whole input held in memory with the reader of its standard: this one when
// looks_like_edifact(), else X12's. Throws x12::UnusableInput like the readers.
void read_any(std::string_view bytes, x12::SegmentHandler& handler);

}  // namespace edihub::edifact
