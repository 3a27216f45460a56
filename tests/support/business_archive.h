// For the tests of the business-document commands (hub/cli/document_test.cc,
// orders_test.cc, status_test.cc): the supplier configuration plus a second partner
// (globex) in a temporary folder, and an archive seeded through archive::Index and
// archive::BusinessRecords directly with one purchase order's whole life, so every figure
// the commands print can be worked out by hand from the rows written here.
//
// PO 4500012345 of supplier (lines 1: B-1001 100 EA at 2.50, 2: B-2002 40 EA at 9.00):
//   2026-11-20T10:00:00Z  850 queued (ISA13 000000001, GS06 1, ST 0001), sent 5 s later
//   2026-11-20T12:05:05Z  the supplier's 997 (F3) accepts it (awaited set row settled)
//   2026-11-21T08:00:00Z  855 received (ISA13 000000101), mapped, delivered at 08:00:30
//   2026-11-25T09:00:00Z  856 SH-1 received (ISA13 000000102): line 1 60 EA, line 2 50 EA;
//                         our 997 for it sent at 09:00:01, exception asn_over_shipment at
//                         09:00:00.500, delivered to the ERP at 09:01:00
//   2026-11-26T10:00:00Z  810 INV-9 received (ISA13 000000103): line 1 60 EA
#pragma once

#include <cstdlib>
#include <memory>
#include <sstream>

#include "archive/business.h"
#include "archive/index.h"
#include "hub/config.h"
#include "tests/supplier_config.h"

namespace edihub::testing {

struct BusinessArchive {
  BusinessArchive() {
    write_supplier_config(dir.path());
    write_file(dir / "partners/globex.yaml", R"(id: globex
name: Globex
identities:
  - {isa_qualifier: ZZ, isa_id: GLOBEX1}
inbound:
  folder: {path: inbox-globex}
erp:
  folder: {path: erp}
)");
    std::filesystem::create_directories(dir / "inbox-globex");
    config = std::make_unique<hub::Config>(hub::Config::load(dir.path()));
    std::filesystem::create_directories(config->archive_dir);
    index = archive::Index::open(config->index_file());
    records = std::make_unique<archive::BusinessRecords>(*index);
  }

  std::string config_dir() const { return dir.path().string(); }

  std::int64_t add_file(const std::string& name, const std::string& direction, const std::string& at,
                        const std::string& partner = "supplier") {
    archive::FileRecord file;
    file.sha256 = std::string(64, '0');
    file.partner = partner;
    file.channel = direction == "out" ? "folder:outbox" : "folder:inbox";
    file.source_name = name;
    file.received_at = at;
    file.status = direction == "out" ? archive::FileStatus::sent : archive::FileStatus::processed;
    file.direction = direction;
    file.source_removed = true;
    return index->add_file(file);
  }

  // A transaction set recorded as the pipeline records it: inbound ones received, then
  // through `steps` ({status, at, detail}); outbound ones queued, then sent.
  struct Step {
    archive::SetStatus to;
    std::string at, detail;
  };
  archive::TransactionSetRecord add_set(std::int64_t file_id, const std::string& type, const std::string& direction,
                                        const std::string& isa13, const std::string& at,
                                        const std::vector<std::pair<std::string, std::string>>& keys,
                                        const std::vector<Step>& steps, const std::string& partner = "supplier") {
    archive::TransactionSetRecord set;
    set.file_id = file_id;
    set.partner = partner;
    set.type = type;
    set.control_number = "0001";
    set.interchange_control = isa13;
    set.group_control = "1";
    set.version = "004010";
    set.status = direction == "out" ? archive::SetStatus::queued : archive::SetStatus::received;
    set.idempotency_key = partner + "/" + direction + "/" + isa13 + "/1/0001";
    set.received_at = set.updated_at = at;
    set.direction = direction;
    set.target = type;
    set.id = index->add_transaction_set(set);
    for (const auto& [name, value] : keys) index->add_business_key(set.id, name, value);
    for (const auto& step : steps) {
      if (step.to == archive::SetStatus::delivered) set.delivered_to = step.detail;
      index->transition_set(set, step.to, {step.at, std::string(archive::to_string(step.to)), step.detail});
    }
    return set;
  }

