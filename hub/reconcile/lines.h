// What the reconciliation rules share (internal to hub/reconcile): reading quantities and
// texts from ERP JSON, naming business documents, matching an item to its PO line,
// converting units, deriving an order's state, and collecting one document's findings.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "archive/index.h"
#include "hub/reconcile/reconciler.h"
#include "partners/findings.h"
#include "partners/profile.h"

namespace edihub::hub::reconcile {

// A JSON number or decimal string ("48.00"); 0 for anything else.
double number(const nlohmann::json& value);
// obj[key] as text (a number is written as it reads), "" when absent or null.
std::string text(const nlohmann::json& obj, const char* key);
// 24, 2.5, 0.125: a quantity as a person writes it.
std::string quantity(double value);

inline std::string po_document(const std::string& po) { return "po:" + po; }
inline std::string shipment_document(const std::string& id) { return "shipment:" + id; }
inline std::string invoice_document(const std::string& number) { return "invoice:" + number; }
inline std::string warehouse_order_document(const std::string& number) { return "warehouse_order:" + number; }

// The lines of an ERP order (purchase_order, or warehouse_order whose `item`, our item
// number, is the line's vendor part: the warehouse knows the goods by it).
std::vector<archive::OrderLineRecord> order_lines_of(const nlohmann::json& order);
// The PO line an item (ASN item, 855 line, 810 line) names: by line number (leading zeros
// ignored), then buyer part, vendor part, UPC or GTIN. nullptr when none matches; the
// pointer is into `lines`, so they must outlive it.
const archive::OrderLineRecord* match_line(const std::vector<archive::OrderLineRecord>& lines,
                                           const nlohmann::json& item);
// "line 2 (buyer part B-2002)": how an item is named in a reason.
std::string item_name(const nlohmann::json& item);
// `value` in `from` as a quantity in `to`, through the partner's unit_conversions (either
// direction); the same unit converts to itself. nullopt when no conversion is configured.
std::optional<double> convert(const partners::ReconcileRules& rules, double value, const std::string& from,
                              const std::string& to);
// "0", "5%" or "2": a tolerance as the profile gave it.
std::string tolerance_text(const partners::Tolerance& t);

// The state an order's quantities put it in (archive/states.h lists the states); a
// cancelled order is closed.
archive::OrderState derive_state(const archive::OrderRecord& order, const std::vector<archive::OrderLineRecord>& lines,
                                 const partners::ReconcileRules& rules);

// One document's findings. A finding equal to an open one (same kind, reason and
// documents) is not raised again: re-evaluating a document is not a new problem.
class Findings {
 public:
  Findings(const archive::Index& index, const partners::Profile& partner, std::int64_t file_id, std::int64_t set_id)
      : index_(index), partner_(partner), file_id_(file_id), set_id_(set_id) {}
  void add(partners::Finding kind, std::string reason, std::vector<std::string> documents);
  Reconciler::Outcome& outcome() { return outcome_; }

 private:
  const archive::Index& index_;
  const partners::Profile& partner_;
  std::int64_t file_id_, set_id_;
  Reconciler::Outcome outcome_;
};

}  // namespace edihub::hub::reconcile
