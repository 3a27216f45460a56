#include "hub/reconcile/lines.h"

#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace edihub::hub::reconcile {

using archive::OrderLineRecord;
using archive::OrderState;

double number(const nlohmann::json& value) {
  if (value.is_number()) return value.get<double>();
  if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    char* end = nullptr;
    double d = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size() ? d : 0;
  }
  return 0;
}

std::string text(const nlohmann::json& obj, const char* key) {
  if (!obj.is_object() || !obj.contains(key)) return "";
  const auto& v = obj[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return quantity(v.get<double>());
  return "";
}

std::string quantity(double value) {
  std::string s = fmt::format("{:.6f}", value);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

namespace {

std::string without_leading_zeros(std::string s) {
  auto first = s.find_first_not_of('0');
  return first == std::string::npos ? (s.empty() ? s : "0") : s.substr(first);
}

}  // namespace

std::vector<OrderLineRecord> order_lines_of(const nlohmann::json& order) {
  std::vector<OrderLineRecord> lines;
  if (!order.is_object() || !order.contains("lines") || !order["lines"].is_array()) return lines;
  for (const auto& l : order["lines"]) {
    OrderLineRecord line;
    line.line_number = text(l, "line_number");
    line.buyer_part = text(l, "buyer_part");
    line.vendor_part = l.contains("item") ? text(l, "item") : text(l, "vendor_part");
    line.upc = text(l, "upc");
    line.gtin = text(l, "gtin");
    line.unit = text(l, "unit");
    line.quantity = number(l.value("quantity", nlohmann::json()));
    line.unit_price = number(l.value("unit_price", nlohmann::json()));
    lines.push_back(std::move(line));
  }
  return lines;
}

const OrderLineRecord* match_line(const std::vector<OrderLineRecord>& lines, const nlohmann::json& item) {
  const std::string number = without_leading_zeros(text(item, "line_number"));
  if (!number.empty())
    for (const auto& line : lines)
      if (without_leading_zeros(line.line_number) == number) return &line;
  auto by = [&](const char* key, auto member) -> const OrderLineRecord* {
    const std::string value = text(item, key);
    if (value.empty()) return nullptr;
    for (const auto& line : lines)
      if (line.*member == value) return &line;
    return nullptr;
  };
  if (auto* l = by("buyer_part", &OrderLineRecord::buyer_part)) return l;
  if (auto* l = by("vendor_part", &OrderLineRecord::vendor_part)) return l;
  if (auto* l = by("upc", &OrderLineRecord::upc)) return l;
  return by("gtin", &OrderLineRecord::gtin);
}

std::string item_name(const nlohmann::json& item) {
  std::string name = "line " + (text(item, "line_number").empty() ? "?" : text(item, "line_number"));
  for (const auto& [key, label] : {std::pair{"buyer_part", "buyer part"}, {"vendor_part", "vendor part"},
                                   {"upc", "UPC"}, {"gtin", "GTIN"}})
    if (auto value = text(item, key); !value.empty()) return name + " (" + label + " " + value + ")";
  return name;
}

std::optional<double> convert(const partners::ReconcileRules& rules, double value, const std::string& from,
                              const std::string& to) {
  if (from == to) return value;
  auto factor = [&](const std::string& a, const std::string& b) -> std::optional<double> {
    auto i = rules.unit_conversions.find(a);
    if (i == rules.unit_conversions.end()) return std::nullopt;
    auto j = i->second.find(b);
    if (j == i->second.end()) return std::nullopt;
    return j->second;
  };
  if (auto f = factor(from, to)) return value * *f;
  if (auto f = factor(to, from)) return value / *f;
  return std::nullopt;
}

std::string tolerance_text(const partners::Tolerance& t) { return quantity(t.value) + (t.percent ? "%" : ""); }

OrderState derive_state(const archive::OrderRecord& order, const std::vector<OrderLineRecord>& lines,
                        const partners::ReconcileRules& rules) {
  if (order.state == OrderState::closed) return OrderState::closed;  // cancelled: stays closed
  bool any_shipped = false, all_shipped = !lines.empty(), over = false, any_invoiced = false, all_billed = !lines.empty();
  for (const auto& line : lines) {
    const double tolerance = rules.quantity.of(line.quantity);
    any_shipped |= line.shipped > 0;
    all_shipped &= line.shipped >= line.quantity - tolerance;
    over |= line.shipped > line.quantity + tolerance;
    any_invoiced |= line.invoiced > 0;
    all_billed &= line.invoiced >= line.shipped && line.shipped > 0;
  }
  if (all_shipped && all_billed) return OrderState::closed;
  if (any_invoiced) return OrderState::invoiced;
  if (over) return OrderState::over_shipped;
  if (all_shipped) return OrderState::shipped;
  if (any_shipped) return OrderState::partially_shipped;
  if (!order.ack_status.empty()) return OrderState::acknowledged;
  return OrderState::open;
}

void Findings::add(partners::Finding kind, std::string reason, std::vector<std::string> documents) {
  const std::string name(partners::to_string(kind));
  for (const auto& open : index_.open_exceptions_about(partner_.id, name, documents.front()))
    if (open.reason == reason && open.documents == documents) return;
  archive::ExceptionRecord e;
  e.partner = partner_.id;
  e.file_id = file_id_;
  e.set_id = set_id_;
  e.kind = name;
  e.reason = std::move(reason);
  e.documents = std::move(documents);
  outcome_.exceptions.push_back(std::move(e));
  if (set_id_ && partner_.reconcile.hold_on.contains(kind) && outcome_.delivery == Reconciler::Delivery::deliver)
    outcome_.delivery = Reconciler::Delivery::hold;
}

}  // namespace edihub::hub::reconcile