  // The whole life of PO 4500012345 (see the top of this file).
  void seed_order() {
    using S = archive::SetStatus;
    const std::string po = "4500012345";
    auto erp_file = add_file("po-4500012345.json", "erp", "2026-11-20T10:00:00.000Z");
    auto out_file = add_file("supplier-000000001-850.edi", "out", "2026-11-20T10:00:00.000Z");
    sent_850 = add_set(out_file, "850", "out", "000000001", "2026-11-20T10:00:00.000Z", {{"po_number", po}},
                       {{S::sent, "2026-11-20T10:00:05.000Z", "F2 written to folder:outbox"}});

    archive::OrderRecord order;
    order.partner = "supplier";
    order.po_number = po;
    order.state = archive::OrderState::over_shipped;
    order.origin = "sent";
    order.set_id = sent_850.id;
    order.file_id = erp_file;
    order.order_date = "2026-11-20";
    order.requested_ship_date = "2026-11-25";
    order.currency = "USD";
    order.known_at = "2026-11-20T10:00:00.000Z";
    order.acknowledged_at = "2026-11-21T08:00:00.000Z";
    order.ack_status = "accepted";
    order.updated_at = "2026-11-25T09:00:00.000Z";
    archive::OrderLineRecord line1, line2;
    line1.line_number = "1";
    line1.buyer_part = "B-1001";
    line1.unit = "EA";
    line1.quantity = 100;
    line1.unit_price = 2.5;
    line2 = line1;
    line2.line_number = "2";
    line2.buyer_part = "B-2002";
    line2.quantity = 40;
    line2.unit_price = 9;
    order_id = records->put_order(order, {line1, line2});
    for (auto line : records->order_lines(order_id)) {
      line.ack_status = "accepted";
      line.ack_quantity = line.quantity;
      records->update_order_line_ack(line);
    }

    // The supplier's 997 settles the set we sent.
    auto ack_file = add_file("997-000000007.edi", "in", "2026-11-20T12:05:05.000Z");
    add_set(ack_file, "997", "in", "000000007", "2026-11-20T12:05:05.000Z", {},
            {{S::reconciled, "2026-11-20T12:05:05.000Z", "AK9 A"}});
    archive::AwaitedAck awaited;
    awaited.partner = "supplier";
    awaited.level = "set";
    awaited.file_id = out_file;
    awaited.set_id = sent_850.id;
    awaited.interchange_control = "000000001";
    awaited.group_control = "1";
    awaited.set_control = "0001";
    awaited.functional_id = "PO";
    awaited.set_type = "850";
    awaited.sent_at = "2026-11-20T10:00:00.000Z";
    awaited.due_at = "2026-11-21T10:00:00.000Z";
    awaited.updated_at = awaited.sent_at;
    awaited.id = index->add_awaited_ack(awaited);
    awaited.ack_file_id = ack_file;
    awaited.detail = "AK5 A";
    index->transition_awaited_ack(awaited, archive::AckState::accepted,
                                  {"2026-11-20T12:05:05.000Z", "acknowledged", "850 0001 accepted by F3"});

    auto file_855 = add_file("855.edi", "in", "2026-11-21T08:00:00.000Z");
    add_set(file_855, "855", "in", "000000101", "2026-11-21T08:00:00.000Z", {{"po_number", po}},
            {{S::mapped, "2026-11-21T08:00:00.000Z", ""},
             {S::delivered, "2026-11-21T08:00:30.000Z", "folder:erp/855-1.json"}});

    auto file_856 = add_file("856-SH-1.edi", "in", "2026-11-25T09:00:00.000Z");
    asn = add_set(file_856, "856", "in", "000000102", "2026-11-25T09:00:00.000Z",
                  {{"shipment_id", "SH-1"}, {"po_number", po}},
                  {{S::mapped, "2026-11-25T09:00:00.000Z", ""},
                   {S::delivered, "2026-11-25T09:01:00.000Z", "folder:erp/856-SH-1.json"}});
    index->add_ack({0, "sent", "997", "supplier", add_file("997-ours.edi", "out", "2026-11-25T09:00:01.000Z"), file_856,
                    "000000102", "1", "A", "", "2026-11-25T09:00:01.000Z"});
    archive::ShipmentRecord shipment;
    shipment.partner = "supplier";
    shipment.shipment_id = "SH-1";
    shipment.set_id = asn.id;
    shipment.purpose = "original";
    shipment.shipped_at = "2026-11-24T16:00:00Z";
    shipment.received_at = "2026-11-25T09:00:00.000Z";
    records->add_shipment(shipment, {{0, 0, po, "1", R"({"line_number": "1", "buyer_part": "B-1001"})", 60, "EA"},
                                     {0, 0, po, "2", R"({"line_number": "2", "buyer_part": "B-2002"})", 50, "EA"}});
    archive::ExceptionRecord over;
    over.partner = "supplier";
    over.file_id = file_856;
    over.set_id = asn.id;
    over.kind = "asn_over_shipment";
    over.reason = "PO 4500012345 line 2 (B-2002): shipped 50 EA, ordered 40 EA, tolerance 0";
    over.created_at = "2026-11-25T09:00:00.500Z";
    over.documents = {"po:" + po, "shipment:SH-1"};
    over_shipment = index->add_exception(over);
    // As hub::record_exception leaves it: an event of the set too, shown once.
    index->add_event({0, file_856, asn.id, over.created_at, "exception", over.kind + ": " + over.reason});

    auto file_810 = add_file("810-INV-9.edi", "in", "2026-11-26T10:00:00.000Z");
    auto invoice_set = add_set(file_810, "810", "in", "000000103", "2026-11-26T10:00:00.000Z",
                               {{"invoice_number", "INV-9"}, {"po_number", po}}, {});
    archive::InvoiceRecord invoice;
    invoice.partner = "supplier";
    invoice.invoice_number = "INV-9";
    invoice.set_id = invoice_set.id;
    invoice.po_number = po;
    invoice.invoice_date = "2026-11-26";
    invoice.received_at = "2026-11-26T10:00:00.000Z";
    records->add_invoice(invoice, {{0, 0, po, "1", 60, 2.5}});
  }

  // An order with nothing but its header and one line (origin import), known at `known_at`.
  std::int64_t add_plain_order(const std::string& partner, const std::string& po, archive::OrderState state,
                               const std::string& known_at, double quantity = 10) {
    archive::OrderRecord order;
    order.partner = partner;
    order.po_number = po;
    order.state = state;
    order.origin = "import";
    order.order_date = known_at.substr(0, 10);
    order.known_at = order.updated_at = known_at;
    archive::OrderLineRecord line;
    line.line_number = "1";
    line.buyer_part = "P-1";
    line.unit = "EA";
    line.quantity = quantity;
    return records->put_order(order, {line});
  }

  TempDir dir;
  std::unique_ptr<hub::Config> config;
  std::unique_ptr<archive::Index> index;
  std::unique_ptr<archive::BusinessRecords> records;
  archive::TransactionSetRecord sent_850, asn;
  std::int64_t order_id = 0, over_shipment = 0;
};

// A command's exit code and what it wrote.
struct CommandOutput {
  int exit_code = -1;
  std::string out, err;
};

template <class Command>
CommandOutput call(Command command) {
  std::ostringstream out, err;
  CommandOutput result;
  result.exit_code = command(out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

}  // namespace edihub::testing
