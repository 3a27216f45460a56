#include "formats/x12_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <vector>

#include "formats/segment_carry.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace edihub::x12 {

namespace {

// Longest segment and most elements accepted: a file without its terminator would
// otherwise be buffered whole.
constexpr std::size_t kMaxSegmentBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxElements = 1024;

// The ISA runs from "ISA" through ISA16 in 105 characters; the terminator follows.
constexpr std::size_t kIsaTerminatorAt = 105;
constexpr std::size_t kIsaLength = 106;

// Fixed layout of ISA01..ISA16: first character and width of each element.
struct IsaField {
  std::size_t at;
  std::size_t width;
};
constexpr std::array<IsaField, 16> kIsaFields{{{4, 2},   {7, 10},  {18, 2},  {21, 10},
                                                {32, 2},  {35, 15}, {51, 2},  {54, 15},
                                                {70, 6},  {77, 4},  {82, 1},  {84, 5},
                                                {90, 9},  {100, 1}, {102, 1}, {104, 1}}};


bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
// A character that can serve as a delimiter: printable ASCII, not a letter or digit.
bool is_delimiter_char(char c) { return c > ' ' && c < 0x7f && !is_alnum(c); }

// Bytes in a UTF-8 sequence starting with `lead`; 0 when `lead` cannot start one.
std::size_t utf8_length(unsigned char lead) {
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

std::string describe(char c) {
  if (c == '\n') return "LF";
  if (c == '\r') return "CR";
  if (c >= ' ' && c < 0x7f) return std::string("'") + c + "'";
  char hex[16];
  std::snprintf(hex, sizeof hex, "byte 0x%02X", static_cast<unsigned char>(c));
  return hex;
}

std::string describe(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    if (c >= ' ' && c < 0x7f && c != '"' && c != '\\') {
      out += c;
    } else {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out + "\"";
}

std::string isa_element_name(std::size_t index) {
  return (index < 9 ? "ISA0" : "ISA") + std::to_string(index + 1);
}

}  // namespace

struct Reader::State {
  explicit State(SegmentHandler& h) : handler(h) {}

  SegmentHandler& handler;
  Delimiters delimiters;
  bool in_x12 = false;          // an ISA was read, so delimiters are known
  std::string carry;            // an incomplete segment, kept until the next feed
  std::uint64_t consumed = 0;   // file offset of the first byte not yet consumed
  std::uint64_t fed = 0;
  std::uint64_t segments = 0;
  // Tag and elements of the current segment: allocated once, never per segment.
  std::vector<std::string_view> fields = std::vector<std::string_view>(kMaxElements + 1);
  std::size_t field_count = 0;

  std::size_t consume(std::string_view data, bool final);
  std::size_t read_isa(const char* isa, std::size_t available, bool final, std::uint64_t offset);
  const char* split(const char* segment, const char* end, bool to_end, std::uint64_t offset);
  void deliver(const char* segment, const char* end, std::uint64_t offset);
  [[noreturn, gnu::noinline, gnu::cold]] void too_many_elements(std::uint64_t offset) const;
  [[noreturn]] void fail(const std::string& what, std::uint64_t offset) const {
    throw UnusableInput(what, segments + 1, offset);
  }
};

// Delivers every complete segment in `data` (which starts at file offset `consumed`) and
// returns how many bytes were used. With `final`, the rest is a last unterminated segment.
std::size_t Reader::State::consume(std::string_view data, bool final) {
  const char* const base = data.data();
  const std::size_t size = data.size();
  std::size_t p = 0;
  if (consumed == 0) {  // a UTF-8 BOM may open the file
    const auto start = formats::after_bom(data, final);
    if (!start) return 0;
    p = *start;
  }
  for (;;) {
    // Tags never start with whitespace, so CR/LF/space/tab here is layout, never data.
    while (p < size && is_space(base[p])) ++p;
    const std::size_t available = size - p;
    if (available == 0 || (available < 4 && !final)) break;  // 4 bytes tell an ISA apart
    const char* seg = base + p;
    const std::uint64_t offset = consumed + p;
    if (available >= 3 && std::memcmp(seg, "ISA", 3) == 0 && (available == 3 || !is_alnum(seg[3]))) {
      std::size_t length = read_isa(seg, available, final, offset);
      if (length == 0) break;
      p += length;
      continue;
    }
    if (!in_x12) {
      fail("not X12: expected an interchange starting with \"ISA\" and an element separator at byte " +
               std::to_string(offset) + ", found " + describe(data.substr(p, 4)),
           offset);
    }
    const char* terminator = split(seg, base + size, false, offset);
    if (terminator == nullptr) {
      if (final) {  // the last segment may lack its terminator (a bare IEA at the end)
        std::size_t length = available;
        while (is_space(seg[length - 1])) --length;  // available > 0 and seg[0] is not space
        deliver(seg, split(seg, seg + length, true, offset), offset);
        p = size;
      }
      break;
    }
    deliver(seg, terminator, offset);
    p = static_cast<std::size_t>(terminator - base) + delimiters.segment.size();
  }
  consumed += p;
  return p;
}

// Reads an ISA from its fixed layout and takes the interchange's delimiters from it.
// Returns the bytes used (through the terminator), or 0 when more input is needed.
std::size_t Reader::State::read_isa(const char* isa, std::size_t available, bool final,
                                    std::uint64_t offset) {
  if (available < kIsaLength && !final) return 0;
  const char separator = isa[3];
  const std::string where = "ISA segment at byte " + std::to_string(offset) + " is not fixed-width: ";
  // Every character up to ISA16 must be the separator exactly between fields, and
  // printable data and never the separator inside them.
  std::size_t field = 0;
  const std::size_t checked = std::min(available, kIsaTerminatorAt);
  for (std::size_t i = 4; i < checked; ++i) {
    if (field + 1 < kIsaFields.size() && i >= kIsaFields[field + 1].at) ++field;
    const IsaField& f = kIsaFields[field];
    const bool between = i == f.at + f.width;
    if (between && isa[i] != separator) {
      fail(where + "expected the element separator " + describe(separator) + " at position " +
               std::to_string(i) + " after " + isa_element_name(field) + " (" +
               std::to_string(f.width) + " characters), found " + describe(isa[i]),
           offset + i);
    }
    const auto byte = static_cast<unsigned char>(isa[i]);
    if (!between && (isa[i] == separator || byte < ' ' || byte >= 0x7f)) {
      fail(where + "found " + describe(isa[i]) + " at position " + std::to_string(i) + " inside " +
               isa_element_name(field) + " (" + std::to_string(f.width) +
               " characters from position " + std::to_string(f.at) + ")",
           offset + i);
    }
  }
  if (available < kIsaLength) {
    fail("input ends inside the ISA segment at byte " + std::to_string(offset) + " after " +
             std::to_string(available) + " of " + std::to_string(kIsaLength) + " characters",
         offset + available);
  }

  // The terminator: one character, a multi-byte UTF-8 character, or CR LF.
  const char first = isa[kIsaTerminatorAt];
  std::size_t terminator_length = 1;
  if (first == '\r') {
    if (available == kIsaLength && !final) return 0;  // is LF next?
    if (available > kIsaLength && isa[kIsaLength] == '\n') terminator_length = 2;
  } else if (static_cast<unsigned char>(first) >= 0x80) {
    terminator_length = utf8_length(static_cast<unsigned char>(first));
    if (terminator_length == 0) {
      fail("ISA segment terminator at position 105 is " + describe(first) +
               ", which does not start a UTF-8 character",
           offset + kIsaTerminatorAt);
    }
    if (available < kIsaTerminatorAt + terminator_length) {
      if (!final) return 0;
      fail("input ends inside the ISA segment terminator at byte " + std::to_string(offset + kIsaTerminatorAt),
           offset + available);
    }
    for (std::size_t i = 1; i < terminator_length; ++i) {
      if ((static_cast<unsigned char>(isa[kIsaTerminatorAt + i]) & 0xC0) != 0x80) {
        fail("ISA segment terminator at position 105 is not a valid UTF-8 character",
             offset + kIsaTerminatorAt + i);
      }
    }
  }

  Delimiters found;
  found.element = separator;
  found.component = isa[104];
  found.segment.assign(isa + kIsaTerminatorAt, terminator_length);
  const char standards = isa[82];  // ISA11: a repetition separator from version 00402 on
  if (std::string_view(isa + 84, 5) >= "00402" && is_delimiter_char(standards)) {
    found.repetition = standards;
  }
  if (!is_delimiter_char(found.component) || found.component == separator) {
    fail("ISA16 component element separator " + describe(found.component) +
             " is not usable (a letter, a digit, blank, or the element separator)",
         offset + 104);
  }
  if (is_alnum(first) || first == ' ' || first == separator || first == found.component) {
    fail("ISA segment terminator " + describe(first) +
             " is not usable (a letter, a digit, blank, or another delimiter)",
         offset + kIsaTerminatorAt);
  }
  if (found.repetition != 0 && (found.repetition == found.component || found.repetition == first)) {
    fail("ISA11 repetition separator " + describe(found.repetition) +
             " is also the component separator or the segment terminator",
         offset + 82);
  }
  delimiters = std::move(found);
  in_x12 = true;

  fields[0] = std::string_view(isa, 3);
  field_count = 1;
  for (const IsaField& f : kIsaFields) fields[field_count++] = std::string_view(isa + f.at, f.width);
  deliver(isa, isa + kIsaTerminatorAt, offset);
  return kIsaTerminatorAt + terminator_length;
}

// Splits the segment at `segment` into tag and elements in one pass and returns where
// its terminator starts; nullptr when [segment, end) holds no complete terminator yet.
// With `to_end`, `end` closes the segment instead. Scans at most one segment of the
// longest length accepted, so the outcome never depends on how the input was chunked.
const char* Reader::State::split(const char* segment, const char* end, bool to_end, std::uint64_t offset) {
  const char separator = delimiters.element;
  const std::string& terminator = delimiters.segment;
  const char first = terminator[0];
  const std::size_t rest = terminator.size() - 1;
  const char* const stop = static_cast<std::size_t>(end - segment) > kMaxSegmentBytes + terminator.size()
                               ? segment + kMaxSegmentBytes + terminator.size()
                               : end;
  // Locals rather than members in the hot loop, so they stay in registers.
  std::string_view* const out = fields.data();
  std::size_t count = 0;
  const char* field = segment;
  const char* found = nullptr;
  // At a separator or a terminator's first byte: true when the scan is over (`found` set,
  // or left null when the terminator may continue in the next chunk).
  auto at_candidate = [&](const char* at) {
    if (*at == separator) {
      if (count == kMaxElements) {
        field_count = count;
        too_many_elements(offset);
      }
      out[count++] = std::string_view(field, static_cast<std::size_t>(at - field));
      field = at + 1;
      return false;
    }
    const auto left = static_cast<std::size_t>(stop - at);
    if (rest == 0 || (left > rest && std::memcmp(at + 1, terminator.data() + 1, rest) == 0)) {
      found = at;
      return true;
    }
    return left <= rest && !to_end;
  };
  auto finish_at = [&](const char* field_end) {
    out[count++] = std::string_view(field, static_cast<std::size_t>(field_end - field));
    field_count = count;
    return field_end;
  };
  const char* p = segment;
#if defined(__SSE2__)
  // 16 bytes at a time: one compare finds every separator and terminator candidate.
  const __m128i separators = _mm_set1_epi8(separator), terminators = _mm_set1_epi8(first);
  for (; stop - p >= 16; p += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(block, separators), _mm_cmpeq_epi8(block, terminators))));
    for (; mask != 0; mask &= mask - 1) {
      if (at_candidate(p + __builtin_ctz(mask))) return found ? finish_at(found) : nullptr;
    }
  }
