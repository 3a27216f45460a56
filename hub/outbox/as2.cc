// Sending queued files to a partner over AS2 (outbound: {as2: {}} + the profile's `as2`
// agreement). Each file gets one as2_messages row whose Message-ID is chosen and committed
// (state `sending`) before the first POST and reused by every retry: if we crash after the
// partner took a POST but before our commit, the resend carries the same Message-ID and the
// partner's duplicate detection answers `duplicate-document` instead of processing it twice.
// The body is rebuilt per attempt (new signature and encryption), so the MIC expected from
// that attempt is committed with its attempt count before the POST. The final state (and
// the archived sync MDN) is written in the transaction that marks the file sent.
#include <fmt/format.h>

#include "hub/as2_agreement.h"
#include "hub/outbox/outbox.h"
#include "hub/exception_queue.h"
#include "transports/as2_client.h"

namespace edihub::hub {

namespace as2 = transports::as2;

namespace {

bool transport_failure(as2::SendStatus s) {
  using S = as2::SendStatus;
  return s == S::connect_error || s == S::tls_error || s == S::timeout || s == S::http_status || s == S::refused_url;
}

}  // namespace

std::vector<Outbox::Handed> Outbox::send_as2(const partners::Profile& partner, std::vector<archive::FileRecord> files,
                                             const Raise& raise) {
  const auto& agreement = *partner.as2;
  const std::string channel = partner.outbound->name(config_.dir);
  std::vector<Handed> handed;
  auto agreed = config_.as2_partners.find(partner.id);
  if (!config_.as2 || agreed == config_.as2_partners.end()) {
    // Config::load refuses neither (the receiver is optional), so say once why nothing moves.
    if (!open_transport_error(index_, partner.id, channel)) {
      archive::Index::Transaction tx(index_);
      raise(exception_record(partner.id, 0, "transport_error",
             channel + ": cannot send over AS2: edihub.yaml has no as2.identity (our AS2 id, certificate and key)"));
      tx.commit();
    }
    return handed;
  }
  const as2::As2Partner to = as2_sending_partner(agreement, agreed->second);
  as2::SendOptions options;
  options.ca_file = agreement.ca_file.string();
  std::vector<archive::Staged> mdns;
  for (auto& file : files) {
    // The row (and Message-ID) of an earlier attempt, or a new one committed before the POST.
    archive::As2MessageRecord row;
    for (const auto& r : index_.as2_messages_of_file(file.id))
      if (r.direction == "out" && r.state == archive::As2State::sending) row = r;
    std::string now = clock_.iso_now();
    if (!row.id) {
      row.file_id = file.id;
      row.partner = partner.id;
      row.direction = "out";
      row.message_id = as2::new_message_id();
      row.state = archive::As2State::sending;
      row.sent_at = now;
    }
    as2::BuiltMessage message;
    try {
      message = as2::build_message(store_.read(file.sha256), agreement.content_type, file.source_name,
                                   config_.as2->identity, to, clock_.now());
    } catch (const as2::As2Error& e) {
      // A local setup problem (no valid certificate of the partner, say): no POST, stays queued.
      if (!open_transport_error(index_, partner.id, channel)) {
        archive::Index::Transaction tx(index_);
        raise(exception_record(partner.id, file.id, "transport_error", channel + ": cannot build the AS2 message: " + e.what()));
        tx.commit();
      }
      break;
    }
    message.headers.set("Message-ID", row.message_id);
    message.message_id = row.message_id;
    row.mic = message.mic;
    row.mdn_mode = message.mdn_mode;  // the agreement may have changed since an earlier attempt
    row.attempts++;
    row.updated_at = now;
    {
      archive::Index::Transaction tx(index_);
      if (row.id) index_.update_as2_message(row);
      else row.id = index_.add_as2_message(row);
      tx.commit();
    }

    auto result = as2::send(message, to, agreement.timeout, options);
    now = clock_.iso_now();
    row.updated_at = now;
    if (transport_failure(result.status)) {
      // Stays queued with the same Message-ID; the rest of this partner's files wait too.
      row.detail = fmt::format("attempt {}: {}: {}", row.attempts, as2::to_string(result.status), result.reason);
      archive::Index::Transaction tx(index_);
      index_.update_as2_message(row);
      index_.add_event({0, file.id, 0, now, "send_failed", channel + ": " + row.detail});
      if (row.attempts >= agreement.max_attempts && !open_transport_error(index_, partner.id, channel))
        raise(exception_record(partner.id, file.id, "transport_error",
               fmt::format("{}: {} ({} attempt(s) for {}); sent again on the next run", channel, row.detail,
                           row.attempts, file.source_name)));
      tx.commit();
      break;
    }
    {
      archive::Index::Transaction tx(index_);
      resolve_transport_error(index_, clock_, partner.id, channel, "sent again: " + file.source_name);
      tx.commit();
    }
    Handed h{file, channel + " " + row.message_id, std::nullopt, std::nullopt};
    switch (result.status) {
      case as2::SendStatus::sent_no_mdn:
        h.as2_state = archive::As2State::sent_no_mdn;
        break;
      case as2::SendStatus::awaiting_mdn:
        h.as2_state = archive::As2State::awaiting_mdn;
        row.due_at = iso_utc(clock_.now() + agreement.mdn_due);
        break;
      default: {  // a sync MDN: delivered or a bad one, archived either way
        auto staged = store_.stage_bytes(mime_bytes(result.mdn_headers, result.mdn_body));
        row.mdn_sha256 = staged.sha256;
        mdns.push_back(std::move(staged));
        auto verdict = mdn_verdict(row, result.mdn);
        h.as2_state = verdict.state;
        row.detail = verdict.detail;
        h.problem = std::move(verdict.problem);
      }
    }
    h.as2 = row;
    handed.push_back(std::move(h));
  }
  store_.publish(mdns);  // durable before send_queued's commit refers to them
  return handed;
}

}  // namespace edihub::hub
