// Hand-made business documents for the reconciliation tests: an ERP purchase_order (JSON)
// and the supplier's answers to it, a 856 ship notice, a 855 acknowledgment and a 810
// invoice (004010, from ZZ:SUPPLIER1 to ZZ:BUYERPLANT, as tests/trading_config.h expects).
// Each X12 document is one interchange with one group and one set; `isa13` tells them apart.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace edihub::testing {

struct OrderLine {
  std::string line_number;
  double quantity = 0;
  std::string unit = "EA";
  double unit_price = 1;
  std::string buyer_part;
};

// What the ERP drops in erp-out/ (docs/purchase_order.schema.json).
inline std::string purchase_order_json(const std::string& po, const std::vector<OrderLine>& lines,
                                       const std::string& requested_ship_date = "2026-12-10",
                                       const std::string& ship_to_code = "1000") {
  nlohmann::json doc = {{"idempotency_key", "po-" + po},
                        {"po_number", po},
                        {"order_date", "2026-12-01"},
                        {"requested_ship_date", requested_ship_date},
                        {"ship_to", {{"code", ship_to_code}, {"name", "Plant 10"}}},
                        {"vendor", {{"code", "V1"}, {"name", "Supplier One"}}},
                        {"lines", nlohmann::json::array()}};
  for (const auto& l : lines)
    doc["lines"].push_back({{"line_number", std::stoi(l.line_number)},
                            {"quantity", l.quantity},
                            {"unit", l.unit},
                            {"unit_price", l.unit_price},
                            {"buyer_part", l.buyer_part}});
  return doc.dump(2);
}

// ISA/GS/ST ... SE/GE/IEA around `body` (the segments between ST and SE).
inline std::string x12_interchange(unsigned isa13, const std::string& functional_id, const std::string& set_id,
                                   const std::vector<std::string>& body) {
  std::string out = fmt::format(
      "ISA*00*          *00*          *ZZ*SUPPLIER1      *ZZ*BUYERPLANT     *261201*1015*U*00401*{:09}*0*P*>~\n",
      isa13);
  out += fmt::format("GS*{}*SUPPLIER1*BUYERPLANT*20261201*1015*{}*X*004010~\n", functional_id, isa13);
  out += fmt::format("ST*{}*0001~\n", set_id);
  for (const auto& s : body) out += s + "~\n";
  out += fmt::format("SE*{}*0001~\nGE*1*{}~\nIEA*1*{:09}~\n", body.size() + 2, isa13, isa13);
  return out;
}

inline std::string number_text(double v) {
  std::string s = fmt::format("{:.4f}", v);
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s;
}

// A 856 shipping `items` (line number, quantity, X12 unit, buyer part) against `po`.
// `purpose`: BSN01 (00 original, 05 replace, 01 cancellation).
inline std::string ship_notice(unsigned isa13, const std::string& shipment_id, const std::string& po,
                               const std::vector<OrderLine>& items, const std::string& purpose = "00",
                               const std::string& ship_to_id = "1000") {
  std::vector<std::string> body = {
      fmt::format("BSN*{}*{}*20261205*1015*0001", purpose, shipment_id),
      "HL*1**S",
      "TD5*B*2*ABCD*M",
      fmt::format("N1*ST*PLANT 10*92*{}", ship_to_id),
      "HL*2*1*O",
      fmt::format("PRF*{}", po),
  };
  unsigned hl = 3;
  for (const auto& item : items) {
    body.push_back(fmt::format("HL*{}*2*I", hl++));
    body.push_back(fmt::format("LIN*{}*BP*{}", item.line_number, item.buyer_part));
    body.push_back(fmt::format("SN1*{}*{}*{}", item.line_number, number_text(item.quantity), item.unit));
  }
  body.push_back(fmt::format("CTT*{}", hl - 1));
  return x12_interchange(isa13, "SH", "856", body);
}

struct AckLine {
  OrderLine line;          // PO1 as the supplier echoes it (price may differ)
  std::string status;      // ACK01, e.g. IA, IQ, IR
  double ack_quantity = 0; // ACK02
};

// A 855 (BAK02 `type`: AD no change, AC with changes, RJ rejected) answering `po`.
inline std::string order_acknowledgment(unsigned isa13, const std::string& po, const std::string& type,
                                        const std::vector<AckLine>& lines) {
  std::vector<std::string> body = {fmt::format("BAK*00*{}*{}*20261201", type, po)};
  for (const auto& a : lines) {
    body.push_back(fmt::format("PO1*{}*{}*{}*{}**BP*{}", a.line.line_number, number_text(a.line.quantity), a.line.unit,
                               number_text(a.line.unit_price), a.line.buyer_part));
    body.push_back(fmt::format("ACK*{}*{}*{}", a.status, number_text(a.ack_quantity), a.line.unit));
  }
  body.push_back(fmt::format("CTT*{}", lines.size()));
  return x12_interchange(isa13, "PR", "855", body);
}

// A 810 invoice `number` for `po`.
inline std::string invoice(unsigned isa13, const std::string& number, const std::string& po,
                           const std::vector<OrderLine>& lines) {
  std::vector<std::string> body = {fmt::format("BIG*20261206*{}*20261201*{}", number, po)};
  double total = 0;
  for (const auto& l : lines) {
    body.push_back(fmt::format("IT1*{}*{}*{}*{}**BP*{}", l.line_number, number_text(l.quantity), l.unit,
                               number_text(l.unit_price), l.buyer_part));
    total += l.quantity * l.unit_price;
  }
  body.push_back(fmt::format("TDS*{}", static_cast<long long>(total * 100 + 0.5)));
  body.push_back(fmt::format("CTT*{}", lines.size()));
  return x12_interchange(isa13, "IN", "810", body);
}

}  // namespace edihub::testing
