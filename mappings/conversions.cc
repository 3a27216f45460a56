#include "mappings/conversions.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstdint>

namespace edihub::mapping {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int number(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

std::string two(int n) { return std::string{static_cast<char>('0' + n / 10), static_cast<char>('0' + n % 10)}; }

// ISO 8601 time zone designator: Z, +HH:MM, -HH:MM (dropped: the local time is kept).
std::string_view without_zone(std::string_view s, std::size_t from) {
  if (s.size() > from && s.back() == 'Z') return s.substr(0, s.size() - 1);
  std::size_t sign = s.find_first_of("+-", from);
  if (sign != std::string_view::npos && s.size() - sign == 6 && s[sign + 3] == ':') return s.substr(0, sign);
  return s;
}

bool iso(std::string_view s) { return s.find_first_of("-:") != std::string_view::npos; }

// ISO YYYY-MM-DD (of a date or a dateTime) as CCYYMMDD; anything else unchanged.
std::string iso_date(std::string_view s) {
  if (s.size() > 10 && s[10] == 'T') s = s.substr(0, 10);
  s = without_zone(s, 10);
  if (s.size() == 10 && s[4] == '-' && s[7] == '-')
    return std::string(s.substr(0, 4)) + std::string(s.substr(5, 2)) + std::string(s.substr(8, 2));
  return std::string(s);
}

// ISO HH:MM[:SS[.fff]] as HHMM[SS]; anything else unchanged.
std::string iso_time(std::string_view s) {
  s = without_zone(s, 5);
  s = s.substr(0, s.find('.'));
  if ((s.size() == 5 || s.size() == 8) && s[2] == ':' && (s.size() == 5 || s[5] == ':'))
    return std::string(s.substr(0, 2)) + std::string(s.substr(3, 2)) + (s.size() == 8 ? std::string(s.substr(6)) : "");
  return std::string(s);
}

std::string date(std::string_view iso_or_x12) {
  std::string text = iso_date(iso_or_x12);
  std::string_view s = text;
  if (!all_digits(s) || (s.size() != 8 && s.size() != 6))
    throw ConversionError("'" + std::string(iso_or_x12) + "' is not a date (" +
                          (iso(iso_or_x12) ? "YYYY-MM-DD" : "CCYYMMDD or YYMMDD") + ")");
  int year = s.size() == 8 ? number(s.substr(0, 4)) : number(s.substr(0, 2));
  if (s.size() == 6) year += year < 50 ? 2000 : 1900;
  std::string_view md = s.substr(s.size() - 4);
  int month = number(md.substr(0, 2)), day = number(md.substr(2));
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1] + (month == 2 && leap))
    throw ConversionError("'" + std::string(iso_or_x12) + "' is not a valid calendar date");
  return std::to_string(year) + "-" + two(month) + "-" + two(day);
}

std::string time(std::string_view iso_or_x12) {
  std::string text = iso_time(iso_or_x12);
  std::string_view s = text;
  if (!all_digits(s) || s.size() < 4 || s.size() > 8 || s.size() == 5)
    throw ConversionError("'" + std::string(iso_or_x12) + "' is not a time (" +
                          (iso(iso_or_x12) ? "HH:MM:SS" : "HHMM, HHMMSS or HHMMSSDD") + ")");
  int h = number(s.substr(0, 2)), m = number(s.substr(2, 2)), sec = s.size() >= 6 ? number(s.substr(4, 2)) : 0;
  if (h > 23 || m > 59 || sec > 59)
    throw ConversionError("'" + std::string(iso_or_x12) + "' is not a valid time of day");
  return two(h) + ":" + two(m) + ":" + two(sec);
}

// X12 R: optional minus, digits with an optional decimal point.
nlohmann::json decimal(std::string_view s) {
  auto bad = [&](const std::string& why) { return ConversionError("'" + std::string(s) + "' " + why); };
  auto [negative, whole, fraction] = split_decimal(s);
  whole = whole.substr(std::min(whole.find_first_not_of('0'), whole.size()));
  fraction = fraction.substr(0, fraction.find_last_not_of('0') + 1);
  if (fraction.empty() && whole.size() <= 18) {
    std::int64_t n = 0;
    for (char c : whole) n = n * 10 + (c - '0');
    return negative ? -n : n;
  }
  std::size_t significant =
      whole.empty() ? fraction.size() - fraction.find_first_not_of('0') : whole.size() + fraction.size();
  if (significant > 15) throw bad("has more digits than a JSON number keeps exactly (15 significant)");
  double value = 0;
  std::from_chars(s.data(), s.data() + s.size(), value);
  return value;
}

