// X12 and XML data types to ERP JSON values (the `as:` of a mapping field):
//   text      the element as sent (trimmed)
//   date      CCYYMMDD or YYMMDD (YY < 50 is 20YY), ISO 8601 YYYY-MM-DD[zone] (also the
//             date of an ISO datetime) -> "YYYY-MM-DD"
//   time      HHMM, HHMMSS, HHMMSSd[d], ISO HH:MM:SS[.f][zone] (fraction dropped) -> "HH:MM:SS"
//   datetime  [date, time] -> "YYYY-MM-DDTHH:MM:SS" ("YYYY-MM-DD" when the time is absent);
//             a single CCYYMMDDHHMM[SS] or ISO YYYY-MM-DDTHH:MM:SS[.f][zone] value works too.
//             A UTC offset (Z, +01:00) is dropped: the local time is kept, as X12 DTM does
//   decimal   X12 R (-12.50) -> JSON number: integral values as integers, others as
//             doubles when their digits survive (at most 15 significant), else an error
//   integer   X12 N0 -> JSON integer
//   N1..N9    implied decimals (N2: 1250 -> 12.5)
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
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

// Arithmetic of `calc:` in long double, so decimal inputs stay exact to far more digits
// than a JSON number keeps. Throws ConversionError (not a number, division by zero).
enum class Operation { Multiply, Divide, Add, Subtract };
long double decimal_value(std::string_view text);
long double calculate(Operation op, long double left, long double right);
// A result as a JSON number, rounded half away from zero to `round` places when given;
// integral results as integers.
nlohmann::json decimal_json(long double value, std::optional<int> round);

}  // namespace edihub::mapping
