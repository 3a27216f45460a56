#include "formats/x12_writer.h"

#include <stdexcept>

namespace edihub::x12 {

namespace {

// ISA11 and ISA16 hold the interchange's own repetition and component separators.
constexpr std::size_t kIsa11 = 10, kIsa16 = 15;

[[noreturn]] void reject(std::string_view tag, std::size_t index, const std::string& why) {
  throw std::invalid_argument("cannot write " + std::string(tag) + (index + 1 < 10 ? "0" : "") +
                              std::to_string(index + 1) + ": " + why);
}

// Appends one element, mapping the source's component and repetition separators to the
// target's. Data that would read as a target delimiter cannot be written (X12 has no
// escape), nor repetitions when the target has no repetition separator.
void append_translated(std::string& out, std::string_view tag, std::size_t index,
                       std::string_view element, const Delimiters& source, const Delimiters& target) {
  for (char c : element) {
    if (c == source.component) {
      out += target.component;
    } else if (source.repetition != 0 && c == source.repetition) {
      if (target.repetition == 0) reject(tag, index, "it has repetitions and the target has no repetition separator");
      out += target.repetition;
    } else if (c == target.element || c == target.component ||
               (source.repetition != 0 && c == target.repetition)) {
      reject(tag, index, std::string("its data contains the target delimiter '") + c + "'");
    } else {
      out += c;
    }
  }
}

// Writes tag, elements and terminator; on a rejected element nothing is written.
// Without `source` the elements are already in target delimiters and stand as they are.
template <typename Elements>
void write_segment(std::string& out, const Delimiters& target, const std::string& suffix, std::string_view tag,
                   const Elements& elements, const Delimiters* source) {
  const std::size_t start = out.size();
  try {
    out += tag;
    const bool isa = tag == "ISA";
    for (std::size_t i = 0; i < elements.size(); ++i) {
      const std::string_view element = elements[i];
      out += target.element;
      if (source && isa && i == kIsa16) {
        out += target.component;
      } else if (source && isa && i == kIsa11 && source->repetition != 0) {
        out += target.repetition != 0 ? target.repetition : 'U';
      } else if (source && !isa) {
        append_translated(out, tag, i, element, *source, target);
      } else {  // ISA fields, and elements already in target delimiters
        if (element.find(target.element) != std::string_view::npos) {
          reject(tag, i, std::string("its data contains the target element separator '") + target.element + "'");
        }
        out += element;
      }
    }
    if (out.find(target.segment, start) != std::string::npos) {
      throw std::invalid_argument("cannot write " + std::string(tag) + ": its data contains the segment terminator");
    }
  } catch (...) {
    out.resize(start);
    throw;
  }
  out += target.segment;
  out += suffix;
}

}  // namespace

Writer::Writer(std::string& out, Delimiters target, std::string suffix)
    : out_(out), target_(std::move(target)), suffix_(std::move(suffix)) {
  const char e = target_.element, c = target_.component, r = target_.repetition;
  const std::string separators = r != 0 ? std::string{e, c, r} : std::string{e, c};
  if (target_.segment.empty() || e == 0 || c == 0 || e == c || (r != 0 && (r == e || r == c)) ||
      target_.segment.find_first_of(separators) != std::string::npos) {
    throw std::invalid_argument("target delimiters must be set and distinct");
  }
}

void Writer::segment(const SegmentView& seg, const Delimiters& source) {
  write_segment(out_, target_, suffix_, seg.tag, seg.elements, &source);
}

void Writer::segment(const Segment& seg, const Delimiters& source) {
  write_segment(out_, target_, suffix_, seg.tag, seg.elements, &source);
}

void Writer::segment(std::string_view tag, const std::vector<std::string>& elements) {
  write_segment(out_, target_, suffix_, tag, elements, nullptr);
}

std::string canonical_line(const SegmentView& seg) {
  static const Delimiters kCanonical{'*', ':', '^', "\n"};
  std::string line(seg.tag);
  if (seg.tag == "ISA") {
    for (std::string_view element : seg.elements) (line += '*') += element;
    return line;
  }
  const Delimiters& source = seg.delimiters ? *seg.delimiters : kCanonical;
  for (std::string_view element : seg.elements) {
    line += '*';
    for (char c : element) {
      line += c == source.component                              ? ':'
              : source.repetition != 0 && c == source.repetition ? '^'
                                                                 : c;
    }
  }
  return line;
}

}  // namespace edihub::x12
