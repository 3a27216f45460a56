// The segment groups of the EDIFACT messages mappings read, as `each:` and `in:` need them:
// a group is named by its trigger segment (DESADV SG17 by LIN) and runs until the next
// segment that is not one of its members (nested groups' segments included); the next
// trigger starts the next repetition.
//
// Taken from the message structures of the schema library (formats/schema.h,
// SchemaLibrary::builtin(), formats/schemas/edifact-*.yaml), so the mappings and the
// validator agree on where a group ends. Group numbers differ between directories, so
// groups are known by trigger; a trigger that opens groups at several levels (RFF in SG1
// and in a line) holds the members of all of them. docs/mapping-language.md says why.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

namespace edihub::mapping {

class EdifactGroups {
 public:
  // The groups of `message` as the schema of `directory` structures them, else as another
  // directory's schema of the message does; none (every segment alone) without a schema.
  // Built once per message and directory; safe to call from several threads.
  static const EdifactGroups& of(std::string_view message, std::string_view directory);

  // Whether a segment tagged `tag` continues a group `trigger` opened: LIN, PIA -> true;
  // LIN, CNT -> false. A tag that opens no group is a group of one segment.
  bool continues(std::string_view trigger, std::string_view tag) const;

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> members_;  // trigger -> tags inside
};

// What mapping files name an EDIFACT message by: a message type (six capitals, "DESADV")
// and a directory ("D96A", "D01B": version letter, two digits, release letter).
bool is_message_type(std::string_view text);
bool is_directory(std::string_view text);

}  // namespace edihub::mapping
