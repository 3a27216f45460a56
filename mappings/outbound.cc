#include "mappings/outbound.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mappings/conversions.h"
#include "mappings/outbound_program.h"

namespace edihub::mapping {
namespace outbound {
namespace {

using nlohmann::json;

std::string a_kind(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "a list";
  if (v.is_string()) return "a text";
  if (v.is_boolean()) return "a boolean";
  if (v.is_null()) return "null";
  return "a number";
}

std::string joined(const std::string& at, const std::string& name) { return at.empty() ? name : at + "." + name; }

// The X12 text of a scalar JSON value: strings without surrounding spaces, numbers in
// plain decimal notation (never 1e+20), booleans as true/false (for code tables).
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

Number number_of(const json& v) {
  if (!v.is_number() && !v.is_string()) throw ConversionError("is " + a_kind(v) + ", not a number");
  Number n;
  n.text = text_of(v);
  auto parts = split_decimal(n.text);
  n.negative = parts.negative;
  n.whole = parts.whole.substr(std::min(parts.whole.find_first_not_of('0'), parts.whole.size()));
  n.fraction = parts.fraction.substr(0, parts.fraction.find_last_not_of('0') + 1);
  if (n.whole.empty() && n.fraction.empty()) n.negative = false;  // -0 is 0
  return n;
}

// Adds exactly (hash totals must not pick up binary rounding) within 18 digits.
Number sum(const std::vector<Number>& numbers) {
  std::size_t scale = 0;
  for (const Number& n : numbers) scale = std::max(scale, n.fraction.size());
  std::int64_t total = 0;
  for (const Number& n : numbers) {
    std::string digits = n.whole + n.fraction + std::string(scale - n.fraction.size(), '0');
    if (digits.size() > 18) throw ConversionError("'" + n.text + "' has too many digits to add up exactly (18)");
    std::int64_t m = digits.empty() ? 0 : std::stoll(digits);
    if (__builtin_add_overflow(total, n.negative ? -m : m, &total))
      throw ConversionError("adds up to more than 18 digits");
  }
  std::string digits = std::to_string(total < 0 ? -total : total);
  if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
  json text = (total < 0 ? "-" : "") + digits.substr(0, digits.size() - scale) + "." + digits.substr(digits.size() - scale);
  return number_of(text);
}

// X12 R (trailing zeros suppressed, as the standard asks), Nn (implied places) or N0.
std::string write_number(const Number& n, const Format& f) {
  std::size_t places = f.kind == Format::Kind::Integer ? 0 : static_cast<std::size_t>(f.digits);
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

// HH:MM[:SS] (a datetime's time part; fractions and zone dropped) -> HHMM or HHMMSS.
std::string write_time(const std::string& text, int digits) {
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
  return hhmmss.substr(0, digits);
}

// Characters of UTF-8 text (what X12 maximum lengths count); digits for numbers.
std::size_t length(const std::string& s, bool numeric) {
  return std::count_if(s.begin(), s.end(), [&](char c) {
    return numeric ? c >= '0' && c <= '9' : (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
}

std::string shown(std::string_view delimiter) {
  if (delimiter == "\n") return "\\n";
  if (delimiter == "\r\n") return "\\r\\n";
  return std::string(delimiter);
}

// What `when: path`, count and sum take as a value: not null, "", [], {} or false.
bool has_value(const json& v) {
  if (v.is_structured()) return !v.empty();
  if (v.is_boolean()) return v.get<bool>();
  return !v.is_null() && !text_of(v).empty();
}

struct Scope {
  const json* node;
  std::string path;  // "lines[1]"; empty at the document root
};

// A value found by a path, with its place for messages ("lines[1].quantity").
struct Found {
  const json* value;  // nullptr: missing
  std::string path;
};

class Evaluator {
 public:
  Evaluator(const Program& program, const json& doc, const CodeTables& tables, const x12::Delimiters& target)
      : program_(program), doc_(doc), tables_(tables), target_(target) {}

  OutboundMapping::Output run() {
    if (!doc_.is_object()) fail(0, "the ERP transaction is " + a_kind(doc_) + ", not a JSON object");
    Scope root{&doc_, ""};
    entries(program_.entries, root);
    for (const KeyRule& key : program_.keys) {
      std::vector<Found> found;
      collect(key.path, root, key.line, found);
      for (const Found& f : found) {
        if (f.value->is_structured()) fail(key.line, "key " + key.name + ": " + f.path + " is " + a_kind(*f.value) + ", not a value");
        std::string value = text_of(*f.value);
        auto pair = std::make_pair(key.name, value);
        if (!value.empty() && std::find(out_.keys.begin(), out_.keys.end(), pair) == out_.keys.end())
          out_.keys.push_back(std::move(pair));
      }
    }
    return std::move(out_);
  }

 private:
  // Messages end with the segment being built, if any: "(purchase_order to 850, segment 7 PO1)".
  [[noreturn]] void fail(int line, const std::string& message) const {
    auto position = tag_.empty() ? 0 : static_cast<std::uint32_t>(out_.segments.size() + 2);
    throw MappingError(program_.file, line, program_.source_type + " to " + program_.transaction_set, position, message,
                       tag_);
  }

  void entries(const std::vector<Entry>& list, const Scope& scope) {
    for (const Entry& e : list) {
      if (e.when && !holds(*e.when, scope, e.line)) continue;
      if (!e.tag.empty()) {
        segment(e, scope);
      } else if (e.in || e.each) {
        Found f = single(e.in ? *e.in : *e.each, scope, e.line);
        if (!f.value) continue;
        if (e.in) {
          if (!f.value->is_object()) fail(e.line, "in: " + f.path + " is " + a_kind(*f.value) + ", not an object");
          entries(e.entries, Scope{f.value, f.path});
        } else {
          if (!f.value->is_array()) fail(e.line, "each: " + f.path + " is " + a_kind(*f.value) + ", not a list");
          for (std::size_t i = 0; i < f.value->size(); ++i)
            entries(e.entries, Scope{&(*f.value)[i], f.path + "[" + std::to_string(i) + "]"});
        }
      } else {
        entries(e.entries, scope);
      }
    }
  }

  // Every non-null value `path` names, through every element of `name[]` lists.
  void collect(const JsonPath& path, const Scope& scope, int line, std::vector<Found>& out) const {
    walk(path, 0, path.from_root ? Scope{&doc_, ""} : scope, line, out);
  }

  void walk(const JsonPath& path, std::size_t step, const Scope& at, int line, std::vector<Found>& out) const {
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
  Found single(const JsonPath& path, const Scope& scope, int line) const {
    std::vector<Found> found;
    collect(path, scope, line, found);
    if (!found.empty()) return found.front();
    std::string_view text = path.text;
    if (path.from_root) text.remove_prefix(1);
    return {nullptr, joined(path.from_root ? "" : scope.path, std::string(text))};
  }

  bool holds(const Condition& c, const Scope& scope, int line) const {
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

  void segment(const Entry& e, const Scope& scope) {
    tag_ = e.tag;
    std::vector<std::string> elements;
    bool values = false, has_value = false;
    for (const Element& element : e.elements) {
      std::vector<std::string> parts;
      for (std::size_t i = 0; i < element.pieces.size(); ++i) {
        const Piece& piece = element.pieces[i];
        std::string name = element.name + (element.composite ? "-" + std::to_string(i + 1) : "");
        parts.push_back(piece.value ? value(*piece.value, scope, name) : checked(piece.literal, e.line, name, "literal"));
        values = values || piece.value;
        has_value = has_value || (piece.value && !parts.back().empty());
      }
      while (!parts.empty() && parts.back().empty()) parts.pop_back();
      std::string text;
      for (const auto& part : parts) text += (&part == &parts.front() ? "" : std::string(1, target_.component)) + part;
      elements.push_back(std::move(text));
    }
    for (std::size_t i = 0; i + 1 < elements.size(); ++i)
      if (e.elements[i].qualifier && elements[i + 1].empty()) elements[i].clear();
    // Literal qualifiers alone say nothing: REF*DP without a department is left out.
    if (!values || has_value) {
      while (!elements.empty() && elements.back().empty()) elements.pop_back();
      auto position = static_cast<std::uint32_t>(out_.segments.size() + 2);
      out_.segments.push_back(x12::Segment{e.tag, std::move(elements), 0, position});
    }
    tag_.clear();
  }

  // The element text of one value; empty when there is none.
  std::string value(const ValueSpec& v, const Scope& scope, const std::string& name) {
    std::string path = v.path.text, text;
    switch (v.kind) {
      case ValueSpec::Kind::Count: {
        std::vector<Found> found;
        collect(v.path, scope, v.line, found);
        bool list = !v.path.collects() && found.size() == 1 && found.front().value->is_array();
        auto present = std::count_if(found.begin(), found.end(), [](const Found& f) { return has_value(*f.value); });
        text = std::to_string(list ? found.front().value->size() : present);
        break;
      }
      case ValueSpec::Kind::Sum: {
        std::vector<Found> found;
        collect(v.path, scope, v.line, found);
        std::vector<Number> numbers;
        for (const Found& f : found)
          if (has_value(*f.value)) numbers.push_back(converted(v, name, f.path, [&] { return number_of(*f.value); }));
        text = converted(v, name, "the sum of " + path, [&] { return write_number(sum(numbers), v.format); });
        break;
      }
      case ValueSpec::Kind::From: {
        Found f = single(v.path, scope, v.line);
        path = f.path;
        text = f.value ? converted(v, name, path, [&] { return text_of(*f.value); }) : "";
        if (text.empty()) {
          if (v.fallback) return checked(*v.fallback, v.line, name, "default");
          if (v.required) fail(v.line, name + " is required but " + path + (f.value ? " is empty" : " is missing"));
          return "";
        }
        if (!v.table.empty()) {
          auto code = converted(v, name, path, [&] { return code_for(v, text); });
          if (!code) return checked(*v.fallback, v.line, name, "default");
          text = *code;
        } else if (v.format.kind == Format::Kind::Date || v.format.kind == Format::Kind::Time) {
          text = converted(v, name, path, [&] {
            if (!f.value->is_string()) throw ConversionError("is " + a_kind(*f.value) + ", not a text");
            return v.format.kind == Format::Kind::Date ? write_date(text, v.format.digits)
                                                       : write_time(text, v.format.digits);
          });
        } else if (v.format.numeric()) {
          text = converted(v, name, path, [&] { return write_number(number_of(*f.value), v.format); });
        }
        break;
      }
    }
    if (v.max && length(text, v.format.numeric()) > v.max) {
      if (!v.truncate)
        fail(v.line, name + ": " + path + " '" + text + "' is longer than max " + std::to_string(v.max) +
                         (v.format.numeric() ? " digits" : ""));
      std::size_t cut = 0;
      for (std::size_t chars = 0; cut < text.size(); ++cut)
        if ((static_cast<unsigned char>(text[cut]) & 0xC0) != 0x80 && chars++ == v.max) break;
      text.resize(cut);
      text.erase(text.find_last_not_of(' ') + 1);  // X12 AN: trailing spaces are suppressed
    }
    return checked(std::move(text), v.line, name, path);
  }

  // `convert()`, its ConversionError told as "PO102: lines[1].quantity '1O' is not a decimal number".
  template <typename F>
  auto converted(const ValueSpec& v, const std::string& name, const std::string& path, F conversion) const
      -> decltype(conversion()) {
    try {
      return conversion();
    } catch (const ConversionError& e) {
      fail(v.line, name + ": " + path + " " + e.what());
    }
  }

  // The X12 code of an ERP value; nullopt means "write the default".
  std::optional<std::string> code_for(const ValueSpec& v, const std::string& value) const {
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
    if (v.keep_unknown) return value;
    if (v.fallback) return std::nullopt;
    throw ConversionError("'" + value + "' has no code in code table " + v.table);
  }

  // `text` as it will be written; data holding a target delimiter would change the segment.
  std::string checked(std::string text, int line, const std::string& name, const std::string& what) const {
    std::string found;
    if (text.find(target_.element) != std::string::npos) found = "the element separator '" + std::string(1, target_.element) + "'";
    else if (text.find(target_.component) != std::string::npos) found = "the component separator '" + std::string(1, target_.component) + "'";
    else if (target_.repetition && text.find(target_.repetition) != std::string::npos)
      found = "the repetition separator '" + std::string(1, target_.repetition) + "'";
    else if (text.find(target_.segment) != std::string::npos) found = "the segment terminator '" + shown(target_.segment) + "'";
    else if (text.find_first_of("\r\n") != std::string::npos) found = "a line break";
    if (!found.empty()) fail(line, name + ": " + what + " '" + text + "' contains " + found);
    return text;
  }

  const Program& program_;
  const json& doc_;
  const CodeTables& tables_;
  const x12::Delimiters& target_;
  OutboundMapping::Output out_;
  std::string tag_;  // of the segment being built, for messages
};

}  // namespace
}  // namespace outbound

struct OutboundMapping::Impl {
  outbound::Program program;
};

OutboundMapping::OutboundMapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboundMapping::~OutboundMapping() = default;

std::shared_ptr<const OutboundMapping> OutboundMapping::load(const std::string& yaml_text, const std::string& file_name) {
  return std::make_shared<const OutboundMapping>(std::make_unique<Impl>(Impl{outbound::load_program(yaml_text, file_name)}));
}

std::shared_ptr<const OutboundMapping> OutboundMapping::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MappingFileError(path, 0, std::string("cannot read the mapping file: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return load(text.str(), path);
}

const std::string& OutboundMapping::source_type() const { return impl_->program.source_type; }
const std::string& OutboundMapping::transaction_set() const { return impl_->program.transaction_set; }
const std::string& OutboundMapping::functional_id() const { return impl_->program.functional_id; }
const std::vector<std::string>& OutboundMapping::versions() const { return impl_->program.versions; }
const std::string& OutboundMapping::file_name() const { return impl_->program.file; }

std::vector<std::string> OutboundMapping::code_tables_used() const {
  std::vector<std::string> out;
  for (const auto& name : impl_->program.tables_used)
    if (!impl_->program.tables.count(name)) out.push_back(name);
  return out;
}

OutboundMapping::Output OutboundMapping::evaluate(const nlohmann::json& transaction, const CodeTables& tables,
                                                  const x12::Delimiters& target) const {
  return outbound::Evaluator(impl_->program, transaction, tables, target).run();
}

}  // namespace edihub::mapping
