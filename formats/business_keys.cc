#include "formats/business_keys.h"

#include "formats/edifact.h"

#include <algorithm>
#include <initializer_list>
#include <span>
#include <string_view>

namespace edihub {

namespace {

void add(BusinessKeys& keys, std::string_view name, std::string_view value) {
  constexpr std::string_view kBlank = " \t\r\n";
  const auto first = value.find_first_not_of(kBlank);
  if (first == std::string_view::npos) return;
  value = value.substr(first, value.find_last_not_of(kBlank) - first + 1);
  std::pair<std::string, std::string> key{std::string(name), std::string(value)};
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
}

// An element of a segment of one transaction set type (X12 004010 element numbers; the
// same positions in 003040 to 005010).
struct ElementKey {
  std::string_view set, tag;
  std::size_t element;
  std::string_view name;
};

constexpr ElementKey kElementKeys[] = {
    {"850", "BEG", 3, "po_number"},              // 324 Purchase Order Number
    {"850", "BEG", 4, "release_number"},         // 328
    {"860", "BCH", 3, "po_number"},
    {"860", "BCH", 4, "release_number"},
    {"860", "BCH", 9, "seller_order_number"},    // 127: "BCH09 is the seller's order number"
    {"855", "BAK", 3, "po_number"},
    {"855", "BAK", 5, "release_number"},
    {"855", "BAK", 8, "seller_order_number"},    // 127: "BAK08 is the seller's order number"
    {"865", "BCA", 3, "po_number"},
    {"865", "BCA", 4, "release_number"},
    {"865", "BCA", 9, "seller_order_number"},
    {"856", "BSN", 2, "shipment_id"},            // 396 Shipment Identification
    {"856", "PRF", 1, "po_number"},              // every order (or item) of the shipment
    {"810", "BIG", 2, "invoice_number"},         // 76
    {"810", "BIG", 4, "po_number"},
    {"810", "BIG", 5, "release_number"},
    {"820", "TRN", 2, "payment_trace_number"},   // check or EFT trace number
    {"940", "W05", 2, "depositor_order_number"}, // 285
    {"940", "W05", 3, "po_number"},
    {"943", "W06", 2, "depositor_order_number"},
    {"943", "W06", 4, "shipment_id"},            // 145 Shipment Identification Number
    {"943", "W06", 6, "po_number"},
    {"945", "W06", 2, "depositor_order_number"},
    {"945", "W06", 4, "shipment_id"},
    {"945", "W06", 6, "po_number"},
    {"944", "W17", 3, "warehouse_receipt_number"},  // 394
    {"944", "W17", 4, "depositor_order_number"},
    {"944", "W17", 5, "shipment_id"},
    {"846", "BIA", 3, "advice_number"},          // "the number of the inquiry/advice"
    {"214", "B10", 1, "tracking_number"},        // the carrier's reference (PRO) number
    {"214", "B10", 2, "shipment_id"},
    {"204", "B2", 4, "shipment_id"},             // B206 before 003040
    {"990", "B1", 2, "shipment_id"},
    {"830", "BFR", 2, "schedule_number"},        // "the identifying number for a forecast"
    {"830", "BFR", 3, "release_number"},
    {"830", "BFR", 11, "po_number"},
    {"862", "BSS", 2, "schedule_number"},        // "a document number"
    {"862", "BSS", 7, "release_number"},
    {"862", "BSS", 10, "po_number"},
};

// Segments carrying a Reference Identification Qualifier (128) and its value (127), in
// any transaction set.
struct ReferenceSegment {
  std::string_view tag;
  std::size_t qualifier, value;
};
constexpr ReferenceSegment kReferenceSegments[] = {
    {"REF", 1, 2}, {"N9", 1, 2}, {"L11", 2, 1}, {"B10", 5, 6}, {"RMR", 1, 2}};

struct QualifiedKey {
  std::string_view qualifier, name;
};
constexpr QualifiedKey kReferenceKeys[] = {
    {"BM", "bol"},              // Bill of Lading Number
    {"CN", "tracking_number"},  // Carrier's Reference Number (PRO/Invoice)
    {"PO", "po_number"},        // Purchase Order Number
    {"IV", "invoice_number"},   // Seller's Invoice Number
};

// MAN01 (88 Marks and Numbers Qualifier) CP: Carrier-Assigned Package ID Number. GM (an
// SSCC-18 label) is a carton, not something a planner is phoned about.
constexpr QualifiedKey kMarksKeys[] = {{"CP", "tracking_number"}};

void add_qualified(BusinessKeys& keys, std::string_view qualifier, std::string_view value,
                   std::span<const QualifiedKey> table) {
  for (const auto& k : table)
    if (k.qualifier == qualifier) add(keys, k.name, value);
}

// EDIFACT: the document number (BGM C106/1004) of a message type, and the references
// (RFF C506: 1153 qualifier, 1154 number) of any message.
struct MessageKey {
  std::string_view message, name;
};
constexpr MessageKey kDocumentNumberKeys[] = {
    {"ORDERS", "po_number"}, {"ORDCHG", "po_number"}, {"DESADV", "shipment_id"}, {"INVOIC", "invoice_number"}};
constexpr QualifiedKey kEdifactReferenceKeys[] = {
    {"ON", "po_number"},        // Order number (buyer)
    {"BM", "bol"},              // Bill of lading number
    {"CN", "tracking_number"},  // Carrier's reference number
    {"IV", "invoice_number"},   // Invoice number
    {"AAK", "shipment_id"},     // Despatch advice number
};

std::string_view component(std::string_view element, std::size_t n) {
  const auto parts = x12::split(element, edifact::kComponent);
  return n <= parts.size() ? parts[n - 1] : std::string_view{};
}

BusinessKeys edifact_keys(const x12::TransactionSet& message) {
  BusinessKeys keys;
  if (message.id == "CONTRL") return keys;
  for (const auto& s : message.segments) {
    if (s.tag == "BGM")
      for (const auto& k : kDocumentNumberKeys)
        if (k.message == message.id) add(keys, k.name, component(s.element(2), 1));
    if (s.tag == "RFF") add_qualified(keys, component(s.element(1), 1), component(s.element(1), 2), kEdifactReferenceKeys);
  }
  return keys;
}

}  // namespace

namespace x12 {

BusinessKeys builtin_business_keys(const TransactionSet& set) {
  if (!set.message_version.empty()) return edifact_keys(set);
  BusinessKeys keys;
  if (set.id == "997" || set.id == "999") return keys;
  for (const auto& s : set.segments) {
    for (const auto& k : kElementKeys)
      if (k.set == set.id && k.tag == s.tag) add(keys, k.name, s.element(k.element));
    for (const auto& r : kReferenceSegments)
      if (r.tag == s.tag)
        add_qualified(keys, s.element(r.qualifier), s.element(r.value), kReferenceKeys);
    if (s.tag == "MAN") add_qualified(keys, s.element(1), s.element(2), kMarksKeys);
  }
  return keys;
}

}  // namespace x12

namespace xml {

namespace {

// Every element reached from `from` through children of these local names, in document order.
std::vector<pugi::xml_node> walk(pugi::xml_node from, std::initializer_list<std::string_view> path) {
  std::vector<pugi::xml_node> level{from};
  for (auto name : path) {
    std::vector<pugi::xml_node> next;
    for (auto node : level)
      for (auto child : node.children())
        if (child.type() == pugi::node_element && local_name(child.name()) == name) next.push_back(child);
    level = std::move(next);
  }
  return level;
}

void add_texts(BusinessKeys& keys, std::string_view name, pugi::xml_node from, std::initializer_list<std::string_view> path) {
  for (auto node : walk(from, path)) add(keys, name, node.child_value());
}

void add_attributes(BusinessKeys& keys, std::string_view name, pugi::xml_node from,
                    std::initializer_list<std::string_view> path, const char* attribute) {
  for (auto node : walk(from, path)) add(keys, name, node.attribute(attribute).value());
}

void cxml_keys(BusinessKeys& keys, pugi::xml_node root, const std::string& type) {
  for (auto notice : walk(root, {"Request", "ShipNoticeRequest"})) {
    add_attributes(keys, "shipment_id", notice, {"ShipNoticeHeader"}, "shipmentID");
    // A ShipmentIdentifier without a domain is the tracking number (cXML's default).
    for (auto id : walk(notice, {"ShipControl", "ShipmentIdentifier"})) {
      const std::string_view domain = id.attribute("domain").value();
      if (domain == "billOfLading") add(keys, "bol", id.child_value());
      else if (domain.empty() || domain == "trackingNumber") add(keys, "tracking_number", id.child_value());
    }
    add_attributes(keys, "po_number", notice, {"ShipNoticePortion", "OrderReference"}, "orderID");
  }
  if (type == "OrderRequest")
    add_attributes(keys, "po_number", root, {"Request", "OrderRequest", "OrderRequestHeader"}, "orderID");
}

void ubl_despatch_keys(BusinessKeys& keys, pugi::xml_node root) {
  add_texts(keys, "shipment_id", root, {"ID"});
  add_texts(keys, "po_number", root, {"OrderReference", "ID"});
  add_texts(keys, "po_number", root, {"DespatchLine", "OrderLineReference", "OrderReference", "ID"});
  for (auto reference : walk(root, {"AdditionalDocumentReference"}))  // UN/CEFACT 1001 code 705: bill of lading
    for (auto code : walk(reference, {"DocumentTypeCode"}))
      if (std::string_view(code.child_value()) == "705") add_texts(keys, "bol", reference, {"ID"});
  add_texts(keys, "tracking_number", root, {"Shipment", "Consignment", "CarrierAssignedID"});
}

void gs1_despatch_keys(BusinessKeys& keys, pugi::xml_node root) {
  for (auto advice : walk(root, {"despatchAdvice"})) {
    add_texts(keys, "shipment_id", advice, {"despatchAdviceIdentification", "entityIdentification"});
    add_texts(keys, "po_number", advice,
              {"despatchAdviceLogisticUnit", "despatchAdviceLineItem", "purchaseOrder", "entityIdentification"});
    add_texts(keys, "bol", advice,
              {"despatchAdviceTransportInformation", "billOfLadingNumber", "entityIdentification"});
    add_texts(keys, "tracking_number", advice, {"despatchAdviceLogisticUnit", "packageTrackingNumber"});
  }
}

}  // namespace

BusinessKeys builtin_business_keys(const Document& document) {
  BusinessKeys keys;
  const auto root = document.tree.document_element();
  if (document.standard == "cxml") cxml_keys(keys, root, document.type);
  else if (document.standard == "ubl" && document.type == "DespatchAdvice") ubl_despatch_keys(keys, root);
  else if (document.standard == "gs1" && document.type == "despatchAdvice") gs1_despatch_keys(keys, root);
  return keys;
}

}  // namespace xml

}  // namespace edihub
