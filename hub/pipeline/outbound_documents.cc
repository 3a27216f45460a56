#include "hub/pipeline/outbound_documents.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "formats/edifact.h"
#include "formats/edifact_writer.h"
#include "formats/interchange_writer.h"
#include "hub/pipeline/set_rows.h"
#include "hub/pipeline/validation_text.h"

namespace edihub::hub {

using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

// The body of a set with its header and trailer (ST/SE, UNH/UNT) around it, numbered as
// the validator expects.
x12::TransactionSet as_transaction_set(const std::string& id, std::vector<x12::Segment> body, const x12::Delimiters& d,
                                       const char* header, const char* trailer) {
  x12::TransactionSet set;
  set.id = id;
  set.control_number = "0001";
  set.delimiters = d;
  set.segments.push_back({header, {id, set.control_number}, 0, 1});
  for (auto& segment : body) {
    segment.position = static_cast<std::uint32_t>(set.segments.size() + 1);
    set.segments.push_back(std::move(segment));
  }
  set.segments.push_back({trailer, {std::to_string(set.segments.size() + 1), set.control_number}, 0,
                          static_cast<std::uint32_t>(set.segments.size() + 1)});
  return set;
}

x12::Delimiters x12_delimiters(const partners::Envelope& envelope) {
  x12::Delimiters d = envelope.delimiters;
  if (envelope.isa_version < "00402") d.repetition = 0;
  return d;
}

}  // namespace

