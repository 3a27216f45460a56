#include "formats/edifact.h"

#include <array>
#include <stdexcept>
#include <utility>

namespace edihub::edifact {

namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

bool is_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Level A (ISO 9735 annex A): upper case letters, digits, space and these marks; the
// service characters ' + : ? are included so released separators pass.
constexpr std::string_view kLevelAMarks = " .,-()/='+:?!\"%&*;<>";

bool in_level_a(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || kLevelAMarks.find(c) != std::string_view::npos; }
// Level B: level A and lower case letters.
bool in_level_b(char c) { return in_level_a(c) || (c >= 'a' && c <= 'z'); }

struct Charset {
  std::string_view identifier;
  std::string_view iconv;
};
constexpr std::array<Charset, 13> kCharsets{{{"UNOA", "US-ASCII"},
                                             {"UNOB", "US-ASCII"},
                                             {"UNOC", "ISO-8859-1"},
                                             {"UNOD", "ISO-8859-2"},
                                             {"UNOE", "ISO-8859-5"},
                                             {"UNOF", "ISO-8859-7"},
                                             {"UNOG", "ISO-8859-3"},
                                             {"UNOH", "ISO-8859-4"},
                                             {"UNOI", "ISO-8859-6"},
                                             {"UNOJ", "ISO-8859-8"},
                                             {"UNOK", "ISO-8859-9"},
                                             {"UNOW", "UTF-8"},
                                             {"UNOY", "UTF-8"}}};

// One row of the X12 -> 0085 table: an X12 code at a level and its syntax error code.
struct ErrorRow {
  Level level;
  std::string_view x12;
  std::string_view edifact;
};
constexpr ErrorRow kErrors[] = {
    // Interchange: TA1 notes.
    {Level::Interchange, "001", "28"}, {Level::Interchange, "005", "12"}, {Level::Interchange, "006", "12"},
    {Level::Interchange, "007", "12"}, {Level::Interchange, "008", "12"}, {Level::Interchange, "014", "12"},
    {Level::Interchange, "015", "12"}, {Level::Interchange, "016", "2"},  {Level::Interchange, "017", "2"},
    {Level::Interchange, "018", "12"}, {Level::Interchange, "020", "12"}, {Level::Interchange, "021", "29"},
    {Level::Interchange, "022", "18"}, {Level::Interchange, "023", "13"}, {Level::Interchange, "024", "18"},
    {Level::Interchange, "025", "26"}, {Level::Interchange, "026", "20"}, {Level::Interchange, "027", "20"},
    // Group: AK9 codes.
    {Level::Group, "1", "15"}, {Level::Group, "2", "2"}, {Level::Group, "3", "13"},
    {Level::Group, "4", "28"}, {Level::Group, "5", "29"}, {Level::Group, "6", "12"}, {Level::Group, "19", "26"},  // 19: duplicate group reference
    // Message: AK5 codes.
    {Level::Message, "1", "15"}, {Level::Message, "2", "13"}, {Level::Message, "3", "28"},
    {Level::Message, "4", "29"}, {Level::Message, "5", ""},   {Level::Message, "6", "12"},
    {Level::Message, "7", "12"}, {Level::Message, "23", "26"},
    // Segment: AK304 codes.
    {Level::Segment, "1", "15"}, {Level::Segment, "2", "15"}, {Level::Segment, "3", "13"},
    {Level::Segment, "4", "36"}, {Level::Segment, "5", "35"}, {Level::Segment, "6", "15"},
    {Level::Segment, "7", "15"}, {Level::Segment, "8", ""},
    // Element: AK403 codes.
    {Level::Element, "1", "13"},  {Level::Element, "2", "13"},  {Level::Element, "3", "16"},
    {Level::Element, "4", "40"},  {Level::Element, "5", "39"},  {Level::Element, "6", "21"},
    {Level::Element, "7", "12"},  {Level::Element, "8", "12"},  {Level::Element, "9", "12"},
    {Level::Element, "10", "12"}, {Level::Element, "12", "35"}, {Level::Element, "13", "16"},
};

}  // namespace

const x12::Delimiters& unescaped_delimiters() {
  static const x12::Delimiters delimiters{'+', kComponent, kRepetition, "'", 0, 0};
  return delimiters;
}

x12::Delimiters default_delimiters(int syntax_version) {
  return x12::Delimiters{'+', ':', syntax_version >= 4 ? '*' : '\0', "'", '?', '.'};
}

bool looks_like_edifact(std::string_view head) {
  if (head.starts_with(kBom)) head.remove_prefix(kBom.size());
  while (!head.empty() && is_space(head.front())) head.remove_prefix(1);
  if (head.size() < 4 || !(head.starts_with("UNA") || head.starts_with("UNB"))) return false;
  const char separator = head[3];
  return separator > ' ' && separator < 0x7f && !is_alnum(separator);
}

std::string escape(std::string_view value, const x12::Delimiters& delimiters) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == kComponent || c == kRepetition) {
      const char separator = c == kComponent ? delimiters.component : delimiters.repetition;
      if (separator == 0) throw std::invalid_argument("a repetition cannot be written without a repetition separator");
      out += separator;
      continue;
    }
    const bool service = c == delimiters.element || c == delimiters.component || c == delimiters.segment.front() ||
                         (c == delimiters.release && c != 0) || (c == delimiters.repetition && c != 0);
    if (service) {
      if (delimiters.release == 0) {
        throw std::invalid_argument(std::string("service character '") + c + "' in data and no release character");
      }
      out += delimiters.release;
    }
    out += c;
  }
  return out;
}

std::string render(const x12::Segment& segment, const x12::Delimiters& delimiters) {
  std::string out = segment.tag;
  for (const std::string& element : segment.elements) {
    out += delimiters.element;
    out += escape(element, delimiters);
  }
  return out + delimiters.segment;
}

std::optional<std::string> charset_name(std::string_view syntax_identifier) {
  for (const Charset& charset : kCharsets) {
    if (charset.identifier == syntax_identifier) return std::string(charset.iconv);
  }
  return std::nullopt;
}

std::optional<std::size_t> outside_repertoire(std::string_view value, std::string_view syntax_identifier) {
  bool (*allowed)(char) = nullptr;
  if (syntax_identifier == "UNOA") allowed = in_level_a;
  if (syntax_identifier == "UNOB") allowed = in_level_b;
  if (allowed == nullptr) return std::nullopt;
  for (std::size_t i = 0; i < value.size(); ++i) {
    // Separators of an unescaped value are structure, not data.
    if (value[i] != kComponent && value[i] != kRepetition && !allowed(value[i])) return i;
  }
  return std::nullopt;
}

std::string_view syntax_error(Level level, std::string_view x12_code) {
  for (const ErrorRow& row : kErrors) {
    if (row.level == level && row.x12 == x12_code) return row.edifact;
  }
  return "18";
}

}  // namespace edihub::edifact
