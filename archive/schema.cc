#include "archive/schema.h"

namespace edihub::archive {

namespace {

// Version 1. Reference columns are NULL when absent (records use 0). Control numbers are
// indexed without leading zeros so `--control 3438` finds ISA13 000003438 by index.
constexpr const char* kVersion1 = R"sql(
CREATE TABLE files (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  partner TEXT NOT NULL,
  channel TEXT NOT NULL,
  source_name TEXT NOT NULL,
  received_at TEXT NOT NULL,
  status TEXT NOT NULL,
  source_removed INTEGER NOT NULL,
  claim TEXT NOT NULL
);
CREATE INDEX files_by_claim ON files(claim) WHERE claim <> '';
CREATE INDEX files_by_sha256 ON files(sha256);
CREATE INDEX files_by_status ON files(status);
CREATE INDEX files_source_pending ON files(id) WHERE source_removed = 0;

CREATE TABLE interchanges (
  id INTEGER PRIMARY KEY,
  file_id INTEGER REFERENCES files(id),
  partner TEXT NOT NULL,
  sender_qualifier TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  receiver_qualifier TEXT NOT NULL,
  receiver_id TEXT NOT NULL,
  control_number TEXT NOT NULL,
  version TEXT NOT NULL,
  date TEXT NOT NULL,
  time TEXT NOT NULL,
  content_sha256 TEXT NOT NULL
);
CREATE INDEX interchanges_by_sender_control ON interchanges(sender_qualifier, sender_id, control_number);
CREATE INDEX interchanges_by_file ON interchanges(file_id);

CREATE TABLE groups (
  id INTEGER PRIMARY KEY,
  interchange_id INTEGER REFERENCES interchanges(id),
  functional_id TEXT NOT NULL,
  sender TEXT NOT NULL,
  receiver TEXT NOT NULL,
  control_number TEXT NOT NULL,
  version TEXT NOT NULL
);
CREATE INDEX groups_by_interchange ON groups(interchange_id);

CREATE TABLE transaction_sets (
  id INTEGER PRIMARY KEY,
  file_id INTEGER REFERENCES files(id),
  interchange_id INTEGER REFERENCES interchanges(id),
  group_id INTEGER REFERENCES groups(id),
  partner TEXT NOT NULL,
  type TEXT NOT NULL,
  control_number TEXT NOT NULL,
  interchange_control TEXT NOT NULL,
  group_control TEXT NOT NULL,
  version TEXT NOT NULL,
  first_segment INTEGER NOT NULL,
  status TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE CHECK (idempotency_key <> ''),
  target TEXT NOT NULL,
  delivered_to TEXT NOT NULL,
  received_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX sets_by_partner_type_received ON transaction_sets(partner, type, received_at);
CREATE INDEX sets_by_received ON transaction_sets(received_at);
CREATE INDEX sets_by_status ON transaction_sets(status);
CREATE INDEX sets_by_file ON transaction_sets(file_id);
CREATE INDEX sets_by_interchange_control ON transaction_sets(ltrim(interchange_control, '0'));
CREATE INDEX sets_by_group_control ON transaction_sets(ltrim(group_control, '0'));
CREATE INDEX sets_by_control ON transaction_sets(ltrim(control_number, '0'));

CREATE TABLE mapped_outputs (
  set_id INTEGER PRIMARY KEY REFERENCES transaction_sets(id),
  content TEXT NOT NULL
);

CREATE TABLE business_keys (
  id INTEGER PRIMARY KEY,
  set_id INTEGER NOT NULL REFERENCES transaction_sets(id),
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (set_id, name, value)
);
CREATE INDEX business_keys_by_name_value ON business_keys(name, value);

CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  file_id INTEGER REFERENCES files(id),
  set_id INTEGER REFERENCES transaction_sets(id),
  at TEXT NOT NULL,
  step TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_by_file ON events(file_id);
CREATE INDEX events_by_set ON events(set_id);

CREATE TABLE exceptions (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  file_id INTEGER REFERENCES files(id),
  set_id INTEGER REFERENCES transaction_sets(id),
  kind TEXT NOT NULL,
  reason TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'resolved', 'ignored')),
  created_at TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  closed_by TEXT NOT NULL,
  note TEXT NOT NULL
);
CREATE INDEX exceptions_by_partner_state ON exceptions(partner, state);
)sql";