void OutboundDocuments::process_erp_document(const FileRecord& file, RunSummary& summary) {
  const std::string now = ctx_.clock.iso_now();
  summary.files_processed++;
  ExceptionRecord failure;
  failure.partner = file.partner;
  failure.file_id = file.id;
  auto fail = [&](std::string kind, std::string reason, archive::FileStatus status = archive::FileStatus::exception) {
    failure.kind = std::move(kind);
    failure.reason = file.source_name + ": " + std::move(reason);
    ctx_.raise(summary, failure);
    ctx_.finish_file(file, status, failure.kind);
  };
  const auto* partner = ctx_.config.partners.find(file.partner);
  if (!partner) return fail("unknown_partner", "partner '" + file.partner + "' is no longer configured; kept in the archive");

  auto fresh = ctx_.fresh_content.find(file.id);
  const std::string text = fresh != ctx_.fresh_content.end() ? fresh->second : ctx_.store.read(file.sha256);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return fail("unusable_file", fmt::format("not a JSON ERP transaction: {} ({})", e.what(), json_position(text, e.byte)));
  }
  if (!doc.is_object()) return fail("unusable_file", "not a JSON ERP transaction: the document must be a JSON object");

  if (partner->erp_open_orders && file.channel == folder_channel(partner->erp_open_orders->path, ctx_.config.dir))
    return record_open_order(*partner, file, doc, summary);

  std::string type = doc.contains("transaction") && doc["transaction"].is_string() ? doc["transaction"].get<std::string>() : "";
  if (type.empty() && partner->outbound_mappings.size() == 1) type = partner->outbound_mappings.front().transaction;
  const auto* rule = partner->outbound_mapping_for(type);
  if (!rule) {
    std::string known;
    for (const auto& r : partner->outbound_mappings) known += (known.empty() ? "" : ", ") + r.transaction;
    return fail("mapping_error", fmt::format("no outbound mapping for ERP transaction type '{}' in {} (it has: {})", type,
                                             partner->file.filename().string(), known.empty() ? "none" : known));
  }
  const std::string erp_id = doc.contains("idempotency_key") && doc["idempotency_key"].is_string()
                                 ? doc["idempotency_key"].get<std::string>()
                                 : file.sha256;
  std::string key = "out/" + partner->id + "/" + erp_id;
  if (auto sent = ctx_.index.transaction_set_by_key(key)) {
    summary.duplicates++;
    return fail("duplicate",
                fmt::format("ERP transaction {} was already sent as {} {} (interchange {}); not sent again", key, sent->type,
                            sent->control_number, sent->interchange_control),
                archive::FileStatus::duplicate);
  }

  if (rule->mapping->target_format() == "xml") {
    // An XML document stands alone: no envelope, no control numbers, no acknowledgment.
    const auto& mapping = *rule->mapping;
    mapping::OutboundMapping::XmlOutput output;
    try {
      output = mapping.evaluate_xml(doc, partner->code_tables);
    } catch (const mapping::MappingError& e) {
      return fail("mapping_error", e.what());
    }
    auto out = ctx_.outbox.queue(*partner, fmt::format("{}-{}-F{}.xml", partner->id, mapping.document_type(), file.id),
                              output.document);
    archive::TransactionSetRecord rec;
    rec.file_id = out.id;
    rec.partner = partner->id;
    rec.type = mapping.document_type();
    rec.control_number = erp_id;
    rec.version = mapping.standard();
    rec.status = archive::SetStatus::queued;
    rec.idempotency_key = key;
    rec.target = type;
    rec.received_at = now;
    rec.updated_at = now;
    rec.direction = "out";
    rec.id = ctx_.index.add_transaction_set(rec);
    ctx_.index.put_mapped_output(rec.id, text);
    for (const auto& [name, value] : output.keys) ctx_.index.add_business_key(rec.id, name, value);
    if (type == "purchase_order") ctx_.apply(summary, nullptr, ctx_.reconciler.on_order(*partner, doc, "sent", rec.id, file.id));
    ctx_.index.add_event({0, file.id, rec.id, now, "mapped",
                       fmt::format("ERP {} -> XML {} ({}) with {}", type, rec.type, out.source_name, rule->file.filename().string())});
    ctx_.index.add_event({0, out.id, rec.id, now, "built", fmt::format("from ERP transaction F{} ({})", file.id, file.source_name)});
    ctx_.finish_file(file, archive::FileStatus::processed, "queued as F" + std::to_string(out.id));
    return;
  }

  const auto& mapping = *rule->mapping;
  const bool edifact = mapping.target_format() == "edifact";
  const x12::Delimiters delimiters = edifact ? edifact::unescaped_delimiters() : x12_delimiters(partner->envelope);
  mapping::OutboundMapping::Output output;
  try {
    output = mapping.evaluate(doc, partner->code_tables, delimiters);
  } catch (const mapping::MappingError& e) {
    return fail("mapping_error", e.what());
  }
  const std::string version = edifact ? mapping.versions().front() : partner->envelope.group_version;
  auto set = as_transaction_set(mapping.transaction_set(), output.segments, delimiters, edifact ? "UNH" : "ST",
                                edifact ? "UNT" : "SE");
  if (const auto* schema = partner->schema_for(set.id, version)) {
    auto checked = x12::validate_set(set, *schema);
    if (!checked.accepted()) {
      std::string reason = fmt::format("the {} built by {} does not validate against the {} {} schema; nothing was sent:",
                                       set.id, rule->file.filename().string(), set.id, schema->version);
      reason += indented_lines(set_error_lines(checked));
      return fail("validation_error", reason);
    }
  }

  const auto numbers = ctx_.outbox.take(*partner, 1);
  const auto at = ctx_.clock.now();
  std::vector<x12::Segment> body(set.segments.begin() + 1, set.segments.end() - 1);
  const Enveloped sent = edifact ? envelope_edifact(*partner, mapping, version, body, numbers, at)
                                 : envelope_x12(*partner, mapping, body, numbers, at);
  auto out = ctx_.outbox.queue(*partner, fmt::format("{}-{}-{}.edi", partner->id, sent.interchange, set.id), sent.bytes);
  auto rec = record_sent(ctx_.index, ctx_.clock, *partner, out, sent.bytes, key).at(0);
  // The ERP document is kept as the set's mapped output: cross-document lookups read it
  // (an ASN without the PO date takes it from the 850 we sent).
  rec.target = type;
  ctx_.index.update_transaction_set(rec);
  ctx_.index.put_mapped_output(rec.id, text);
  for (const auto& [name, value] : output.keys) ctx_.index.add_business_key(rec.id, name, value);
  if (type == "purchase_order") ctx_.apply(summary, nullptr, ctx_.reconciler.on_order(*partner, doc, "sent", rec.id, file.id));
  if (type == "warehouse_order")
    ctx_.apply(summary, nullptr, ctx_.reconciler.on_warehouse_order(*partner, doc, rec.id, file.id));
  ctx_.index.add_event({0, file.id, rec.id, now, "mapped",
                     fmt::format("ERP {} -> {} {} in interchange {} ({}) with {}", type, set.id, sent.set, sent.interchange,
                                 out.source_name, rule->file.filename().string())});
  ctx_.index.add_event({0, out.id, rec.id, now, "built", fmt::format("from ERP transaction F{} ({})", file.id, file.source_name)});
  await_acks(*partner, sent, set.id, mapping.functional_id(), out.id, rec.id, now, iso_utc(at + partner->acks.overdue_after));
  ctx_.finish_file(file, archive::FileStatus::processed, "queued as F" + std::to_string(out.id));
}

