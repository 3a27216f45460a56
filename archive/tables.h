// How each index record maps to its table: one field list per record type drives the
// INSERT, the SELECT column list and reading a row back, so the three cannot drift apart.
// The id column is implicit (INTEGER PRIMARY KEY, always first when selected).
#pragma once

#include <string>
#include <string_view>

#include "archive/business.h"
#include "archive/index.h"
#include "archive/sqlite.h"

namespace edihub::archive {

template <class Record>
struct Table;

template <>
struct Table<FileRecord> {
  static constexpr const char* name = "files";
  static void fields(auto& r, auto&& f) {
    f("sha256", r.sha256);
    f("size", r.size);
    f("partner", r.partner);
    f("channel", r.channel);
    f("source_name", r.source_name);
    f("received_at", r.received_at);
    f("status", r.status);
    f("source_removed", r.source_removed);
    f("claim", r.claim);
    f("direction", r.direction);
    f("replay_of", sqlite::ZeroIsNull{r.replay_of});
  }
};

template <>
struct Table<InterchangeRecord> {
  static constexpr const char* name = "interchanges";
  static void fields(auto& r, auto&& f) {
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("partner", r.partner);
    f("sender_qualifier", r.sender_qualifier);
    f("sender_id", r.sender_id);
    f("receiver_qualifier", r.receiver_qualifier);
    f("receiver_id", r.receiver_id);
    f("control_number", r.control_number);
    f("version", r.version);
    f("date", r.date);
    f("time", r.time);
    f("content_sha256", r.content_sha256);
    f("direction", r.direction);
  }
};

template <>
struct Table<GroupRecord> {
  static constexpr const char* name = "groups";
  static void fields(auto& r, auto&& f) {
    f("interchange_id", sqlite::ZeroIsNull{r.interchange_id});
    f("functional_id", r.functional_id);
    f("sender", r.sender);
    f("receiver", r.receiver);
    f("control_number", r.control_number);
    f("version", r.version);
    f("direction", r.direction);
  }
};

template <>
struct Table<TransactionSetRecord> {
  static constexpr const char* name = "transaction_sets";
  static void fields(auto& r, auto&& f) {
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("interchange_id", sqlite::ZeroIsNull{r.interchange_id});
    f("group_id", sqlite::ZeroIsNull{r.group_id});
    f("partner", r.partner);
    f("type", r.type);
    f("control_number", r.control_number);
    f("interchange_control", r.interchange_control);
    f("group_control", r.group_control);
    f("version", r.version);
    f("first_segment", r.first_segment);
    f("status", r.status);
    f("idempotency_key", r.idempotency_key);
    f("target", r.target);
    f("delivered_to", r.delivered_to);
    f("received_at", r.received_at);
    f("updated_at", r.updated_at);
    f("direction", r.direction);
  }
};

template <>
struct Table<AwaitedAck> {
  static constexpr const char* name = "awaited_acks";
  static void fields(auto& r, auto&& f) {
    f("partner", r.partner);
    f("level", r.level);
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("set_id", sqlite::ZeroIsNull{r.set_id});
    f("interchange_control", r.interchange_control);
    f("group_control", r.group_control);
    f("set_control", r.set_control);
    f("functional_id", r.functional_id);
    f("set_type", r.set_type);
    f("sent_at", r.sent_at);
    f("due_at", r.due_at);
    f("state", r.state);
    f("ack_file_id", sqlite::ZeroIsNull{r.ack_file_id});
    f("detail", r.detail);
    f("updated_at", r.updated_at);
  }
};

template <>
struct Table<As2MessageRecord> {
  static constexpr const char* name = "as2_messages";
  static void fields(auto& r, auto&& f) {
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("partner", r.partner);
    f("direction", r.direction);
    f("message_id", r.message_id);
    f("mic", r.mic);
    f("mdn_mode", r.mdn_mode);
    f("state", r.state);
    f("sent_at", r.sent_at);
    f("due_at", r.due_at);
    f("mdn_sha256", r.mdn_sha256);
    f("detail", r.detail);
    f("attempts", r.attempts);
    f("updated_at", r.updated_at);
  }
};

template <>
struct Table<AckRecord> {
  static constexpr const char* name = "acks";
  static void fields(auto& r, auto&& f) {
    f("direction", r.direction);
    f("kind", r.kind);
    f("partner", r.partner);
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("answers_file_id", sqlite::ZeroIsNull{r.answers_file_id});
    f("answers_interchange_control", r.answers_interchange_control);
    f("answers_group_control", r.answers_group_control);
    f("code", r.code);
    f("detail", r.detail);
    f("at", r.at);
  }
};

template <>
struct Table<EventRecord> {
  static constexpr const char* name = "events";
  static void fields(auto& r, auto&& f) {
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("set_id", sqlite::ZeroIsNull{r.set_id});
    f("at", r.at);
    f("step", r.step);
    f("detail", r.detail);
  }
};

template <>
struct Table<NotificationRecord> {
  static constexpr const char* name = "notifications";
  static void fields(auto& r, auto&& f) {
    f("rule", r.rule);
    f("channel", r.channel);
    f("event_key", r.event_key);
    f("delivery_id", r.delivery_id);
    f("partner", r.partner);
    f("payload", r.payload);
    f("state", r.state);
    f("attempts", r.attempts);
    f("next_try_at", r.next_try_at);
    f("last_error", r.last_error);
    f("created_at", r.created_at);
    f("updated_at", r.updated_at);
  }
};

template <>
struct Table<ExceptionRecord> {
  static constexpr const char* name = "exceptions";
  static void fields(auto& r, auto&& f) {
    f("partner", r.partner);
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("set_id", sqlite::ZeroIsNull{r.set_id});
    f("kind", r.kind);
    f("reason", r.reason);
    f("state", r.state);
    f("created_at", r.created_at);
    f("closed_at", r.closed_at);
    f("closed_by", r.closed_by);
    f("note", r.note);
    f("documents", r.documents);
  }
};

template <>
struct Table<OrderRecord> {
  static constexpr const char* name = "orders";
  static void fields(auto& r, auto&& f) {
    f("partner", r.partner);
    f("po_number", r.po_number);
    f("state", r.state);
    f("kind", r.kind);
    f("origin", r.origin);
    f("set_id", sqlite::ZeroIsNull{r.set_id});
    f("file_id", sqlite::ZeroIsNull{r.file_id});
    f("order_date", r.order_date);
    f("requested_ship_date", r.requested_ship_date);
    f("ship_to", r.ship_to);
    f("currency", r.currency);
    f("known_at", r.known_at);
    f("acknowledged_at", r.acknowledged_at);
    f("ack_status", r.ack_status);
    f("updated_at", r.updated_at);
  }
};

// shipped and invoiced are summed when read (business.cc), not columns.
template <>
struct Table<OrderLineRecord> {
  static constexpr const char* name = "order_lines";
  static void fields(auto& r, auto&& f) {
    f("order_id", r.order_id);
    f("line_number", r.line_number);
    f("buyer_part", r.buyer_part);
    f("vendor_part", r.vendor_part);
    f("upc", r.upc);
    f("gtin", r.gtin);
    f("unit", r.unit);
    f("quantity", r.quantity);
    f("unit_price", r.unit_price);
    f("ack_status", r.ack_status);
    f("ack_quantity", r.ack_quantity);
    f("ack_price", r.ack_price);
    f("ack_date", r.ack_date);
  }
};

template <>
struct Table<ShipmentRecord> {
  static constexpr const char* name = "shipments";
  static void fields(auto& r, auto&& f) {
    f("partner", r.partner);
    f("shipment_id", r.shipment_id);
    f("set_id", r.set_id);
    f("purpose", r.purpose);
    f("state", r.state);
    f("shipped_at", r.shipped_at);
    f("received_at", r.received_at);
  }
};

template <>
struct Table<ShipmentLineRecord> {
  static constexpr const char* name = "shipment_lines";
  static void fields(auto& r, auto&& f) {
    f("shipment_row", r.shipment_row);
    f("po_number", r.po_number);
    f("line_number", r.line_number);
    f("item", r.item);
    f("quantity", r.quantity);
    f("unit", r.unit);
  }
};

template <>
struct Table<InvoiceRecord> {
  static constexpr const char* name = "invoices";
  static void fields(auto& r, auto&& f) {
    f("partner", r.partner);
    f("invoice_number", r.invoice_number);
    f("set_id", r.set_id);
    f("po_number", r.po_number);
    f("invoice_date", r.invoice_date);
    f("state", r.state);
    f("received_at", r.received_at);
  }
};

template <>
struct Table<InvoiceLineRecord> {
  static constexpr const char* name = "invoice_lines";
  static void fields(auto& r, auto&& f) {
    f("invoice_row", r.invoice_row);
    f("po_number", r.po_number);
    f("line_number", r.line_number);
    f("quantity", r.quantity);
    f("unit_price", r.unit_price);
  }
};

// "id, a, b, ..." with every name prefixed (e.g. "t.").
template <class Record>
std::string columns(std::string_view prefix = "") {
  std::string list = std::string(prefix) + "id";
  Record r{};
  Table<Record>::fields(r, [&](const char* column, auto&&) { list += ", " + std::string(prefix) + column; });
  return list;
}

// The number of columns columns<Record>() selects.
template <class Record>
int column_count() {
  static const int count = [] {
    int n = 1;
    Record r{};
    Table<Record>::fields(r, [&](const char*, auto&&) { ++n; });
    return n;
  }();
  return count;
}

template <class Record>
const std::string& insert_sql() {
  static const std::string sql = [] {
    std::string names, params;
    Record r{};
    Table<Record>::fields(r, [&](const char* column, auto&&) {
      names += (names.empty() ? "" : ", ") + std::string(column);
      params += params.empty() ? "?" : ", ?";
    });
    return "INSERT INTO " + std::string(Table<Record>::name) + " (" + names + ") VALUES (" + params + ")";
  }();
  return sql;
}

template <class Record>
void bind_fields(sqlite::Cursor& cursor, const Record& r) {
  int index = 0;
  Table<Record>::fields(r, [&](const char*, const auto& value) { cursor.bind(++index, value); });
}

// Reads the id and the fields from consecutive columns starting at `first`.
template <class Record>
Record read_record(const sqlite::Cursor& cursor, int first = 0) {
  Record r;
  r.id = cursor.int64(first);
  int column = first;
  Table<Record>::fields(r, [&](const char*, auto&& value) { cursor.get(++column, value); });
  return r;
}

}  // namespace edihub::archive