// Version 2: outbound traffic and acknowledgments. Rows from version 1 are inbound, hence
// the 'in' defaults. Awaited acknowledgments are looked up by control number without
// leading zeros, as in version 1; partial indexes keep each lookup to the rows it can match.
constexpr const char* kVersion2 = R"sql(
ALTER TABLE files ADD COLUMN direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'erp', 'out'));
ALTER TABLE files ADD COLUMN replay_of INTEGER REFERENCES files(id);
CREATE INDEX files_by_replay_of ON files(replay_of) WHERE replay_of IS NOT NULL;

ALTER TABLE interchanges ADD COLUMN direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out'));
ALTER TABLE groups ADD COLUMN direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out'));
ALTER TABLE transaction_sets ADD COLUMN direction TEXT NOT NULL DEFAULT 'in' CHECK (direction IN ('in', 'out'));
CREATE INDEX sets_by_direction_received ON transaction_sets(direction, received_at);

CREATE INDEX exceptions_by_file ON exceptions(file_id);

CREATE TABLE control_counters (
  partner TEXT NOT NULL,
  kind TEXT NOT NULL,
  next INTEGER NOT NULL,
  PRIMARY KEY (partner, kind)
) WITHOUT ROWID;

CREATE TABLE awaited_acks (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('interchange', 'group', 'set')),
  file_id INTEGER REFERENCES files(id),
  set_id INTEGER REFERENCES transaction_sets(id),
  interchange_control TEXT NOT NULL,
  group_control TEXT NOT NULL,
  set_control TEXT NOT NULL,
  functional_id TEXT NOT NULL,
  set_type TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('awaiting', 'accepted', 'accepted_with_errors', 'rejected', 'overdue')),
  ack_file_id INTEGER REFERENCES files(id),
  detail TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX awaited_by_partner_state ON awaited_acks(partner, state, sent_at);
CREATE INDEX awaited_by_interchange ON awaited_acks(partner, ltrim(interchange_control, '0'))
  WHERE level = 'interchange';
CREATE INDEX awaited_by_group ON awaited_acks(partner, ltrim(group_control, '0'))
  WHERE level <> 'interchange';
CREATE INDEX awaited_by_state_due ON awaited_acks(state, due_at);

CREATE TABLE acks (
  id INTEGER PRIMARY KEY,
  direction TEXT NOT NULL CHECK (direction IN ('sent', 'received')),
  kind TEXT NOT NULL,
  partner TEXT NOT NULL,
  file_id INTEGER REFERENCES files(id),
  answers_file_id INTEGER REFERENCES files(id),
  answers_interchange_control TEXT NOT NULL,
  answers_group_control TEXT NOT NULL,
  code TEXT NOT NULL,
  detail TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX acks_by_answers_file ON acks(answers_file_id);
CREATE INDEX acks_by_partner ON acks(partner, at);
)sql";

// Version 3: AS2 messages in both directions, found by Message-ID (duplicates, MDNs), by
// file (archive show) and by state and deadline (overdue async MDNs).
constexpr const char* kVersion3 = R"sql(
CREATE TABLE as2_messages (
  id INTEGER PRIMARY KEY,
  file_id INTEGER REFERENCES files(id),
  partner TEXT NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  message_id TEXT NOT NULL CHECK (message_id <> ''),
  mic TEXT NOT NULL,
  mdn_mode TEXT NOT NULL CHECK (mdn_mode IN ('sync', 'async', 'none')),
  state TEXT NOT NULL CHECK (state IN ('received', 'sending', 'delivered', 'awaiting_mdn', 'sent_no_mdn',
                                       'negative_mdn', 'mdn_mismatch', 'mdn_overdue')),
  sent_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  mdn_sha256 TEXT NOT NULL,
  detail TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (direction, partner, message_id)
);
CREATE INDEX as2_by_message_id ON as2_messages(direction, message_id);
CREATE INDEX as2_by_file ON as2_messages(file_id);
CREATE INDEX as2_by_state_due ON as2_messages(state, due_at);
)sql";