OutboundDocuments::Enveloped OutboundDocuments::envelope_x12(const partners::Profile& partner,
                                                             const mapping::OutboundMapping& mapping,
                                                             const std::vector<x12::Segment>& body,
                                                             const ControlNumbers& numbers,
                                                             std::chrono::system_clock::time_point at) const {
  const auto& envelope = partner.envelope;
  x12::InterchangeSettings isa;
  isa.delimiters = x12_delimiters(envelope);
  isa.suffix = envelope.line_breaks ? "\n" : "";
  isa.sender_qualifier = envelope.our_qualifier;
  isa.sender_id = envelope.our_id;
  isa.receiver_qualifier = envelope.their_qualifier;
  isa.receiver_id = envelope.their_id;
  isa.date = x12_utc(at, "%y%m%d");
  isa.time = x12_utc(at, "%H%M");
  isa.version = envelope.isa_version;
  isa.control_number = numbers.interchange;
  isa.ack_requested = envelope.ta1_requested;
  isa.usage = envelope.usage;
  x12::InterchangeWriter writer(isa);
  writer.begin_group({mapping.functional_id(), envelope.our_group_id, envelope.their_group_id, x12_utc(at, "%Y%m%d"),
                      x12_utc(at, "%H%M"), numbers.group, "X", envelope.group_version});
  writer.transaction_set(mapping.transaction_set(), numbers.first_set, "", body);
  writer.end_group();
  Enveloped sent;
  sent.bytes = writer.finish();
  sent.interchange = fmt::format("{:09}", numbers.interchange);
  sent.group = std::to_string(numbers.group);
  sent.set = fmt::format("{:04}", numbers.first_set);
  sent.interchange_ack = envelope.ta1_requested;
  sent.set_acks = partner.acks.expect != "none";
  return sent;
}

// An EDIFACT message stands directly in its interchange (no UNG): what EANCOM partners expect.
OutboundDocuments::Enveloped OutboundDocuments::envelope_edifact(const partners::Profile& partner,
                                                                 const mapping::OutboundMapping& mapping,
                                                                 const std::string& version,
                                                                 const std::vector<x12::Segment>& body,
                                                                 const ControlNumbers& numbers,
                                                                 std::chrono::system_clock::time_point at) const {
  const auto& envelope = partner.envelope;
  edifact::InterchangeSettings unb;
  unb.syntax_identifier = envelope.syntax_identifier;
  unb.syntax_version = envelope.syntax_version;
  unb.suffix = envelope.line_breaks ? "\n" : "";
  unb.sender_id = envelope.our_id;
  unb.sender_qualifier = envelope.our_qualifier;
  unb.recipient_id = envelope.their_id;
  unb.recipient_qualifier = envelope.their_qualifier;
  unb.date = x12_utc(at, envelope.syntax_version >= 4 ? "%Y%m%d" : "%y%m%d");
  unb.time = x12_utc(at, "%H%M");
  unb.control_reference = std::to_string(numbers.interchange);
  unb.ack_requested = envelope.contrl_requested;
  unb.test = envelope.usage == "T";
  edifact::InterchangeWriter writer(unb);
  // "D96A" is directory version D, release 96A.
  const edifact::MessageIdentifier id{mapping.transaction_set(), version.substr(0, 1), version.substr(1), "UN",
                                      mapping.association()};
  Enveloped sent;
  sent.set = std::to_string(numbers.first_set);
  writer.message(id, sent.set, body);
  sent.bytes = writer.finish();
  sent.interchange = unb.control_reference;
  const bool contrl = partner.acks.expect == "contrl";
  sent.interchange_ack = contrl || envelope.contrl_requested;
  sent.set_acks = contrl;
  return sent;
}