nlohmann::json implied(std::string_view s, int decimals) {
  bool negative = !s.empty() && s[0] == '-';
  std::string digits(s.substr(negative ? 1 : 0));
  if (!all_digits(digits)) throw ConversionError("'" + std::string(s) + "' is not a number with implied decimals");
  if (digits.size() <= static_cast<std::size_t>(decimals)) digits.insert(0, decimals + 1 - digits.size(), '0');
  digits.insert(digits.size() - decimals, ".");
  return decimal((negative ? "-" : "") + digits);
}

}  // namespace

DecimalParts split_decimal(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  std::string_view body = s.substr(negative ? 1 : 0);
  std::size_t dot = body.find('.');
  std::string_view whole = body.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : body.substr(dot + 1);
  if ((whole.empty() && fraction.empty()) || (!whole.empty() && !all_digits(whole)) ||
      (!fraction.empty() && !all_digits(fraction)))
    throw ConversionError("'" + std::string(s) + "' is not a decimal number");
  return {negative, whole, fraction};
}

Conversion parse_conversion(std::string_view name) {
  using K = Conversion::Kind;
  if (name == "text") return {K::Text, 0};
  if (name == "date") return {K::Date, 0};
  if (name == "time") return {K::Time, 0};
  if (name == "datetime") return {K::DateTime, 0};
  if (name == "decimal") return {K::Decimal, 0};
  if (name == "integer" || name == "N0") return {K::Integer, 0};
  if (name.size() == 2 && name[0] == 'N' && name[1] >= '1' && name[1] <= '9') return {K::Implied, name[1] - '0'};
  throw ConversionError("unknown conversion '" + std::string(name) +
                        "' (use text, date, time, datetime, decimal, integer or N0..N9)");
}

nlohmann::json convert(const Conversion& as, std::string_view text) {
  using K = Conversion::Kind;
  switch (as.kind) {
    case K::Text:
      return std::string(text);
    case K::Date:
      return date(text);
    case K::Time:
      return time(text);
    case K::DateTime:
      if (std::size_t t = text.find('T'); t == 10) return date(text.substr(0, t)) + "T" + time(text.substr(t + 1));
      if (!all_digits(text) || (text.size() != 12 && text.size() != 14))
        throw ConversionError("'" + std::string(text) + "' is not a datetime (CCYYMMDDHHMM or CCYYMMDDHHMMSS)");
      return date(text.substr(0, 8)) + "T" + time(text.substr(8));
    case K::Decimal:
      return decimal(text);
    case K::Integer: {
      bool negative = !text.empty() && text[0] == '-';
      if (!all_digits(text.substr(negative ? 1 : 0)))
        throw ConversionError("'" + std::string(text) + "' is not an integer");
      nlohmann::json n = decimal(text);
      if (!n.is_number_integer()) throw ConversionError("'" + std::string(text) + "' is too large for an integer");
      return n;
    }
    case K::Implied:
      return implied(text, as.decimals);
  }
  return nullptr;
}

long double decimal_value(std::string_view text) {
  split_decimal(text);  // refuses anything but an R value
  return std::strtold(std::string(text).c_str(), nullptr);
}

long double calculate(Operation op, long double left, long double right) {
  switch (op) {
    case Operation::Multiply:
      return left * right;
    case Operation::Divide:
      if (right == 0) throw ConversionError("division by zero");
      return left / right;
    case Operation::Add:
      return left + right;
    case Operation::Subtract:
      return left - right;
  }
  return left;
}

nlohmann::json decimal_json(long double value, std::optional<int> round) {
  char text[128];
  if (round) {
    long double scale = std::pow(10.0L, *round);
    value = std::round(value * scale) / scale;
    std::snprintf(text, sizeof text, "%.*Lf", *round, value);
  } else {
    std::snprintf(text, sizeof text, "%.15Lg", value);
  }
  if (std::string_view(text).find_first_of("eEn") != std::string_view::npos)
    throw ConversionError(std::string("the result ") + text + " is out of range");
  return decimal(text);
}

}  // namespace edihub::mapping
