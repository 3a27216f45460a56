// The `reconcile` section (edihub.yaml's `reconcile:` gives the defaults under it): how
// the partner's ASNs, 855s and 810s are checked against the orders sent to it.
#include <cerrno>
#include <cstdlib>

#include "partners/sections.h"

namespace edihub::partners {

namespace detail {

namespace {

// "5%" (of the reference) or "2" (a quantity or amount), not negative.
std::optional<Tolerance> read_tolerance(ProfileReader& r, const YAML::Node& node, const std::string& what) {
  std::string text = r.scalar(node, what);
  Tolerance t;
  if (!text.empty() && text.back() == '%') {
    t.percent = true;
    text.pop_back();
  }
  errno = 0;
  char* end = nullptr;
  t.value = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end != text.c_str() + text.size() || t.value < 0 || (t.percent && t.value > 1000)) {
    r.problem(node, "'" + what + "' must be a percent like 5% or a quantity like 2, not negative");
    return std::nullopt;
  }
  return t;
}

void read_unit_conversions(ProfileReader& r, const YAML::Node& node, ReconcileRules& rules) {
  if (!node.IsMap()) return r.problem(node, "'reconcile.unit_conversions' must map a unit to units and factors, e.g. CS: {EA: 12}");
  for (const auto& from : node) {
    const auto unit = from.first.as<std::string>();
    if (!from.second.IsMap()) {
      r.problem(from.second, "'reconcile.unit_conversions." + unit + "' must map units to factors, e.g. {EA: 12}");
      continue;
    }
    for (const auto& to : from.second) {
      const auto target = to.first.as<std::string>();
      const std::string what = "reconcile.unit_conversions." + unit + "." + target;
      auto factor = read_tolerance(r, to.second, what);
      if (!factor) continue;
      if (factor->percent || factor->value <= 0) {
        r.problem(to.second, "'" + what + "' must be a positive number (1 " + unit + " is this many " + target + ")");
        continue;
      }
      rules.unit_conversions[unit][target] = factor->value;
    }
  }
}

}  // namespace

void read_reconcile(ProfileReader& r, const YAML::Node& node, ReconcileRules& rules) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap())
    return r.problem(node, "'reconcile' must be a mapping (enabled, quantity_tolerance, price_tolerance, asn_allowance, "
                           "under_shipment_grace, ack_allowance, unit_conversions, hold_on)");
  r.reject_unknown_keys(node,
                        {"enabled", "quantity_tolerance", "price_tolerance", "asn_allowance", "under_shipment_grace",
                         "ack_allowance", "unit_conversions", "hold_on"},
                        "'reconcile'");
  if (node["enabled"]) rules.enabled = r.boolean(node["enabled"], "reconcile.enabled");
  if (node["quantity_tolerance"])
    if (auto t = read_tolerance(r, node["quantity_tolerance"], "reconcile.quantity_tolerance")) rules.quantity = *t;
  if (node["price_tolerance"])
    if (auto t = read_tolerance(r, node["price_tolerance"], "reconcile.price_tolerance")) rules.price = *t;
  auto duration = [&](const char* key, std::chrono::seconds& into) {
    if (node[key])
      if (auto d = r.duration(node[key], std::string("reconcile.") + key, "24h, 90m or 2d")) into = *d;
  };
  duration("asn_allowance", rules.asn_allowance);
  duration("under_shipment_grace", rules.under_shipment_grace);
  duration("ack_allowance", rules.ack_allowance);
  if (node["unit_conversions"]) read_unit_conversions(r, node["unit_conversions"], rules);
  if (const auto hold = node["hold_on"]) {
    if (!hold.IsSequence()) return r.problem(hold, "'reconcile.hold_on' must be a list of finding kinds");
    rules.hold_on.clear();  // a profile's list replaces the default one
    for (const auto& item : hold) {
      const auto name = item.IsScalar() ? item.as<std::string>() : "";
      if (auto finding = parse_finding(name)) {
        rules.hold_on.insert(*finding);
        continue;
      }
      std::string known;
      for (auto n : kFindingNames) known += (known.empty() ? "" : ", ") + std::string(n);
      r.problem(item, "'reconcile.hold_on': unknown kind '" + name + "' (expected one of: " + known + ")");
    }
  }
}

}  // namespace detail

}  // namespace edihub::partners
