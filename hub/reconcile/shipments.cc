// ASNs (inbound_delivery): duplicates, replacements and cancellations by shipment id,
// then each order and item against the PO it names.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using archive::ShipmentLineRecord;
using archive::ShipmentRecord;
using archive::ShipmentState;
using partners::Finding;
using namespace reconcile;

namespace {

// The item's identifiers, kept with its shipment line.
std::string item_ids(const nlohmann::json& item) {
  nlohmann::json ids = nlohmann::json::object();
  for (const char* key : {"line_number", "buyer_part", "vendor_part", "upc", "gtin"})
    if (auto value = text(item, key); !value.empty()) ids[key] = value;
  return ids.dump();
}

std::string normalized(std::string s) {
  std::erase_if(s, [](unsigned char c) { return std::isspace(c) || c == '-'; });
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// Why the ASN's ship-to is not the PO's, or "" when they agree or cannot be compared: by
// location id (N104 against the PO's ship-to code) when both have one, else by postal code.
std::string ship_to_difference(const nlohmann::json& asn, const nlohmann::json& po) {
  if (!asn.is_object() || !po.is_object()) return "";
  const std::string asn_id = text(asn, "id"), po_code = text(po, "code");
  if (!asn_id.empty() && !po_code.empty())
    return normalized(asn_id) == normalized(po_code) ? ""
                                                     : fmt::format("location {} on the ASN, {} on the PO", asn_id, po_code);
  const auto asn_address = asn.value("address", nlohmann::json::object());
  const auto po_address = po.value("address", nlohmann::json::object());
  // ZIP+4 and ZIP name the same place.
  auto postal = [](const nlohmann::json& a) { return normalized(text(a, "postal_code")).substr(0, 5); };
  if (postal(asn_address).empty() || postal(po_address).empty() || postal(asn_address) == postal(po_address)) return "";
  return fmt::format("postal code {} on the ASN, {} on the PO", text(asn_address, "postal_code"),
                     text(po_address, "postal_code"));
}

}  // namespace

Reconciler::Outcome Reconciler::on_shipment(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                                            const nlohmann::json& asn) {
  const std::string now = clock_.iso_now();
  const std::string id = text(asn, "shipment_id");
  const std::string purpose = text(asn, "purpose");
  const std::string shipment = shipment_document(id);
  Findings findings(index_, partner, set.file_id, set.id);
  ShipmentRecord record{0, partner.id, id, set.id, purpose, ShipmentState::active, text(asn, "shipped_at"), now};

  std::vector<ShipmentRecord> in_force;
  for (auto& s : records_.shipments(partner.id, id))
    if (s.state == ShipmentState::active) in_force.push_back(std::move(s));
  std::vector<std::string> pos;  // the POs the ASN names, for the documents list
  if (asn.contains("orders") && asn["orders"].is_array())
    for (const auto& o : asn["orders"]) pos.push_back(text(o, "po_number"));
  auto documents = [&] {
    std::vector<std::string> list{shipment};
    for (const auto& po : pos) list.push_back(po_document(po));
    return list;
  };

  const bool replaces = purpose == "replace" || purpose == "change";
  if (purpose == "cancellation") {
    // Removes the quantities of the shipment it cancels; the cancellation itself ships nothing.
    for (const auto& s : in_force) records_.set_shipment_state(s.id, ShipmentState::cancelled);
    record.state = ShipmentState::cancelled;
  } else if (replaces) {
    for (const auto& s : in_force) records_.set_shipment_state(s.id, ShipmentState::replaced);
  } else if (!in_force.empty()) {
    const auto& first = in_force.front();
    auto earlier = index_.transaction_set(first.set_id);
    findings.add(Finding::duplicate_shipment,
                 fmt::format("shipment {} was already received as an original ({} {} in interchange {}, {}); this "
                             "copy (interchange {}) is not delivered again. Send it with BSN01 05 to replace it or "
                             "01 to cancel it",
                             id, earlier ? earlier->type : "set", earlier ? earlier->control_number : "",
                             earlier ? earlier->interchange_control : "", first.received_at, set.interchange_control),
                 documents());
    record.state = ShipmentState::duplicate;
    records_.add_shipment(record, {});
    auto outcome = std::move(findings.outcome());
    outcome.delivery = Delivery::duplicate;
    return outcome;
  }

  std::vector<ShipmentLineRecord> lines;
  std::vector<archive::OrderRecord> touched;
  std::map<std::string, std::set<std::string>> touched_lines;  // PO -> its lines this ASN counts on
  if (asn.contains("orders") && asn["orders"].is_array())
    for (const auto& o : asn["orders"]) {
      const std::string po = text(o, "po_number");
      auto order = records_.order(partner.id, po);
      const auto items = o.value("items", nlohmann::json::array());
      if (!order) {
        if (record.state == ShipmentState::active)
          findings.add(Finding::asn_unknown_po,
                       fmt::format("shipment {} names PO {}, which the hub neither sent nor was told of (erp.open_orders, "
                                   "`edihub orders import`); its {} item(s) are counted once the PO is known",
                                   id, po, items.size()),
                       {po_document(po), shipment});
        for (const auto& item : items)
          lines.push_back({0, 0, po, "", item_ids(item), number(item.value("quantity", nlohmann::json())),
                           text(item, "uom")});
        continue;
      }
      if (!touched_lines.contains(po)) touched.push_back(*order);
      touched_lines[po];
      if (record.state == ShipmentState::active) {
        nlohmann::json po_ship_to = order->ship_to.empty() ? nlohmann::json() : nlohmann::json::parse(order->ship_to, nullptr, false);
        if (auto difference = ship_to_difference(asn.value("ship_to", nlohmann::json()), po_ship_to); !difference.empty())
          findings.add(Finding::asn_ship_to_mismatch,
                       fmt::format("shipment {} for PO {} goes to another ship-to than the PO: {}", id, po, difference),
                       {po_document(po), shipment});
      }
      const auto po_lines = records_.order_lines(order->id);
      for (const auto& item : items) {
        const double sent = number(item.value("quantity", nlohmann::json()));
        const std::string unit = text(item, "uom");
        const auto* line = match_line(po_lines, item);
        if (!line) {
          if (record.state == ShipmentState::active)
            findings.add(Finding::asn_unknown_item,
                         fmt::format("shipment {}, PO {}: item {} ({} {}) matches no line of the PO (by line number, "
                                     "buyer part, vendor part, UPC or GTIN)",
                                     id, po, item_name(item), quantity(sent), unit),
                         {po_document(po), shipment});
          lines.push_back({0, 0, po, "", item_ids(item), sent, unit});
          continue;
        }
        auto converted = convert(partner.reconcile, sent, unit, line->unit);
        if (!converted) {
          if (record.state == ShipmentState::active)
            findings.add(Finding::asn_unit_mismatch,
                         fmt::format("shipment {}, PO {} line {}: shipped {} {} but the PO orders in {} and no "
                                     "conversion from {} to {} is configured (reconcile.unit_conversions)",
                                     id, po, line->line_number, quantity(sent), unit, line->unit, unit, line->unit),
                         {po_document(po), shipment});
          lines.push_back({0, 0, po, "", item_ids(item), sent, unit});
          continue;
        }
        lines.push_back({0, 0, po, line->line_number, item_ids(item), *converted, line->unit});
        touched_lines[po].insert(line->line_number);
      }
    }
  records_.add_shipment(record, lines);
  auto outcome = std::move(findings.outcome());
  for (auto& order : touched) {
    resolve(partner, Finding::asn_missing, po_document(order.po_number),
            fmt::format("shipment {} received for PO {}", id, order.po_number));
    check_shipped(partner, order, id, touched_lines[order.po_number], set.file_id, set.id, outcome);
  }
  return outcome;
}

}  // namespace edihub::hub
