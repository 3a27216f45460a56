// edihub orders: the purchase orders the hub knows (archive/business.h) with their state
// and totals, a page at a time; `orders import`: an order the ERP placed another way,
// archived and recorded as if the ERP had dropped it in the partner's erp.open_orders.
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "archive/business.h"
#include "archive/lock.h"
#include "archive/raw_store.h"
#include "archive/verify.h"
#include "hub/cli/commands.h"
#include "hub/clock.h"
#include "hub/config.h"
#include "hub/exception_queue.h"
#include "hub/pipeline/validation_text.h"
#include "hub/reconcile/reconciler.h"
#include "hub/text_escape.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

struct Totals {
  double ordered = 0, shipped = 0, invoiced = 0;
  std::size_t lines = 0;
};

Totals totals_of(const std::vector<archive::OrderLineRecord>& lines) {
  Totals t;
  t.lines = lines.size();
  for (const auto& l : lines) {
    t.ordered += l.quantity;
    t.shipped += l.shipped;
    t.invoiced += l.invoiced;
  }
  return t;
}

std::string quantity(double q) { return fmt::format("{}", q); }

}  // namespace

int command_orders(const std::string& config_dir, const OrdersOptions& o, bool json, std::ostream& out,
                   std::ostream& err) {
  std::optional<archive::OrderState> state;
  if (o.state) {
    try {
      state = archive::parse_state<archive::OrderState>(*o.state);
    } catch (const archive::ArchiveStateError& e) {
      err << "edihub: --state: " << escape_controls(e.what()) << "\n";
      return 2;
    }
  }
  auto index = open_index(config_dir);
  archive::BusinessRecords records(*index);
  auto orders = records.orders(o.partner, state, {o.page.limit, o.page.offset});
  const auto total = records.count_orders(o.partner, state);
  std::vector<Totals> totals;
  std::vector<std::string> documents;
  for (const auto& order : orders) {
    totals.push_back(totals_of(records.order_lines(order.id)));
    documents.push_back("po:" + order.po_number);
  }
  // A PO number is unique per partner only: with one partner asked for, its exceptions;
  // else each order's own partner's, counted below.
  std::map<std::string, std::map<std::string, std::int64_t>> open_by_partner;
  for (const auto& order : orders)
    if (!open_by_partner.contains(order.partner)) open_by_partner[order.partner] = {};
  for (auto& [partner, counts] : open_by_partner) counts = index->count_open_exceptions_about(documents, partner);
  auto open_exceptions = [&](const archive::OrderRecord& order) {
    return open_by_partner[order.partner]["po:" + order.po_number];
  };

  if (json) {
    ordered_json rows = ordered_json::array();
    for (std::size_t i = 0; i < orders.size(); ++i) {
      const auto& r = orders[i];
      rows.push_back({{"partner", r.partner},
                      {"po_number", r.po_number},
                      {"state", r.state},
                      {"origin", r.origin},
                      {"order_date", r.order_date},
                      {"requested_ship_date", r.requested_ship_date},
                      {"known_at", r.known_at},
                      {"acknowledged_at", r.acknowledged_at},
                      {"ack_status", r.ack_status},
                      {"lines", totals[i].lines},
                      {"ordered", totals[i].ordered},
                      {"shipped", totals[i].shipped},
                      {"invoiced", totals[i].invoiced},
                      {"open_exceptions", open_exceptions(r)}});
    }
    out << dump_json(page_json(std::move(rows), total, o.page), 2) << "\n";
    return 0;
  }
  const auto row = "{:<12} {:<14} {:<17} {:<10} {:<10} {:>5} {:>9} {:>9} {:>9} {:>10}\n";
  out << fmt::format(fmt::runtime(row), "PARTNER", "PO", "STATE", "ORDERED", "SHIP BY", "LINES", "QTY", "SHIPPED",
                     "INVOICED", "EXCEPTIONS");
  for (std::size_t i = 0; i < orders.size(); ++i) {
    const auto& r = orders[i];
    out << fmt::format(fmt::runtime(row), escape_controls(r.partner), escape_controls(r.po_number), to_string(r.state),
                       escape_controls(r.order_date),
                       r.requested_ship_date.empty() ? "-" : escape_controls(r.requested_ship_date), totals[i].lines,
                       quantity(totals[i].ordered), quantity(totals[i].shipped), quantity(totals[i].invoiced),
                       open_exceptions(r));
  }
  out << page_footer(orders.size(), total, o.page, "order(s)") << "\n";
  return 0;
}

