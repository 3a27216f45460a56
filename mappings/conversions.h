// X12 data types to ERP JSON values (the `as:` of a mapping field):
//   text      the element as sent (trimmed)
//   date      CCYYMMDD or YYMMDD (YY < 50 is 20YY) -> "YYYY-MM-DD"
//   time      HHMM, HHMMSS, HHMMSSd[d] (fraction dropped) -> "HH:MM:SS"
//   datetime  [date, time] -> "YYYY-MM-DDTHH:MM:SS" ("YYYY-MM-DD" when the time is absent);
//             a single CCYYMMDDHHMM[SS] value works too
//   decimal   X12 R (-12.50) -> JSON number: integral values as integers, others as
//             doubles when their digits survive (at most 15 significant), else an error
//   integer   X12 N0 -> JSON integer
//   N1..N9    implied decimals (N2: 1250 -> 12.5)
#pragma once

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>

namespace edihub::mapping {

class ConversionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Conversion {
  enum class Kind { Text, Date, Time, DateTime, Decimal, Integer, Implied };
  Kind kind = Kind::Text;
  int decimals = 0;  // Implied

  bool numeric() const { return kind == Kind::Decimal || kind == Kind::Integer || kind == Kind::Implied; }
};

// Parses an `as:` name; throws ConversionError listing the known names.
Conversion parse_conversion(std::string_view name);

// The parts of an X12 R value: "-012.50" -> negative, whole "012", fraction "50" (either
// part may be empty, not both). Throws ConversionError when `text` is not one. The
// outbound direction reads JSON numbers and numeric strings through it too.
struct DecimalParts {
  bool negative = false;
  std::string_view whole, fraction;
};
DecimalParts split_decimal(std::string_view text);

// Converts one value; throws ConversionError("'2009133' is not a date (CCYYMMDD or YYMMDD)").
// A [date, time] pair is two conversions joined with "T" by the caller.
nlohmann::json convert(const Conversion& as, std::string_view text);

}  // namespace edihub::mapping
