#include "mappings/outbound_values.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <stdexcept>

#include "mappings/conversions.h"

namespace edihub::mapping::outbound {

using nlohmann::json;

std::string a_kind(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  if (v.is_string()) return "a text";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

namespace {

std::string joined(const std::string& at, const std::string& name) { return at.empty() ? name : at + "." + name; }

// The text of a scalar JSON value: strings without surrounding spaces, numbers in plain
// decimal notation (never 1e+20), booleans as true/false (for code tables).
std::string text_of(const json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    std::size_t first = s.find_first_not_of(' ');
    return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(' ') - first + 1);
  }
  if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_number_float()) {
    char buf[400];
    auto end = std::to_chars(buf, buf + sizeof buf, v.get<double>(), std::chars_format::fixed).ptr;
    return std::string(buf, end);
  }
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  throw ConversionError("is " + a_kind(v) + ", not a value");
}

// A number in canonical parts: no leading zeros in `whole`, no trailing zeros in `fraction`.
struct Number {
  bool negative = false;
  std::string whole, fraction;
  std::string text;  // as found, for messages
};

Number number_of(const std::string& text) {
  Number n;
  n.text = text;
  auto parts = split_decimal(n.text);
  n.negative = parts.negative;
  n.whole = parts.whole.substr(std::min(parts.whole.find_first_not_of('0'), parts.whole.size()));
  n.fraction = parts.fraction.substr(0, parts.fraction.find_last_not_of('0') + 1);
  if (n.whole.empty() && n.fraction.empty()) n.negative = false;  // -0 is 0
  return n;
}

Number number_of(const json& v) {
  if (!v.is_number() && !v.is_string()) throw ConversionError("is " + a_kind(v) + ", not a number");
  return number_of(text_of(v));
}

// Exact decimal arithmetic for sum and calc: digits * 10^-scale in 128 bits, so that
// 0.1 + 0.2 is 0.3 and money never picks up binary rounding. Quotients keep 18 places.
struct Decimal {
  __int128 digits = 0;
  int scale = 0;
};

constexpr int kMaxScale = 18;

__int128 power10(int n) {
  __int128 p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

Decimal decimal_of(const Number& n) {
  if (n.fraction.size() > kMaxScale) throw ConversionError("'" + n.text + "' has more than 18 decimal places");
  if (n.whole.size() + n.fraction.size() > 36) throw ConversionError("'" + n.text + "' has too many digits to calculate");
  Decimal d{0, static_cast<int>(n.fraction.size())};
  for (char c : n.whole + n.fraction) d.digits = d.digits * 10 + (c - '0');
  if (n.negative) d.digits = -d.digits;
  return d;
}

Number number_of(const Decimal& d) {
  __int128 m = d.digits < 0 ? -d.digits : d.digits;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(m % 10)));
    m /= 10;
  } while (m > 0);
  if (digits.size() <= static_cast<std::size_t>(d.scale)) digits.insert(0, d.scale + 1 - digits.size(), '0');
  std::size_t point = digits.size() - d.scale;
  return number_of((d.digits < 0 ? "-" : "") + digits.substr(0, point) + (d.scale ? "." + digits.substr(point) : ""));
}

// q = a / b rounded half away from zero.
__int128 divided(__int128 a, __int128 b) {
  __int128 q = a / b, r = a % b;
  if (r < 0) r = -r;
  if (2 * r >= (b < 0 ? -b : b)) q += (a < 0) != (b < 0) ? -1 : 1;
  return q;
}

Decimal rescaled(Decimal d, int scale) {
  if (scale < d.scale) return {divided(d.digits, power10(d.scale - scale)), scale};
  if (__builtin_mul_overflow(d.digits, power10(scale - d.scale), &d.digits))
    throw ConversionError("has too many digits to calculate exactly");
  d.scale = scale;
  return d;
}