int command_orders_import(const std::string& config_dir, const OrdersImportOptions& o, bool json, std::ostream& out,
                          std::ostream& err) {
  auto config = Config::load(config_dir);
  const auto* partner = config.partners.find(o.partner);
  if (!partner) {
    std::string known;
    for (const auto& p : config.partners.profiles()) known += (known.empty() ? "" : ", ") + p.id;
    err << fmt::format("edihub: no partner '{}' in {} (partners: {})\n", escape_controls(o.partner), config_dir,
                       known.empty() ? "none" : known);
    return 2;
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    err << fmt::format("edihub: {}: cannot read the file\n", o.file);
    return 2;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  nlohmann::json po;
  try {
    po = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    err << fmt::format("edihub: {}: not JSON at {}: {}\n", o.file, json_position(text, e.byte), escape_controls(e.what()));
    return 2;
  }
  // The same check as an order dropped in erp.open_orders: what an order record needs.
  if (auto problem = purchase_order_problem(po); !problem.empty()) {
    err << fmt::format("edihub: {}: not a purchase_order: {}\n", o.file, escape_controls(problem));
    return 2;
  }

  // A writer like `run` and `replay`: one process at a time changes the archive.
  archive::ArchiveLock lock(config.archive_dir);
  archive::check_index_before_start(config.archive_dir, config_dir);
  archive::RawStore store(config.archive_dir);
  auto index = archive::Index::open(config.index_file());
  auto clock = clock_from_environment();
  const std::string now = clock->iso_now();
  const std::string name = fs::path(o.file).filename().string();

  // The raw object is durable before the row that names it: a crash in between leaves an
  // object no row refers to (`archive verify` reports it, importing again records it).
  std::vector<archive::Staged> batch{store.stage_bytes(text)};
  const auto staged = batch.front();
  store.publish(batch);

  archive::Index::Transaction tx(*index);
  archive::FileRecord file;
  file.sha256 = staged.sha256;
  file.size = staged.size;
  file.partner = partner->id;
  file.channel = "import:" + name;
  file.source_name = name;
  file.received_at = now;
  file.status = archive::FileStatus::received;
  file.source_removed = true;  // the user's file stays where it is: nothing for the hub to remove
  file.direction = "erp";
  file.id = index->add_file(file);
  index->add_event({0, file.id, 0, now, "received", fmt::format("imported from {} by `edihub orders import`", name)});
  Reconciler reconciler(*index, *clock);
  auto outcome = reconciler.on_order(*partner, po, "import", 0, file.id);
  std::vector<archive::ExceptionRecord> raised;
  for (auto& e : outcome.exceptions) {
    if (!e.file_id) e.file_id = file.id;
    raised.push_back(record_exception(*index, *clock, std::move(e)));
  }
  const std::string po_number = po["po_number"].get<std::string>();
  index->transition_file(file, archive::FileStatus::processed, {now, "processed", "order po:" + po_number + " recorded"});
  tx.commit();

  archive::BusinessRecords records(*index);
  auto order = records.order(partner->id, po_number);
  const auto lines = order ? records.order_lines(order->id).size() : 0;
  if (json) {
    ordered_json exceptions = ordered_json::array();
    for (const auto& e : raised)
      exceptions.push_back({{"id", e.id}, {"kind", e.kind}, {"reason", e.reason}, {"documents", e.documents}});
    out << dump_json(ordered_json{{"file_id", file.id},
                                  {"partner", partner->id},
                                  {"po_number", po_number},
                                  {"state", order ? ordered_json(order->state) : ordered_json(nullptr)},
                                  {"lines", lines},
                                  {"exceptions", exceptions}},
                     2)
        << "\n";
    return 0;
  }
  out << fmt::format("order po:{} of {} recorded from {} as F{}: {} line(s), state {}\n", escape_controls(po_number),
                     partner->id, escape_controls(name), file.id, lines,
                     order ? std::string(to_string(order->state)) : "unknown");
  for (const auto& e : raised)
    out << fmt::format("  exception {} {}: {}\n", e.id, e.kind, escape_controls_keep_lines(e.reason));
  return 0;
}

}  // namespace edihub::hub
