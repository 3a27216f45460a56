// Streaming X12 reader: bytes go in, in chunks of any size; segments come out through a
// handler. Delimiters are taken from each ISA. Memory is bounded by the longest segment,
// never by the file. Tolerated on purpose (all seen in real partner files): a UTF-8 BOM,
// CR/LF/space/tab between segments, a terminator that is CR LF, LF or a multi-byte UTF-8
// character, a last IEA without its terminator, several interchanges in one file.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "formats/x12.h"

namespace edihub::x12 {

class SegmentHandler {
 public:
  virtual ~SegmentHandler() = default;
  virtual void on_segment(const SegmentView& segment) = 0;
};

// Unusable input: empty, not X12, binary, a truncated or malformed ISA. `validate`
// exits 2 on it. Positions are where the reader stopped understanding the input.
class UnusableInput : public std::runtime_error {
 public:
  UnusableInput(const std::string& what, std::uint64_t segment, std::uint64_t byte_offset)
      : std::runtime_error(what), segment(segment), byte_offset(byte_offset) {}
  std::uint64_t segment;
  std::uint64_t byte_offset;
};

class Reader {
 public:
  explicit Reader(SegmentHandler& handler);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Feeds the next bytes of the file; calls the handler for every complete segment.
  void feed(std::string_view bytes);
  // End of input: delivers a last segment that had no terminator. Throws UnusableInput
  // when the input held no interchange at all.
  void finish();

  std::uint64_t segments_read() const;
  std::uint64_t bytes_read() const;

 private:
  struct State;
  State* state_;
};

}  // namespace edihub::x12
