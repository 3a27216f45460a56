// Adding to a partner's exception queue, and the rule for transport problems. A channel
// that cannot be used (its SFTP server unreachable, its host key changed, our login
// refused) is one open `transport_error` per partner and channel (SFTP or AS2), raised once while the
// problem lasts and resolved by the hub as soon as the channel works again: a server that
// is down for a day is one entry, not one per poll or send. The exception's reason starts
// with "<channel name>:", which is how it is found again. Inbound (pipeline_sftp.cc) and
// outbound (outbox_sftp.cc, outbox_as2.cc) channels share this, so all behave the same.
#pragma once

#include <optional>
#include <string>

#include "archive/index.h"
#include "hub/clock.h"
#include "transports/sftp.h"

namespace edihub::hub {

// Records `exception` and its event (inside the caller's transaction); returns it with
// its id and creation time filled in.
archive::ExceptionRecord record_exception(archive::Index& index, const Clock& clock, archive::ExceptionRecord exception);

// The open exception of `kind` for `partner` about `subject` (its reason starts with
// "<subject>:"), if any: how a lasting problem is found again.
std::optional<archive::ExceptionRecord> open_exception_about(const archive::Index& index, const std::string& partner,
                                                             const std::string& kind, const std::string& subject);

// Raises `kind` for `partner` with the reason "<subject>: <detail>" unless one about
// `subject` is open already (then nothing: a lasting problem is one entry). Returns the
// exception recorded, if any. resolve_exception_about closes it once the problem is gone.
std::optional<archive::ExceptionRecord> raise_once(archive::Index& index, const Clock& clock, const std::string& partner,
                                                   const std::string& kind, const std::string& subject,
                                                   const std::string& detail);
void resolve_exception_about(archive::Index& index, const Clock& clock, const std::string& partner,
                             const std::string& kind, const std::string& subject, const std::string& how);

// The open transport_error of `partner`'s `channel`, if any.
std::optional<archive::ExceptionRecord> open_transport_error(const archive::Index& index, const std::string& partner,
                                                             const std::string& channel);

// The transport_error to raise for `error` on `partner`'s `channel`, or nothing when one
// is already open for it. `next` says what happens next for a retryable error, e.g.
// "polled again on the next run".
std::optional<archive::ExceptionRecord> transport_error(const archive::Index& index, const std::string& partner,
                                                        const std::string& channel, const transports::SftpError& error,
                                                        const std::string& next);

// Resolves the open transport_error of `partner`'s `channel`, if any: the channel works
// again (`how` becomes the note). Inside the caller's transaction.
void resolve_transport_error(archive::Index& index, const Clock& clock, const std::string& partner,
                             const std::string& channel, const std::string& how);

}  // namespace edihub::hub
