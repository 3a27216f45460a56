// Carriers' 214s (shipment_status, mappings/standard/x12-214-shipment-status.yaml): the
// latest status of a shipment raises shipment_delayed when it is an exception, and resolves
// the shipment's open shipment_delayed when it is on time again or delivered. The finding
// names our shipment (the ASN's shipment id) when the carrier's BOL, PRO or shipment id
// matches an inbound ASN of any partner, else the carrier's own reference, plus every PO
// the carrier quotes.
#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "hub/reconcile/lines.h"
#include "hub/reconcile/reconciler.h"

namespace edihub::hub {

using partners::Finding;
using namespace reconcile;

namespace {

// Statuses (as the standard mapping names AT701 codes) that say the shipment will not
// arrive as planned whatever the reason code.
constexpr std::array<std::string_view, 6> kExceptionStatuses{
    "delayed", "delivery_attempted", "delivery_not_completed", "refused", "damaged", "returned"};

bool is_exception(const nlohmann::json& event) {
  const std::string status = text(event, "status"), reason = text(event, "reason_code");
  // AT702 NS is "normal status"; any other reason explains an exception.
  return std::find(kExceptionStatuses.begin(), kExceptionStatuses.end(), status) != kExceptionStatuses.end() ||
         (!reason.empty() && reason != "NS");
}

// The event the carrier reported last: the latest `at` among the events with a status; of
// equal times, the one sent last. nullptr when no event has a status.
const nlohmann::json* latest_status(const nlohmann::json& status) {
  const nlohmann::json* latest = nullptr;
  if (!status.contains("events") || !status["events"].is_array()) return nullptr;
  for (const auto& event : status["events"])
    if (!text(event, "status_code").empty() && (!latest || text(event, "at") >= text(*latest, "at"))) latest = &event;
  return latest;
}

std::string describe(const nlohmann::json& event) {
  std::string out = text(event, "status_code") + " (" + text(event, "status") + ")";
  if (const auto reason = text(event, "reason_code"); !reason.empty()) out += ", reason " + reason;
  if (const auto at = text(event, "at"); !at.empty()) out += " at " + at;
  if (event.contains("location") && event["location"].is_object()) {
    const auto& l = event["location"];
    std::string where = text(l, "city");
    for (const char* part : {"state", "country"})
      if (const auto v = text(l, part); !v.empty()) where += (where.empty() ? "" : ", ") + v;
    if (!where.empty()) out += " in " + where;
  }
  return out;
}

}  // namespace

Reconciler::Outcome Reconciler::on_shipment_status(const partners::Profile& partner,
                                                   const archive::TransactionSetRecord& set,
                                                   const nlohmann::json& status) {
  const nlohmann::json* latest = latest_status(status);
  if (!latest) return {};
  const std::string bol = text(status, "bill_of_lading"), pro = text(status, "pro_number"),
                    carrier_id = text(status, "shipment_id");

  // Our shipments the carrier's references name: inbound ASNs carrying the same BOL, PRO
  // (as a tracking number) or shipment id, whichever partner sent them.
  std::vector<std::string> documents;
  auto add = [&](const std::string& document) {
    if (std::find(documents.begin(), documents.end(), document) == documents.end()) documents.push_back(document);
  };
  const std::array<std::pair<const char*, std::string>, 3> references{
      {{"bol", bol}, {"tracking_number", pro}, {"shipment_id", carrier_id}}};
  for (const auto& [key, value] : references) {
    if (value.empty()) continue;
    archive::Query query;
    query.key = {key, value};
    query.direction = "in";
    query.limit = 50;
    for (const auto& row : index_.query(query)) {
      if (row.set.target != "inbound_delivery") continue;
      for (const auto& [name, id] : row.keys)
        if (name == "shipment_id") add(shipment_document(id));
    }
  }
  if (documents.empty()) {
    const std::string own = !carrier_id.empty() ? carrier_id : !pro.empty() ? pro : bol;
    if (own.empty()) return {};  // nothing to name the finding after
    add(shipment_document(own));
  }
  const std::size_t shipments = documents.size();
  if (status.contains("po_numbers") && status["po_numbers"].is_array())
    for (const auto& po : status["po_numbers"])
      if (po.is_string() && !po.get<std::string>().empty()) add(po_document(po.get<std::string>()));

  std::string references_text = "PRO " + (pro.empty() ? "-" : pro) + ", BOL " + (bol.empty() ? "-" : bol);
  const std::string scac = status.contains("carrier") ? text(status["carrier"], "scac") : "";
  if (!is_exception(*latest)) {
    for (std::size_t i = 0; i < shipments; ++i)
      resolve(partner, Finding::shipment_delayed, documents[i],
              fmt::format("carrier {} reports {} ({})", scac, describe(*latest), references_text));
    return {};
  }
  Findings findings(index_, partner, set.file_id, set.id);
  findings.add(Finding::shipment_delayed,
               fmt::format("{}: carrier {} reports {} ({})", documents.front(), scac, describe(*latest), references_text),
               documents);
  return std::move(findings.outcome());
}

}  // namespace edihub::hub
