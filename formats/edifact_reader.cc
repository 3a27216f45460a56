#include "formats/edifact_reader.h"

#include "formats/x12_reader.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "formats/edifact.h"
#include "formats/segment_carry.h"

namespace edihub::edifact {

namespace {

// Longest segment and most elements accepted: a file without its terminator would
// otherwise be buffered whole.
constexpr std::size_t kMaxSegmentBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxElements = 1024;
// "UNA" and its six service characters.
constexpr std::size_t kUnaLength = 9;
// Held in place of kComponent or kRepetition found in data: a control character the
// validator reports, never a separator.
constexpr char kSubstitute = '\x1A';

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
// A character that can serve as a separator: printable ASCII, not a letter, digit or blank.
bool is_separator_char(char c) { return c > ' ' && c < 0x7f && !is_alnum(c); }

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

// The UNA's six positions, as ISO 9735 names them.
constexpr std::array<std::string_view, 6> kUnaNames{"component data element separator", "data element separator",
                                                    "decimal mark", "release character",
                                                    "repetition separator", "segment terminator"};

}  // namespace

struct Reader::State {
  explicit State(x12::SegmentHandler& h) : handler(h) { use(default_delimiters(4)); }

  x12::SegmentHandler& handler;
  x12::Delimiters declared;     // of the current interchange, as the UNA (or the defaults) said
  std::array<bool, 256> special{};  // bytes the unescaping loop must look at
  bool una_pending = false;     // a UNA was read and its UNB not yet
  bool in_edifact = false;      // a UNB was read
  bool repetitions = false;     // syntax 4 with a repetition separator: split repetitions
  std::string carry;            // an incomplete segment, kept until the next feed
  std::uint64_t consumed = 0;   // file offset of the first byte not yet consumed
  std::uint64_t fed = 0;
  std::uint64_t segments = 0;
  // The current segment unescaped, and where each of its fields ends in it.
  std::string text;
  std::vector<std::size_t> ends;
  std::vector<std::string_view> fields = std::vector<std::string_view>(kMaxElements + 1);

  void use(const x12::Delimiters& delimiters);
  std::size_t consume(std::string_view data, bool final);
  void read_una(const char* una, std::uint64_t offset);
  const char* find_terminator(const char* segment, const char* end) const;
  void deliver(const char* segment, const char* end, std::uint64_t offset);
  [[noreturn]] void fail(const std::string& what, std::uint64_t offset) const {
    throw x12::UnusableInput(what, segments + 1, offset);
  }
};

void Reader::State::use(const x12::Delimiters& delimiters) {
  declared = delimiters;
  special.fill(false);
  for (char c : {declared.element, declared.component, declared.release, declared.repetition, kComponent, kRepetition}) {
    if (c != 0) special[static_cast<unsigned char>(c)] = true;
  }
}

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
    if (available == 0 || (available < 4 && !final)) break;  // 4 bytes tell a UNA or UNB apart
    const char* seg = base + p;
    const std::uint64_t offset = consumed + p;
    const std::string_view head(seg, std::min<std::size_t>(available, 4));
    if (head.starts_with("UNA")) {
      if (available < kUnaLength) {
        if (!final) break;
        fail("input ends inside the UNA service string advice at byte " + std::to_string(offset) + " after " +
                 std::to_string(available) + " of " + std::to_string(kUnaLength) + " characters",
             offset + available);
      }
      read_una(seg, offset);
      p += kUnaLength;
      continue;
    }
    const bool unb = head.starts_with("UNB");
    if (unb && !una_pending) use(default_delimiters(4));  // an interchange without UNA: the defaults
    if (!in_edifact || una_pending) {
      if (!unb || head.size() < 4 || head[3] != declared.element) {
        fail(std::string(una_pending ? "expected the UNB interchange header after the UNA"
                                     : "not EDIFACT: expected an interchange starting with \"UNA\" or \"UNB\"") +
                 " and the element separator '" + declared.element + "' at byte " + std::to_string(offset) +
                 ", found " + describe(head),
             offset);
      }
    }
    const char* end = find_terminator(seg, base + size);
    if (end == nullptr) {
      if (available > kMaxSegmentBytes) {
        fail("segment at byte " + std::to_string(offset) + " is longer than " + std::to_string(kMaxSegmentBytes) +
                 " bytes without a segment terminator " + describe(declared.segment),
             offset);
      }
      if (!final) break;
      std::size_t length = available;  // the last segment may lack its terminator
      while (is_space(seg[length - 1])) --length;  // seg[0] is not space
      deliver(seg, seg + length, offset);
      p = size;
      break;
    }
    deliver(seg, end, offset);
    p = static_cast<std::size_t>(end - base) + 1;
  }
  consumed += p;
  return p;
}

