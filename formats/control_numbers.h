// A set of control numbers seen (GS06 in an interchange, ST02 in a group) for duplicate
// checks, compact enough for a group of a million sets: a number of up to 18 digits is
// kept as one 64-bit word (its value and its length, so "0001" and "1" stay distinct) in an
// open-addressing table; anything else as a string. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace edihub::x12 {

class ControlNumberSet {
 public:
  // True when `number` was not in the set yet (it is now).
  bool insert(std::string_view number);
  void clear();

 private:
  bool insert_word(std::uint64_t word);
  std::vector<std::uint64_t> slots_;  // 0 = empty; a power of two in size, at most half full
  std::size_t used_ = 0;
  std::unordered_set<std::string> others_;
};

}  // namespace edihub::x12
