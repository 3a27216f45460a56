// What a trailer says against what was seen: counts (IEA01/GE01/SE01, UNZ01/UNE01/UNT01)
// and control numbers (IEA02/GE02/SE02, UNZ02/UNE02/UNT02). Shared by the X12 and the
// EDIFACT envelope checkers so both word their issues alike. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "formats/x12.h"

namespace edihub::x12 {

// `text` as a number when it is only digits (and fits); nullopt otherwise.
std::optional<std::uint64_t> to_number(std::string_view text);

// Message for a count element that disagrees with what was seen; nullopt when it agrees.
// Zero padding is allowed in counts.
std::optional<std::string> count_mismatch(std::string_view declared, std::uint64_t actual, std::string_view what);

// Message for a trailer control number that is not the header's; nullopt when identical.
// Numerically equal but padded differently (IEA02 3438 for ISA13 000003438) is still
// reported: the standards require identical values and the header's is the one acknowledged.
std::optional<std::string> control_mismatch(std::string_view trailer, std::string_view header,
                                            std::string_view header_element);

// At a set's trailer (SE, UNT): the set's size from its header through `trailer`, and
// the trailer added to the copy (`position` in the set) when one is kept (`copying`); a
// set grown past `max_set_bytes` drops its copy and is handed over truncated.
void close_set_copy(TransactionSet& set, const SegmentView& trailer, std::uint64_t set_start, std::uint32_t position,
                    std::uint64_t max_set_bytes, bool copying);

}  // namespace edihub::x12
