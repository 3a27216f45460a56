// 810s (supplier_invoice): duplicates by invoice number, then each line against the PO
// (agreed price) and what was shipped.
#include <cmath>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using archive::InvoiceLineRecord;
using archive::InvoiceRecord;
using archive::InvoiceState;
using partners::Finding;
using namespace reconcile;

Reconciler::Outcome Reconciler::on_invoice(const partners::Profile& partner, const archive::TransactionSetRecord& set,
                                           const nlohmann::json& invoice) {
  const std::string now = clock_.iso_now();
  const std::string number_text = text(invoice, "invoice_number");
  const std::string invoice_po = text(invoice, "po_number");
  const std::string document = invoice_document(number_text);
  Findings findings(index_, partner, set.file_id, set.id);
  InvoiceRecord record{0, partner.id, number_text, set.id, invoice_po, text(invoice, "invoice_date"), InvoiceState::active, now};

  for (const auto& earlier : records_.invoices(partner.id, number_text)) {
    if (earlier.state != InvoiceState::active) continue;
    auto set_before = index_.transaction_set(earlier.set_id);
    std::vector<std::string> documents{document};
    if (!invoice_po.empty()) documents.push_back(po_document(invoice_po));
    findings.add(Finding::duplicate_invoice,
                 fmt::format("invoice {} was already received ({} {} in interchange {}, {}); this copy (interchange "
                             "{}) is not delivered again",
                             number_text, set_before ? set_before->type : "set",
                             set_before ? set_before->control_number : "",
                             set_before ? set_before->interchange_control : "", earlier.received_at,
                             set.interchange_control),
                 documents);
    record.state = InvoiceState::duplicate;
    records_.add_invoice(record, {});
    auto outcome = std::move(findings.outcome());
    outcome.delivery = Delivery::duplicate;
    return outcome;
  }

  // Lines by PO: the invoice's PO, or the PO a consolidated invoice names on the line.
  std::vector<InvoiceLineRecord> lines;
  std::map<std::string, std::optional<archive::OrderRecord>> orders;
  const auto items = invoice.value("lines", nlohmann::json::array());
  for (const auto& item : items) {
    std::string po = text(item, "po_number");
    if (po.empty()) po = invoice_po;
    if (!orders.contains(po)) orders[po] = po.empty() ? std::nullopt : records_.order(partner.id, po);
    const auto& order = orders[po];
    // The PO's lines outlive the match, which points into them.
    const auto po_lines = order ? records_.order_lines(order->id) : std::vector<archive::OrderLineRecord>{};
    const auto* line = match_line(po_lines, item);
    lines.push_back({0, 0, po, line ? line->line_number : "", number(item.value("quantity", nlohmann::json())),
                     number(item.value("unit_price", nlohmann::json()))});
  }
  if (items.empty() && !invoice_po.empty()) orders[invoice_po] = records_.order(partner.id, invoice_po);
  for (const auto& [po, order] : orders)
    if (!order)
      findings.add(Finding::invoice_unknown_po,
                   po.empty() ? fmt::format("invoice {} names no PO (BIG04, or REF*PO on its lines)", number_text)
                              : fmt::format("invoice {} bills PO {}, which the hub neither sent nor was told of",
                                            number_text, po),
                   po.empty() ? std::vector<std::string>{document}
                              : std::vector<std::string>{document, po_document(po)});
  records_.add_invoice(record, lines);

  const auto& rules = partner.reconcile;
  for (const auto& [po, order] : orders) {
    if (!order) continue;
    for (const auto& line : records_.order_lines(order->id)) {
      const double allowed = line.shipped + rules.quantity.of(line.shipped);
      bool billed_here = false;
      double price = 0;
      for (const auto& l : lines)
        if (l.po_number == po && l.line_number == line.line_number) {
          billed_here = true;
          price = l.unit_price;
        }
      if (!billed_here) continue;
      if (line.invoiced > allowed + 1e-9)
        findings.add(Finding::invoice_over_billed,
                     fmt::format("invoice {}, PO {} line {} ({}): invoiced {} {} in all, shipped {} {}, tolerance {}",
                                 number_text, po, line.line_number, line.buyer_part, quantity(line.invoiced), line.unit,
                                 quantity(line.shipped), line.unit, tolerance_text(rules.quantity)),
                     {document, po_document(po)});
      // The price agreed: the 855's when it changed it, else the PO's.
      const double agreed = line.ack_price > 0 ? line.ack_price : line.unit_price;
      if (std::abs(price - agreed) > rules.price.of(agreed) + 1e-9)
        findings.add(Finding::invoice_price_mismatch,
                     fmt::format("invoice {}, PO {} line {} ({}): unit price {}, agreed {}{}, price tolerance {}",
                                 number_text, po, line.line_number, line.buyer_part, quantity(price), quantity(agreed),
                                 line.ack_price > 0 ? " (855)" : " (PO)", tolerance_text(rules.price)),
                     {document, po_document(po)});
    }
    auto current = *order;
    refresh_state(partner, current);
  }
  return std::move(findings.outcome());
}

}  // namespace edihub::hub
