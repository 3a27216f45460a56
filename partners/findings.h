// The reconciliation findings: the exception kinds hub/reconcile raises, which a profile's
// `reconcile.hold_on` may name. Their names are the exception `kind` values.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace edihub::partners {

enum class Finding {
  asn_unknown_po,          // an ASN order names a PO the hub does not know
  asn_unknown_item,        // an ASN item matches no line of its PO
  asn_over_shipment,       // shipped (all ASNs) above ordered x (1 + tolerance)
  asn_under_shipment,      // after the requested ship date + grace, shipped below ordered x (1 - tolerance)
  asn_unit_mismatch,       // an item's unit differs from the PO line's, no conversion configured
  asn_ship_to_mismatch,    // the ASN's ship-to differs from the PO's
  asn_missing,             // no ASN by the requested ship date + allowance
  duplicate_shipment,      // the same shipment id again as an original
  po_ack_missing,          // no 855 within the allowance after the order was sent
  po_ack_changed,          // an 855 that changes or rejects lines
  invoice_unknown_po,      // an invoice for a PO the hub does not know
  invoice_over_billed,     // invoiced quantity of a line above shipped
  invoice_price_mismatch,  // unit price differs from the PO beyond the price tolerance
  duplicate_invoice,       // the same invoice number again
  // Warehouse reports (issue 17): a 3PL's 944 against the ASN it names, its 947 holds.
  receipt_short,           // a 944 received less of an item than the ASN shipped (beyond tolerance)
  receipt_over,            // a 944 received more of an item than the ASN shipped, or an item it did not ship
  quality_hold,            // a 947 put an item (lot) on hold or in quality inspection; its release resolves it
  // Warehouse orders (940 out, 945 back)
  warehouse_unknown_order,   // a 945 names a depositor order the hub never sent
  warehouse_short_shipment,  // a final 945 leaves a line below ordered x (1 - tolerance)
  warehouse_over_shipment,   // shipped (all 945s) above ordered x (1 + tolerance), or an item the order lacks
  // Carriers
  shipment_delayed,        // a carrier's 214 reports an exception status or reason on a shipment
};

inline constexpr std::array<std::string_view, 21> kFindingNames{
    "asn_unknown_po",     "asn_unknown_item", "asn_over_shipment", "asn_under_shipment",     "asn_unit_mismatch",
    "asn_ship_to_mismatch", "asn_missing",    "duplicate_shipment", "po_ack_missing",        "po_ack_changed",
    "invoice_unknown_po", "invoice_over_billed", "invoice_price_mismatch", "duplicate_invoice",
    "receipt_short",      "receipt_over",     "quality_hold",
    "warehouse_unknown_order", "warehouse_short_shipment", "warehouse_over_shipment",
    "shipment_delayed"};

constexpr std::string_view to_string(Finding f) { return kFindingNames[static_cast<std::size_t>(f)]; }

constexpr std::optional<Finding> parse_finding(std::string_view name) {
  for (std::size_t i = 0; i < kFindingNames.size(); ++i)
    if (kFindingNames[i] == name) return static_cast<Finding>(i);
  return std::nullopt;
}

}  // namespace edihub::partners
