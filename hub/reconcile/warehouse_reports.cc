// A 3PL's reports: a receipt (warehouse_receipt, from a 944) against the inbound ASN it
// names, item by item (receipt_short, receipt_over), and an inventory adjustment
// (inventory_adjustment, from a 947) whose holds raise quality_hold until a release of the
// same item and lot resolves it.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using partners::Finding;
using namespace reconcile;

namespace {

constexpr const char* kItemIds[] = {"vendor_part", "buyer_part", "upc", "gtin", "sku"};

// Whether two items (ASN shipment line ids, receipt line) name the same product: any
// identifier both carry is equal.
bool same_item(const nlohmann::json& a, const nlohmann::json& b) {
  for (const char* key : kItemIds)
    if (auto x = text(a, key); !x.empty() && x == text(b, key)) return true;
  return false;
}

// How an item is named in a reason and in a document name: its first identifier.
std::string item_id(const nlohmann::json& item) {
  for (const char* key : kItemIds)
    if (auto value = text(item, key); !value.empty()) return value;
  return "";
}

std::string receipt_document(const std::string& id) { return "receipt:" + id; }
std::string adjustment_document(const std::string& id) { return "adjustment:" + id; }
// The stock a hold is about: the item, and its lot when the warehouse named one.
std::string stock_document(const nlohmann::json& adjustment) {
  const std::string lot = text(adjustment, "lot");
  return "item:" + item_id(adjustment) + (lot.empty() ? "" : "/lot:" + lot);
}

// One item of the ASN: what was shipped (summed over its lines) and what the receipt counts against it.
struct Shipped {
  nlohmann::json item;  // the identifiers the ASN line carried
  std::string unit;
  double shipped = 0;
  double received = 0;
};

}  // namespace

Reconciler::Outcome Reconciler::on_receipt(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                                           const nlohmann::json& receipt) {
  const std::string shipment_id = text(receipt, "shipment_id");
  if (shipment_id.empty()) return {};  // a receipt naming no ASN has nothing to be compared with
  const std::string receipt_id = text(receipt, "receipt_id");
  const std::vector<std::string> documents{shipment_document(shipment_id), receipt_document(receipt_id)};

  // The ASN came from the supplier, the receipt from the warehouse: find the shipment by
  // its id whichever partner sent it (each set carrying business key shipment_id).
  archive::Query query;
  query.key = {"shipment_id", shipment_id};
  query.direction = "in";
  query.limit = -1;
  std::set<std::string> senders;
  for (const auto& row : index_.query(query)) senders.insert(row.set.partner);
  std::vector<Shipped> items;
  for (const auto& sender : senders)
    for (const auto& shipment : records_.shipments(sender, shipment_id)) {
      if (shipment.state != archive::ShipmentState::active) continue;
      for (const auto& line : records_.shipment_lines(shipment.id)) {
        nlohmann::json ids = nlohmann::json::parse(line.item, nullptr, false);
        if (!ids.is_object()) continue;
        auto known = std::find_if(items.begin(), items.end(), [&](const Shipped& s) { return same_item(s.item, ids); });
        if (known != items.end() && known->unit == line.unit) {
          known->shipped += line.quantity;
        } else {
          items.push_back({ids, line.unit, line.quantity, 0});
        }
      }
    }
  if (items.empty()) return {};  // no ASN known under that id: nothing to compare (yet)

  Findings findings(index_, partner, set.file_id, set.id);
  const auto& rules = partner.reconcile;
  bool any_short = false, any_over = false;
  for (const auto& line : receipt.value("lines", nlohmann::json::array())) {
    const double received = number(line.value("quantity_received", nlohmann::json()));
    const std::string unit = text(line, "unit");
    auto match = std::find_if(items.begin(), items.end(), [&](const Shipped& s) { return same_item(s.item, line); });
    std::optional<double> converted;
    if (match != items.end()) converted = convert(rules, received, unit, match->unit);
    if (match == items.end() || !converted) {
      any_over = true;
      findings.add(Finding::receipt_over,
                   fmt::format("receipt {} for shipment {}: item {} ({} {}) was received but the ASN did not ship it{}",
                               receipt_id, shipment_id, item_id(line), quantity(received), unit,
                               match == items.end() ? "" : fmt::format(" in {} (no conversion configured)", match->unit)),
                   documents);
      continue;
    }
    match->received += *converted;
  }
  for (const auto& s : items) {
    const double slack = rules.quantity.of(s.shipped);
    const bool is_short = s.received + 1e-9 < s.shipped - slack, is_over = s.received > s.shipped + slack + 1e-9;
    if (!is_short && !is_over) continue;
    any_short |= is_short;
    any_over |= is_over;
    findings.add(is_short ? Finding::receipt_short : Finding::receipt_over,
                 fmt::format("receipt {} for shipment {}: item {} shipped {} {}, received {} {}, tolerance {}", receipt_id,
                             shipment_id, item_id(s.item), quantity(s.shipped), s.unit, quantity(s.received), s.unit,
                             tolerance_text(rules.quantity)),
                 documents);
  }
  // A corrected receipt that matches settles what an earlier one raised about the shipment.
  if (!any_short)
    resolve(partner, Finding::receipt_short, documents.front(),
            fmt::format("receipt {} matches what shipment {} shipped", receipt_id, shipment_id));
  if (!any_over)
    resolve(partner, Finding::receipt_over, documents.front(),
            fmt::format("receipt {} matches what shipment {} shipped", receipt_id, shipment_id));
  return std::move(findings.outcome());
}

Reconciler::Outcome Reconciler::on_adjustment(const partners::Profile& partner,
                                              const archive::TransactionSetRecord& set,
                                              const nlohmann::json& adjustment) {
  const std::string id = text(adjustment, "adjustment_id");
  // The last hold or release of each stock in the advice is what holds (a 947 may put a
  // lot on hold and release it again).
  static const nlohmann::json kNone = nlohmann::json::array();
  const auto& adjustments = adjustment.contains("adjustments") ? adjustment.at("adjustments") : kNone;
  std::map<std::string, const nlohmann::json*> last;  // pointers into `adjustments`, which outlives the map
  for (const auto& a : adjustments)
    if (const std::string hold = text(a, "hold"); (hold == "hold" || hold == "release") && !item_id(a).empty())
      last[stock_document(a)] = &a;
  Findings findings(index_, partner, set.file_id, set.id);
  for (const auto& [stock, a] : last) {
    const std::string reason = fmt::format("{} ({})", text(*a, "reason"), text(*a, "reason_code"));
    if (text(*a, "hold") == "release") {
      resolve(partner, Finding::quality_hold, stock, fmt::format("released by adjustment {}: {}", id, reason));
      continue;
    }
    const double moved = number(a->value("quantity", nlohmann::json()));
    const std::string lot = text(*a, "lot");
    findings.add(Finding::quality_hold,
                 fmt::format("adjustment {}: the warehouse put {} {} of item {}{} on hold: {}; released by a 947 "
                             "taking the same item and lot off hold",
                             id, quantity(moved < 0 ? -moved : moved), text(*a, "unit"), item_id(*a),
                             lot.empty() ? "" : " lot " + lot, reason),
                 {stock, adjustment_document(id)});
  }
  return std::move(findings.outcome());
}

}  // namespace edihub::hub