// Reads the six service characters after "UNA"; they apply to the UNB that follows.
void Reader::State::read_una(const char* una, std::uint64_t offset) {
  const std::string_view chars(una + 3, 6);
  const auto bad = [&](std::size_t at, const std::string& why) {
    fail("malformed UNA at byte " + std::to_string(offset) + ": UNA" + std::to_string(at + 1) + " " +
             std::string(kUnaNames[at]) + " " + describe(chars.substr(at, 1)) + " " + why,
         offset + 3 + at);
  };
  x12::Delimiters found;
  found.component = chars[0];
  found.element = chars[1];
  found.decimal = chars[2];
  found.release = chars[3] == ' ' ? '\0' : chars[3];  // blank: no release character (syntax 4)
  found.repetition = chars[4] == ' ' ? '\0' : chars[4];  // blank: reserved (syntax 3)
  found.segment = std::string(1, chars[5]);
  for (std::size_t at : {0, 1, 3, 4, 5}) {
    const char c = chars[at];
    const bool blank_allowed = at == 3 || at == 4;
    const bool line_end_allowed = at == 5;  // some partners end segments with CR or LF
    if (!(is_separator_char(c) || (blank_allowed && c == ' ') || (line_end_allowed && (c == '\n' || c == '\r')))) {
      bad(at, "is not usable (expected a printable character that is not a letter, a digit or blank)");
    }
    for (std::size_t other : {0, 1, 3, 4, 5}) {
      if (other < at && c != ' ' && chars[other] == c) bad(at, "is also the " + std::string(kUnaNames[other]));
    }
  }
  if (found.decimal != '.' && found.decimal != ',') bad(2, "is not usable (expected '.' or ',')");
  use(found);
  una_pending = true;
  text.assign(chars);
  fields[0] = std::string_view(una, 3);
  fields[1] = text;
  const x12::SegmentView view{fields[0], std::span<const std::string_view>(fields.data() + 1, 1), ++segments, offset,
                              &unescaped_delimiters()};
  handler.on_segment(view);
}

// Where the segment at `segment` ends: its first terminator not preceded by an odd
// number of release characters. nullptr when [segment, end) holds none yet.
const char* Reader::State::find_terminator(const char* segment, const char* end) const {
  const char terminator = declared.segment.front();
  const char release = declared.release;
  for (const char* from = segment; from < end;) {
    const auto* at = static_cast<const char*>(std::memchr(from, terminator, static_cast<std::size_t>(end - from)));
    if (at == nullptr) return nullptr;
    std::size_t releases = 0;
    for (const char* r = at; release != 0 && r > segment && r[-1] == release; --r) ++releases;
    if (releases % 2 == 0) return at;
    from = at + 1;
  }
  return nullptr;
}

