// The timeline of one business document (`edihub document`): every transaction set that
// names it (both directions) with its events (mapped, held, delivered to the ERP, dead
// letter, ...), the acknowledgments and AS2 messages of their files and the exceptions
// about it, in time order; for an order also its lines with ordered, acknowledged, shipped
// and invoiced quantities. Reads the archive only. Shared by `edihub document` and the
// dashboard's document page (hub/web/document_page.h).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "archive/business.h"
#include "archive/index.h"
#include "hub/config.h"

namespace edihub::hub {

using Time = std::chrono::system_clock::time_point;

// The kinds of business document, each named by one business key: po (po_number), shipment
// (shipment_id), invoice (invoice_number), warehouse_order (depositor_order_number: a 940 we
// sent and the 945s that answer it).
inline constexpr std::array<std::string_view, 4> kDocumentKinds{"po", "shipment", "invoice", "warehouse_order"};
// How they are written, for messages.
inline constexpr const char* kDocumentForms = "po:NUMBER, shipment:ID, invoice:NUMBER or warehouse_order:NUMBER";

struct DocumentName {
  std::string kind;   // one of kDocumentKinds
  std::string value;
  std::string key;    // the business key naming it on transaction sets
  std::string text() const { return kind + ":" + value; }
  // An order (purchase or warehouse): its record has lines, and shipments name it.
  bool is_order() const { return kind == "po" || kind == "warehouse_order"; }
};

// "po:4500012345" -> {po, 4500012345, po_number}; nullopt for anything else.
std::optional<DocumentName> parse_document(const std::string& text);

struct Entry {
  Entry(std::string at_, std::string what_, std::int64_t set = 0, std::int64_t file = 0, std::int64_t exception = 0)
      : at(std::move(at_)), what(std::move(what_)), set_id(set), file_id(file), exception_id(exception) {}
  std::string at;
  std::string what;
  std::int64_t set_id, file_id, exception_id;
  std::optional<Time> time;  // `at` parsed, for ordering and step times
};

// One partner's view of the document.
struct Timeline {
  std::string partner;
  std::optional<archive::OrderRecord> order;
  std::vector<archive::OrderLineRecord> lines;
  std::vector<Entry> entries;
  std::vector<std::string> awaiting;  // acknowledgments still awaited, not yet due
};

// Every partner with the document: those of the sets naming it, and the configured
// partners holding it as a business record.
std::vector<std::string> document_partners(archive::Index& index, const Config& config, const DocumentName& document);
// The partners' timelines that hold anything, in the order given; `now` decides which
// awaited acknowledgments are listed as still awaited.
std::vector<Timeline> document_timelines(archive::Index& index, const DocumentName& document,
                                         const std::vector<std::string>& partners, const std::string& now);

// Seconds since the previous entry whose time is known; nullopt for the first.
std::vector<std::optional<std::int64_t>> step_seconds(const std::vector<Entry>& entries);
// "+45s", "+12m 05s", "+2h 05m", "+3d 04h": the time a step took, to the unit that matters
// (`edihub document` and the dashboard's document page).
std::string step_text(std::int64_t seconds);

}  // namespace edihub::hub
