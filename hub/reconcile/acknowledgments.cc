// 855s (order_acknowledgment): the supplier's answer to an order, line by line.
#include <cmath>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using partners::Finding;
using namespace reconcile;

namespace {

// ACK01 statuses that take a line as ordered.
bool accepts(const std::string& status) { return status.empty() || status == "accepted" || status == "accepted_and_released"; }

bool rejects_order(const std::string& type) { return type.rfind("reject", 0) == 0; }

}  // namespace

Reconciler::Outcome Reconciler::on_acknowledgment(const partners::Profile& partner,
                                                  const archive::TransactionSetRecord& set, const nlohmann::json& ack) {
  const std::string now = clock_.iso_now();
  const std::string po = text(ack, "po_number");
  auto order = records_.order(partner.id, po);
  if (!order) return {};  // an 855 for an order we did not send: nothing to compare (it is delivered as usual)
  Findings findings(index_, partner, set.file_id, set.id);
  const std::string type = text(ack, "acknowledgment_type");
  std::vector<std::string> changes;
  if (rejects_order(type)) changes.push_back(fmt::format("the whole order is rejected ({})", text(ack, "acknowledgment_code")));
  auto lines = records_.order_lines(order->id);
  if (ack.contains("lines") && ack["lines"].is_array())
    for (const auto& l : ack["lines"]) {
      const auto* matched = match_line(lines, l);
      if (!matched) {
        changes.push_back(fmt::format("{} is not a line of the PO", item_name(l)));
        continue;
      }
      auto line = *matched;
      std::string status, code;
      double acknowledged = 0;
      bool quantities = false;
      std::string date;
      for (const auto& a : l.value("acks", nlohmann::json::array())) {
        const std::string s = text(a, "status");
        if (status.empty() || !accepts(s)) {  // the most telling status of the line
          status = s;
          code = text(a, "status_code");
        }
        if (a.contains("quantity")) {
          acknowledged += number(a["quantity"]);
          quantities = true;
        }
        if (auto d = text(a, "date"); !d.empty()) date = d;
      }
      if (status.empty()) status = rejects_order(type) ? "rejected" : "accepted";
      if (!quantities) acknowledged = l.contains("quantity") ? number(l["quantity"]) : line.quantity;
      const double price = l.contains("unit_price") ? number(l["unit_price"]) : line.unit_price;
      line.ack_status = status;
      line.ack_quantity = acknowledged;
      line.ack_price = price;
      line.ack_date = date;
      records_.update_order_line_ack(line);
      std::vector<std::string> what;
      if (!accepts(status)) what.push_back("status " + status + (code.empty() ? "" : " (ACK01 " + code + ")"));
      if (acknowledged != line.quantity)
        what.push_back(fmt::format("quantity {} {} instead of {}", quantity(acknowledged), line.unit, quantity(line.quantity)));
      if (std::abs(price - line.unit_price) > partner.reconcile.price.of(line.unit_price) + 1e-9)
        what.push_back(fmt::format("unit price {} instead of {}", quantity(price), quantity(line.unit_price)));
      if (!date.empty() && !order->requested_ship_date.empty() && date != order->requested_ship_date)
        what.push_back(fmt::format("date {} instead of {}", date, order->requested_ship_date));
      if (what.empty()) continue;
      std::string joined;
      for (const auto& w : what) joined += (joined.empty() ? "" : ", ") + w;
      changes.push_back(fmt::format("line {} ({}): {}", line.line_number, line.buyer_part, joined));
    }
  if (order->acknowledged_at.empty()) order->acknowledged_at = now;
  order->ack_status = type.empty() ? "acknowledged" : type;
  order->updated_at = now;
  records_.update_order(*order);
  resolve(partner, Finding::po_ack_missing, po_document(po),
          fmt::format("855 {} received for PO {}", set.control_number, po));
  if (!changes.empty()) {
    std::string reason = fmt::format("the 855 for PO {} ({}) changes the order:", po, order->ack_status);
    for (const auto& c : changes) reason += "\n  " + c;
    findings.add(Finding::po_ack_changed, reason, {po_document(po)});
  }
  refresh_state(partner, *order);
  return std::move(findings.outcome());
}

}  // namespace edihub::hub
