// archive::Index: AS2 messages (as2_messages, schema version 3).

#include "archive/index.h"
#include "archive/index_impl.h"

namespace edihub::archive {

std::int64_t Index::add_as2_message(const As2MessageRecord& message) { return impl_->insert(message); }

void Index::update_as2_message(const As2MessageRecord& m) {
  impl_->update("AS2 message", m.id,
                "UPDATE as2_messages SET file_id = ?, mic = ?, mdn_mode = ?, sent_at = ?, due_at = ?, "
                "mdn_sha256 = ?, detail = ?, attempts = ?, updated_at = ? WHERE id = ?",
                sqlite::ZeroIsNull{m.file_id}, m.mic, m.mdn_mode, m.sent_at, m.due_at, m.mdn_sha256, m.detail,
                m.attempts, m.updated_at);
}

std::optional<As2MessageRecord> Index::as2_message(const std::string& direction, const std::string& partner,
                                                   const std::string& message_id) const {
  return impl_->select_one<As2MessageRecord>("WHERE direction = ? AND partner = ? AND message_id = ?", direction,
                                             partner, message_id);
}

std::vector<As2MessageRecord> Index::as2_messages_by_id(const std::string& direction,
                                                        const std::string& message_id) const {
  return impl_->select<As2MessageRecord>("WHERE direction = ? AND message_id = ? ORDER BY id DESC", direction,
                                         message_id);
}

std::vector<As2MessageRecord> Index::as2_messages_of_file(std::int64_t file_id) const {
  return impl_->select<As2MessageRecord>("WHERE file_id = ? ORDER BY id", file_id);
}

std::vector<As2MessageRecord> Index::as2_messages_in_state(As2State state) const {
  return impl_->select<As2MessageRecord>("WHERE state = ? ORDER BY id", state);
}

std::vector<As2MessageRecord> Index::as2_mdns_due(const std::string& now) const {
  time_bound(now, "now");
  return impl_->select<As2MessageRecord>(
      "WHERE state = 'awaiting_mdn' AND direction = 'out' AND due_at <= ? ORDER BY due_at, id", now);
}

}  // namespace edihub::archive
