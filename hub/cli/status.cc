// edihub status: per partner, the business outcomes waiting on someone (orders not
// acknowledged, ASNs missing, shipment mismatches, invoices unmatched, ERP deliveries
// pending or dead-lettered, acknowledgments overdue), each with its count and its oldest
// item. Every figure is a count and one row from a grouped query (archive::Tally), so it
// stays fast however large the archive is. Read-only.
#include <functional>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "hub/cli/commands.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/text_escape.h"
#include "partners/findings.h"

namespace edihub::hub {

using nlohmann::ordered_json;

namespace {

struct Oldest {
  std::string at, what;
};

struct Line {
  std::int64_t count = 0;
  std::optional<Oldest> oldest;
  std::int64_t past_allowance = -1;  // orders not acknowledged: those with po_ack_missing open; -1 elsewhere

  void add(std::int64_t n, const std::string& at, const std::function<std::string()>& what) {
    count += n;
    if (n && (!oldest || at < oldest->at)) oldest = Oldest{at, what()};
  }
};

// The lines of one partner, in the order they are shown.
struct PartnerStatus {
  Line orders_not_acknowledged, asns_missing, shipment_mismatches, invoices_unmatched, deliveries_pending,
      dead_letters, acks_overdue;
};

constexpr std::pair<const char*, Line PartnerStatus::*> kLines[] = {
    {"orders_not_acknowledged", &PartnerStatus::orders_not_acknowledged},
    {"asns_missing", &PartnerStatus::asns_missing},
    {"shipment_mismatches", &PartnerStatus::shipment_mismatches},
    {"invoices_unmatched", &PartnerStatus::invoices_unmatched},
    {"erp_deliveries_pending", &PartnerStatus::deliveries_pending},
    {"erp_dead_letters", &PartnerStatus::dead_letters},
    {"acknowledgments_overdue", &PartnerStatus::acks_overdue},
};

const char* title(std::string_view name) {
  if (name == "orders_not_acknowledged") return "orders not acknowledged";
  if (name == "asns_missing") return "ASNs missing";
  if (name == "shipment_mismatches") return "shipment mismatches";
  if (name == "invoices_unmatched") return "invoices unmatched";
  if (name == "erp_deliveries_pending") return "ERP deliveries pending";
  if (name == "erp_dead_letters") return "ERP dead letters";
  return "acknowledgments overdue";
}

// Which line an open exception of `kind` counts on, if any (kinds: partners/findings.h).
Line PartnerStatus::* line_of_kind(const std::string& kind) {
  using partners::Finding;
  auto finding = partners::parse_finding(kind);
  if (!finding) return nullptr;
  switch (*finding) {
    case Finding::asn_missing: return &PartnerStatus::asns_missing;
    case Finding::asn_unknown_po:
    case Finding::asn_unknown_item:
    case Finding::asn_over_shipment:
    case Finding::asn_under_shipment:
    case Finding::asn_unit_mismatch:
    case Finding::asn_ship_to_mismatch:
    case Finding::duplicate_shipment:
    case Finding::receipt_short:  // a 3PL's receipt that does not match the ASN it names
    case Finding::receipt_over:
    case Finding::warehouse_unknown_order:
    case Finding::warehouse_short_shipment:
    case Finding::warehouse_over_shipment:
    case Finding::shipment_delayed: return &PartnerStatus::shipment_mismatches;
    case Finding::invoice_unknown_po:
    case Finding::invoice_over_billed:
    case Finding::invoice_price_mismatch:
    case Finding::duplicate_invoice: return &PartnerStatus::invoices_unmatched;
    case Finding::po_ack_missing:
    case Finding::po_ack_changed: return nullptr;  // po_ack_missing is counted with the orders
    case Finding::quality_hold: return nullptr;    // stock on hold at the warehouse: not a document awaited
  }
  return nullptr;
}

std::string documents_text(const std::vector<std::string>& documents) {
  std::string text;
  for (const auto& d : documents) text += (text.empty() ? "" : ", ") + d;
  return text;
}

class StatusReader {
 public:
  StatusReader(archive::Index& index, std::string now) : index_(index), records_(index), now_(std::move(now)) {}