// Version 4: an awaited acknowledgment may be partially_accepted (AK901 P: some sets of
// the group rejected), which version 2's CHECK refused (the 997 then failed to process).
// SQLite cannot change a CHECK in place: the table is copied (nothing refers to it).
constexpr const char* kVersion4 = R"sql(
CREATE TABLE awaited_acks_v4 (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('interchange', 'group', 'set')),
  file_id INTEGER REFERENCES files(id),
  set_id INTEGER REFERENCES transaction_sets(id),
  interchange_control TEXT NOT NULL,
  group_control TEXT NOT NULL,
  set_control TEXT NOT NULL,
  functional_id TEXT NOT NULL,
  set_type TEXT NOT NULL,
  sent_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  state TEXT NOT NULL
    CHECK (state IN ('awaiting', 'accepted', 'accepted_with_errors', 'partially_accepted', 'rejected', 'overdue')),
  ack_file_id INTEGER REFERENCES files(id),
  detail TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
INSERT INTO awaited_acks_v4 SELECT * FROM awaited_acks;
DROP TABLE awaited_acks;
ALTER TABLE awaited_acks_v4 RENAME TO awaited_acks;
CREATE INDEX awaited_by_partner_state ON awaited_acks(partner, state, sent_at);
CREATE INDEX awaited_by_interchange ON awaited_acks(partner, ltrim(interchange_control, '0'))
  WHERE level = 'interchange';
CREATE INDEX awaited_by_group ON awaited_acks(partner, ltrim(group_control, '0'))
  WHERE level <> 'interchange';
CREATE INDEX awaited_by_state_due ON awaited_acks(state, due_at);
)sql";

// Version 5: business records (archive/business.h) and the business documents an
// exception is about. Quantities and prices are REAL: reconciliation compares them with
// tolerances, and summed quantities are read, never stored.
constexpr const char* kVersion5 = R"sql(
ALTER TABLE exceptions ADD COLUMN documents TEXT NOT NULL DEFAULT '[]';
-- The same documents one row each, so an exception is found by its document by index.
CREATE TABLE exception_documents (
  document TEXT NOT NULL,
  exception_id INTEGER NOT NULL REFERENCES exceptions(id),
  PRIMARY KEY (document, exception_id)
) WITHOUT ROWID;

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  po_number TEXT NOT NULL,
  state TEXT NOT NULL,
  origin TEXT NOT NULL CHECK (origin IN ('sent', 'open_orders', 'import')),
  set_id INTEGER REFERENCES transaction_sets(id),
  file_id INTEGER REFERENCES files(id),
  order_date TEXT NOT NULL,
  requested_ship_date TEXT NOT NULL,
  ship_to TEXT NOT NULL,
  currency TEXT NOT NULL,
  known_at TEXT NOT NULL,
  acknowledged_at TEXT NOT NULL,
  ack_status TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (partner, po_number)
);
CREATE INDEX orders_by_po ON orders(po_number);
CREATE INDEX orders_by_state ON orders(state, requested_ship_date);
CREATE INDEX orders_by_known ON orders(known_at);

CREATE TABLE order_lines (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id),
  line_number TEXT NOT NULL,
  buyer_part TEXT NOT NULL,
  vendor_part TEXT NOT NULL,
  upc TEXT NOT NULL,
  gtin TEXT NOT NULL,
  unit TEXT NOT NULL,
  quantity REAL NOT NULL,
  unit_price REAL NOT NULL,
  ack_status TEXT NOT NULL,
  ack_quantity REAL NOT NULL,
  ack_price REAL NOT NULL,
  ack_date TEXT NOT NULL
);
CREATE INDEX order_lines_by_order ON order_lines(order_id);