Decimal apply(CalcStep::Op op, Decimal a, Decimal b) {
  const auto overflow = [] { return ConversionError("has too many digits to calculate exactly"); };
  Decimal out;
  switch (op) {
    case CalcStep::Op::Add:
    case CalcStep::Op::Subtract: {
      int scale = std::max(a.scale, b.scale);
      a = rescaled(a, scale);
      b = rescaled(b, scale);
      out.scale = scale;
      if (op == CalcStep::Op::Add ? __builtin_add_overflow(a.digits, b.digits, &out.digits)
                                  : __builtin_sub_overflow(a.digits, b.digits, &out.digits))
        throw overflow();
      return out;
    }
    case CalcStep::Op::Multiply:
      if (__builtin_mul_overflow(a.digits, b.digits, &out.digits)) throw overflow();
      out.scale = a.scale + b.scale;
      return out.scale > kMaxScale ? rescaled(out, kMaxScale) : out;
    case CalcStep::Op::Divide: {  // b is not 0: the caller says so with the operand's place
      // a/b at kMaxScale places: a * 10^(kMaxScale + b.scale - a.scale) / b.digits.
      Decimal wide = rescaled(a, kMaxScale + b.scale);
      return {divided(wide.digits, b.digits), kMaxScale};
    }
  }
  return out;
}

Decimal rounded(Decimal d, int places) { return places < d.scale ? rescaled(d, places) : d; }

// X12 R (trailing zeros suppressed, as the standard asks), Nn (implied places) or N0;
// a plain decimal for text and XML.
std::string write_number(const Number& n, const Format& f) {
  std::size_t places = f.kind == Format::Kind::Integer                                         ? 0
                       : f.kind == Format::Kind::Decimal || f.kind == Format::Kind::Implied ? static_cast<std::size_t>(f.digits)
                                                                                           : n.fraction.size();
  if (n.fraction.size() > places)
    throw ConversionError("'" + n.text + "' " +
                          (places == 0 ? std::string("is not a whole number")
                                       : "has more than " + std::to_string(places) + " decimal places"));
  std::string sign = n.negative ? "-" : "";
  if (f.kind != Format::Kind::Implied)
    return sign + (n.whole.empty() ? "0" : n.whole) + (n.fraction.empty() ? "" : "." + n.fraction);
  std::string digits = n.whole + n.fraction + std::string(places - n.fraction.size(), '0');
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  return sign + digits;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// ISO 8601 date (a datetime's date part) -> CCYYMMDD or YYMMDD, checked by the inbound
// conversion so both directions agree on what a calendar date is.
std::string write_date(const std::string& text, int digits) {
  std::string_view d = std::string_view(text).substr(0, text.find('T'));
  std::string ccyymmdd = d.size() == 10 && d[4] == '-' && d[7] == '-'
                             ? std::string(d.substr(0, 4)) + std::string(d.substr(5, 2)) + std::string(d.substr(8, 2))
                             : "";
  if (!all_digits(ccyymmdd)) throw ConversionError("'" + text + "' is not a date (YYYY-MM-DD)");
  try {
    convert({Conversion::Kind::Date, 0}, ccyymmdd);
  } catch (const ConversionError&) {
    throw ConversionError("'" + text + "' is not a valid calendar date");
  }
  if (digits == 8) return ccyymmdd;
  if (ccyymmdd < "1950" || ccyymmdd >= "2050")  // YYMMDD is read back as 1950-2049
    throw ConversionError("'" + text + "' is outside 1950-2049, the years YYMMDD can carry");
  return ccyymmdd.substr(2);
}

// HH:MM[:SS] (a datetime's time part; fractions and zone dropped) -> HHMM or HHMMSS; `zone`
// receives what follows the seconds and their fraction (Z, +02:00 or nothing).
std::string write_time(const std::string& text, int digits, std::string* zone = nullptr) {
  std::string_view t = text;
  if (auto at = t.find('T'); at != std::string_view::npos) t.remove_prefix(at + 1);
  bool seconds = t.size() >= 8 && t[5] == ':';
  std::string_view rest = t.substr(std::min(t.size(), std::size_t(seconds ? 8 : 5)));
  std::string hhmmss = t.size() >= 5 && t[2] == ':' ? std::string(t.substr(0, 2)) + std::string(t.substr(3, 2)) +
                                                          (seconds ? std::string(t.substr(6, 2)) : "00")
                                                    : "";
  if (!all_digits(hhmmss) || (!rest.empty() && std::string_view(".Z+-").find(rest[0]) == std::string_view::npos))
    throw ConversionError("'" + text + "' is not a time (HH:MM or HH:MM:SS)");
  try {
    convert({Conversion::Kind::Time, 0}, hhmmss);
  } catch (const ConversionError&) {
    throw ConversionError("'" + text + "' is not a valid time of day");
  }
  if (zone) {
    if (!rest.empty() && rest[0] == '.') rest.remove_prefix(std::min(rest.size(), rest.find_first_not_of("0123456789", 1)));
    bool offset = rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
                  all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2));
    if (!rest.empty() && rest != "Z" && !offset) throw ConversionError("'" + text + "' has no valid time zone (Z or +HH:MM)");
    *zone = std::string(rest);
  }
  return hhmmss.substr(0, digits);
}

// YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS with the offset given (a date alone is midnight).
std::string write_iso(const std::string& text, bool datetime) {
  std::string date = write_date(text, 8);
  std::string iso = date.substr(0, 4) + "-" + date.substr(4, 2) + "-" + date.substr(6, 2);
  if (!datetime) return iso;
  if (text.find('T') == std::string::npos) {
    if (text.size() != 10) throw ConversionError("'" + text + "' is not a date (YYYY-MM-DD)");
    return iso + "T00:00:00";
  }
  std::string zone;
  std::string time = write_time(text, 6, &zone);
  return iso + "T" + time.substr(0, 2) + ":" + time.substr(2, 2) + ":" + time.substr(4, 2) + zone;
}

// Characters of UTF-8 text (what maximum lengths count); digits for numbers.
std::size_t length(const std::string& s, bool numeric) {
  return std::count_if(s.begin(), s.end(), [&](char c) {
    return numeric ? c >= '0' && c <= '9' : (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

// The `part`-th piece (from 1) of `text` cut at `separator`, trimmed; empty when there is none.
std::string piece(const std::string& text, const std::string& separator, int part) {
  std::size_t begin = 0;
  for (int i = 1; i < part; ++i) {
    begin = text.find(separator, begin);
    if (begin == std::string::npos) return "";
    begin += separator.size();
  }
  std::string p = text.substr(begin, text.find(separator, begin) - begin);
  std::size_t first = p.find_first_not_of(' ');
  return first == std::string::npos ? "" : p.substr(first, p.find_last_not_of(' ') - first + 1);
}

// What `when: path`, count and sum take as a value: not null, "", [], {} or false.
bool has_value(const json& v) {
  if (v.is_structured()) return !v.empty();
  if (v.is_boolean()) return v.get<bool>();
  return !v.is_null() && !text_of(v).empty();
}

}  // namespace

Scope ValueReader::root() const {
  if (!doc_.is_object()) fail(0, "the ERP transaction is " + a_kind(doc_) + ", not a JSON object");
  return Scope{&doc_, ""};
}

// Every non-null value `path` names, through every element of `name[]` lists.
void ValueReader::collect(const JsonPath& path, const Scope& scope, int line, std::vector<Found>& out) const {
  walk(path, 0, path.from_root ? Scope{&doc_, ""} : scope, line, out);
}

void ValueReader::walk(const JsonPath& path, std::size_t step, const Scope& at, int line, std::vector<Found>& out) const {
  if (step == path.steps.size()) {
    if (!at.node->is_null()) out.push_back({at.node, at.path});
    return;
  }
  if (at.node->is_null()) return;
  const auto& [name, each] = path.steps[step];
  if (!at.node->is_object())
    fail(line, (at.path.empty() ? "the document" : at.path) + " is " + a_kind(*at.node) + ", not an object with " + name);
  auto it = at.node->find(name);
  if (it == at.node->end()) return;
  std::string here = joined(at.path, name);
  if (!each) return walk(path, step + 1, Scope{&*it, here}, line, out);
  if (it->is_null()) return;
  if (!it->is_array()) fail(line, here + " is " + a_kind(*it) + ", not a list");
  for (std::size_t i = 0; i < it->size(); ++i)
    walk(path, step + 1, Scope{&(*it)[i], here + "[" + std::to_string(i) + "]"}, line, out);
}

// The value of a path without [], or where it would be.
Found ValueReader::single(const JsonPath& path, const Scope& scope, int line) const {
  std::vector<Found> found;
  collect(path, scope, line, found);
  if (!found.empty()) return found.front();
  std::string_view text = path.text;
  if (path.from_root) text.remove_prefix(1);
  return {nullptr, joined(path.from_root ? "" : scope.path, std::string(text))};
}

bool ValueReader::holds(const Condition& c, const Scope& scope, int line) const {
  switch (c.kind) {
    case Condition::Kind::Not:
      return !holds(c.parts.front(), scope, line);
    case Condition::Kind::All:
      return std::all_of(c.parts.begin(), c.parts.end(), [&](const Condition& p) { return holds(p, scope, line); });
    case Condition::Kind::Any:
      return std::any_of(c.parts.begin(), c.parts.end(), [&](const Condition& p) { return holds(p, scope, line); });
    case Condition::Kind::Path:
      break;
  }
  std::vector<Found> found;
  collect(c.path, scope, line, found);
  for (const Found& f : found) {
    const json& v = *f.value;
    if (c.equals.empty()) {
      if (has_value(v)) return true;
    } else if (!v.is_structured() && std::find(c.equals.begin(), c.equals.end(), text_of(v)) != c.equals.end()) {
      return true;
    }
  }
  return false;
}

void ValueReader::enter(const std::optional<JsonPath>& each, const std::optional<JsonPath>& in, const Scope& scope,
                        int line, const std::function<void(const Scope&)>& body) const {
  if (!each && !in) return body(scope);
  Found f = single(in ? *in : *each, scope, line);
  if (!f.value) return;
  if (in) {
    if (!f.value->is_object()) fail(line, "in: " + f.path + " is " + a_kind(*f.value) + ", not an object");
    return body(Scope{f.value, f.path});
  }
  if (!f.value->is_array()) fail(line, "each: " + f.path + " is " + a_kind(*f.value) + ", not a list");
  for (std::size_t i = 0; i < f.value->size(); ++i) body(Scope{&(*f.value)[i], f.path + "[" + std::to_string(i) + "]"});
}

std::vector<std::pair<std::string, std::string>> ValueReader::keys() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const KeyRule& key : program_.keys) {
    std::vector<Found> found;
    collect(key.path, Scope{&doc_, ""}, key.line, found);
    for (const Found& f : found) {
      if (f.value->is_structured()) fail(key.line, "key " + key.name + ": " + f.path + " is " + a_kind(*f.value) + ", not a value");
      auto pair = std::make_pair(key.name, text_of(*f.value));
      if (!pair.second.empty() && std::find(out.begin(), out.end(), pair) == out.end()) out.push_back(std::move(pair));
    }
  }
  return out;
}

std::string ValueReader::value(const ValueSpec& v, const Scope& scope, const std::string& name, std::string& path) const {
  std::string text = read(v, scope, name, path);
  if (v.max && length(text, v.format.numeric()) > v.max) {
    if (!v.truncate)
      fail(v.line, name + ": " + path + " '" + text + "' is longer than max " + std::to_string(v.max) +
                       (v.format.numeric() ? " digits" : ""));
    std::size_t cut = 0;
    for (std::size_t chars = 0; cut < text.size(); ++cut)
      if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && chars++ == v.max) break;
    text.resize(cut);
    text.erase(text.find_last_not_of(' ') + 1);  // trailing spaces are suppressed (X12 AN)
  }
  return text;
}

