// XML documents in the pipeline: one document is one transaction set row (type = the
// document type, control number = its document id), routed by the sender party ids the
// document carries, else by the channel it came in on, and mapped by the partner's rule
// for its standard and type. XML documents get no X12 acknowledgment.
#include <fmt/format.h>

#include "formats/business_keys.h"
#include "formats/xml.h"
#include "hub/pipeline/pipeline.h"

namespace edihub::hub {

using archive::ExceptionRecord;
using archive::FileRecord;

namespace {

std::string parties_text(const std::vector<xml::PartyId>& parties) {
  std::string out;
  for (const auto& p : parties) out += (out.empty() ? "" : ", ") + (p.scheme.empty() ? "" : p.scheme + ":") + p.id;
  return out.empty() ? "none" : out;
}

std::string describe(const xml::Document& doc) {
  return fmt::format("{}{} {}", doc.standard.empty() ? "" : doc.standard + " ", doc.type,
                     doc.document_id.empty() ? "(no document id)" : doc.document_id);
}

// The document's transaction set row (its control number is the document id, else the file's hash).
archive::TransactionSetRecord document_row(const FileRecord& file, const xml::Document& doc, const std::string& partner,
                                           const std::string& key) {
  archive::TransactionSetRecord rec;
  rec.partner = partner;
  rec.type = doc.type;
  rec.control_number = doc.document_id.empty() ? file.sha256 : doc.document_id;
  rec.version = doc.version;
  rec.idempotency_key = key;
  rec.received_at = file.received_at;
  rec.file_id = file.id;
  return rec;
}

}  // namespace

void Pipeline::process_xml_file(const FileRecord& file, std::string bytes, RunSummary& summary) {
  const std::string now = clock_.iso_now();
  ExceptionRecord base;
  base.partner = file.partner;
  base.file_id = file.id;
  auto finish = [&](archive::FileStatus status) { context_->finish_file(file, status, "XML document"); };

  std::unique_ptr<xml::Document> doc;
  try {
    doc = xml::parse(std::move(bytes));
  } catch (const xml::XmlError& e) {
    base.kind = "unusable_file";
    base.reason = fmt::format("{}: not a usable XML document: {}", file.source_name, e.what());
    raise(summary, base);
    return finish(archive::FileStatus::exception);
  }
  index_->add_event({0, file.id, 0, now, "parsed",
                     fmt::format("XML {}, sender {}", describe(*doc), parties_text(doc->senders))});

  // The document names its sender; a file on a partner's channel may also rely on the channel.
  const partners::Profile* partner = config_.partners.resolve_party(doc->senders);
  const partners::Profile* channel = file.partner.empty() ? nullptr : config_.partners.find(file.partner);
  if ((partner && channel && partner != channel) || (!partner && !channel)) {
    base.kind = "unknown_partner";
    base.reason = partner ? fmt::format("{}: XML {} from {} belongs to partner '{}', but the file came in on partner '{}''s channel",
                                        file.source_name, describe(*doc), parties_text(doc->senders), partner->id, file.partner)
                          : fmt::format("{}: XML {}: sender {} matches no partner profile; the file is kept in the archive",
                                        file.source_name, describe(*doc), parties_text(doc->senders));
    raise(summary, base);
    record_unprocessed_set(*index_,
                           document_row(file, *doc, file.partner, fmt::format("unknown/F{}/xml/{}/{}", file.id, doc->type, doc->document_id)),
                           archive::SetStatus::unknown_partner, xml::builtin_business_keys(*doc), now,
                           "its sender matches no partner on this channel; not processed");
    return finish(archive::FileStatus::exception);
  }
  if (!partner) partner = channel;
  base.partner = partner->id;
  index_->add_event({0, file.id, 0, now, "routed", fmt::format("XML {} -> partner {}", describe(*doc), partner->id)});

  const std::string id = doc->document_id.empty() ? file.sha256 : doc->document_id;
  const std::string key = partner->id + "/xml/" + doc->type + "/" + id;
  archive::TransactionSetRecord rec;
  if (auto existing = index_->transaction_set_by_key(key)) {
    rec = *existing;
    auto earlier = index_->file(existing->file_id);
    bool same_content = earlier && earlier->sha256 == file.sha256;
    if (!file.replay_of) {
      base.kind = same_content ? "duplicate" : "envelope_error";
      base.set_id = rec.id;
      base.reason = same_content
          ? fmt::format("{}: XML {} was already received with the same content (file F{}); not delivered again",
                        file.source_name, describe(*doc), existing->file_id)
          : fmt::format("{}: XML {}: document id {} was already used by a different file (F{}); nothing was delivered",
                        file.source_name, describe(*doc), id, existing->file_id);
      raise(summary, base);
      if (same_content) {
        summary.duplicates++;
        record_unprocessed_set(*index_, document_row(file, *doc, partner->id, fmt::format("duplicate/F{}/{}", file.id, key)),
                               archive::SetStatus::duplicate, xml::builtin_business_keys(*doc), now,
                               "it was already received with the same content; not delivered again");
      }
      return finish(same_content ? archive::FileStatus::duplicate : archive::FileStatus::exception);
    }
    if (rec.status == archive::SetStatus::delivered || rec.status == archive::SetStatus::mapped) {
      index_->add_event({0, file.id, rec.id, now, "replayed",
                         fmt::format("{} already {}; not repeated", describe(*doc), to_string(rec.status))});
      return finish(archive::FileStatus::processed);
    }
  } else {
    rec = document_row(file, *doc, partner->id, key);
    rec.updated_at = now;
    rec.id = index_->add_transaction_set(rec);
  }
  rec.file_id = file.id;
  rec.updated_at = now;
  for (const auto& [name, value] : xml::builtin_business_keys(*doc)) index_->add_business_key(rec.id, name, value);

  nlohmann::ordered_json source = {{"file_sha256", file.sha256},
                                   {"format", "xml"},
                                   {"standard", doc->standard},
                                   {"document_type", doc->type},
                                   {"document_id", doc->document_id},
                                   {"sender", doc->senders.empty() ? "" : parties_text({doc->senders.front()})},
                                   {"receiver", doc->receivers.empty() ? "" : parties_text({doc->receivers.front()})},
                                   {"version", doc->version}};
  const auto* rule = partner->mapping_for_document(doc->standard, doc->type);
  bool mapped = map_document(file, *partner, rule, "XML " + describe(*doc), std::move(source),
                             [&](const mapping::Lookup* lookup) {
                               mapping::Context context{nullptr, nullptr, partner->id, lookup};
                               return rule->mapping->evaluate(*doc, context, partner->code_tables);
                             },
                             rec, summary);
  if (mapped) reconcile_set(*partner, rec.id, summary);
  finish(mapped ? archive::FileStatus::processed : archive::FileStatus::exception);
}

}  // namespace edihub::hub
