// Warehouse orders: a 940 we send to a third-party warehouse is an order of kind warehouse
// (its depositor order number in po_number), and each 945 the warehouse sends back is a
// shipment of it whose lines name the order's lines. A final 945 (W0601 F) says the order
// is done, so a line still short is a short shipment; any 945 can over-ship a line.
#include <map>
#include <set>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using archive::OrderRecord;
using archive::ShipmentLineRecord;
using archive::ShipmentRecord;
using archive::ShipmentState;
using partners::Finding;
using namespace reconcile;

namespace {

// An order line or a 945 line as match_line reads it: our item number is the vendor part
// (the warehouse knows the goods by the depositor's number).
nlohmann::json item_of(const nlohmann::json& line) {
  nlohmann::json item = nlohmann::json::object();
  for (const auto& [from, to] : {std::pair{"line_number", "line_number"}, std::pair{"item", "vendor_part"},
                                 std::pair{"buyer_part", "buyer_part"}, std::pair{"upc", "upc"}, std::pair{"gtin", "gtin"}})
    if (auto value = text(line, from); !value.empty()) item[to] = value;
  return item;
}

}  // namespace

Reconciler::Outcome Reconciler::on_warehouse_order(const partners::Profile& partner, const nlohmann::json& wo,
                                                   std::int64_t set_id, std::int64_t file_id) {
  const std::string now = clock_.iso_now();
  OrderRecord order;
  order.partner = partner.id;
  order.po_number = text(wo, "depositor_order_number");
  order.kind = "warehouse";
  order.set_id = set_id;
  order.file_id = file_id;
  order.order_date = text(wo, "order_date");
  order.requested_ship_date = text(wo, "requested_ship_date");
  if (wo.contains("ship_to") && wo["ship_to"].is_object()) order.ship_to = wo["ship_to"].dump();
  order.known_at = order.updated_at = now;
  if (text(wo, "purpose") == "cancellation") order.state = archive::OrderState::closed;
  if (auto known = records_.order(partner.id, order.po_number)) order.known_at = known->known_at;
  order.id = records_.put_order(order, order_lines_of(wo));
  if (partner.reconcile.enabled) refresh_state(partner, order);
  return {};
}

Reconciler::Outcome Reconciler::on_warehouse_shipment(const partners::Profile& partner,
                                                      const archive::TransactionSetRecord& set,
                                                      const nlohmann::json& shipment) {
  const std::string order_number = text(shipment, "depositor_order_number");
  const std::string id = text(shipment, "shipment_id").empty() ? order_number : text(shipment, "shipment_id");
  const bool final = text(shipment, "report_type") != "partial";
  const std::vector<std::string> documents{warehouse_order_document(order_number), shipment_document(id)};
  const auto sent_lines = shipment.value("lines", nlohmann::json::array());
  Findings findings(index_, partner, set.file_id, set.id);
  ShipmentRecord record{0,  partner.id, id, set.id, text(shipment, "report_type"), ShipmentState::active,
                        text(shipment, "shipped_at"), clock_.iso_now()};

  auto order = records_.order(partner.id, order_number);
  if (!order || order->kind != "warehouse") {
    findings.add(Finding::warehouse_unknown_order,
                 fmt::format("945 shipment {} names warehouse order {}, which the hub never sent to {} as a 940; "
                             "its {} line(s) are not counted",
                             id, order_number, partner.id, sent_lines.size()),
                 documents);
    return std::move(findings.outcome());
  }

  const auto order_lines = records_.order_lines(order->id);
  std::vector<ShipmentLineRecord> lines;
  std::vector<std::string> notes;  // 945 lines that count on no order line, for the reasons
  for (const auto& sent : sent_lines) {
    const auto item = item_of(sent);
    const double quantity = number(sent.value("quantity_shipped", nlohmann::json()));
    const std::string unit = text(sent, "unit");
    const auto* line = match_line(order_lines, item);
    if (!line) {
      if (quantity > 0)
        findings.add(Finding::warehouse_over_shipment,
                     fmt::format("945 shipment {} for warehouse order {}: shipped {} {} of {}, which matches no line "
                                 "of the order (by line number, item, buyer part, UPC or GTIN)",
                                 id, order_number, reconcile::quantity(quantity), unit, item_name(item)),
                     documents);
      continue;
    }
    auto converted = convert(partner.reconcile, quantity, unit.empty() ? line->unit : unit, line->unit);
    if (!converted) {
      notes.push_back(fmt::format("line {} shipped {} {}, which does not convert to the order's {} "
                                  "(reconcile.unit_conversions) and is not counted",
                                  line->line_number, reconcile::quantity(quantity), unit, line->unit));
      continue;
    }
    lines.push_back({0, 0, order_number, line->line_number, item.dump(), *converted, line->unit});
  }
  records_.add_shipment(record, lines);

  // Shipped over every 945 of the order, per line.
  const auto& rules = partner.reconcile;
  bool any_short = false;
  for (const auto& line : records_.order_lines(order->id)) {
    const double tolerance = rules.quantity.of(line.quantity);
    const std::string head = fmt::format("warehouse order {} line {} ({}): ordered {} {}, shipped {} {}", order_number,
                                         line.line_number, line.vendor_part, reconcile::quantity(line.quantity),
                                         line.unit, reconcile::quantity(line.shipped), line.unit);
    if (line.shipped > line.quantity + tolerance + 1e-9) {
      findings.add(Finding::warehouse_over_shipment,
                   fmt::format("{} over all 945s, tolerance {}; latest shipment {}", head, tolerance_text(rules.quantity), id),
                   documents);
    } else if (final && line.shipped + 1e-9 < line.quantity - tolerance) {
      any_short = true;
      std::string reason = fmt::format("{} when the warehouse reported the order final (945 shipment {}), tolerance {}",
                                       head, id, tolerance_text(rules.quantity));
      for (const auto& note : notes)
        if (note.starts_with("line " + line.line_number + " ")) reason += "; " + note;
      findings.add(Finding::warehouse_short_shipment, std::move(reason), documents);
    }
  }
  // A later 945 that ships what was missing settles the short shipment; shipped quantities
  // only grow, so an over-shipment stays for the planner to close.
  if (!any_short)
    resolve(partner, Finding::warehouse_short_shipment, documents.front(),
            fmt::format("945 shipment {} for warehouse order {}: no line is short any more", id, order_number));
  refresh_state(partner, *order);
  return std::move(findings.outcome());
}

}  // namespace edihub::hub