// Awaited acknowledgment rows of what was just sent: the interchange (TA1; for EDIFACT the
// CONTRL's UCI) and the group and set (997/999), or the message (CONTRL UCM).
void OutboundDocuments::await_acks(const partners::Profile& partner, const Enveloped& sent, const std::string& set_type,
                                   const std::string& functional_id, std::int64_t file_id, std::int64_t set_id,
                                   const std::string& now, const std::string& due) {
  archive::AwaitedAck awaited;
  awaited.partner = partner.id;
  awaited.file_id = file_id;
  awaited.interchange_control = sent.interchange;
  awaited.functional_id = functional_id;
  awaited.sent_at = now;
  awaited.due_at = due;
  awaited.updated_at = now;
  if (sent.interchange_ack) {
    awaited.level = "interchange";
    ctx_.index.add_awaited_ack(awaited);
  }
  if (!sent.set_acks) return;
  if (!sent.group.empty()) {
    awaited.group_control = sent.group;
    awaited.level = "group";
    ctx_.index.add_awaited_ack(awaited);
  }
  awaited.level = "set";
  awaited.set_id = set_id;
  awaited.set_control = sent.set;
  awaited.set_type = set_type;
  ctx_.index.add_awaited_ack(awaited);
}

// An order the ERP sent another way: checked like one we send, recorded, never sent.
void OutboundDocuments::record_open_order(const partners::Profile& partner, const FileRecord& file,
                                          const nlohmann::json& doc, RunSummary& summary) {
  ExceptionRecord failure;
  failure.partner = partner.id;
  failure.file_id = file.id;
  failure.kind = "unusable_file";
  if (auto problem = purchase_order_problem(doc); !problem.empty()) {
    failure.reason = file.source_name + ": not a purchase_order for erp.open_orders: " + problem;
    ctx_.raise(summary, failure);
    return ctx_.finish_file(file, archive::FileStatus::exception, failure.kind);
  }
  const std::string po = doc["po_number"].get<std::string>();
  ctx_.apply(summary, nullptr, ctx_.reconciler.on_order(partner, doc, "open_orders", 0, file.id));
  ctx_.finish_file(file, archive::FileStatus::processed, fmt::format("order {} recorded (erp.open_orders), not sent", po));
}

void OutboundDocuments::send_queued(RunSummary& summary) {
  auto sent = ctx_.outbox.send_queued([&](archive::ExceptionRecord e) { ctx_.raise(summary, std::move(e)); });
  if (sent.empty()) return;
  archive::Index::Transaction tx(ctx_.index);
  const std::string now = ctx_.clock.iso_now();
  for (const auto& file : sent) {
    bool document = false;
    for (auto set : ctx_.index.transaction_sets_of_file(file.id)) {
      document |= set.type != "997" && set.type != "999";
      ctx_.index.transition_set(set, archive::SetStatus::sent, {now, "sent", file.source_name});
    }
    (document ? summary.documents_sent : summary.acks_sent)++;
  }
  tx.commit();
}

}  // namespace edihub::hub