std::size_t ValueReader::segments_written(const std::string& tag) const {
  throw std::logic_error("segment_count " + tag + " in " + program_.file + ", which writes no X12 segments");
}

std::string ValueReader::read(const ValueSpec& v, const Scope& scope, const std::string& name, std::string& path) const {
  path = v.path.text;
  const json* found = nullptr;
  std::string text;
  switch (v.kind) {
    case ValueSpec::Kind::Count: {
      std::vector<Found> all;
      collect(v.path, scope, v.line, all);
      bool list = !v.path.collects() && all.size() == 1 && all.front().value->is_array();
      auto present = std::count_if(all.begin(), all.end(), [](const Found& f) { return has_value(*f.value); });
      return std::to_string(list ? all.front().value->size() : present);
    }
    case ValueSpec::Kind::Sum: {
      std::vector<Found> all;
      collect(v.path, scope, v.line, all);
      Decimal total;
      for (const Found& f : all) {
        if (!has_value(*f.value)) continue;
        Decimal d = converted(v.line, name + ": " + f.path, [&] { return decimal_of(number_of(*f.value)); });
        total = converted(v.line, name + ": the sum of " + path, [&] { return apply(CalcStep::Op::Add, total, d); });
      }
      path = "the sum of " + path;
      return calculated(v, scope, name, path, number_of(total).text);
    }
    case ValueSpec::Kind::SegmentCount:
      path = "the " + v.literal + " segments";
      return std::to_string(segments_written(v.literal));
    case ValueSpec::Kind::Literal:
      path = "value";
      text = v.literal;
      break;
    case ValueSpec::Kind::Concat: {
      std::string paths;
      for (const ValueSpec& part : v.parts) {
        std::string at, t = value(part, scope, name, at);
        if (!t.empty()) text += (text.empty() ? "" : v.separator) + t;
        paths += (paths.empty() ? "" : " + ") + at;
      }
      path = paths;
      break;
    }
    case ValueSpec::Kind::From: {
      Found f = single(v.path, scope, v.line);
      path = f.path;
      found = f.value;
      text = found ? converted(v.line, name + ": " + path, [&] { return text_of(*found); }) : "";
      if (v.split_separator && !text.empty()) text = piece(text, *v.split_separator, v.split_part);
      break;
    }
  }
  if (text.empty() && v.fallback) {
    path = "default";
    return *v.fallback;
  }
  if (text.empty()) {
    if (v.required) fail(v.line, name + " is required but " + path + (found ? " is empty" : " is missing"));
    return "";
  }
  if (!v.table.empty()) {
    auto code = converted(v.line, name + ": " + path, [&] { return code_for(v, text); });
    if (!code) path = "default";
    return code ? *code : *v.fallback;
  }
  switch (v.format.kind) {
    case Format::Kind::Date:
    case Format::Kind::Time:
    case Format::Kind::IsoDate:
    case Format::Kind::IsoDateTime:
      return converted(v.line, name + ": " + path, [&] {
        if (found && !found->is_string()) throw ConversionError("is " + a_kind(*found) + ", not a text");
        if (v.format.kind == Format::Kind::Date) return write_date(text, v.format.digits);
        if (v.format.kind == Format::Kind::Time) return write_time(text, v.format.digits);
        return write_iso(text, v.format.kind == Format::Kind::IsoDateTime);
      });
    default:
      if (!v.format.numeric() && v.calc.empty() && !v.round) return text;
      // A JSON true is not the number 1: the type is checked before the text is read.
      if (found) converted(v.line, name + ": " + path, [&] { return number_of(*found); });
      return calculated(v, scope, name, path, text);
  }
}