#endif
  for (; p < stop; ++p) {
    if ((*p == separator || *p == first) && at_candidate(p)) return found ? finish_at(found) : nullptr;
  }
  if (static_cast<std::size_t>(stop - segment) > kMaxSegmentBytes + rest) deliver(segment, stop, offset);  // throws
  return to_end ? finish_at(end) : nullptr;
}

void Reader::State::too_many_elements(std::uint64_t offset) const {
  fail("segment " + std::string(fields[0].substr(0, 16)) + " at byte " + std::to_string(offset) + " has more than " +
           std::to_string(kMaxElements) + " elements",
       offset);
}

// Hands the split segment to the handler; `end` is where its terminator starts.
void Reader::State::deliver(const char* segment, const char* end, std::uint64_t offset) {
  if (end == segment) return;  // two terminators in a row: nothing to deliver
  if (static_cast<std::size_t>(end - segment) > kMaxSegmentBytes) {
    fail("segment at byte " + std::to_string(offset) + " is longer than " + std::to_string(kMaxSegmentBytes) +
             " bytes without a segment terminator " + describe(delimiters.segment),
         offset);
  }
  const SegmentView view{fields[0], std::span<const std::string_view>(fields.data() + 1, field_count - 1), ++segments,
                         offset, &delimiters};
  handler.on_segment(view);
}

Reader::Reader(SegmentHandler& handler) : state_(new State(handler)) {}
Reader::~Reader() { delete state_; }

void Reader::feed(std::string_view bytes) {
  State& s = *state_;
  s.fed += bytes.size();
  formats::feed_chunk(s.carry, bytes, [&](std::string_view data, bool final) { return s.consume(data, final); });
}

void Reader::finish() {
  State& s = *state_;
  s.consume(s.carry, true);
  s.carry.clear();
  if (!s.in_x12) {
    throw UnusableInput(s.fed == 0 ? "empty input" : "no interchange: the input holds only blanks",
                        0, s.fed);
  }
}

std::uint64_t Reader::segments_read() const { return state_->segments; }
std::uint64_t Reader::bytes_read() const { return state_->fed; }

}  // namespace edihub::x12
