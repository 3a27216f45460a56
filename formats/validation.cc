#include "formats/validation.h"

#include <algorithm>
#include <array>
#include <optional>

#include "formats/ack_reader.h"
#include "formats/edifact.h"
#include "formats/edifact_reader.h"

namespace edihub::x12 {

namespace {

constexpr std::size_t kMaxBadValue = 99;  // AK404 / IK404 maximum length
constexpr std::size_t kMaxElementErrors = 99;  // AK4 / IK4 per AK3 / IK3

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) { return !text.empty() && std::all_of(text.begin(), text.end(), is_digit); }

int digits_value(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

std::string two_digits(std::uint32_t n) { return n < 10 ? "0" + std::to_string(n) : std::to_string(n); }

// Messages end up in JSON (reports, exceptions): bytes that are not UTF-8 are shown as \xHH.
std::string quoted(std::string_view value) { return "'" + escape_invalid_utf8(value.substr(0, kMaxBadValue)) + "'"; }

std::string hex_byte(unsigned char byte) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 0xF];
}

bool has_code(const std::vector<std::string>& sorted_codes, std::string_view value) {
  return std::binary_search(sorted_codes.begin(), sorted_codes.end(), value,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

std::string code_list(const std::vector<std::string>& codes) {
  constexpr std::size_t kShown = 12;
  std::string list;
  for (std::size_t i = 0; i < codes.size() && i < kShown; ++i) list += (i ? ", " : "") + codes[i];
  if (codes.size() > kShown) list += ", ... (" + std::to_string(codes.size()) + " codes)";
  return list;
}

// ---- element values ----

bool printable(std::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte >= 0x20 && byte != 0x7F;
  });
}

