// Transaction set rows as the index keeps them: the idempotency key of an inbound set,
// a set's row read from a parsed group, and the rows of an interchange we built and
// queued (acknowledgments and outbound documents alike).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "archive/index.h"
#include "formats/business_keys.h"
#include "formats/parsed_file.h"
#include "hub/clock.h"
#include "partners/profile.h"

namespace edihub::hub {

// partner/ISA13/GS06/ST02 (EDIFACT: partner/UNB 0020[/UNG 0048]/UNH 0062): what makes an
// inbound set unique, and names its ERP delivery.
std::string idempotency_key(const std::string& partner, const std::string& isa13, const std::string& gs06,
                            const std::string& st02);

// A transaction set's index row (status, key, target are the caller's).
archive::TransactionSetRecord set_record(std::int64_t file_id, std::int64_t interchange_id, std::int64_t group_id,
                                         const std::string& partner, const x12::InterchangeHeader& interchange,
                                         const x12::GroupHeader& group, const x12::TransactionSet& set,
                                         const std::string& now, const std::string& direction);

// A set the hub archives but does not process (a duplicate, or from an unknown partner):
// its row, received then `status` with the event `why`, and its business keys, so
// `archive query --key` finds it. `rec.idempotency_key` must not be an original set's;
// a row already there (the same file run again) is left as it is.
void record_unprocessed_set(archive::Index& index, archive::TransactionSetRecord rec, archive::SetStatus status,
                            const BusinessKeys& keys, const std::string& now, const std::string& why);

// Records the interchange, groups and sets (status queued) of a file we built and queued
// (direction out), inside the caller's transaction; each set's idempotency key is
// `key_prefix` (+ "/ST02" when the group has several).
std::vector<archive::TransactionSetRecord> record_sent(archive::Index& index, const Clock& clock,
                                                       const partners::Profile& partner, const archive::FileRecord& out,
                                                       const std::string& bytes, const std::string& key_prefix);

}  // namespace edihub::hub
