#include "hub/pipeline/set_rows.h"

namespace edihub::hub {

std::string idempotency_key(const std::string& partner, const std::string& isa13, const std::string& gs06,
                            const std::string& st02) {
  if (gs06.empty()) return partner + "/" + isa13 + "/" + st02;  // an EDIFACT message without UNG
  return partner + "/" + isa13 + "/" + gs06 + "/" + st02;
}

archive::TransactionSetRecord set_record(std::int64_t file_id, std::int64_t interchange_id, std::int64_t group_id,
                                         const std::string& partner, const x12::InterchangeHeader& h,
                                         const x12::GroupHeader& group, const x12::TransactionSet& set,
                                         const std::string& now, const std::string& direction) {
  archive::TransactionSetRecord rec;
  rec.file_id = file_id;
  rec.interchange_id = interchange_id;
  rec.group_id = group_id;
  rec.partner = partner;
  rec.type = set.id;
  rec.control_number = set.control_number;
  rec.interchange_control = h.control_number;
  rec.group_control = group.control_number;
  rec.version = group.version;
  rec.first_segment = static_cast<std::uint32_t>(set.first_segment);
  rec.received_at = now;
  rec.updated_at = now;
  rec.direction = direction;
  return rec;
}

void record_unprocessed_set(archive::Index& index, archive::TransactionSetRecord rec, archive::SetStatus status,
                            const BusinessKeys& keys, const std::string& now, const std::string& why) {
  if (index.transaction_set_by_key(rec.idempotency_key)) return;
  rec.status = archive::SetStatus::received;
  rec.updated_at = now;
  rec.id = index.add_transaction_set(rec);
  index.transition_set(rec, status, {now, std::string(archive::to_string(status)), why});
  for (const auto& [name, value] : keys) index.add_business_key(rec.id, name, value);
}

std::vector<archive::TransactionSetRecord> record_sent(archive::Index& index, const Clock& clock,
                                                       const partners::Profile& partner, const archive::FileRecord& out,
                                                       const std::string& bytes, const std::string& key_prefix) {
  const std::string now = clock.iso_now();
  std::vector<archive::TransactionSetRecord> sets;
  for (const auto& interchange : x12::parse_bytes(bytes).interchanges) {
    const auto& h = interchange.header;
    archive::InterchangeRecord ir{0, out.id, partner.id, h.sender_qualifier, h.sender_id, h.receiver_qualifier,
                                  h.receiver_id, h.control_number, h.version, h.date, h.time, out.sha256, "out"};
    ir.id = index.add_interchange(ir);
    for (const auto& group : interchange.groups) {
      const auto& g = group.header;
      archive::GroupRecord gr{0, ir.id, g.functional_id, g.sender, g.receiver, g.control_number, g.version, "out"};
      gr.id = index.add_group(gr);
      for (std::size_t s = 0; s < group.sets.size(); ++s) {
        auto rec = set_record(out.id, ir.id, gr.id, partner.id, h, g, group.sets[s], now, "out");
        rec.status = archive::SetStatus::queued;
        rec.target = "x12 " + rec.type;
        rec.idempotency_key = key_prefix + (group.sets.size() > 1 ? "/" + rec.control_number : "");
        rec.id = index.add_transaction_set(rec);
        sets.push_back(std::move(rec));
      }
    }
  }
  return sets;
}

}  // namespace edihub::hub
