// edihub document: one purchase order, shipment or invoice followed through every
// transaction set that names it (both directions), their events (mapped, held, delivered
// to the ERP, dead letter, ...), the acknowledgments and AS2 messages of their files and
// the exceptions about it, in time order with the time each step took; for an order also
// each line's ordered, acknowledged, shipped and invoiced quantities. Read-only.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "hub/cli/commands.h"
#include "hub/cli/document_timeline.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/text_escape.h"

namespace edihub::hub {

using nlohmann::ordered_json;

namespace {


ordered_json order_json(const archive::OrderRecord& o) {
  return {{"po_number", o.po_number},     {"state", o.state},
          {"origin", o.origin},           {"set_id", o.set_id},
          {"file_id", o.file_id},         {"order_date", o.order_date},
          {"requested_ship_date", o.requested_ship_date}, {"currency", o.currency},
          {"known_at", o.known_at},       {"acknowledged_at", o.acknowledged_at},
          {"ack_status", o.ack_status}};
}

ordered_json timeline_json(const Timeline& t) {
  ordered_json j{{"partner", t.partner}};
  if (t.order) {
    j["order"] = order_json(*t.order);
    ordered_json lines = ordered_json::array();
    for (const auto& l : t.lines)
      lines.push_back({{"line_number", l.line_number}, {"buyer_part", l.buyer_part}, {"vendor_part", l.vendor_part},
                       {"unit", l.unit}, {"ordered", l.quantity}, {"unit_price", l.unit_price},
                       {"ack_status", l.ack_status}, {"ack_quantity", l.ack_quantity}, {"ack_date", l.ack_date},
                       {"shipped", l.shipped}, {"invoiced", l.invoiced}});
    j["lines"] = lines;
  } else {
    j["order"] = nullptr;
  }
  ordered_json entries = ordered_json::array();
  auto steps = step_seconds(t.entries);
  for (std::size_t i = 0; i < t.entries.size(); ++i) {
    const auto& e = t.entries[i];
    entries.push_back({{"at", e.at},
                       {"what", e.what},
                       {"seconds", steps[i] ? ordered_json(*steps[i]) : ordered_json(nullptr)},
                       {"set_id", e.set_id},
                       {"file_id", e.file_id},
                       {"exception_id", e.exception_id}});
  }
  j["timeline"] = entries;
  j["awaiting"] = t.awaiting;
  return j;
}

// 12.5 as "12.5", 100 as "100".
std::string quantity(double q) { return fmt::format("{}", q); }

void print_timeline(const DocumentName& document, const Timeline& t, std::ostream& out) {
  out << fmt::format("{} of {}", escape_controls(document.text()), escape_controls(t.partner));
  if (t.order) {
    const auto& o = *t.order;
    out << fmt::format(": order {} ({}), ordered {}, ship by {}\n", to_string(o.state), escape_controls(o.origin),
                       escape_controls(o.order_date), o.requested_ship_date.empty() ? "-" : escape_controls(o.requested_ship_date));
    if (!o.acknowledged_at.empty())
      out << fmt::format("  acknowledged {}: {}\n", o.acknowledged_at, escape_controls(o.ack_status));
    out << fmt::format("  {:<6} {:<18} {:<5} {:>9}  {:<22} {:>9} {:>9}\n", "LINE", "PART", "UNIT", "ORDERED",
                       "ACKNOWLEDGED", "SHIPPED", "INVOICED");
    for (const auto& l : t.lines) {
      std::string acknowledged =
          l.ack_status.empty() ? "-" : fmt::format("{} {}", escape_controls(l.ack_status), quantity(l.ack_quantity));
      out << fmt::format("  {:<6} {:<18} {:<5} {:>9}  {:<22} {:>9} {:>9}\n", escape_controls(l.line_number),
                         escape_controls(l.buyer_part), escape_controls(l.unit), quantity(l.quantity), acknowledged,
                         quantity(l.shipped), quantity(l.invoiced));
    }
  } else {
    out << "\n";
  }
  auto steps = step_seconds(t.entries);
  for (std::size_t i = 0; i < t.entries.size(); ++i)
    out << fmt::format("  {:<24} {:>8}  {}\n", escape_controls(t.entries[i].at), steps[i] ? step_text(*steps[i]) : "",
                       escape_controls(t.entries[i].what));
  for (const auto& line : t.awaiting) out << "  awaiting: " << escape_controls(line) << "\n";
}

}  // namespace

int command_document(const std::string& config_dir, const DocumentOptions& options, bool json, std::ostream& out,
                     std::ostream& err) {
  auto document = parse_document(options.document);
  if (!document) {
    err << fmt::format("edihub: '{}' is not a document name: expected {}, e.g. po:4500012345\n",
                       escape_controls(options.document), kDocumentForms);
    return 2;
  }
  auto config = Config::load(config_dir);
  auto index = open_index(config_dir);
  std::vector<std::string> partners;
  if (options.partner) partners.push_back(*options.partner);
  else partners = document_partners(*index, config, *document);
  auto timelines = document_timelines(*index, *document, partners, clock_from_environment()->iso_now());
  if (timelines.empty()) {
    err << fmt::format("edihub: no document {} in the archive{}\n", escape_controls(document->text()),
                       options.partner ? " for partner " + escape_controls(*options.partner) : "");
    return 1;
  }
  if (json) {
    // One entry per partner holding the document: a PO number is only unique per partner.
    ordered_json list = ordered_json::array();
    for (const auto& t : timelines) list.push_back(timeline_json(t));
    out << dump_json(ordered_json{{"document", document->text()}, {"partners", list}}, 2) << "\n";
    return 0;
  }
  for (std::size_t i = 0; i < timelines.size(); ++i) {
    if (i) out << "\n";
    print_timeline(*document, timelines[i], out);
  }
  if (timelines.size() > 1)
    out << fmt::format("{} partners have {}; --partner P shows one\n", timelines.size(), escape_controls(document->text()));
  return 0;
}

}  // namespace edihub::hub
