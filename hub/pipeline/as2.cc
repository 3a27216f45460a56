// AS2 in the pipeline: the archive-backed handler behind the hub's As2Server (receipt of a
// partner's message, duplicate check by Message-ID, MDN only after the index commit),
// and async MDNs for what we sent. The deadline of an async MDN is the AckTracker's;
// sending is the outbox's (hub/outbox/as2.cc).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "hub/as2_agreement.h"
#include "hub/pipeline/pipeline.h"

namespace edihub::hub {

namespace as2 = transports::as2;

namespace {

// A file name we can show and store: the basename of the sender's Content-Disposition
// filename, else the Message-ID, reduced to safe characters.
std::string safe_source_name(const as2::ReceivedMessage& m) {
  std::string name = m.filename.substr(m.filename.find_last_of("/\\") + 1);
  if (name.empty() || name == "." || name == "..") name = m.message_id;
  std::string safe;
  for (char c : name.substr(0, 120))
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == '@') safe += c;
    else if (!safe.empty() && safe.back() != '_') safe += '_';
  while (!safe.empty() && safe.back() == '_') safe.pop_back();
  while (!safe.empty() && safe.front() == '.') safe.erase(0, 1);  // no hidden names
  return safe.empty() ? "as2-message" : safe;
}

const partners::Profile* partner_by_as2_id(const Config& config, const std::string& as2_id) {
  for (const auto& p : config.partners.profiles())
    if (p.as2 && p.as2->as2_id == as2_id && config.as2_partners.count(p.id)) return &p;
  return nullptr;
}

}  // namespace

std::optional<as2::As2Partner> Pipeline::as2_partner(const std::string& as2_from) {
  Lock lock(mu_);
  const auto* partner = partner_by_as2_id(config_, as2_from);
  if (!partner) return std::nullopt;
  return config_.as2_partners.at(partner->id);
}

bool Pipeline::as2_async_url_allowed(const as2::As2Partner& partner, const std::string& url) {
  Lock lock(mu_);
  const auto* profile = partner_by_as2_id(config_, partner.as2_id);
  if (!profile) return false;
  const auto& prefixes = profile->as2->async_mdn_urls;
  return prefixes.empty() ||
         std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) { return url.starts_with(p); });
}

as2::As2Result Pipeline::receive_as2(const as2::ReceivedMessage& message) {
  Lock lock(mu_);
  const auto* partner = partner_by_as2_id(config_, message.as2_from);
  if (!partner) return as2::As2Result::rejected("unexpected-processing-error", "unknown AS2-From " + message.as2_from);
  const std::string now = clock_.iso_now();
  if (auto earlier = index_->as2_message("in", partner->id, message.message_id)) {
    archive::Index::Transaction tx(*index_);
    index_->add_event({0, earlier->file_id, 0, now, "duplicate",
                       fmt::format("AS2 message {} from {} received again: answered duplicate-document, not archived twice",
                                   message.message_id, message.as2_from)});
    tx.commit();
    return as2::As2Result::accepted("duplicate-document");
  }
  // Published before the index commit that refers to it (record_receipts publishes again: a no-op).
  std::vector<archive::Staged> payload{store_->stage_bytes(message.payload)};
  Receipt r;
  r.partner = partner->id;
  r.channel = "as2:" + message.as2_from;
  r.source_name = safe_source_name(message);
  r.staged = payload.front();
  r.staged.source_moved = true;  // nothing left at a source to remove
  r.record_with = [&](std::int64_t file_id) {
    archive::As2MessageRecord row;
    row.file_id = file_id;
    row.partner = partner->id;
    row.direction = "in";
    row.message_id = message.message_id;
    row.mic = message.mic;
    row.mdn_mode = !message.mdn.requested ? "none" : message.mdn.async ? "async" : "sync";
    row.state = archive::As2State::received;
    row.sent_at = row.updated_at = now;
    row.detail = fmt::format("{}{}{}", message.was_signed ? "signed" : "unsigned",
                             message.was_encrypted ? ", encrypted" : "", message.signer_subject.empty() ? "" : " by " + message.signer_subject);
    index_->add_as2_message(row);
  };
  store_->publish(payload);
  std::vector<Receipt> receipts;
  receipts.push_back(std::move(r));
  RunSummary summary;
  for (const auto& file : intake_->record_receipts(receipts, summary)) as2_received_.push_back(file.id);
  return as2::As2Result::accepted();
}

