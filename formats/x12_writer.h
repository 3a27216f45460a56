// X12 writer: serializes segments with any delimiters, translating component and
// repetition separators inside elements from the source interchange's to the target's.
// Pure: appends to a string the caller owns.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "formats/x12.h"

namespace edihub::x12 {

class Writer {
 public:
  // `target` are the delimiters written; `suffix` follows every terminator (e.g. "\n" for
  // readable output when the terminator is not itself a newline).
  explicit Writer(std::string& out, Delimiters target, std::string suffix = "");

  // Writes a segment whose elements use `source` delimiters for components/repetitions.
  void segment(const SegmentView& seg, const Delimiters& source);
  void segment(const Segment& seg, const Delimiters& source);
  // Writes a segment built by the caller (elements already in target delimiters).
  void segment(std::string_view tag, const std::vector<std::string>& elements);

 private:
  std::string& out_;
  Delimiters target_;
  std::string suffix_;
};

// One line of `edihub parse --segments`: elements joined by '*', components by ':',
// repetitions by '^'; the ISA's 16 elements exactly as they stand. No terminator.
std::string canonical_line(const SegmentView& seg);

}  // namespace edihub::x12
