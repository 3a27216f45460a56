// Business records (schema version 5; order kinds since 8): one row per order with its
// lines (a purchase order to a supplier, or a warehouse order to a third-party warehouse,
// whose 945s are its shipments), per shipment (an ASN or a 945) and per supplier invoice, kept next to the transaction sets they came
// from. hub/reconcile builds them from mapped ERP documents, inside the same transaction
// as the set's own rows, so a crash never counts a shipment twice: a shipped or invoiced
// quantity is never a stored counter, it is summed when read over the lines of the
// shipments and invoices still in force (state active).
//
// Orders are unique per (partner, po_number). Shipments and invoices are keyed by the
// transaction set that carried them (one row per set); a shipment's lines name the PO and
// the PO line they matched ("" when none matched), so an ASN that arrived before its PO
// was known is counted once the PO is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "archive/index.h"

namespace edihub::archive {

struct OrderRecord {
  std::int64_t id = 0;
  std::string partner;
  std::string po_number;
  OrderState state = OrderState::open;
  std::string kind = "purchase";     // purchase (po_number: the PO), warehouse (po_number: the 940's depositor order number)
  std::string origin = "sent";       // sent (an 850, 940 or XML order we sent), open_orders (the ERP's folder), import
  std::int64_t set_id = 0;           // the transaction set we sent it in; 0 when it travelled another way
  std::int64_t file_id = 0;          // the ERP's purchase_order JSON file
  std::string order_date;            // YYYY-MM-DD as the ERP gave it
  std::string requested_ship_date;   // YYYY-MM-DD; "" when the PO has none
  std::string ship_to;               // the PO's ship_to as JSON; "" when none
  std::string currency;
  std::string known_at;              // ISO UTC: sent or recorded
  std::string acknowledged_at;       // first 855; "" before one
  std::string ack_status;            // the 855's verdict (accepted, accepted_with_changes, rejected, ...); ""
  std::string updated_at;
};

struct OrderLineRecord {
  std::int64_t id = 0;
  std::int64_t order_id = 0;
  std::string line_number;           // PO101 as the ERP numbered it
  std::string buyer_part, vendor_part, upc, gtin;
  std::string unit;                  // ERP unit
  double quantity = 0;               // ordered
  double unit_price = 0;
  // From the newest 855: ack_status "" until one names this line.
  std::string ack_status;            // accepted, changed, rejected, backordered, ...
  double ack_quantity = 0;
  double ack_price = 0;              // 0: unchanged / not given
  std::string ack_date;              // scheduled date the supplier gave; ""
  // Summed when read (never stored): over active shipments and invoices.
  double shipped = 0;
  double invoiced = 0;
};

struct ShipmentRecord {
  std::int64_t id = 0;
  std::string partner;
  std::string shipment_id;           // BSN02 / the ship notice's id
  std::int64_t set_id = 0;           // the inbound transaction set
  std::string purpose;               // original, replace, cancellation, ... as mapped
  ShipmentState state = ShipmentState::active;
  std::string shipped_at;
  std::string received_at;           // ISO UTC
};

struct ShipmentLineRecord {
  std::int64_t id = 0;
  std::int64_t shipment_row = 0;     // ShipmentRecord::id
  std::string po_number;
  std::string line_number;           // the PO line it matched; "" when it matched none (yet)
  std::string item;                  // the ASN's item ids as JSON ({"line_number": "2", "buyer_part": "B-2002"}):
                                     // for reasons, and to match it once its PO is known
  double quantity = 0;               // in the PO line's unit once matched (converted), else as sent
  std::string unit;                  // the unit of `quantity`
};

struct InvoiceRecord {
  std::int64_t id = 0;
  std::string partner;
  std::string invoice_number;
  std::int64_t set_id = 0;
  std::string po_number;
  std::string invoice_date;
  InvoiceState state = InvoiceState::active;
  std::string received_at;
};

struct InvoiceLineRecord {
  std::int64_t id = 0;
  std::int64_t invoice_row = 0;      // InvoiceRecord::id
  std::string po_number;
  std::string line_number;           // the PO line it matched; ""
  double quantity = 0;
  double unit_price = 0;
};

// Reads and writes the business tables over an Index's connection (the same transaction).
class BusinessRecords {
 public:
  explicit BusinessRecords(Index& index) : index_(index) {}

  // Orders. put_order inserts the order or, when (partner, po_number) is known, replaces
  // its header and lines (a changed PO sent again); returns the order's id.
  std::int64_t put_order(OrderRecord order, const std::vector<OrderLineRecord>& lines);
  std::optional<OrderRecord> order(const std::string& partner, const std::string& po_number) const;
  std::optional<OrderRecord> order(std::int64_t id) const;
  // Newest known first; state and kind ("purchase", "warehouse") filter when given.
  std::vector<OrderRecord> orders(const std::optional<std::string>& partner, const std::optional<OrderState>& state,
                                  const Page& page = {}, const std::optional<std::string>& kind = std::nullopt) const;
  std::int64_t count_orders(const std::optional<std::string>& partner, const std::optional<OrderState>& state,
                            const std::optional<std::string>& kind = std::nullopt) const;
  // By line number order as stored, each with shipped and invoiced summed.
  std::vector<OrderLineRecord> order_lines(std::int64_t order_id) const;
  void update_order(const OrderRecord& order);           // state, ack fields, updated_at
  void update_order_line_ack(const OrderLineRecord& line);  // ack_* fields

  // Shipments
  std::int64_t add_shipment(const ShipmentRecord& shipment, const std::vector<ShipmentLineRecord>& lines);
  // The partner's shipments with this id, oldest first (all states).
  std::vector<ShipmentRecord> shipments(const std::string& partner, const std::string& shipment_id) const;
  // Shipments with a line for the PO, oldest first.
  std::vector<ShipmentRecord> shipments_of_po(const std::string& partner, const std::string& po_number) const;
  std::vector<ShipmentLineRecord> shipment_lines(std::int64_t shipment_row) const;
  void set_shipment_state(std::int64_t shipment_row, ShipmentState state);
  // Lines of the partner's shipments for the PO that matched no PO line (it was not known
  // when they came): matched once it is.
  std::vector<ShipmentLineRecord> unmatched_shipment_lines(const std::string& partner, const std::string& po_number) const;
  void match_shipment_line(std::int64_t line_id, const std::string& line_number, double quantity, const std::string& unit);

  // Invoices
  std::int64_t add_invoice(const InvoiceRecord& invoice, const std::vector<InvoiceLineRecord>& lines);
  std::vector<InvoiceRecord> invoices(const std::string& partner, const std::string& invoice_number) const;
  std::vector<InvoiceRecord> invoices_of_po(const std::string& partner, const std::string& po_number) const;
  std::vector<InvoiceLineRecord> invoice_lines(std::int64_t invoice_row) const;

  // Removes the shipment or invoice a transaction set carried (its set is replayed, or
  // dropped without reaching the ERP): its quantities stop counting.
  void remove_documents_of_set(std::int64_t set_id);

  // Purchase orders whose requested ship date is on or before `date` (YYYY-MM-DD) and that
  // are not closed: for the time-based rules.
  std::vector<OrderRecord> orders_due_by(const std::string& date) const;
  // Purchase orders known at or before `at` (ISO UTC) with no 855 yet.
  std::vector<OrderRecord> orders_unacknowledged_since(const std::string& at) const;

 private:
  Index& index_;
};

}  // namespace edihub::archive
