// AS2 glue shared by the outbox and the pipeline: a partner profile's AS2 agreement
// (partners::As2Agreement, file paths only) turned into the transport's As2Partner with its
// certificates loaded (by Config::load, so a missing or unreadable certificate is a
// file:line problem in `check`), and what a partner's MDN means for our message's row.
#pragma once

#include "archive/index.h"

#include <optional>
#include <string>
#include <vector>

#include "partners/profile.h"
#include "transports/as2.h"

namespace edihub::hub {

// `our_async_mdn_url` is edihub.yaml's as2.async_mdn_url (needed when the agreement asks for
// async MDNs). Problems are appended as "file:line: message"; nullopt when any was found.
std::optional<transports::as2::As2Partner> as2_partner_of(const partners::Profile& profile,
                                                          const std::string& our_async_mdn_url,
                                                          std::vector<std::string>& problems);

// The As2Partner we send with: `inbound` (from as2_partner_of) with the agreement's
// sending options (sign, encrypt) instead of the inbound requirements.
transports::as2::As2Partner as2_sending_partner(const partners::As2Agreement& agreement,
                                                transports::as2::As2Partner inbound);

// An open exception (created_at is set by whoever raises it).
archive::ExceptionRecord exception_record(const std::string& partner, std::int64_t file_id, std::string kind,
                                          std::string reason);

// An MDN (headers + body) as one byte string, the form archived in the raw store.
std::string mime_bytes(const transports::as2::Headers& headers, const std::string& body);

// What verify_mdn's result does to an outbound row: state delivered, negative_mdn (the
// partner's disposition is not processed) or mdn_mismatch (MIC, signature, Message-ID or
// form wrong); the last two come with an as2_mdn exception explaining it.
struct MdnVerdict {
  archive::As2State state = archive::As2State::delivered;
  std::string detail;
  std::optional<archive::ExceptionRecord> problem;
};
MdnVerdict mdn_verdict(const archive::As2MessageRecord& row, const transports::as2::MdnResult& mdn);

}  // namespace edihub::hub