CREATE TABLE shipments (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  shipment_id TEXT NOT NULL,
  set_id INTEGER NOT NULL UNIQUE REFERENCES transaction_sets(id),
  purpose TEXT NOT NULL,
  state TEXT NOT NULL,
  shipped_at TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX shipments_by_id ON shipments(partner, shipment_id);

CREATE TABLE shipment_lines (
  id INTEGER PRIMARY KEY,
  shipment_row INTEGER NOT NULL REFERENCES shipments(id),
  po_number TEXT NOT NULL,
  line_number TEXT NOT NULL,
  item TEXT NOT NULL,
  quantity REAL NOT NULL,
  unit TEXT NOT NULL
);
CREATE INDEX shipment_lines_by_shipment ON shipment_lines(shipment_row);
CREATE INDEX shipment_lines_by_po ON shipment_lines(po_number, line_number);

CREATE TABLE invoices (
  id INTEGER PRIMARY KEY,
  partner TEXT NOT NULL,
  invoice_number TEXT NOT NULL,
  set_id INTEGER NOT NULL UNIQUE REFERENCES transaction_sets(id),
  po_number TEXT NOT NULL,
  invoice_date TEXT NOT NULL,
  state TEXT NOT NULL,
  received_at TEXT NOT NULL
);
CREATE INDEX invoices_by_number ON invoices(partner, invoice_number);

CREATE TABLE invoice_lines (
  id INTEGER PRIMARY KEY,
  invoice_row INTEGER NOT NULL REFERENCES invoices(id),
  po_number TEXT NOT NULL,
  line_number TEXT NOT NULL,
  quantity REAL NOT NULL,
  unit_price REAL NOT NULL
);
CREATE INDEX invoice_lines_by_invoice ON invoice_lines(invoice_row);
CREATE INDEX invoice_lines_by_po ON invoice_lines(po_number, line_number);
)sql";

// Version 6: channel health, one row per partner (Index::record_poll); files by the time
// they were received, for the dashboard's "today" counts.
constexpr const char* kVersion6 = R"sql(
CREATE INDEX files_by_received ON files(received_at);
CREATE TABLE partner_polls (
  partner TEXT PRIMARY KEY,
  last_ok_at TEXT NOT NULL DEFAULT '',
  last_error_at TEXT NOT NULL DEFAULT '',
  last_error TEXT NOT NULL DEFAULT '',
  failing_since TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
)sql";

// Version 7: alerts (hub/alerts). A notification is a row per rule, channel and event (the
// event key UNIQUE per rule and channel, so deriving an event twice queues it once), sent
// after its commit: an outbox. The cursors say up to which exception and event ids alerts
// were derived; an upgraded archive starts at its newest rows, so its history raises none.
constexpr const char* kVersion7 = R"sql(
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  rule TEXT NOT NULL,
  channel TEXT NOT NULL,
  event_key TEXT NOT NULL,
  delivery_id TEXT NOT NULL UNIQUE,
  partner TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_try_at TEXT NOT NULL,
  last_error TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (rule, channel, event_key)
);
CREATE INDEX notifications_pending ON notifications(next_try_at) WHERE state = 'pending';

CREATE TABLE alert_cursors (
  name TEXT PRIMARY KEY,
  last_id INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO alert_cursors SELECT 'exceptions', coalesce(max(id), 0) FROM exceptions;
INSERT INTO alert_cursors SELECT 'events', coalesce(max(id), 0) FROM events;
)sql";

// Version 8: an order is a purchase order (we buy from a supplier: 850, 855, 856, 810) or
// a warehouse order (we ask a third-party warehouse to ship our goods: 940 out, 945 back),
// reconciled by the same rows; the time-based rules of purchase orders skip warehouse ones.
constexpr const char* kVersion8 = R"sql(
ALTER TABLE orders ADD COLUMN kind TEXT NOT NULL DEFAULT 'purchase' CHECK (kind IN ('purchase', 'warehouse'));
)sql";

constexpr const char* kMigrations[] = {kVersion1, kVersion2, kVersion3, kVersion4,
                                       kVersion5, kVersion6, kVersion7, kVersion8};

}  // namespace

std::span<const char* const> schema_migrations() { return kMigrations; }

}  // namespace edihub::archive
