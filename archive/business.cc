// archive::BusinessRecords: orders, shipments and invoices (schema version 5; order kinds since 8).

#include "archive/business.h"

#include "archive/index_impl.h"

namespace edihub::archive {

namespace {

// Shipped and invoiced per order line, summed over the shipments and invoices in force,
// matched by partner, PO number and line number.
constexpr const char* kLineTotals = R"sql(
  COALESCE((SELECT sum(sl.quantity) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_row
            WHERE s.partner = o.partner AND s.state = 'active' AND sl.po_number = o.po_number
              AND sl.line_number = l.line_number), 0),
  COALESCE((SELECT sum(il.quantity) FROM invoice_lines il JOIN invoices i ON i.id = il.invoice_row
            WHERE i.partner = o.partner AND i.state = 'active' AND il.po_number = o.po_number
              AND il.line_number = l.line_number), 0)
)sql";

Filter order_filter(const std::optional<std::string>& partner, const std::optional<OrderState>& state,
                    const std::optional<std::string>& kind) {
  Filter filter;
  if (partner) filter.add("partner = ?", {*partner});
  if (state) filter.add("state = ?", {std::string(to_string(*state))});
  if (kind) filter.add("kind = ?", {*kind});
  return filter;
}

// Inserts the lines of the row `id`, pointing at it through `parent`; returns `id`.
template <class Line>
std::int64_t insert_lines(Index::Impl& db, std::int64_t id, const std::vector<Line>& lines, std::int64_t Line::*parent) {
  for (auto line : lines) {
    line.*parent = id;
    db.insert(line);
  }
  return id;
}

}  // namespace

std::int64_t BusinessRecords::put_order(OrderRecord order, const std::vector<OrderLineRecord>& lines) {
  auto& db = *index_.impl_;
  if (auto known = this->order(order.partner, order.po_number)) {
    order.id = known->id;
    db.update("order", order.id,
              "UPDATE orders SET state = ?, kind = ?, origin = ?, set_id = ?, file_id = ?, order_date = ?, "
              "requested_ship_date = ?, ship_to = ?, currency = ?, updated_at = ? WHERE id = ?",
              order.state, order.kind, order.origin, sqlite::ZeroIsNull{order.set_id}, sqlite::ZeroIsNull{order.file_id},
              order.order_date, order.requested_ship_date, order.ship_to, order.currency, order.updated_at);
    db.run("DELETE FROM order_lines WHERE order_id = ?", order.id).done();
  } else {
    order.id = db.insert(order);
  }
  return insert_lines(db, order.id, lines, &OrderLineRecord::order_id);
}

std::optional<OrderRecord> BusinessRecords::order(const std::string& partner, const std::string& po_number) const {
  return index_.impl_->select_one<OrderRecord>("WHERE partner = ? AND po_number = ?", partner, po_number);
}

std::optional<OrderRecord> BusinessRecords::order(std::int64_t id) const {
  return index_.impl_->select_one<OrderRecord>("WHERE id = ?", id);
}

std::vector<OrderRecord> BusinessRecords::orders(const std::optional<std::string>& partner,
                                                 const std::optional<OrderState>& state, const Page& page,
                                                 const std::optional<std::string>& kind) const {
  const Filter filter = order_filter(partner, state, kind);
  sqlite::Cursor cursor(index_.impl_->statement("SELECT " + columns<OrderRecord>() + " FROM orders WHERE 1" +
                                                filter.sql + " ORDER BY known_at DESC, id DESC LIMIT ? OFFSET ?"));
  bind_page(cursor, filter.bind(cursor), page.limit, page.offset);
  return Index::Impl::read_all<OrderRecord>(std::move(cursor));
}

std::int64_t BusinessRecords::count_orders(const std::optional<std::string>& partner,
                                           const std::optional<OrderState>& state,
                                           const std::optional<std::string>& kind) const {
  const Filter filter = order_filter(partner, state, kind);
  sqlite::Cursor cursor(index_.impl_->statement("SELECT count(*) FROM orders WHERE 1" + filter.sql));
  filter.bind(cursor);
  cursor.next();
  return cursor.int64(0);
}

std::vector<OrderLineRecord> BusinessRecords::order_lines(std::int64_t order_id) const {
  sqlite::Cursor cursor(index_.impl_->statement("SELECT " + columns<OrderLineRecord>("l.") + ", " + kLineTotals +
                                                " FROM order_lines l JOIN orders o ON o.id = l.order_id "
                                                "WHERE l.order_id = ? ORDER BY l.id"));
  cursor.bind(1, order_id);
  std::vector<OrderLineRecord> lines;
  const int totals = column_count<OrderLineRecord>();
  while (cursor.next()) {
    auto line = read_record<OrderLineRecord>(cursor);
    cursor.get(totals, line.shipped);
    cursor.get(totals + 1, line.invoiced);
    lines.push_back(std::move(line));
  }
  return lines;
}

void BusinessRecords::update_order(const OrderRecord& o) {
  index_.impl_->update("order", o.id,
                       "UPDATE orders SET state = ?, acknowledged_at = ?, ack_status = ?, updated_at = ? WHERE id = ?",
                       o.state, o.acknowledged_at, o.ack_status, o.updated_at);
}