void Pipeline::receive_mdn(const as2::Headers& headers, const std::string& body) {
  Lock lock(mu_);
  const std::string now = clock_.iso_now();
  const std::string original = as2::peek_mdn_original_message_id(headers, body);
  std::vector<archive::Staged> mdn{store_->stage_bytes(mime_bytes(headers, body))};
  const std::string sha = mdn.front().sha256;
  store_->publish(mdn);  // durable before the commit below refers to it
  RunSummary summary;
  auto rows = index_->as2_messages_by_id("out", original);
  archive::Index::Transaction tx(*index_);
  const auto* sender = partner_by_as2_id(config_, headers.get("AS2-From"));
  // The same Message-ID may have gone to several partners (it should not): prefer the sender's.
  std::stable_partition(rows.begin(), rows.end(), [&](const auto& r) { return sender && r.partner == sender->id; });
  const auto* partner = rows.empty() ? sender : config_.partners.find(rows.front().partner);
  if (rows.empty() || !partner || !config_.as2_partners.count(partner->id)) {
    raise(summary, exception_record(partner ? partner->id : "", rows.empty() ? 0 : rows.front().file_id, "unmatched_mdn",
                    fmt::format("an AS2 MDN from '{}' for Message-ID '{}', {}; archived as {}", headers.get("AS2-From"),
                                original, rows.empty() ? "which we never sent" : "whose partner has no AS2 agreement now",
                                sha)));
    tx.commit();
    return;
  }
  auto row = rows.front();
  if (row.state != archive::As2State::awaiting_mdn && row.state != archive::As2State::mdn_overdue) {
    index_->add_event({0, row.file_id, 0, now, "as2_mdn",
                       fmt::format("another MDN for {} (already {}), archived as {}, ignored", row.message_id,
                                   to_string(row.state), sha)});
    tx.commit();
    return;
  }
  auto to = as2_sending_partner(*partner->as2, config_.as2_partners.at(partner->id));
  auto verdict = mdn_verdict(row, as2::verify_mdn(headers, body, to, row.message_id, row.mic, clock_.now()));
  const bool was_overdue = row.state == archive::As2State::mdn_overdue;
  row.detail = verdict.detail;
  row.mdn_sha256 = sha;
  index_->transition_as2_message(
      row, verdict.state,
      {now, "as2_mdn", fmt::format("{} {}: {}", row.message_id, to_string(verdict.state), row.detail)});
  if (was_overdue)
    for (const auto& e : index_->exceptions_of_file(row.file_id))
      if (e.kind == "mdn_overdue" && e.state == archive::ExceptionState::open &&
          e.reason.find(row.message_id) != std::string::npos)
        index_->close_exception(e.id, archive::ExceptionState::resolved, "edihub",
                                "MDN arrived late: " + std::string(to_string(row.state)), now);
  if (verdict.problem) raise(summary, std::move(*verdict.problem));
  tx.commit();
}

void Pipeline::record_sent_mdn(const as2::ReceivedMessage& message, const std::string& disposition,
                               const as2::BuiltMdn& mdn) {
  Lock lock(mu_);
  const auto* partner = partner_by_as2_id(config_, message.as2_from);
  auto row = partner ? index_->as2_message("in", partner->id, message.message_id) : std::nullopt;
  if (!row) return;
  std::vector<archive::Staged> bytes{store_->stage_bytes(mime_bytes(mdn.headers, mdn.body))};
  const std::string sha = bytes.front().sha256;
  store_->publish(bytes);  // durable before the commit below refers to it
  archive::Index::Transaction tx(*index_);
  const std::string now = clock_.iso_now();
  if (row->mdn_sha256.empty()) {  // the first answer; a duplicate's MDN is kept by its event
    row->mdn_sha256 = sha;
    row->updated_at = now;
    index_->update_as2_message(*row);
  }
  index_->add_event({0, row->file_id, 0, now, "as2_mdn_sent",
                     fmt::format("MDN for {} ({}): {}, archived as {}", message.message_id,
                                 message.mdn.async ? "async" : "sync", disposition, sha)});
  tx.commit();
}

as2::As2ServerConfig Pipeline::as2_server_config() {
  const auto& settings = config_.as2.value();
  as2::As2ServerConfig c;
  c.address = settings.address;
  c.port = settings.port;
  c.identity = settings.identity;
  c.max_body_bytes = settings.max_body_bytes;
  c.max_concurrent_uploads = settings.max_concurrent_uploads;
  c.spool_dir = (config_.archive_dir / "as2-uploads").string();
  c.read_timeout = settings.read_timeout;
  c.health_path = "";  // /healthz is the service's own endpoint
  if (settings.tls)
    c.tls = as2::As2ServerConfig::Tls{settings.tls->cert.string(), settings.tls->key.string(), settings.tls->key_passphrase};
  c.find_partner = [this](const std::string& from) { return as2_partner(from); };
  c.async_url_allowed = [this](const as2::As2Partner& p, const std::string& url) { return as2_async_url_allowed(p, url); };
  c.handler = [this](const as2::ReceivedMessage& m) { return receive_as2(m); };
  c.on_mdn = [this](const as2::Headers& h, const std::string& body) { receive_mdn(h, body); };
  c.on_mdn_built = [this](const as2::ReceivedMessage& m, const std::string& disposition, const as2::BuiltMdn& mdn) {
    record_sent_mdn(m, disposition, mdn);
  };
  return c;
}

}  // namespace edihub::hub