// The number `number` through calc and round, written in the value's format.
std::string ValueReader::calculated(const ValueSpec& v, const Scope& scope, const std::string& name,
                                    const std::string& path, const std::string& number) const {
  Number n = converted(v.line, name + ": " + path, [&] { return number_of(number); });
  if (!v.calc.empty() || v.round) {
    Decimal d = converted(v.line, name + ": " + path, [&] { return decimal_of(n); });
    for (const CalcStep& step : v.calc) {
      std::string operand = step.number, at = "calc";
      if (step.operand) {
        operand = value(*step.operand, scope, name, at);
        if (operand.empty()) fail(step.operand->line, name + ": calc needs " + at + ", which is missing");
      }
      Decimal b = converted(step.operand ? step.operand->line : v.line, name + ": " + at,
                            [&] { return decimal_of(number_of(operand)); });
      // "QTY01: q '12' is divided by zero (pack_size)"
      const std::string what = name + ": " + path + " '" + number_of(d).text + "'";
      if (step.op == CalcStep::Op::Divide && b.digits == 0) fail(v.line, what + " is divided by zero (" + at + ")");
      d = converted(v.line, what, [&] { return apply(step.op, d, b); });
    }
    if (v.round) d = rounded(d, *v.round);
    n = number_of(d);
  }
  return converted(v.line, name + ": " + path, [&] { return write_number(n, v.format); });
}

// The code of an ERP value; nullopt means "write the default".
std::optional<std::string> ValueReader::code_for(const ValueSpec& v, const std::string& value) const {
  const std::map<std::string, std::string>* table = nullptr;
  if (auto it = tables_.find(v.table); it != tables_.end()) table = &it->second;
  else if (auto own = program_.tables.find(v.table); own != program_.tables.end()) table = &own->second;
  if (!table) throw ConversionError("needs code table " + v.table + ", which is not in the partner profile");
  std::vector<std::string> codes;
  for (const auto& [code, ours] : *table)
    if (ours == value) codes.push_back(code);
  if (codes.size() > 1) {
    std::string list;
    for (const auto& c : codes) list += (list.empty() ? "" : ", ") + c;
    throw ConversionError("'" + value + "' is the ERP value of several codes in code table " + v.table + " (" + list +
                          "); outbound needs one");
  }
  if (codes.size() == 1) return codes.front();
  if (v.on_missing == ValueSpec::OnMissing::Keep) return value;
  if (v.on_missing == ValueSpec::OnMissing::Default) return std::nullopt;
  throw ConversionError("'" + value + "' has no code in code table " + v.table);
}

}  // namespace edihub::mapping::outbound