void BusinessRecords::update_order_line_ack(const OrderLineRecord& l) {
  index_.impl_->update("order line", l.id,
                       "UPDATE order_lines SET ack_status = ?, ack_quantity = ?, ack_price = ?, ack_date = ? WHERE id = ?",
                       l.ack_status, l.ack_quantity, l.ack_price, l.ack_date);
}

std::int64_t BusinessRecords::add_shipment(const ShipmentRecord& shipment, const std::vector<ShipmentLineRecord>& lines) {
  return insert_lines(*index_.impl_, index_.impl_->insert(shipment), lines, &ShipmentLineRecord::shipment_row);
}

std::vector<ShipmentRecord> BusinessRecords::shipments(const std::string& partner, const std::string& shipment_id) const {
  return index_.impl_->select<ShipmentRecord>("WHERE partner = ? AND shipment_id = ? ORDER BY id", partner, shipment_id);
}

std::vector<ShipmentRecord> BusinessRecords::shipments_of_po(const std::string& partner,
                                                             const std::string& po_number) const {
  return index_.impl_->select<ShipmentRecord>(
      "WHERE partner = ? AND id IN (SELECT shipment_row FROM shipment_lines WHERE po_number = ?) ORDER BY id", partner,
      po_number);
}

std::vector<ShipmentLineRecord> BusinessRecords::shipment_lines(std::int64_t shipment_row) const {
  return index_.impl_->select<ShipmentLineRecord>("WHERE shipment_row = ? ORDER BY id", shipment_row);
}

void BusinessRecords::set_shipment_state(std::int64_t shipment_row, ShipmentState state) {
  auto shipment = index_.impl_->select_one<ShipmentRecord>("WHERE id = ?", shipment_row);
  if (!shipment) throw std::runtime_error("archive index: no shipment " + std::to_string(shipment_row));
  check_transition(shipment->state, state, "shipment " + shipment->shipment_id);
  index_.impl_->update("shipment", shipment_row, "UPDATE shipments SET state = ? WHERE id = ?", state);
}

std::vector<ShipmentLineRecord> BusinessRecords::unmatched_shipment_lines(const std::string& partner,
                                                                          const std::string& po_number) const {
  return index_.impl_->select<ShipmentLineRecord>(
      "WHERE po_number = ? AND line_number = '' AND shipment_row IN "
      "(SELECT id FROM shipments WHERE partner = ? AND state = 'active') ORDER BY id",
      po_number, partner);
}

void BusinessRecords::match_shipment_line(std::int64_t line_id, const std::string& line_number, double quantity,
                                          const std::string& unit) {
  index_.impl_->update("shipment line", line_id,
                       "UPDATE shipment_lines SET line_number = ?, quantity = ?, unit = ? WHERE id = ?", line_number,
                       quantity, unit);
}

std::int64_t BusinessRecords::add_invoice(const InvoiceRecord& invoice, const std::vector<InvoiceLineRecord>& lines) {
  return insert_lines(*index_.impl_, index_.impl_->insert(invoice), lines, &InvoiceLineRecord::invoice_row);
}

std::vector<InvoiceRecord> BusinessRecords::invoices(const std::string& partner, const std::string& invoice_number) const {
  return index_.impl_->select<InvoiceRecord>("WHERE partner = ? AND invoice_number = ? ORDER BY id", partner,
                                             invoice_number);
}

std::vector<InvoiceRecord> BusinessRecords::invoices_of_po(const std::string& partner, const std::string& po_number) const {
  return index_.impl_->select<InvoiceRecord>(
      "WHERE partner = ? AND (po_number = ? OR id IN (SELECT invoice_row FROM invoice_lines WHERE po_number = ?)) "
      "ORDER BY id",
      partner, po_number, po_number);
}

std::vector<InvoiceLineRecord> BusinessRecords::invoice_lines(std::int64_t invoice_row) const {
  return index_.impl_->select<InvoiceLineRecord>("WHERE invoice_row = ? ORDER BY id", invoice_row);
}

void BusinessRecords::remove_documents_of_set(std::int64_t set_id) {
  auto& db = *index_.impl_;
  db.run("DELETE FROM shipment_lines WHERE shipment_row IN (SELECT id FROM shipments WHERE set_id = ?)", set_id).done();
  db.run("DELETE FROM shipments WHERE set_id = ?", set_id).done();
  db.run("DELETE FROM invoice_lines WHERE invoice_row IN (SELECT id FROM invoices WHERE set_id = ?)", set_id).done();
  db.run("DELETE FROM invoices WHERE set_id = ?", set_id).done();
}

std::vector<OrderRecord> BusinessRecords::orders_due_by(const std::string& date) const {
  return index_.impl_->select<OrderRecord>(
      "WHERE kind = 'purchase' AND requested_ship_date <> '' AND requested_ship_date <= ? AND state <> 'closed' "
      "ORDER BY requested_ship_date, id",
      date);
}

std::vector<OrderRecord> BusinessRecords::orders_unacknowledged_since(const std::string& at) const {
  return index_.impl_->select<OrderRecord>(
      "WHERE kind = 'purchase' AND origin = 'sent' AND acknowledged_at = '' AND known_at <= ? AND state <> 'closed' "
      "ORDER BY known_at, id",
      at);
}

}  // namespace edihub::archive