  std::map<std::string, PartnerStatus> read(const Config& config, const std::optional<std::string>& partner) {
    std::map<std::string, PartnerStatus> status;
    if (partner) status[*partner];
    else
      for (const auto& p : config.partners.profiles()) status[p.id];

    for (const auto& t : index_.open_exception_tally(partner)) {
      if (t.name == "po_ack_missing") {
        status[t.partner].orders_not_acknowledged.past_allowance = t.count;
        continue;
      }
      if (auto line = line_of_kind(t.name)) (status[t.partner].*line).add(t.count, t.oldest_at, [&] {
          return exception_text(t.oldest_id);
        });
    }
    for (auto set_status : {archive::SetStatus::mapped, archive::SetStatus::held, archive::SetStatus::dead_letter})
      for (const auto& t : index_.set_status_tally(set_status, partner)) {
        auto& s = status[t.partner];
        (set_status == archive::SetStatus::dead_letter ? s.dead_letters : s.deliveries_pending)
            .add(t.count, t.oldest_at, [&] { return set_text(t.oldest_id); });
      }
    for (const auto& t : index_.overdue_ack_tally(now_, partner))
      status[t.partner].acks_overdue.add(t.count, t.oldest_at, [&] { return ack_text(t.oldest_id); });
    for (auto& [id, s] : status) {
      auto& line = s.orders_not_acknowledged;
      // Purchase orders only: a warehouse order (940) is never acknowledged by an 855.
      const auto open = records_.count_orders(id, archive::OrderState::open, "purchase");
      if (line.past_allowance < 0) line.past_allowance = 0;
      if (!open) continue;
      // Newest first: the last row of the list is the oldest (one row read).
      auto oldest = records_.orders(id, archive::OrderState::open, {1, open - 1}, "purchase");
      line.add(open, oldest.empty() ? "" : oldest.front().known_at, [&] {
        return oldest.empty() ? "" : fmt::format("po:{} ({})", oldest.front().po_number, oldest.front().origin);
      });
    }
    return status;
  }

 private:
  std::string exception_text(std::int64_t id) const {
    auto e = index_.exception(id);
    if (!e) return fmt::format("exception {}", id);
    return fmt::format("exception {} {}{}", e->id, e->kind,
                       e->documents.empty() ? "" : " (" + documents_text(e->documents) + ")");
  }

  std::string set_text(std::int64_t id) const {
    auto s = index_.transaction_set(id);
    if (!s) return fmt::format("set {}", id);
    std::string keys;
    for (const auto& [name, value] : index_.business_keys(id))
      if (name == "shipment_id" || name == "invoice_number" || name == "po_number") {
        keys = " " + value;
        break;
      }
    return fmt::format("set {}: {}{} ({}, ISA13 {}, ST {})", s->id, s->type, keys, to_string(s->status),
                       s->interchange_control, s->control_number);
  }

  std::string ack_text(std::int64_t id) const {
    auto a = index_.awaited_ack(id);
    if (!a) return fmt::format("awaited acknowledgment {}", id);
    if (a->level == "interchange")
      return fmt::format("TA1 for interchange {} sent {} (due {})", a->interchange_control, a->sent_at, a->due_at);
    return fmt::format("acknowledgment of group {} {} (ISA13 {}) sent {}", a->functional_id, a->group_control,
                       a->interchange_control, a->sent_at);
  }

  archive::Index& index_;
  archive::BusinessRecords records_;
  std::string now_;
};

}  // namespace

int command_status(const std::string& config_dir, const StatusOptions& options, bool json, std::ostream& out,
                   std::ostream&) {
  auto config = Config::load(config_dir);
  auto index = open_index(config_dir);
  StatusReader reader(*index, clock_from_environment()->iso_now());
  const auto status = reader.read(config, options.partner);
  if (json) {
    ordered_json partners = ordered_json::array();
    for (const auto& [id, s] : status) {
      ordered_json p{{"partner", id}};
      for (const auto& [name, member] : kLines) {
        const Line& line = s.*member;
        ordered_json j{{"count", line.count}};
        if (line.past_allowance >= 0) j["past_allowance"] = line.past_allowance;
        j["oldest"] = line.oldest ? ordered_json{{"at", line.oldest->at}, {"what", line.oldest->what}}
                                  : ordered_json(nullptr);
        p[name] = j;
      }
      partners.push_back(p);
    }
    out << dump_json(ordered_json{{"partners", partners}}, 2) << "\n";
    return 0;
  }
  for (const auto& [id, s] : status) {
    out << escape_controls(id) << "\n";
    for (const auto& [name, member] : kLines) {
      const Line& line = s.*member;
      std::string count = std::to_string(line.count);
      if (line.past_allowance > 0) count += fmt::format(" ({} past the allowance)", line.past_allowance);
      if (!line.oldest) {
        out << fmt::format("  {:<25} {}\n", title(name), count);
        continue;
      }
      // The oldest date for an overdue acknowledgment is its deadline.
      out << fmt::format("  {:<25} {:<28} oldest {}{} {}\n", title(name), count,
                         member == &PartnerStatus::acks_overdue ? "due " : "", escape_controls(line.oldest->at),
                         escape_controls(line.oldest->what));
    }
  }
  if (status.empty()) out << "no partners\n";
  return 0;
}

}  // namespace edihub::hub
