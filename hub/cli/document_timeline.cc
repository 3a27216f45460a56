#include "hub/cli/document_timeline.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "hub/clock.h"

namespace edihub::hub {

std::optional<DocumentName> parse_document(const std::string& text) {
  const auto colon = text.find(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return std::nullopt;
  DocumentName name{text.substr(0, colon), text.substr(colon + 1), ""};
  if (name.kind == "po") name.key = "po_number";
  else if (name.kind == "shipment") name.key = "shipment_id";
  else if (name.kind == "invoice") name.key = "invoice_number";
  else if (name.kind == "warehouse_order") name.key = "depositor_order_number";
  else return std::nullopt;
  return name;
}

namespace {

std::optional<Time> parse_time(const std::string& at) {
  try {
    return parse_iso_utc(at);
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

// TA104 / AK901 / AK501 codes as an EDI person reads them.
std::string verdict(const std::string& code) {
  if (code == "A") return "accepted";
  if (code == "E") return "accepted with errors";
  if (code == "P") return "partially accepted";
  if (code == "R" || code == "M" || code == "W" || code == "X") return "rejected";
  return code.empty() ? "no verdict" : "code " + code;
}

std::string key_value(const std::vector<std::pair<std::string, std::string>>& keys, const std::string& name) {
  for (const auto& [key, value] : keys)
    if (key == name) return value;
  return "";
}

struct SetRow {
  archive::TransactionSetRecord set;
  std::vector<std::pair<std::string, std::string>> keys;
};

class TimelineBuilder {
 public:
  TimelineBuilder(archive::Index& index, const DocumentName& document, std::string now)
      : index_(index), records_(index), document_(document), now_(std::move(now)) {}

  // Every partner with the document: those of the sets naming it, and those of the
  // configured partners holding it as a business record.
  std::vector<std::string> partners(const Config& config) {
    std::set<std::string> found;
    archive::Query query;
    query.key = std::make_pair(document_.key, document_.value);
    query.limit = -1;
    for (const auto& row : index_.query(query)) found.insert(row.set.partner);
    for (const auto& profile : config.partners.profiles())
      if (holds_record(profile.id)) found.insert(profile.id);
    return {found.begin(), found.end()};
  }

  Timeline build(const std::string& partner) {
    Timeline timeline;
    timeline.partner = partner;
    partner_ = partner;
    sets_.clear();
    add_sets_with_key(document_.key, document_.value, false);
    std::set<std::string> pos;  // the POs a shipment or invoice names
    if (document_.is_order()) {
      timeline.order = records_.order(partner, document_.value);
      if (timeline.order) {
        timeline.lines = records_.order_lines(timeline.order->id);
        add_set(timeline.order->set_id);
      }
      for (const auto& shipment : records_.shipments_of_po(partner, document_.value)) add_set(shipment.set_id);
      for (const auto& invoice : records_.invoices_of_po(partner, document_.value)) add_set(invoice.set_id);
    } else if (document_.kind == "shipment") {
      for (const auto& shipment : records_.shipments(partner, document_.value)) {
        add_set(shipment.set_id);
        for (const auto& line : records_.shipment_lines(shipment.id))
          if (!line.po_number.empty()) pos.insert(line.po_number);
      }
    } else {
      for (const auto& invoice : records_.invoices(partner, document_.value)) {
        add_set(invoice.set_id);
        if (!invoice.po_number.empty()) pos.insert(invoice.po_number);
      }
    }
    if (!document_.is_order()) {
      for (const auto& [id, row] : sets_)
        for (const auto& [name, value] : row.keys)
          if (name == "po_number") pos.insert(value);
      // Each PO named: the order itself and its acknowledgments (not its other shipments
      // and invoices, which are documents of their own).
      for (const auto& po : pos) {
        add_sets_with_key("po_number", po, true);
        if (auto order = records_.order(partner, po)) {
          add_set(order->set_id);
          if (!order->set_id) add_order_recorded(timeline, *order);
        }
      }
    } else if (timeline.order && !timeline.order->set_id) {
      add_order_recorded(timeline, *timeline.order);
    }

    const auto exceptions = index_.exceptions_about(document_.text(), partner);
    // Each is an event of its set too ("exception", "kind: reason"): listed once, below.
    listed_exceptions_.clear();
    for (const auto& e : exceptions) listed_exceptions_.insert({e.set_id, e.created_at, e.kind + ": " + e.reason});
    for (const auto& [id, row] : sets_) add_set_entries(timeline, row);
    for (const auto& e : exceptions) {
      timeline.entries.push_back({e.created_at,
                                  fmt::format("exception {} {} raised: {}", e.id, e.kind, e.reason), e.set_id, e.file_id,
                                  e.id});
      if (e.state != archive::ExceptionState::open)
        timeline.entries.push_back({e.closed_at,
                                    fmt::format("exception {} {} by {}{}", e.id, to_string(e.state), e.closed_by,
                                                e.note.empty() ? "" : ": " + e.note),
                                    e.set_id, e.file_id, e.id});
    }
    for (auto& entry : timeline.entries) entry.time = parse_time(entry.at);
    // By time; an entry whose time does not parse sorts by its text among the others.
    std::stable_sort(timeline.entries.begin(), timeline.entries.end(), [](const Entry& a, const Entry& b) {
      if (a.time && b.time) return *a.time < *b.time;
      return a.at < b.at;
    });
    return timeline;
  }

  bool empty(const Timeline& timeline) const { return timeline.entries.empty() && !timeline.order; }

 private:
  bool holds_record(const std::string& partner) {
    if (document_.is_order()) return records_.order(partner, document_.value).has_value();
    if (document_.kind == "shipment") return !records_.shipments(partner, document_.value).empty();
    return !records_.invoices(partner, document_.value).empty();
  }

  // `only_the_order`: leave out sets that are shipments or invoices of their own.
  void add_sets_with_key(const std::string& name, const std::string& value, bool only_the_order) {
    archive::Query query;
    query.key = std::make_pair(name, value);
    query.partner = partner_;
    query.limit = -1;
    for (auto& row : index_.query(query)) {
      if (only_the_order &&
          (!key_value(row.keys, "shipment_id").empty() || !key_value(row.keys, "invoice_number").empty()))
        continue;
      sets_.emplace(row.set.id, SetRow{std::move(row.set), std::move(row.keys)});
    }
  }

  void add_set(std::int64_t id) {
    if (!id || sets_.contains(id)) return;
    if (auto set = index_.transaction_set(id)) sets_.emplace(id, SetRow{*set, index_.business_keys(id)});
  }

  void add_order_recorded(Timeline& timeline, const archive::OrderRecord& order) {
    timeline.entries.push_back({order.known_at,
                                fmt::format("order PO {} recorded ({}{})", order.po_number, order.origin,
                                            order.file_id ? fmt::format(", file F{}", order.file_id) : ""),
                                0, order.file_id, 0});
  }

  // "856 SH-1": the set's type and the document it carries when that is not the one shown.
  std::string label(const SetRow& row) const {
    for (const char* name : {"shipment_id", "invoice_number", "po_number"}) {
      const std::string value = key_value(row.keys, name);
      if (value.empty()) continue;
      if (name == document_.key && value == document_.value) break;
      return fmt::format("{} {}{}", row.set.type, std::string_view(name) == "po_number" ? "PO " : "", value);
    }
    return row.set.type;
  }

  static std::string controls(const archive::TransactionSetRecord& s) {
    if (s.interchange_control.empty()) return "document " + s.control_number;  // an XML document
    return fmt::format("ISA13 {}, GS06 {}, ST {}", s.interchange_control, s.group_control, s.control_number);
  }

  void add_set_entries(Timeline& timeline, const SetRow& row) {
    const auto& s = row.set;
    const std::string name = label(row);
    const bool out = s.direction == "out";
    timeline.entries.push_back({s.received_at,
                                fmt::format("{} {} ({}); now {}", name, out ? "queued to send" : "received", controls(s),
                                            to_string(s.status)),
                                s.id, s.file_id, 0});
    std::optional<archive::AwaitedAck> awaited;
    if (out && !s.group_control.empty())
      for (const auto& r : index_.awaited_for(s.partner, "", s.group_control))
        if (r.level == "set" && r.set_id == s.id) awaited = r;
    for (const auto& e : index_.events_of_set(s.id)) {
      // The set's own row says when it arrived or was queued; the ERP document's mapping
      // into it happened at that moment.
      if (e.step == "received" || e.step == "queued" || (out && (e.step == "mapped" || e.step == "built"))) continue;
      if (e.step == "exception" && listed_exceptions_.contains({s.id, e.at, e.detail})) continue;
      timeline.entries.push_back({e.at, event_text(name, s, e, awaited), s.id, e.file_id, 0});
    }
    if (awaited && awaited->state == archive::AckState::awaiting && awaited->due_at > now_)
      timeline.awaiting.push_back(
          fmt::format("{}: the partner's acknowledgment of group {} is awaited until {}", name, s.group_control,
                      awaited->due_at));
    if (!seen_files_.insert(s.file_id).second) return;  // the file's acknowledgments and AS2 messages: once
    for (const auto& a : index_.acks_answering(s.file_id))
      if (a.direction == "sent")
        timeline.entries.push_back({a.at,
                                    fmt::format("{} sent for interchange {}{}: {}{}", a.kind, a.answers_interchange_control,
                                                a.answers_group_control.empty() ? "" : ", group " + a.answers_group_control,
                                                verdict(a.code), a.detail.empty() ? "" : " (" + a.detail + ")"),
                                    0, a.file_id, 0});
    for (const auto& m : index_.as2_messages_of_file(s.file_id)) {
      if (m.direction == "in") {
        timeline.entries.push_back(
            {m.sent_at, fmt::format("received by AS2 as {} (MDN {})", m.message_id, m.mdn_mode), 0, s.file_id, 0});
        continue;
      }
      timeline.entries.push_back({m.sent_at, fmt::format("sent by AS2 as {}", m.message_id), 0, s.file_id, 0});
      if (m.state != archive::As2State::sending && m.state != archive::As2State::awaiting_mdn)
        timeline.entries.push_back({m.updated_at,
                                    fmt::format("AS2 {}{}", to_string(m.state), m.detail.empty() ? "" : ": " + m.detail),
                                    0, s.file_id, 0});
    }
  }

  std::string event_text(const std::string& name, const archive::TransactionSetRecord& s, const archive::EventRecord& e,
                         const std::optional<archive::AwaitedAck>& awaited) {
    const std::string detail = e.detail.empty() ? "" : ": " + e.detail;
    if (e.step == "delivered")
      return fmt::format("{} delivered to the ERP ({})", name, e.detail.empty() ? s.delivered_to : e.detail);
    if (e.step == "sent") return fmt::format("{} sent ({})", name, controls(s));
    if (e.step == "delivery_failed") return fmt::format("{} ERP delivery failed{}", name, detail);
    if (e.step == "delivery_refused") return fmt::format("{} refused by the ERP{}", name, detail);
    if (e.step == "dead_letter") return fmt::format("{} dead letter (ERP delivery given up){}", name, detail);
    if (e.step == "held") return fmt::format("{} held from the ERP{}", name, detail);
    if (e.step == "released") return fmt::format("{} released to the ERP{}", name, detail);
    if (e.step == "dropped") return fmt::format("{} dropped (never delivered){}", name, detail);
    if (e.step == "acknowledged" && awaited) {
      std::string kind = "acknowledgment";
      if (awaited->ack_file_id)
        for (const auto& set : index_.transaction_sets_of_file(awaited->ack_file_id)) kind = set.type;
      return fmt::format("{} received for {}: {}{}", kind, name, to_string(awaited->state),
                         awaited->detail.empty() ? "" : " (" + awaited->detail + ")");
    }
    if (e.step == "overdue") return fmt::format("{} acknowledgment overdue{}", name, detail);
    std::string step = e.step;
    std::replace(step.begin(), step.end(), '_', ' ');
    return fmt::format("{} {}{}", name, step, detail);
  }

  archive::Index& index_;
  archive::BusinessRecords records_;
  const DocumentName& document_;
  std::string now_;
  std::string partner_;
  std::map<std::int64_t, SetRow> sets_;  // by id
  std::set<std::int64_t> seen_files_;
  std::set<std::tuple<std::int64_t, std::string, std::string>> listed_exceptions_;  // set, at, event detail
};

}  // namespace

std::vector<std::string> document_partners(archive::Index& index, const Config& config, const DocumentName& document) {
  return TimelineBuilder(index, document, "").partners(config);
}

std::vector<Timeline> document_timelines(archive::Index& index, const DocumentName& document,
                                         const std::vector<std::string>& partners, const std::string& now) {
  TimelineBuilder builder(index, document, now);
  std::vector<Timeline> timelines;
  for (const auto& partner : partners)
    if (auto t = builder.build(partner); !builder.empty(t)) timelines.push_back(std::move(t));
  return timelines;
}

std::string step_text(std::int64_t seconds) {
  if (seconds < 60) return fmt::format("+{}s", seconds);
  if (seconds < 3600) return fmt::format("+{}m {:02}s", seconds / 60, seconds % 60);
  if (seconds < 86400) return fmt::format("+{}h {:02}m", seconds / 3600, seconds % 3600 / 60);
  return fmt::format("+{}d {:02}h", seconds / 86400, seconds % 86400 / 3600);
}

// Seconds since the previous entry whose time is known; nullopt for the first.
std::vector<std::optional<std::int64_t>> step_seconds(const std::vector<Entry>& entries) {
  std::vector<std::optional<std::int64_t>> steps;
  std::optional<Time> previous;
  for (const auto& entry : entries) {
    if (entry.time && previous)
      steps.push_back(std::chrono::duration_cast<std::chrono::seconds>(*entry.time - *previous).count());
    else
      steps.push_back(std::nullopt);
    if (entry.time) previous = entry.time;
  }
  return steps;
}

}  // namespace edihub::hub
