// Reconciliation: the hub's record of each purchase order, shipment and invoice
// (archive/business.h), kept from the documents as they pass, and the findings a planner
// acts on, raised as exceptions in the partner's queue (kinds: partners/findings.h).
//
// Documents are reconciled from their ERP form, whatever the wire format: an order from
// the ERP's purchase_order JSON (sent as an 850 or XML, dropped in erp.open_orders, or
// imported), an ASN from its mapped inbound_delivery, an 855 from its
// order_acknowledgment, an 810 from its supplier_invoice; a 3PL's 944 from its
// warehouse_receipt (against the ASN it names), its 947 from its inventory_adjustment
// (quality holds and their release: warehouse_reports.cc); a warehouse order (940) from
// the ERP's warehouse_order JSON and its 945s from their warehouse_shipment
// (warehouse_orders.cc: the same order and shipment rows, kind warehouse); a carrier's 214
// from its shipment_status (carrier_status.cc). Everything is written in the
// caller's transaction, with the set's own rows: a crash undoes both, so a shipped
// quantity is never counted twice (quantities are summed from the shipments in force,
// never kept as counters). The time-based rules (asn_missing, asn_under_shipment,
// po_ack_missing) run on every pass (check_deadlines); each is raised once per order and
// resolved by the hub when the document arrives.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "hub/clock.h"
#include "partners/profile.h"

namespace edihub::hub {

// Why `po` cannot be recorded as an order ("lines[2].quantity: expected a number or a
// decimal string"), or "" when it can: po_number, and lines each with line_number,
// quantity and unit (docs/purchase_order.schema.json).
std::string purchase_order_problem(const nlohmann::json& po);

class Reconciler {
 public:
  Reconciler(archive::Index& index, const Clock& clock) : index_(index), records_(index), clock_(clock) {}

  // What happens to the document's ERP delivery.
  enum class Delivery {
    deliver,    // as usual
    hold,       // a finding the partner holds delivery on (reconcile.hold_on): the set becomes held
    duplicate,  // a shipment or invoice the ERP already has: the set becomes duplicate, never delivered
  };
  struct Outcome {
    std::vector<archive::ExceptionRecord> exceptions;  // to raise (partner, kind, reason, documents filled in)
    Delivery delivery = Delivery::deliver;
  };

  // An order: `po` is the ERP's purchase_order JSON. origin: "sent" (set_id is the set we
  // sent it in), "open_orders" or "import". An order known already is updated (a changed
  // PO); shipments that came before it are matched to its lines now.
  Outcome on_order(const partners::Profile& partner, const nlohmann::json& po, const std::string& origin,
                   std::int64_t set_id, std::int64_t file_id);
  // A warehouse order we sent as a 940 (`order`: the ERP's warehouse_order JSON, set_id the
  // set we sent it in), recorded as an order of kind warehouse under its depositor order
  // number; sent again, it replaces the order's lines.
  Outcome on_warehouse_order(const partners::Profile& partner, const nlohmann::json& order, std::int64_t set_id,
                             std::int64_t file_id);
  // A mapped inbound document (`transaction`: the mapping's output). Targets other than
  // inbound_delivery, order_acknowledgment, supplier_invoice, warehouse_receipt,
  // inventory_adjustment, warehouse_shipment and shipment_status are left alone.
  Outcome on_mapped(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                    const nlohmann::json& transaction);
  // Whether on_mapped reads documents of this ERP type (the pipeline skips the others).
  static bool reconciles(const std::string& target);
  // The time-based rules for every partner at the clock's now; raises and resolves in the
  // caller's transaction, returns what it raised.
  std::vector<archive::ExceptionRecord> check_deadlines(const partners::Directory& partners);

 private:
  // The reader of each ERP document type reconciled (one table: on_mapped and reconciles use it).
  using Reader = Outcome (Reconciler::*)(const partners::Profile&, const archive::TransactionSetRecord&,
                                         const nlohmann::json&);
  static Reader reader_of(const std::string& target);
  // One per document kind (shipments.cc, acknowledgments.cc, invoices.cc, warehouse_reports.cc,
  // warehouse_orders.cc, carrier_status.cc).
  Outcome on_shipment(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                      const nlohmann::json& asn);
  Outcome on_acknowledgment(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                            const nlohmann::json& ack);
  Outcome on_invoice(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                     const nlohmann::json& invoice);
  // Warehouse reports (warehouse_reports.cc): a receipt against the ASN it names, adjustments' holds.
  Outcome on_receipt(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                     const nlohmann::json& receipt);
  Outcome on_adjustment(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                        const nlohmann::json& adjustment);
  // Warehouse orders (warehouse_orders.cc): a 945 against the 940 it answers.
  Outcome on_warehouse_shipment(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                                const nlohmann::json& shipment);
  Outcome on_shipment_status(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                             const nlohmann::json& status);
  // Shipment lines that came before their PO was known, matched now; their findings go to `outcome`.
  void match_waiting_shipments(const partners::Profile& partner, const archive::OrderRecord& order, Outcome& outcome);
  // The order's lines the shipment touched (`lines`, PO line numbers) checked against what
  // was shipped in all (over-shipment), its state brought up to date; findings go to
  // `outcome` with `set_id` (0: none to hold).
  void check_shipped(const partners::Profile& partner, archive::OrderRecord& order, const std::string& shipment,
                     const std::set<std::string>& lines, std::int64_t file_id, std::int64_t set_id, Outcome& outcome);
  void refresh_state(const partners::Profile& partner, archive::OrderRecord& order);
  // Closes the open findings of `kind` about `document`: the document they waited for came.
  void resolve(const partners::Profile& partner, partners::Finding kind, const std::string& document,
               const std::string& how);

  archive::Index& index_;
  archive::BusinessRecords records_;
  const Clock& clock_;
};

}  // namespace edihub::hub
