#include "formats/control_numbers.h"

namespace edihub::x12 {

namespace {

// value * 32 + length + 1 (never 0), or 0 when `number` is not 1..18 digits.
std::uint64_t as_word(std::string_view number) {
  if (number.empty() || number.size() > 18) return 0;
  std::uint64_t value = 0;
  for (char c : number) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value * 32 + number.size() + 1;
}

std::size_t slot_of(std::uint64_t word, std::size_t mask) {
  return static_cast<std::size_t>((word * 0x9E3779B97F4A7C15ull) >> 20) & mask;
}

}  // namespace

bool ControlNumberSet::insert(std::string_view number) {
  if (auto word = as_word(number)) return insert_word(word);
  return others_.emplace(number).second;
}

bool ControlNumberSet::insert_word(std::uint64_t word) {
  if ((used_ + 1) * 2 > slots_.size()) {
    std::vector<std::uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
    used_ = 0;
    for (auto w : old)
      if (w) insert_word(w);
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = slot_of(word, mask);; i = (i + 1) & mask) {
    if (slots_[i] == word) return false;
    if (slots_[i] == 0) {
      slots_[i] = word;
      ++used_;
      return true;
    }
  }
}

void ControlNumberSet::clear() {
  std::vector<std::uint64_t>().swap(slots_);
  used_ = 0;
  others_.clear();
}

}  // namespace edihub::x12