bool leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// CCYYMMDD, or YYMMDD (read as 20YY) where the element allows six characters.
bool valid_date(std::string_view value, const ElementDef& def) {
  if (value.size() != 6 && value.size() != 8) return false;
  if (value.size() < def.min_length || value.size() > def.max_length || !all_digits(value)) return false;
  const std::size_t y = value.size() - 6;
  const int year = value.size() == 8 ? digits_value(value.substr(0, 4)) : 2000 + digits_value(value.substr(0, 2));
  const int month = digits_value(value.substr(y + 2, 2)), day = digits_value(value.substr(y + 4, 2));
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  return day <= kDays[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
}

// HHMM, HHMMSS, HHMMSSd or HHMMSSdd.
bool valid_time(std::string_view value, const ElementDef& def) {
  if (value.size() != 4 && value.size() < 6) return false;
  if (value.size() > 8 || value.size() < def.min_length || value.size() > def.max_length || !all_digits(value)) return false;
  if (digits_value(value.substr(0, 2)) > 23 || digits_value(value.substr(2, 2)) > 59) return false;
  return value.size() == 4 || digits_value(value.substr(4, 2)) <= 59;
}

// Nn: optional minus and digits; R: optional minus, digits with at most one point.
// Returns the number of digits (what the length limits count), or nullopt when malformed.
std::optional<std::uint32_t> numeric_digits(std::string_view value, bool decimal) {
  if (!value.empty() && value[0] == '-') value.remove_prefix(1);
  std::uint32_t digits = 0;
  bool point = false;
  for (char c : value) {
    if (is_digit(c)) ++digits;
    else if (c == '.' && decimal && !point) point = true;
    else return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  return digits;
}

// EDIFACT n: optional leading minus, digits, at most one decimal mark ('.' or ',', either
// whatever UNA declares). Returns the number of digits (what the length counts).
std::optional<std::uint32_t> edifact_digits(std::string_view value) {
  if (!value.empty() && value[0] == '-') value.remove_prefix(1);
  std::uint32_t digits = 0;
  bool mark = false;
  for (char c : value) {
    if (is_digit(c)) ++digits;
    else if ((c == '.' || c == ',') && !mark) mark = true;
    else return std::nullopt;
  }
  if (digits == 0) return std::nullopt;
  return digits;
}

bool is_edifact(const ElementDef& def) {
  return def.type == ElementType::EdifactA || def.type == ElementType::EdifactAN || def.type == ElementType::EdifactN;
}

// "an..35", "n3": the format as the EDIFACT directories print it.
std::string edifact_format(const ElementDef& def) {
  const char* kind = def.type == ElementType::EdifactA ? "a" : def.type == ElementType::EdifactN ? "n" : "an";
  return kind + std::string(def.min_length == def.max_length ? "" : "..") + std::to_string(def.max_length);
}

const char* length_error(std::size_t length, const ElementDef& def) {
  if (length < def.min_length) return "4";
  if (length > def.max_length) return "5";
  return nullptr;
}

// The AK403 code for a present value that breaks `def` (base standard only), or nullptr.
// One code per value: the most specific one.
const char* value_error(const ElementDef& def, std::string_view value) {
  if (!printable(value)) return "6";
  switch (def.type) {
    case ElementType::ID:
      if (!def.codes.empty()) return has_code(def.codes, value) ? nullptr : "7";
      return length_error(value.size(), def);
    case ElementType::AN: {
      // Trailing spaces are padding, not data (X12 AN rule).
      const auto last = value.find_last_not_of(' ');
      return length_error(last == std::string_view::npos ? 0 : last + 1, def);
    }
    case ElementType::Numeric:
    case ElementType::Decimal: {
      auto digits = numeric_digits(value, def.type == ElementType::Decimal);
      return digits ? length_error(*digits, def) : "6";
    }
    case ElementType::Date: return valid_date(value, def) ? nullptr : "8";
    case ElementType::Time: return valid_time(value, def) ? nullptr : "9";
    case ElementType::EdifactA:
    case ElementType::EdifactAN:
    case ElementType::EdifactN: {
      // The character class, then the code list, then the length (of the digits for n).
      std::size_t length = value.size();
      if (def.type == ElementType::EdifactA && std::any_of(value.begin(), value.end(), is_digit)) return "6";
      if (def.type == ElementType::EdifactN) {
        auto digits = edifact_digits(value);
        if (!digits) return "6";
        length = *digits;
      }
      if (!def.codes.empty() && !has_code(def.codes, value)) return "7";
      return length_error(length, def);
    }
  }
  return nullptr;
}

std::string type_text(const ElementDef& def) {
  switch (def.type) {
    case ElementType::ID: return "code";
    case ElementType::AN: return "text";
    case ElementType::Numeric: return "N" + std::to_string(def.decimals) + " number (digits, optional leading minus)";
    case ElementType::Decimal: return "R number (digits, optional minus and decimal point)";
    case ElementType::Date: return def.max_length <= 6 ? "date YYMMDD" : "date CCYYMMDD";
    case ElementType::Time: return "time HHMM, HHMMSS, HHMMSSd or HHMMSSdd";
    case ElementType::EdifactA: return edifact_format(def) + " value (letters, no digits)";
    case ElementType::EdifactAN: return edifact_format(def) + " value";
    case ElementType::EdifactN: return edifact_format(def) + " number (digits, optional leading minus and one decimal mark . or ,)";
  }
  return "value";
}

std::string value_message(std::string_view code, const ElementDef& def, std::string_view value) {
  const std::string range = is_edifact(def) ? edifact_format(def) + (def.type == ElementType::EdifactN ? ", digits" : ", characters")
                                            : std::to_string(def.min_length) + ".." + std::to_string(def.max_length) + " characters";
  if (code == "4") return quoted(value) + " is too short: expected " + range;
  if (code == "5") return quoted(value) + " is too long: expected " + range;
  if (code == "6") {
    if (!printable(value)) return quoted(value) + " contains a control character";
    return quoted(value) + " is not a " + type_text(def);
  }
  if (code == "7") return quoted(value) + " is not a valid code: expected one of " + code_list(def.codes);
  if (code == "8" || code == "9") return quoted(value) + " is not a valid " + type_text(def);
  return quoted(value) + " is invalid";
}

// EDIFACT date/time/period formats (2379, UNCL as the D96A directory prints it) that edihub
// checks 2380 against: a pattern of CC YY MM DD HH MM SS WW and literal '-'.
struct DateFormat {
  std::string_view code, pattern;
};
constexpr std::array<DateFormat, 13> kDateFormats{{{"2", "DDMMYY"},
                                                   {"3", "MMDDYY"},
                                                   {"101", "YYMMDD"},
                                                   {"102", "CCYYMMDD"},
                                                   {"106", "MMDD"},
                                                   {"201", "YYMMDDHHMM"},
                                                   {"203", "CCYYMMDDHHMM"},
                                                   {"204", "CCYYMMDDHHMMSS"},
                                                   {"401", "HHMM"},
                                                   {"602", "CCYY"},
                                                   {"610", "CCYYMM"},
                                                   {"616", "CCYYWW"},
                                                   {"718", "CCYYMMDD-CCYYMMDD"}}};

// One point in time of a pattern without '-': digits where the pattern has letters, months
// 1-12, days within their month (a missing year counts as a leap year), hours 0-23,
// minutes (MM after HH) and seconds 0-59, weeks 1-53.
bool valid_point(std::string_view pattern, std::string_view value) {
  int century = 20, year = 0, month = -1, day = -1;  // -1: not in the pattern
  std::string_view previous;
  for (std::size_t i = 0; i + 2 <= pattern.size(); i += 2) {
    const std::string_view field = pattern.substr(i, 2), digits = value.substr(i, 2);
    if (!all_digits(digits)) return false;
    const int n = digits_value(digits);
    if (field == "CC") century = n;
    else if (field == "YY") year = n;
    else if ((field == "MM" && previous == "HH") || field == "SS") {
      if (n > 59) return false;
    } else if (field == "MM") month = n;
    else if (field == "DD") day = n;
    else if (field == "HH" && n > 23) return false;
    else if (field == "WW" && (n < 1 || n > 53)) return false;
    previous = field;
  }
  if (month != -1 && (month < 1 || month > 12)) return false;
  if (day == -1) return true;
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = pattern.find("YY") == std::string_view::npos || leap_year(century * 100 + year);
  return month != -1 && day >= 1 && day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// `value` against a whole 2379 pattern ("CCYYMMDD-CCYYMMDD": each side one point in time).
bool valid_date_time(std::string_view pattern, std::string_view value) {
  for (std::size_t start = 0; start <= pattern.size();) {
    const std::size_t end = std::min(pattern.find('-', start), pattern.size());
    if (end < pattern.size() && value[end] != '-') return false;
    if (!valid_point(pattern.substr(start, end - start), value.substr(start, end - start))) return false;
    start = end + 1;
  }
  return true;
}

// ---- segments ----

class ElementChecker {
 public:
  ElementChecker(const Segment& segment, const SegmentDef& def, const Delimiters& delimiters, const Charset& charset,
                 Standard standard, std::vector<ElementError>& errors, std::size_t& cut)
      : segment_(segment), def_(def), delimiters_(delimiters), charset_(charset), edifact_(standard == Standard::Edifact),
        errors_(errors), cut_(cut) {}

  void check() {
    const auto& uses = def_.elements;
    for (std::size_t i = 0; i < uses.size(); ++i) check_use(uses[i], static_cast<std::uint32_t>(i + 1));
    for (std::size_t i = uses.size(); i < segment_.elements.size(); ++i) {
      const std::string& value = segment_.elements[i];
      if (value.empty()) continue;  // a trailing separator carries no data
      add(static_cast<std::uint32_t>(i + 1), 0, 0, "", "3", "", value,
          quoted(value) + " is beyond the " + std::to_string(uses.size()) + " elements " + def_.tag + " has");
    }
    for (const auto& note : def_.syntax) check_note(note);
  }

 private:
  // X12 "SLN05-02"; EDIFACT "DTM01-2", as partner guides name components.
  std::string name(std::uint32_t position, std::uint32_t component) const {
    std::string text = def_.tag + two_digits(position);
    if (component) text += "-" + (edifact_ ? std::to_string(component) : two_digits(component));
    return text;
  }

  // EDIFACT messages name the element too ("2380 Date/time/period"): its numbers say little.
  std::string_view element_name(std::uint32_t position, std::uint32_t component) const {
    if (!edifact_ || position == 0 || position > def_.elements.size()) return {};
    const SegmentElement& use = def_.elements[position - 1];
    if (component == 0) return use.is_composite() ? use.composite_name : use.element.name;
    return component <= use.components.size() ? std::string_view(use.components[component - 1].second.name) : std::string_view{};
  }

  void add(std::uint32_t position, std::uint32_t component, std::uint32_t repetition, const std::string& reference,
           const char* code, const char* implementation_code, std::string_view value, const std::string& message) {
    if (errors_.size() >= kMaxElementErrors) {
      ++cut_;
      return;
    }
    ElementError error;
    error.position = position;
    error.component = component;
    error.repetition = repetition;
    error.reference = reference;
    error.code = code;
    error.implementation_code = implementation_code;
    error.bad_value = std::string(value.substr(0, kMaxBadValue));
    std::string where = name(position, component);
    const std::string_view element = element_name(position, component);
    if (!reference.empty()) where += " (" + reference + (element.empty() ? "" : " " + std::string(element)) + ")";
    if (repetition) where += " repetition " + std::to_string(repetition);
    error.message = where + ": " + message;
    errors_.push_back(std::move(error));
  }

  bool present(std::uint32_t position) const {
    return position <= segment_.elements.size() && !segment_.elements[position - 1].empty();
  }

  void check_use(const SegmentElement& use, std::uint32_t position) {
    const std::string_view value = segment_.element(position);
    const std::string& reference = use.is_composite() ? use.composite : use.element.reference;
    if (value.empty()) {
      if (use.usage == Usage::Mandatory) add(position, 0, 0, reference, "1", "", "", "mandatory element missing");
      else if (use.implementation_mandatory)
        add(position, 0, 0, reference, "1", "I9", "", "element missing that the partner's guide makes mandatory");
      return;
    }
    const char separator = delimiters_.repetition;
    if (separator == 0 || value.find(separator) == std::string_view::npos) {
      check_value(use, value, position, 0);
      return;
    }
    const auto count = static_cast<std::uint32_t>(std::count(value.begin(), value.end(), separator)) + 1;
    if (count > use.max_repeat) {
      add(position, 0, 0, reference, "12", "", value,
          std::to_string(count) + " repetitions, at most " + std::to_string(use.max_repeat) + " allowed");
      return;
    }
    std::uint32_t repetition = 0;
    for (std::size_t start = 0;;) {
      const std::size_t end = std::min(value.find(separator, start), value.size());
      const std::string_view part = value.substr(start, end - start);
      ++repetition;
      if (!part.empty()) check_value(use, part, position, repetition);
      if (end == value.size()) break;
      start = end + 1;
    }
  }

  void check_value(const SegmentElement& use, std::string_view value, std::uint32_t position, std::uint32_t repetition) {
    if (!use.is_composite()) {
      check_simple(use.element, value, position, 0, repetition);
      return;
    }
    const char separator = delimiters_.component;
    const auto count = static_cast<std::size_t>(std::count(value.begin(), value.end(), separator)) + 1;
    if (count > use.components.size()) {
      add(position, static_cast<std::uint32_t>(use.components.size() + 1), repetition, use.composite, "13", "", value,
          std::to_string(count) + " components, composite " + use.composite + " has " +
              std::to_string(use.components.size()));
      return;
    }
    std::size_t start = 0;
    for (std::size_t k = 0; k < use.components.size(); ++k) {
      std::string_view part;
      if (start <= value.size()) {
        const std::size_t end = std::min(value.find(separator, start), value.size());
        part = value.substr(start, end - start);
        start = end + 1;
      }
      const auto& [usage, def] = use.components[k];
      const auto component = static_cast<std::uint32_t>(k + 1);
      if (!part.empty()) check_simple(def, part, position, component, repetition);
      else if (usage == Usage::Mandatory) add(position, component, repetition, def.reference, "1", "", "", "mandatory component missing");
    }
    if (edifact_) check_date_format(use, value, position, repetition);
  }

  // EDIFACT C507 and its kin: a date/time/period (2380) in the format its qualifier (2379)
  // names. Checked only when 2380 passed its own checks and the format is in kDateFormats.
  void check_date_format(const SegmentElement& use, std::string_view value, std::uint32_t position, std::uint32_t repetition) {
    std::uint32_t value_at = 0, format_at = 0;
    for (std::size_t k = 0; k < use.components.size(); ++k) {
      if (use.components[k].second.reference == "2380") value_at = static_cast<std::uint32_t>(k + 1);
      if (use.components[k].second.reference == "2379") format_at = static_cast<std::uint32_t>(k + 1);
    }
    if (!value_at || !format_at) return;
    const auto parts = split(value, delimiters_.component);
    if (parts.size() < std::max(value_at, format_at)) return;
    const std::string_view date = parts[value_at - 1], format = parts[format_at - 1];
    const auto known = std::find_if(kDateFormats.begin(), kDateFormats.end(), [&](const DateFormat& f) { return f.code == format; });
    if (date.empty() || known == kDateFormats.end()) return;
    if (std::any_of(errors_.begin(), errors_.end(), [&](const ElementError& e) {
          return e.position == position && e.repetition == repetition && (e.component == value_at || e.component == 0);
        })) {
      return;
    }
    const std::string_view pattern = known->pattern;
    const std::string what = "date/time/period of format " + std::string(format) + " (" + std::string(pattern) + ") needs " +
                             std::to_string(pattern.size()) + " characters";
    const std::string& reference = use.components[value_at - 1].second.reference;
    if (date.size() != pattern.size()) {
      const bool short_value = date.size() < pattern.size();
      add(position, value_at, repetition, reference, short_value ? "4" : "5", "", date,
          quoted(date) + " is too " + (short_value ? "short" : "long") + ": " + what);
    } else if (!valid_date_time(pattern, date)) {
      const bool time_only = pattern.find('D') == std::string_view::npos && pattern.find('Y') == std::string_view::npos;
      add(position, value_at, repetition, reference, time_only ? "9" : "8", "", date,
          quoted(date) + " is not a valid " + (time_only ? "time" : "date") + " of format " + std::string(format) + " (" +
              std::string(pattern) + ")");
    }
  }

  void check_simple(const ElementDef& def, std::string_view value, std::uint32_t position, std::uint32_t component,
                    std::uint32_t repetition) {
    if (charset_error(def, value, position, component, repetition)) return;
    if (const char* code = value_error(def, value)) {
      add(position, component, repetition, def.reference, code, "", value, value_message(code, def, value));
    } else if (!def.implementation_codes.empty() && !has_code(def.implementation_codes, value)) {
      add(position, component, repetition, def.reference, "7", "I6", value,
          quoted(value) + " is a standard code the partner does not use: expected one of " +
              code_list(def.implementation_codes));
    }
  }

  const std::string& reference_at(std::uint32_t position) const {
    const auto& use = def_.elements[position - 1];
    return use.is_composite() ? use.composite : use.element.reference;
  }

  static std::string note_text(const SyntaxNote& note) {
    std::string text(1, note.kind);
    for (auto p : note.positions) text += two_digits(p);
    return text;
  }

  // One AK4 per element: a note broken at an element already reported adds nothing.
  bool reported(std::uint32_t position) const {
    return std::any_of(errors_.begin(), errors_.end(),
                       [&](const ElementError& e) { return e.position == position && e.component == 0; });
  }

  void missing_by_note(std::uint32_t position, const SyntaxNote& note, const std::string& why) {
    if (reported(position)) return;
    add(position, 0, 0, reference_at(position), "2", "", "",
        "missing although syntax note " + note_text(note) + " requires it: " + why);
  }

  void check_note(const SyntaxNote& note) {
    const auto& positions = note.positions;
    const auto count = static_cast<std::size_t>(
        std::count_if(positions.begin(), positions.end(), [&](std::uint32_t p) { return present(p); }));
    switch (note.kind) {
      case 'P':  // all or none
        if (count == 0 || count == positions.size()) return;
        for (auto p : positions) {
          if (!present(p)) missing_by_note(p, note, "paired elements are all present or all absent");
        }
        return;
      case 'R':  // at least one
        if (count == 0) missing_by_note(positions[0], note, "at least one of them must be present");
        return;
      case 'E': {  // at most one: every present element after the first is in error
        if (count <= 1) return;
        std::uint32_t first = 0;
        for (auto p : positions) {
          if (!present(p)) continue;
          if (!first) {
            first = p;
            continue;
          }
          if (reported(p)) continue;
          add(p, 0, 0, reference_at(p), "10", "", segment_.element(p),
              "present together with " + name(first, 0) + " although syntax note " + note_text(note) +
                  " allows only one of them");
        }
        return;
      }
      case 'C':  // if the first, then all others
        if (!present(positions[0])) return;
        for (std::size_t i = 1; i < positions.size(); ++i) {
          if (!present(positions[i])) missing_by_note(positions[i], note, "required because " + name(positions[0], 0) + " is present");
        }
        return;
      case 'L':  // if the first, then at least one of the others
        if (!present(positions[0]) || count > 1) return;
        missing_by_note(positions[1], note, "one of the elements after " + name(positions[0], 0) + " is required because it is present");
        return;
    }
  }

  // A value that is not text in the partner's character set: AK4 code 6, naming the byte.
  bool charset_error(const ElementDef& def, std::string_view value, std::uint32_t position, std::uint32_t component,
                     std::uint32_t repetition) {
    const auto invalid = charset_.first_invalid(value);
    if (!invalid) return false;
    const std::string set = charset_.is_utf8() ? "UTF-8 (the default)" : charset_.name();
    add(position, component, repetition, def.reference, "6", "", Charset::utf8().to_utf8(value),
        quoted(value) + ": byte " + hex_byte(invalid->byte) + " at offset " + std::to_string(invalid->offset) +
            " is not a character of " + set + "; the partner profile's `encoding:` can declare the character set it sends"
            " (e.g. iso-8859-1, windows-1252)");
    return true;
  }

  const Segment& segment_;
  const SegmentDef& def_;
  const Delimiters& delimiters_;
  const Charset& charset_;
  bool edifact_;
  std::vector<ElementError>& errors_;
  std::size_t& cut_;
};

bool contains_tag(const std::vector<StructureNode>& nodes, std::size_t end, std::string_view tag) {
  for (std::size_t i = 0; i < end && i < nodes.size(); ++i) {
    if (nodes[i].tag == tag) return true;
    if (nodes[i].is_loop && contains_tag(nodes[i].children, nodes[i].children.size(), tag)) return true;
  }
  return false;
}

// The loop a tag is used in first ("" at top level), for messages; nullopt when unused.
std::optional<std::string> loop_of(const std::vector<StructureNode>& nodes, std::string_view tag, const std::string& loop) {
  for (const auto& node : nodes) {
    if (node.is_loop) {
      if (node.tag == tag) return node.loop_id();
      if (auto found = loop_of(node.children, tag, node.loop_id())) return found;
    } else if (node.tag == tag) {
      return loop;
    }
  }
  return std::nullopt;
}

// Walks a set's segments through the structure the way X12 parsers do: each segment is
// matched at or after the current point, innermost loop first, closing loops on the way
// out; a segment that cannot be placed leaves the current point where it was.
class StructureWalker {
 public:
  StructureWalker(const TransactionSetSchema& schema, const Delimiters& delimiters, const Charset& charset,
                  std::size_t max_errors, SetResult& result)
      : schema_(schema), delimiters_(delimiters), charset_(charset), max_errors_(max_errors), result_(result) {
    push(schema.structure, nullptr, -1);
  }

  void on_segment(const Segment& segment, std::uint32_t position) {
    const auto match = find(segment.tag);
    if (!match) {
      unplaced(segment, position);
      return;
    }
    while (depth_ > match->frame + 1) close(frames_[--depth_], position);
    Frame& frame = frames_[match->frame];
    report_missing(frame, static_cast<std::size_t>(frame.index + 1), match->index, position);
    frame.index = static_cast<int>(match->index);
    ++frame.uses[match->index];
    const StructureNode& node = (*frame.nodes)[match->index];
    if (node.is_loop) push(node.children, &node, 0);
    const std::string& loop = current_loop();
    last_tag_ = segment.tag;
    if (match->full) {
      const std::string max = std::to_string(node.max_use);
      if (node.is_loop) {
        add(segment, position, loop, "4", loop_word() + " " + node.loop_id() + " occurs more than its maximum of " + max + " times");
      } else {
        add(segment, position, loop, "5", "segment " + node.tag + " occurs more than its maximum of " + max + " times here");
      }
      return;
    }
    const StructureNode& use = node.is_loop ? node.children[0] : node;
    std::vector<ElementError> errors;
    std::size_t cut = 0;
    ElementChecker(segment, *use.segment, delimiters_, charset_, schema_.standard, errors, cut).check();
    if (!errors.empty()) {
      const auto count = errors.size() + cut;
      SegmentError* error = add(segment, position, loop, "8",
                                "segment " + segment.tag + " has " + std::to_string(count) + " element error" + (count > 1 ? "s" : ""));
      if (error) {
        error->elements = std::move(errors);
        result_.errors_cut += cut;
      }
    }
  }

  // At the end of the set: what is still missing (SE itself is the envelope's to report).
  void finish(std::uint32_t position) {
    while (depth_ > 0) close(frames_[--depth_], position);
  }

 private:
  struct Frame {
    const std::vector<StructureNode>* nodes = nullptr;
    const StructureNode* loop = nullptr;  // nullptr: the set's top level
    int index = -1;                       // the node used last; -1: none yet
    std::vector<std::uint32_t> uses;      // per node, in this occurrence of the loop
  };
  struct Match {
    std::size_t frame, index;
    bool full;  // the node already reached its maximum
  };

  void push(const std::vector<StructureNode>& nodes, const StructureNode* loop, int index) {
    if (depth_ == frames_.size()) frames_.emplace_back();
    Frame& frame = frames_[depth_++];
    frame.nodes = &nodes;
    frame.loop = loop;
    frame.index = index;
    frame.uses.assign(nodes.size(), 0);
    if (index >= 0) frame.uses[static_cast<std::size_t>(index)] = 1;
  }

  const std::string& current_loop() const {
    static const std::string kTop;
    const Frame& frame = frames_[depth_ - 1];
    return frame.loop ? frame.loop->loop_id() : kTop;
  }

  bool edifact() const { return schema_.standard == Standard::Edifact; }
  std::string loop_word() const { return edifact() ? "group" : "loop"; }

  // The first place at or after the current point (innermost loop first) where the tag
  // may go; a node at its maximum only when nothing else fits.
  std::optional<Match> find(std::string_view tag) const {
    std::optional<Match> full;
    for (std::size_t f = depth_; f-- > 0;) {
      const Frame& frame = frames_[f];
      const auto& nodes = *frame.nodes;
      // A loop's trigger (children[0]) is never matched inside its own occurrence: the same tag
      // again starts the next occurrence, one frame out (a full loop is 4, not its trigger's 5).
      const std::size_t from = frame.index < 0 ? 0 : static_cast<std::size_t>(frame.index);
      for (std::size_t i = frame.loop ? std::max<std::size_t>(from, 1) : from; i < nodes.size(); ++i) {
        if (nodes[i].tag != tag) continue;
        if (nodes[i].max_use == 0 || frame.uses[i] < nodes[i].max_use) return Match{f, i, false};
        if (!full) full = Match{f, i, true};
      }
    }
    return full;
  }

  void close(const Frame& frame, std::uint32_t position) {
    report_missing(frame, static_cast<std::size_t>(frame.index + 1), frame.nodes->size(), position);
  }

  void report_missing(const Frame& frame, std::size_t from, std::size_t to, std::uint32_t position) {
    for (std::size_t k = from; k < to; ++k) {
      const StructureNode& node = (*frame.nodes)[k];
      if (frame.uses[k] != 0 || (node.usage != Usage::Mandatory && !node.implementation_mandatory)) continue;
      if (!frame.loop && node.tag == (edifact() ? "UNT" : "SE")) continue;
      const bool partner = node.usage != Usage::Mandatory;
      SegmentError error;
      error.tag = node.tag;
      error.position = position;
      error.loop_id = node.is_loop ? node.loop_id() : frame.loop ? frame.loop->loop_id() : "";
      error.code = "3";
      if (partner) error.implementation_code = node.is_loop ? "I7" : "I6";
      error.message = std::string(partner ? "segment the partner's guide makes mandatory" : "mandatory segment") + " " +
                      node.tag + (node.is_loop ? " (" + loop_word() + " " + node.loop_id() + ")" : "") + " missing; expected before position " +
                      std::to_string(position) + (last_tag_.empty() ? "" : " (after " + last_tag_ + ")");
      keep(std::move(error));
    }
  }

  // The error, or only its count once the cap is reached; nullptr when not kept.
  SegmentError* keep(SegmentError&& error) {
    if (result_.segments.size() >= max_errors_) {
      ++result_.errors_cut;
      return nullptr;
    }
    result_.segments.push_back(std::move(error));
    return &result_.segments.back();
  }

  SegmentError* add(const Segment& segment, std::uint32_t position, const std::string& loop, const char* code,
                    std::string message) {
    SegmentError error;
    error.tag = segment.tag;
    error.position = position;
    error.file_segment = segment.number;
    error.loop_id = loop;
    error.code = code;
    error.message = std::move(message);
    return keep(std::move(error));
  }

  void unplaced(const Segment& segment, std::uint32_t position) {
    const std::string& tag = segment.tag;
    const std::string set = (edifact() ? "message " : "transaction set ") + schema_.id + " (" + schema_.version + ")";
    const std::string after = last_tag_.empty() ? "" : " after " + last_tag_;
    if (schema_.dictionary && !schema_.dictionary->segment(tag)) {
      add(segment, position, current_loop(), "1", "segment ID " + quoted(tag) + " is not a segment of version " + schema_.version);
      return;
    }
    for (std::size_t f = 0; f < depth_; ++f) {
      const Frame& frame = frames_[f];
      if (frame.index > 0 && contains_tag(*frame.nodes, static_cast<std::size_t>(frame.index), tag)) {
        add(segment, position, current_loop(), "7",
            "segment " + tag + " found" + after + " but it belongs earlier in " + set);
        return;
      }
    }
    if (auto loop = loop_of(schema_.structure, tag, "")) {
      add(segment, position, current_loop(), "2",
          "segment " + tag + " is not expected" + after + (loop->empty() ? "" : "; it belongs in " + loop_word() + " " + *loop));
      return;
    }
    add(segment, position, current_loop(), "6", "segment " + tag + " is not used in " + set);
  }

  const TransactionSetSchema& schema_;
  const Delimiters& delimiters_;
  const Charset& charset_;
  std::size_t max_errors_;
  SetResult& result_;
  std::vector<Frame> frames_;  // frames_[0 .. depth_) are open; the rest are kept for reuse
  std::size_t depth_ = 0;
  std::string last_tag_;  // the last segment placed, for messages
};

// ---- interchanges ----

// ISA05/ISA07 interchange ID qualifiers and ISA12 versions (X12 I05 and I11 code lists, as
// in StAEDI's control schema common.xml).
constexpr std::array<std::string_view, 41> kIdQualifiers{
    "01", "02", "03", "04", "07", "08", "09", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23",
    "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34", "35", "36", "37", "38", "AM", "NR", "SA", "SN", "ZZ"};
constexpr std::array<std::string_view, 37> kControlVersions{
    "00200", "00201", "00204", "00300", "00301", "00302", "00303", "00304", "00305", "00306", "00307", "00400", "00401",
    "00402", "00403", "00404", "00405", "00406", "00500", "00501", "00502", "00503", "00504", "00505", "00600", "00601",
    "00602", "00603", "00604", "00605", "00700", "00701", "00702", "00703", "00704", "00800", "00801"};

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

bool known_control_version(std::string_view isa12) { return listed(kControlVersions, isa12); }

bool group_control_answerable(std::string_view gs06) { return gs06.size() <= 9 && all_digits(gs06); }

bool set_control_answerable(std::string_view st02) { return st02.size() >= 4 && st02.size() <= 9 && printable(st02); }

namespace {

void set_note(InterchangeResult& result, const std::string& code, const std::string& message) {
  result.ack_code = "R";
  if (result.note_code == "000") {
    result.note_code = code;
    result.note = message;
  } else {
    result.note += "; " + message;  // TA105 carries one code: the first found
  }
}

// A component or repetition separator inside an ID: it could not be answered (X12 has no escape).
std::optional<char> delimiter_in(std::string_view value, const Delimiters& d) {
  for (char c : value)
    if (c == d.component || (d.repetition != 0 && c == d.repetition)) return c;
  return std::nullopt;
}

// TA1 checks on ISA fields the envelope checker leaves alone.
void check_isa(InterchangeResult& result) {
  const InterchangeHeader& h = result.header;
  if (auto c = delimiter_in(h.sender_id, h.delimiters))
    set_note(result, "006", "ISA06 " + quoted(h.sender_id) + " contains the delimiter '" + *c + "'");
  if (auto c = delimiter_in(h.receiver_id, h.delimiters))
    set_note(result, "008", "ISA08 " + quoted(h.receiver_id) + " contains the delimiter '" + *c + "'");
  const ElementDef date{"I08", "Interchange Date", ElementType::Date, 0, 6, 6, {}, {}};
  const ElementDef time{"I09", "Interchange Time", ElementType::Time, 0, 4, 4, {}, {}};
  if (!listed(kIdQualifiers, h.sender_qualifier)) set_note(result, "005", "ISA05 " + quoted(h.sender_qualifier) + " is not an interchange ID qualifier");
  if (!listed(kIdQualifiers, h.receiver_qualifier)) set_note(result, "007", "ISA07 " + quoted(h.receiver_qualifier) + " is not an interchange ID qualifier");
  if (!valid_date(h.date, date)) set_note(result, "014", "ISA09 " + quoted(h.date) + " is not a valid date YYMMDD");
  if (!valid_time(h.time, time)) set_note(result, "015", "ISA10 " + quoted(h.time) + " is not a valid time HHMM");
  if (!known_control_version(h.version)) set_note(result, "017", "ISA12 " + quoted(h.version) + " is not a known interchange control version");
  if (h.control_number.size() != 9 || !all_digits(h.control_number)) {
    set_note(result, "018", "ISA13 " + quoted(h.control_number) + " is not 9 digits");
  }
  const std::string ack = h.isa.size() > 13 ? h.isa[13] : "";
  if (ack != "0" && ack != "1") set_note(result, "019", "ISA14 " + quoted(ack) + " is not 0 or 1");
  if (h.usage != "P" && h.usage != "T" && h.usage != "I") set_note(result, "020", "ISA15 " + quoted(h.usage) + " is not P, T or I");
}

// TA1 checks on UNB fields the EDIFACT envelope checker leaves alone (it reports missing
// ones and the syntax identifier): the date and time of preparation.
void check_unb(InterchangeResult& result) {
  const InterchangeHeader& h = result.header;
  const bool syntax_4 = h.version == "4";  // CCYYMMDD from syntax 4 on, YYMMDD before
  const std::uint32_t date_length = syntax_4 ? 8 : 6;
  const ElementDef date{"0017", "Date", ElementType::Date, 0, date_length, date_length, {}, {}};
  const ElementDef time{"0019", "Time", ElementType::Time, 0, 4, 4, {}, {}};
  if (!h.date.empty() && !valid_date(h.date, date))
    set_note(result, "014", "UNB0017 " + quoted(h.date) + " is not a valid date " + (syntax_4 ? "CCYYMMDD" : "YYMMDD"));
  if (!h.time.empty() && !valid_time(h.time, time)) set_note(result, "015", "UNB0019 " + quoted(h.time) + " is not a valid time HHMM");
}

// TA1 segments the partner sent inside the interchange (its answers to ours): one that
// breaks the TA1 format makes the interchange content invalid (TA1 note 024).
void check_ta1s(InterchangeResult& result, const std::vector<Segment>& segments) {
  for (const Segment& segment : segments) {
    if (segment.tag != "TA1") continue;
    const std::string where = "segment " + std::to_string(segment.number) + " TA1: ";
    try {
      for (const std::string& deviation : read_ta1(segment).deviations)
        set_note(result, "024", where + escape_invalid_utf8(deviation));
    } catch (const MalformedAck& e) {
      set_note(result, "024", escape_invalid_utf8(e.what()));
    }
  }
}

void add_code(std::vector<std::string>& codes, const std::string& code) {
  if (std::find(codes.begin(), codes.end(), code) == codes.end()) codes.push_back(code);
}

// GS fields the acknowledgment copies or the standard fixes: GS02/GS03 (AN 2-15, answered
// swapped in our GS), GS04 (CCYYMMDD), GS05 (HHMM[SS[d[d]]]). X12 has no AK905 code for
// them: the group is rejected (AK901 R) and the note says why.
void check_gs(GroupResult& group, const Delimiters& delimiters) {
  const GroupHeader& h = group.header;
  std::vector<std::string> problems;
  auto check_id = [&](const char* element, const std::string& value) {
    if (value.size() < 2 || value.size() > 15)
      problems.push_back(std::string(element) + " " + quoted(value) + " is " + std::to_string(value.size()) +
                         " characters: expected 2..15");
    else if (auto c = delimiter_in(value, delimiters))
      problems.push_back(std::string(element) + " " + quoted(value) + " contains the delimiter '" + *c + "'");
  };
  check_id("GS02", h.sender);
  check_id("GS03", h.receiver);
  // GS04 became CCYYMMDD in 004010; earlier versions send YYMMDD.
  const bool century = h.version.size() >= 6 && all_digits(h.version.substr(0, 6)) && h.version.compare(0, 6, "004010") >= 0;
  const ElementDef date{"373", "Date", ElementType::Date, 0, century ? 8u : 6u, 8, {}, {}};
  const ElementDef time{"337", "Time", ElementType::Time, 0, 4, 8, {}, {}};
  if (!valid_date(h.date, date)) problems.push_back("GS04 " + quoted(h.date) + " is not a valid date " + (century ? "CCYYMMDD" : "YYMMDD or CCYYMMDD"));
  if (!valid_time(h.time, time)) problems.push_back("GS05 " + quoted(h.time) + " is not a valid time HHMM, HHMMSS, HHMMSSd or HHMMSSdd");
  if (!group_control_answerable(h.control_number)) {
    // AK102 must repeat GS06: without a usable one no 997/999 can answer the group.
    problems.push_back("GS06 " + quoted(h.control_number) + " is not a group control number of 1..9 digits; no 997/999 can name it");
    add_code(group.codes, "6");
  }
  if (problems.empty()) return;
  group.ack_code = "R";
  for (const auto& problem : problems)
    group.note += (group.note.empty() ? "" : "; ") + ("segment " + std::to_string(h.segment_number) + " " + problem);
}

// AK9 from the counts kept while the group's sets went by.
void summarize(GroupResult& group, bool noted) {
  // A group-level error rejects the whole group: none of its sets is accepted (AK904 0).
  if (group.ack_code == "R") {
    group.sets_accepted = 0;
  } else if (group.sets_accepted == group.sets_received) {
    group.ack_code = noted ? "E" : "A";
  } else {
    group.ack_code = group.sets_accepted == 0 ? "R" : "P";
  }
  const auto& declared = group.header.declared_sets;
  group.sets_included = !declared.empty() && declared.size() <= 9 && all_digits(declared)
                            ? static_cast<std::uint32_t>(std::stoul(declared))
                            : group.sets_received;
}

void fold_into(InterchangeResult& interchange, const EnvelopeIssue& issue) {
  const std::string where = "segment " + std::to_string(issue.segment) + (issue.element.empty() ? "" : " " + issue.element);
  set_note(interchange, issue.code, where + ": " + issue.message);
}

void fold_into(GroupResult& group, const EnvelopeIssue& issue) {
  const std::string where = "segment " + std::to_string(issue.segment) + (issue.element.empty() ? "" : " " + issue.element);
  add_code(group.codes, issue.code);
  group.ack_code = "R";
  group.note += (group.note.empty() ? "" : "; ") + where + ": " + issue.message;
}

void fold_into(SetResult& set, const EnvelopeIssue& issue) {
  const std::string where = "segment " + std::to_string(issue.segment) + (issue.element.empty() ? "" : " " + issue.element);
  add_code(set.codes, issue.code);
  set.ack_code = "R";
  set.note += (set.note.empty() ? "" : "; ") + where + ": " + issue.message;
}

}  // namespace

bool ValidationReport::valid() const {
  if (!unplaced.empty()) return false;
  for (const auto& interchange : interchanges) {
    if (interchange.ack_code != "A" || interchange.note_code != "000") return false;
    for (const auto& group : interchange.groups) {
      if (group.ack_code != "A" || !group.codes.empty()) return false;
      for (const auto& set : group.sets) {
        if (set.ack_code != "A" || !set.codes.empty() || !set.segments.empty()) return false;
      }
    }
  }
  return true;
}

SetResult validate_set(const TransactionSet& set, const TransactionSetSchema& schema, const ValidationRules& rules,
                       std::optional<std::size_t> max_errors) {
  SetResult result;
  result.id = set.id;
  result.control_number = set.control_number;
  result.convention = set.convention;
  result.message_version = set.message_version;
  result.first_segment = set.segments.empty() ? 0 : set.segments.front().number;
  result.validated = true;
  StructureWalker walker(schema, set.delimiters, *rules.charset, max_errors.value_or(rules.max_errors_per_set), result);
  std::uint32_t position = 0;
  for (std::size_t i = 0; i < set.segments.size(); ++i) {
    const Segment& segment = set.segments[i];
    position = segment.position ? segment.position : static_cast<std::uint32_t>(i + 1);
    walker.on_segment(segment, position);
  }
  walker.finish(position);
  if (!result.segments.empty() || result.errors_cut > 0) {
    result.ack_code = "R";
    add_code(result.codes, "5");
  }
  return result;
}

StreamValidator::StreamValidator(ValidationConsumer& consumer, SchemaResolver resolve, RulesResolver rules,
                                 std::uint64_t max_set_bytes)
    : consumer_(consumer),
      resolve_(std::move(resolve)),
      rules_for_(std::move(rules)),
      max_set_bytes_(max_set_bytes),
      checker_(this, max_set_bytes) {}

void StreamValidator::on_segment(const SegmentView& segment) { checker_.on_segment(segment); }

void StreamValidator::finish() {
  checker_.finish();
  drain();
}

EnvelopeCounts StreamValidator::counts() const { return checker_.counts(); }

// The checker reports an issue before it calls the listener for the envelope it belongs to,
// so each issue drained here belongs to what is open now (or to nothing: unplaced).
void StreamValidator::drain(SetResult* set) {
  for (const EnvelopeIssue& issue : checker_.take_issues()) {
    consumer_.on_envelope_issue(issue);
    // An EDIFACT implicit group has no reference of its own: its issues belong to the open one.
    const bool in_group = group_ && (!issue.group_control.empty() || group_->header.implicit);
    if (issue.interchange_control.empty() || !interchange_) {
      consumer_.on_unplaced(issue);
    } else if (issue.level == EnvelopeLevel::Interchange) {
      fold_into(*interchange_, issue);
    } else if (!in_group) {
      consumer_.on_unplaced(issue);
    } else if (issue.level == EnvelopeLevel::Group) {
      fold_into(*group_, issue);
    } else if (set) {
      fold_into(*set, issue);
    } else {
      consumer_.on_unplaced(issue);
    }
  }
}

void StreamValidator::on_interchange_start(const InterchangeHeader& header) {
  if (header.standard == Standard::Edifact) {
    // The previous interchange was drained at its end: what is pending is the UNB's own
    // issues (placed, they name it) or segments between interchanges (unplaced).
    interchange_.emplace();
    interchange_->header = header;
    check_unb(*interchange_);
    drain();
  } else {
    drain();
    interchange_.emplace();
    interchange_->header = header;
    check_isa(*interchange_);
  }
  consumer_.on_interchange_start(*interchange_);
}

void StreamValidator::on_interchange_segment(const InterchangeHeader&, const Segment& segment) {
  drain();
  if (!interchange_) return;
  check_ta1s(*interchange_, {segment});
  consumer_.on_interchange_segment(*interchange_, segment);
}

void StreamValidator::on_group_start(const InterchangeHeader& interchange, const GroupHeader& header) {
  if (!interchange_) return drain();
  group_.emplace();
  group_->header = header;
  group_noted_ = false;
  if (interchange.standard == Standard::X12) check_gs(*group_, interchange.delimiters);
  rules_ = rules_for_ ? rules_for_(interchange, header) : ValidationRules{};
  drain();  // after the group opened: a GS06 used twice is the new group's issue
  consumer_.on_group_start(*interchange_, *group_);
}

void StreamValidator::take_transaction_set(const InterchangeHeader& interchange, const GroupHeader& group,
                                           TransactionSet&& set) {
  SetResult result;
  const TransactionSetSchema* schema = group_ && !set.truncated ? resolve_(interchange, group, set) : nullptr;
  if (schema) {
    const std::size_t budget = rules_.max_errors_per_file > kept_ ? rules_.max_errors_per_file - kept_ : 0;
    result = validate_set(set, *schema, rules_, std::min(rules_.max_errors_per_set, budget));
    kept_ += result.segments.size();
    errors_cut_ += result.errors_cut;
    if (schema->functional_id != group.functional_id) {
      // The set is fine on its own; it was sent in the wrong kind of group.
      result.ack_code = "R";
      add_code(result.codes, "6");
      result.note = "transaction set " + set.id + " belongs in a functional group " + schema->functional_id +
                    ", not GS01 " + quoted(group.functional_id);
    }
  } else {
    result.id = set.id;
    result.control_number = set.control_number;
    result.convention = set.convention;
    result.message_version = set.message_version;
    if (!set.truncated)
      result.note = "no schema for " + set.id + " version " + group.version + ": envelope checks only";
  }
  result.first_segment = set.first_segment;
  if (set.truncated) {
    // Not read into memory: too large to validate or map.
    result.ack_code = "R";
    add_code(result.codes, "5");
    result.note = "transaction set " + set.id + " " + set.control_number + " (ST at segment " +
                  std::to_string(set.first_segment) + ") is " + std::to_string(set.bytes) +
                  " bytes, more than the limit of " + std::to_string(max_set_bytes_) +
                  " bytes (limits.max_transaction_set_bytes): not validated or mapped";
  }
  if (interchange.standard == Standard::Edifact) {
    // CONTRL's UCM repeats the message reference (0062, an..14).
    if (set.control_number.empty() || set.control_number.size() > 14 || !printable(set.control_number)) {
      result.ack_code = "R";
      result.note += std::string(result.note.empty() ? "" : "; ") + "UNH0062 " + quoted(set.control_number) +
                     " is not a message reference of 1..14 characters";
    }
  } else if (!set_control_answerable(set.control_number)) {
    // AK202 must repeat ST02: a set it cannot name is rejected (AK9 counts it) and gets no AK2 loop.
    result.ack_code = "R";
    result.note += std::string(result.note.empty() ? "" : "; ") + "ST02 " + quoted(set.control_number) +
                   " is not a transaction set control number of 4..9 characters";
  }
  drain(&result);
  if (!interchange_ || !group_) return;  // a set outside any group: its issue is unplaced
  ++group_->sets_received;
  if (result.accepted()) ++group_->sets_accepted;
  if (result.ack_code == "E") group_noted_ = true;
  consumer_.on_set(*interchange_, *group_, set, result);
}

void StreamValidator::on_group_end(const InterchangeHeader&, const GroupHeader& header) {
  drain();
  if (!group_) return;
  group_->header.declared_sets = header.declared_sets;
  summarize(*group_, group_noted_);
  if (interchange_) consumer_.on_group_end(*interchange_, *group_);
  group_.reset();
}

void StreamValidator::on_interchange_end(const InterchangeHeader&) {
  drain();
  if (!interchange_) return;
  consumer_.on_interchange_end(*interchange_);
  interchange_.reset();
}

namespace {

// Keeps every result: the report of a whole input.
class ReportBuilder : public ValidationConsumer {
 public:
  explicit ReportBuilder(ValidationReport& report) : report_(report) {}
  void on_set(const InterchangeResult&, const GroupResult&, TransactionSet&, SetResult& result) override {
    sets_.push_back(std::move(result));
  }
  void on_group_end(const InterchangeResult&, GroupResult& group) override {
    group.sets = std::move(sets_);
    sets_.clear();
    groups_.push_back(std::move(group));
  }
  void on_interchange_end(InterchangeResult& interchange) override {
    interchange.groups = std::move(groups_);
    groups_.clear();
    report_.interchanges.push_back(std::move(interchange));
  }
  void on_unplaced(const EnvelopeIssue& issue) override { report_.unplaced.push_back(issue); }

 private:
  ValidationReport& report_;
  std::vector<SetResult> sets_;
  std::vector<GroupResult> groups_;
};

}  // namespace

ValidationReport validate(std::string_view bytes, const SchemaResolver& resolve, const RulesResolver& rules) {
  ValidationReport report;
  ReportBuilder builder(report);
  StreamValidator validator(builder, resolve, rules);
  edifact::read_any(bytes, validator);
  validator.finish();
  report.errors_cut = validator.errors_cut();
  return report;
}

}  // namespace edihub::x12