// Unescapes and splits the segment [segment, end) and hands it to the handler.
void Reader::State::deliver(const char* segment, const char* end, std::uint64_t offset) {
  if (end == segment) return;  // two terminators in a row: nothing to deliver
  const auto length = static_cast<std::size_t>(end - segment);
  if (length > kMaxSegmentBytes) {
    fail("segment at byte " + std::to_string(offset) + " is longer than " + std::to_string(kMaxSegmentBytes) +
             " bytes",
         offset);
  }
  // The UNB's own elements never repeat; its syntax version says whether later ones may.
  const bool unb = length >= 4 && std::memcmp(segment, "UNB", 3) == 0 && segment[3] == declared.element;
  const bool split_repetitions = repetitions && !unb;
  const auto put = [this](char c) { text += c == kComponent || c == kRepetition ? kSubstitute : c; };
  text.clear();
  ends.clear();
  for (std::size_t i = 0; i < length;) {
    std::size_t j = i;
    while (j < length && !special[static_cast<unsigned char>(segment[j])]) ++j;
    text.append(segment + i, j - i);
    if (j == length) break;
    const char c = segment[j];
    i = j + 1;
    if (c == declared.release) {
      if (i < length) put(segment[i++]);
      else text += c;  // a release character with nothing after it is kept as sent
    } else if (c == declared.element) {
      if (ends.size() == kMaxElements) {
        fail("segment " + describe(std::string_view(text).substr(0, 16)) + " at byte " + std::to_string(offset) +
                 " has more than " + std::to_string(kMaxElements) + " elements",
             offset);
      }
      ends.push_back(text.size());
    } else if (c == declared.component) {
      text += kComponent;
    } else if (c == declared.repetition) {
      text += split_repetitions ? kRepetition : c;
    } else {
      put(c);
    }
  }
  ends.push_back(text.size());
  std::size_t start = 0;
  for (std::size_t i = 0; i < ends.size(); ++i) {
    fields[i] = std::string_view(text).substr(start, ends[i] - start);
    start = ends[i];
  }
  // A syntax-4 tag may carry nested indicators as components; the tag is the first.
  std::string_view tag = fields[0].substr(0, fields[0].find(kComponent));
  if (tag.size() != 3 || !std::all_of(tag.begin(), tag.end(), is_alnum)) {
    fail("segment at byte " + std::to_string(offset) + " has the tag " + describe(tag.substr(0, 16)) +
             ": not an EDIFACT segment tag (three letters or digits)",
         offset);
  }
  fields[0] = tag;
  if (unb) {
    const std::string_view s001 = ends.size() > 1 ? fields[1] : std::string_view{};
    const std::size_t mark = s001.find(kComponent);
    const std::string_view version = mark == std::string_view::npos ? std::string_view{} : s001.substr(mark + 1);
    repetitions = version.substr(0, version.find(kComponent)) == "4" && declared.repetition != 0;
    in_edifact = true;
    una_pending = false;
  }
  const x12::SegmentView view{fields[0], std::span<const std::string_view>(fields.data() + 1, ends.size() - 1),
                              ++segments, offset, &unescaped_delimiters()};
  handler.on_segment(view);
}

Reader::Reader(x12::SegmentHandler& handler) : state_(new State(handler)) {}
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
  if (!s.in_edifact) {
    throw x12::UnusableInput(s.fed == 0 ? "empty input"
                             : s.una_pending ? "no interchange: a UNA without the UNB it announces"
                                             : "no interchange: the input holds only blanks",
                             s.segments + 1, s.fed);
  }
}

std::uint64_t Reader::segments_read() const { return state_->segments; }
std::uint64_t Reader::bytes_read() const { return state_->fed; }
std::size_t Reader::buffered_capacity() const {
  const State& s = *state_;
  return s.carry.capacity() + s.text.capacity() + s.ends.capacity() * sizeof(std::size_t);
}

void read_any(std::string_view bytes, x12::SegmentHandler& handler) {
  auto read = [&](auto&& reader) {
    reader.feed(bytes);
    reader.finish();
  };
  if (looks_like_edifact(bytes)) read(Reader(handler));
  else read(x12::Reader(handler));
}

}  // namespace edihub::edifact
