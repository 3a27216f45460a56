#include "hub/reconcile/reconciler.h"

#include <map>

#include <fmt/format.h>

#include "hub/exception_queue.h"
#include "hub/reconcile/holds.h"
#include "hub/reconcile/lines.h"

namespace edihub::hub {

using archive::OrderRecord;
using archive::OrderState;
using partners::Finding;
using namespace reconcile;

std::string purchase_order_problem(const nlohmann::json& po) {
  if (!po.is_object()) return "expected a JSON object";
  if (!po.contains("po_number") || !po["po_number"].is_string() || po["po_number"].get<std::string>().empty())
    return "'po_number': expected a non-empty string";
  if (!po.contains("lines") || !po["lines"].is_array() || po["lines"].empty())
    return "'lines': expected a list of at least one order line";
  for (std::size_t i = 0; i < po["lines"].size(); ++i) {
    const auto& line = po["lines"][i];
    const std::string at = fmt::format("lines[{}]", i);
    if (!line.is_object()) return at + ": expected an object";
    if (text(line, "line_number").empty()) return at + ".line_number: expected a number or a string";
    const auto q = line.value("quantity", nlohmann::json());
    if (!q.is_number() && !(q.is_string() && number(q) != 0) && !(q.is_string() && q == "0"))
      return at + ".quantity: expected a number or a decimal string";
    if (text(line, "unit").empty()) return at + ".unit: expected a unit such as EA";
  }
  return "";
}

Reconciler::Outcome Reconciler::on_order(const partners::Profile& partner, const nlohmann::json& po,
                                         const std::string& origin, std::int64_t set_id, std::int64_t file_id) {
  const std::string now = clock_.iso_now();
  OrderRecord order;
  order.partner = partner.id;
  order.po_number = text(po, "po_number");
  order.origin = origin;
  order.set_id = set_id;
  order.file_id = file_id;
  order.order_date = text(po, "order_date");
  order.requested_ship_date = text(po, "requested_ship_date");
  if (po.contains("ship_to") && po["ship_to"].is_object()) order.ship_to = po["ship_to"].dump();
  order.currency = text(po, "currency");
  order.known_at = order.updated_at = now;
  if (text(po, "purpose") == "cancellation") order.state = OrderState::closed;
  const auto lines = order_lines_of(po);
  if (auto known = records_.order(partner.id, order.po_number)) {
    // A changed PO sent again keeps what its 855 said.
    order.known_at = known->known_at;
    order.acknowledged_at = known->acknowledged_at;
    order.ack_status = known->ack_status;
  }
  order.id = records_.put_order(order, lines);
  Outcome outcome;
  if (!partner.reconcile.enabled) return outcome;
  resolve(partner, Finding::asn_unknown_po, po_document(order.po_number),
          fmt::format("PO {} is known now ({})", order.po_number, origin));
  resolve(partner, Finding::invoice_unknown_po, po_document(order.po_number),
          fmt::format("PO {} is known now ({})", order.po_number, origin));
  match_waiting_shipments(partner, order, outcome);
  refresh_state(partner, order);
  return outcome;
}

Reconciler::Reader Reconciler::reader_of(const std::string& target) {
  static const std::map<std::string, Reader, std::less<>> kReaders{
      {"inbound_delivery", &Reconciler::on_shipment},
      {"order_acknowledgment", &Reconciler::on_acknowledgment},
      {"supplier_invoice", &Reconciler::on_invoice},
      {"warehouse_receipt", &Reconciler::on_receipt},
      {"inventory_adjustment", &Reconciler::on_adjustment},
      {"warehouse_shipment", &Reconciler::on_warehouse_shipment},
      {"shipment_status", &Reconciler::on_shipment_status},
  };
  auto found = kReaders.find(target);
  return found == kReaders.end() ? nullptr : found->second;
}

bool Reconciler::reconciles(const std::string& target) { return reader_of(target) != nullptr; }

Reconciler::Outcome Reconciler::on_mapped(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                                          const nlohmann::json& transaction) {
  if (!partner.reconcile.enabled || !transaction.is_object()) return {};
  records_.remove_documents_of_set(set.id);  // a replayed set is counted once, as it reads now
  if (auto reader = reader_of(set.target)) return (this->*reader)(partner, set, transaction);
  return {};
}

void Reconciler::match_waiting_shipments(const partners::Profile& partner, const OrderRecord& order, Outcome& outcome) {
  auto waiting = records_.unmatched_shipment_lines(partner.id, order.po_number);
  if (waiting.empty()) return;
  const auto lines = records_.order_lines(order.id);
  std::map<std::int64_t, std::set<std::string>> shipments;  // shipment row -> PO lines it now counts on
  for (const auto& w : waiting) {
    // The ASN's item as it was stored: its name and quantity in the unit sent.
    nlohmann::json item = nlohmann::json::parse(w.item, nullptr, false);
    const auto* line = item.is_object() ? match_line(lines, item) : nullptr;
    if (!line) continue;  // still unmatched: asn_unknown_item was for the ASN to raise, not this order
    if (auto converted = convert(partner.reconcile, w.quantity, w.unit, line->unit)) {
      records_.match_shipment_line(w.id, line->line_number, *converted, line->unit);
      shipments[w.shipment_row].insert(line->line_number);
    }
  }
  for (const auto& s : records_.shipments_of_po(partner.id, order.po_number)) {
    auto touched = shipments.find(s.id);
    if (touched == shipments.end()) continue;
    auto current = *records_.order(order.id);
    auto set = index_.transaction_set(s.set_id);
    check_shipped(partner, current, s.shipment_id, touched->second, set ? set->file_id : 0, 0, outcome);
  }
}

void Reconciler::check_shipped(const partners::Profile& partner, OrderRecord& order, const std::string& shipment,
                               const std::set<std::string>& lines, std::int64_t file_id, std::int64_t set_id,
                               Outcome& outcome) {
  Findings findings(index_, partner, file_id, set_id);
  const auto& rules = partner.reconcile;
  std::size_t asns = 0;
  for (const auto& s : records_.shipments_of_po(partner.id, order.po_number))
    asns += s.state == archive::ShipmentState::active;
  bool any_over = false, any_under = false;
  for (const auto& line : records_.order_lines(order.id)) {
    const double allowed = line.quantity + rules.quantity.of(line.quantity);
    const bool over = line.shipped > allowed + 1e-9;
    any_over |= over;
    any_under |= line.shipped + 1e-9 < line.quantity - rules.quantity.of(line.quantity);
    if (over && lines.contains(line.line_number))
      findings.add(Finding::asn_over_shipment,
                   fmt::format("PO {} line {} ({}): ordered {} {}, shipped {} {} over {} ASN(s), tolerance {} "
                               "(at most {} {}); latest shipment {}",
                               order.po_number, line.line_number, line.buyer_part, quantity(line.quantity), line.unit,
                               quantity(line.shipped), line.unit, asns, tolerance_text(rules.quantity),
                               quantity(allowed), line.unit, shipment),
                   {po_document(order.po_number), shipment_document(shipment)});
  }
  for (auto& e : findings.outcome().exceptions) outcome.exceptions.push_back(std::move(e));
  if (findings.outcome().delivery != Delivery::deliver && outcome.delivery == Delivery::deliver)
    outcome.delivery = findings.outcome().delivery;
  if (!any_over)
    resolve(partner, Finding::asn_over_shipment, po_document(order.po_number),
            fmt::format("no line of PO {} is over-shipped any more (shipment {})", order.po_number, shipment));
  refresh_state(partner, order);
  if (!any_under)
    resolve(partner, Finding::asn_under_shipment, po_document(order.po_number),
            fmt::format("every line of PO {} is shipped now (shipment {})", order.po_number, shipment));
}

void Reconciler::refresh_state(const partners::Profile& partner, OrderRecord& order) {
  const auto state = derive_state(order, records_.order_lines(order.id), partner.reconcile);
  if (state == order.state) return;
  order.state = state;
  order.updated_at = clock_.iso_now();
  records_.update_order(order);
}

void Reconciler::resolve(const partners::Profile& partner, Finding kind, const std::string& document,
                         const std::string& how) {
  const std::string now = clock_.iso_now();
  for (const auto& open : index_.open_exceptions_about(partner.id, std::string(partners::to_string(kind)), document))
    close_exception(index_, open.id, archive::ExceptionState::resolved, "edihub", how, now);
}

namespace {

// The date part of a time point, YYYY-MM-DD (UTC).
std::string date_of(std::chrono::system_clock::time_point t) { return iso_utc(t).substr(0, 10); }

}  // namespace

std::vector<archive::ExceptionRecord> Reconciler::check_deadlines(const partners::Directory& partners) {
  const auto now = clock_.now();
  std::vector<archive::ExceptionRecord> raised;
  auto raise = [&](const partners::Profile& partner, Finding kind, const OrderRecord& order, std::string reason) {
    Findings findings(index_, partner, order.file_id, 0);
    findings.add(kind, std::move(reason), {po_document(order.po_number)});
    for (auto& e : findings.outcome().exceptions) raised.push_back(record_exception(index_, clock_, std::move(e)));
  };
  for (const auto& partner : partners.profiles()) {
    const auto& rules = partner.reconcile;
    if (!rules.enabled) continue;
    // A requested ship date is a whole day: the allowance starts when it ends.
    const auto day = std::chrono::hours(24);
    auto due = [&](std::chrono::seconds allowance) { return date_of(now - allowance - day); };
    for (const auto& order : records_.orders_due_by(std::max(due(rules.asn_allowance), due(rules.under_shipment_grace)))) {
      if (order.partner != partner.id) continue;
      const bool unshipped = order.state == OrderState::open || order.state == OrderState::acknowledged;
      if (unshipped && order.requested_ship_date <= due(rules.asn_allowance))
        raise(partner, Finding::asn_missing, order,
              fmt::format("PO {}: no ASN received; requested ship date {}, allowance {}h", order.po_number,
                          order.requested_ship_date, rules.asn_allowance.count() / 3600));
      // Any order with something shipped (partially, over on another line, already invoiced).
      if (unshipped || order.requested_ship_date > due(rules.under_shipment_grace)) continue;
      for (const auto& line : records_.order_lines(order.id)) {
        const double floor = line.quantity - rules.quantity.of(line.quantity);
        if (line.shipped + 1e-9 < floor)
          raise(partner, Finding::asn_under_shipment, order,
                fmt::format("PO {} line {} ({}): ordered {} {}, shipped {} {} by the requested ship date {} + {}h "
                            "grace, tolerance {} (at least {} {})",
                            order.po_number, line.line_number, line.buyer_part, quantity(line.quantity), line.unit,
                            quantity(line.shipped), line.unit, order.requested_ship_date,
                            rules.under_shipment_grace.count() / 3600, tolerance_text(rules.quantity), quantity(floor),
                            line.unit));
      }
    }
    for (const auto& order : records_.orders_unacknowledged_since(iso_utc(now - rules.ack_allowance))) {
      if (order.partner != partner.id) continue;
      raise(partner, Finding::po_ack_missing, order,
            fmt::format("PO {}: no 855 acknowledgment since it was sent at {} (allowance {}h)", order.po_number,
                        order.known_at, rules.ack_allowance.count() / 3600));
    }
  }
  return raised;
}

}  // namespace edihub::hub
