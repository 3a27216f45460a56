// The segment groups of the EDIFACT messages the mappings read, as `each:` and `in:` need
// them: a group is named by its trigger segment (DESADV SG17 by LIN) and runs until the
// next segment that is not one of its members (nested groups' segments included); the
// next trigger starts the next repetition. Group extents follow the UN/EDIFACT message
// structures (D96A and D01B lay these groups out the same way; members present in only one
// of them are listed, since a member that never occurs ends nothing).
//
// Kept here, per message, rather than derived from formats/schema.h: a mapping needs only
// trigger and membership, and must not depend on a schema being installed for every
// directory the partner sends; docs/mapping-language.md says so.
#pragma once

#include <string_view>

namespace edihub::mapping {

// Whether a segment tagged `tag` continues the group `trigger` opened in message `message`
// ("DESADV", "LIN", "PIA" -> true; "DESADV", "LIN", "CNT" -> false). A tag that opens no
// group of the message is a group of one segment; so is any group of an unknown message.
bool in_edifact_group(std::string_view message, std::string_view trigger, std::string_view tag);

// What mapping files name an EDIFACT message by: a message type (six capitals, "DESADV")
// and a directory ("D96A", "D01B": version letter, two digits, release letter).
bool is_message_type(std::string_view text);
bool is_directory(std::string_view text);

}  // namespace edihub::mapping
