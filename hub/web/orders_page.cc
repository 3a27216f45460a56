// /orders: the purchase orders the hub knows (archive/business.h), newest first, filtered
// by partner and state, a page at a time: each order's reconciliation state and, per
// line, what was ordered, acknowledged (855), shipped (ASNs in force) and invoiced, a line
// shipped or invoiced beyond its order marked. The PO links to its document page.
#include <map>

#include <fmt/format.h>

#include "archive/business.h"
#include "hub/web/html.h"
#include "hub/web/pages.h"
#include "hub/web/widgets.h"

namespace edihub::hub::web {

namespace {

std::string quantity(double q) { return fmt::format("{}", q); }

std::string lines_html(const std::vector<archive::OrderLineRecord>& lines) {
  std::string html =
      "<table class=\"lines\"><tr><th>line</th><th>buyer part</th><th>vendor part</th><th>unit</th><th>ordered</th>"
      "<th>acknowledged</th><th>shipped</th><th>invoiced</th></tr>";
  for (const auto& l : lines) {
    // Beyond the order is what reconciliation flags (asn_over_shipment, invoice_over_billed).
    const bool over = l.shipped > l.quantity || l.invoiced > l.quantity;
    const bool short_shipped = l.shipped > 0 && l.shipped < l.quantity;
    std::string ack = l.ack_status.empty() ? "<span class=\"muted\">-</span>"
                                           : escape(l.ack_status) + (l.ack_quantity ? " " + quantity(l.ack_quantity) : "") +
                                                 (l.ack_date.empty() ? "" : " " + escape(l.ack_date));
    html += fmt::format(R"(<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="num">{}</td><td>{}</td>)"
                        R"(<td class="num">{}</td><td class="num">{}</td></tr>)",
                        over ? R"( class="bad")" : short_shipped ? R"( class="warn")" : "", escape(l.line_number),
                        escape(l.buyer_part), escape(l.vendor_part), escape(l.unit), quantity(l.quantity), ack,
                        quantity(l.shipped), quantity(l.invoiced));
  }
  return html + "</table>";
}

std::vector<std::string> order_states() {
  std::vector<std::string> states;
  for (auto s : {archive::OrderState::open, archive::OrderState::acknowledged, archive::OrderState::partially_shipped,
                 archive::OrderState::shipped, archive::OrderState::over_shipped, archive::OrderState::invoiced,
                 archive::OrderState::closed})
    states.emplace_back(to_string(s));
  return states;
}

}  // namespace

Response orders_page(const PageContext& context, const Request& request) {
  std::string body = R"(<form method="get" action="/orders" class="filters">)" +
                     select_field(request, "partner", "partner", partner_ids(context)) +
                     select_field(request, "state", "state", order_states()) + R"(<button type="submit">Filter</button></form>)";
  std::optional<std::string> partner;
  if (auto p = request.param("partner"); !p.empty()) partner = p;
  std::optional<archive::OrderState> state;
  try {
    if (auto s = request.param("state"); !s.empty()) state = archive::parse_state<archive::OrderState>(s);
  } catch (const archive::ArchiveStateError& e) {
    body += fmt::format(R"(<p class="error">{}</p>)", escape(e.what()));
    return html_response(layout("Orders", "Orders", request.user, body), 400);
  }
  const auto page = list_page(request);
  archive::BusinessRecords records(context.index);
  auto orders = records.orders(partner, state, page);
  const auto total = records.count_orders(partner, state);
  std::map<std::string, std::vector<std::string>> documents;  // a PO number is unique per partner only
  for (const auto& o : orders) documents[o.partner].push_back("po:" + o.po_number);
  std::map<std::string, std::map<std::string, std::int64_t>> open;
  for (const auto& [p, docs] : documents) open[p] = context.index.count_open_exceptions_about(docs, p);

  body += "<table class=\"orders\"><tr><th>partner</th><th>PO</th><th>state</th><th>origin</th><th>ordered</th>"
          "<th>ship by</th><th>acknowledged</th><th>open exceptions</th><th>lines</th></tr>";
  for (const auto& o : orders) {
    const auto exceptions = open[o.partner]["po:" + o.po_number];
    const auto lines = records.order_lines(o.id);
    std::string exceptions_html =
        exceptions ? fmt::format(R"(<a href="/exceptions?partner={}&amp;state=open">{}</a>)", url_encode(o.partner), exceptions)
                   : "0";
    std::string ack = o.acknowledged_at.empty() ? "<span class=\"muted\">not yet</span>"
                                                : escape(o.ack_status) + " " + escape(o.acknowledged_at);
    body += fmt::format(R"(<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>)"
                        R"(<td class="num">{}</td><td><details><summary>{} line(s)</summary>{}</details></td></tr>)",
                        exceptions ? R"( class="warn")" : "", escape(o.partner), document_link("po:" + o.po_number, o.partner),
                        tag(to_string(o.state)), escape(o.origin), escape(o.order_date),
                        o.requested_ship_date.empty() ? "-" : escape(o.requested_ship_date), ack, exceptions_html,
                        lines.size(), lines_html(lines));
  }
  body += "</table>" + pager(request, orders.size(), total, page);
  return html_response(layout("Orders", "Orders", request.user, body));
}

}  // namespace edihub::hub::web
