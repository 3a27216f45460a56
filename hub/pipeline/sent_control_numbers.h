// The highest control numbers (ISA13, GS06, ST02) in the X12 files we sent, per partner
// and counter kind (ISA, GS, ST, as Index::next_control_number keeps them): the outbound
// counters must be past them, or a number goes out twice. `archive verify` checks the
// counters against them, `archive rebuild` raises the counters to them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "archive/index.h"

namespace edihub::hub {

struct SentNumber {
  std::uint64_t value = 0;
  std::int64_t file_id = 0;  // the outbound file it was sent in
  std::string file_name;
};

class SentControlNumbers {
 public:
  // Adds the numbers in `bytes`, the content of `file` (direction out). Bytes that are not
  // X12 and control numbers that are not numeric add nothing.
  void add(const archive::FileRecord& file, const std::string& bytes);
  // (partner, kind) -> highest number sent.
  const std::map<std::pair<std::string, std::string>, SentNumber>& highest() const { return highest_; }

 private:
  void note(const archive::FileRecord& file, const std::string& kind, const std::string& number);
  std::map<std::pair<std::string, std::string>, SentNumber> highest_;
};

// "ISA13", "GS06", "ST02": the element a counter kind numbers.
std::string control_element(const std::string& kind);

}  // namespace edihub::hub
