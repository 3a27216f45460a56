// partner new: onboards a partner from a sample document. It reads what the sample tells
// (format, delimiters, versions, ids, transaction sets), writes the partner's profile, a
// mapping for every set that has a standard mapping and the partner's folders, then checks
// the config folder as `edihub check` does. Nothing is written when anything is refused.
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "formats/edifact.h"
#include "formats/edifact_envelope.h"
#include "formats/edifact_reader.h"
#include "formats/parsed_file.h"
#include "formats/xml.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/cli/standard_mappings.h"
#include "mappings/mapping.h"

namespace edihub::hub {

namespace fs = std::filesystem;

namespace {

// Onboarding refused: the sample, the id or an existing file is in the way (exit 2).
class Refused : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What a sample document tells about the partner who sent it.
struct SampleFacts {
  std::string format;                           // "X12", "EDIFACT" or "XML"
  x12::Delimiters delimiters;
  bool line_breaks = false;                     // a newline follows each segment terminator
  std::string isa_version;                      // ISA12; EDIFACT: the syntax version (UNB S001/0002)
  std::string syntax_identifier;                // EDIFACT: UNB S001/0001, e.g. UNOC
  std::string group_version;                    // GS08 of the first group
  std::string sender_qualifier, sender_id;      // ISA05/ISA06; EDIFACT UNB S002 0007/0004
  std::string receiver_qualifier, receiver_id;  // ISA07/ISA08; EDIFACT UNB S003
  std::string group_sender, group_receiver;     // GS02/GS03; EDIFACT UNG (empty without one)
  std::map<std::string, std::size_t> set_counts;                 // ST01 (EDIFACT: message type) -> sets
  std::map<std::string, std::set<std::string>> set_versions;     // ST01 -> GS08s; message type -> directories (D96A)
  std::vector<std::string> warnings;            // envelope issues, with their positions
  // XML samples: what formats/xml.h tells (set_counts and set_versions hold the document type).
  std::string standard, document_type, document_id, xml_version;
  std::vector<xml::PartyId> senders, receivers;

  bool is_xml() const { return format == "XML"; }
  bool is_edifact() const { return format == "EDIFACT"; }
};

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Refused(path.string() + ": cannot be read");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// An X12 or EDIFACT sample: its first interchange's sender and receiver (ISA, or UNB and
// UNG), the transaction sets or messages it holds and their versions.
SampleFacts read_interchange_sample(const fs::path& file, const std::string& bytes, bool edifact) {
  const char* standard = edifact ? "EDIFACT" : "X12";
  x12::ParsedFile parsed;
  try {
    parsed = x12::parse_bytes(bytes);
  } catch (const x12::UnusableInput& e) {
    throw Refused(fmt::format("{}: unusable {} at segment {}, byte {}: {}", file.string(), standard, e.segment,
                              e.byte_offset, e.what()));
  }
  if (parsed.interchanges.empty() || parsed.interchanges.front().groups.empty())
    throw Refused(file.string() + (edifact ? ": no message (UNH ... UNT) in the sample"
                                           : ": no functional group (GS ... GE) in the sample"));
  SampleFacts facts;
  facts.format = standard;
  const auto& first = parsed.interchanges.front();
  const auto& h = first.header;
  facts.delimiters = h.delimiters;
  if (!edifact) {
    const std::size_t after_terminator = h.byte_offset + 105 + h.delimiters.segment.size();
    facts.line_breaks = h.delimiters.segment.find('\n') == std::string::npos && after_terminator < bytes.size() &&
                        (bytes[after_terminator] == '\n' || bytes[after_terminator] == '\r');
  }
  facts.isa_version = h.version;
  facts.syntax_identifier = h.syntax_identifier;
  facts.sender_qualifier = h.sender_qualifier;
  facts.sender_id = h.sender_id;
  facts.receiver_qualifier = h.receiver_qualifier;
  facts.receiver_id = h.receiver_id;
  const auto& group = first.groups.front().header;
  if (!group.implicit) {
    facts.group_sender = group.sender;
    facts.group_receiver = group.receiver;
  }
  facts.group_version = group.version;
  for (const auto& interchange : parsed.interchanges) {
    if (interchange.header.sender_id != h.sender_id)
      facts.warnings.push_back(fmt::format("segment {} {}: another sender {} than the first interchange's {}; the profile "
                                           "names only {}", interchange.header.segment_number, edifact ? "UNB0004" : "ISA06",
                                           interchange.header.sender_id, h.sender_id, h.sender_id));
    for (const auto& g : interchange.groups)
      for (const auto& set : g.sets) {
        facts.set_counts[set.id]++;
        facts.set_versions[set.id].insert(edifact ? set.message_version : g.header.version);
      }
  }
  for (const auto& issue : parsed.issues)
    facts.warnings.push_back(fmt::format("segment {}{}: {}", issue.segment, issue.element.empty() ? "" : " " + issue.element,
                                         issue.message));
  return facts;
}

SampleFacts read_xml_sample(const fs::path& file, std::string bytes) {
  std::unique_ptr<xml::Document> doc;
  try {
    doc = xml::parse(std::move(bytes));
  } catch (const xml::XmlError& e) {
    throw Refused(fmt::format("{}: not a usable XML document: {}", file.string(), e.what()));
  }
  if (doc->senders.empty())
    throw Refused(fmt::format("{}: XML {} names no sender party (cXML From/Sender credential, UBL or GS1 party id), so "
                              "documents could not be routed by it; write the profile by hand (docs/partners.md)",
                              file.string(), doc->type));
  SampleFacts facts;
  facts.format = "XML";
  facts.standard = doc->standard;
  facts.document_type = doc->type;
  facts.document_id = doc->document_id;
  facts.xml_version = doc->version;
  facts.senders = doc->senders;
  facts.receivers = doc->receivers;
  facts.sender_id = doc->senders.front().id;
  facts.set_counts[doc->type] = 1;
  facts.set_versions[doc->type].insert(doc->version);
  return facts;
}

// The sample's format and what it tells.
SampleFacts read_sample(const fs::path& file) {
  std::string bytes = read_bytes(file);
  if (xml::looks_like_xml(bytes)) return read_xml_sample(file, std::move(bytes));
  std::size_t start = bytes.compare(0, 3, "\xEF\xBB\xBF") == 0 ? 3 : 0;
  start = bytes.find_first_not_of(" \t\r\n", start);
  if (start != std::string::npos && bytes.compare(start, 3, "ISA") == 0) return read_interchange_sample(file, bytes, false);
  if (edifact::looks_like_edifact(bytes)) return read_interchange_sample(file, bytes, true);
  throw Refused(fmt::format("{}: byte {}: not a document edihub reads (expected an X12 interchange starting with ISA, an "
                            "EDIFACT one starting with UNA or UNB, or XML)",
                            file.string(), start == std::string::npos ? bytes.size() : start));
}

// "ACME Corp#1" -> "acme-corp-1".
std::string id_from(const std::string& sender_id) {
  std::string id;
  for (char c : sender_id) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool plain = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (plain) id += c;
    else if (!id.empty() && id.back() != '-') id += '-';
  }
  while (!id.empty() && id.back() == '-') id.pop_back();
  return id;
}

// A YAML double-quoted scalar (JSON string syntax is a subset of it).
std::string quoted(const std::string& text) { return nlohmann::json(text).dump(); }

// A standard mapping chosen for one of the sample's transaction sets.
struct Adopted {
  std::string transaction_set;               // ST01
  std::vector<std::string> versions;         // the sample's GS08s for it
  std::string standard_name;                 // e.g. x12-856-inbound-delivery.yaml
  std::string text;                          // its YAML
  fs::path shared_file, partner_file;        // relative to the config folder
};

// The partner's own mapping file: a thin override of the shared copy of the standard
// mapping (`extends:`, docs/mapping-language.md), empty until the partner differs.
std::string partner_mapping_text(const Adopted& a, const std::string& partner_id) {
  return fmt::format("# Mapping of {} for partner {}: written by `edihub partner new`. It is the standard\n"
                     "# mapping {} until you add what differs for this partner (fields:,\n"
                     "# remove:, tables:, keys:; docs/mapping-language.md, \"Partner overrides\"). `edihub\n"
                     "# mapping run` and `edihub mapping diff` show what an edit changes.\n"
                     "extends: {}\n",
                     a.transaction_set, partner_id, a.standard_name,
                     a.shared_file.lexically_relative(a.partner_file.parent_path()).string());
}

// A partner mapping file's label: "DespatchAdvice" -> "despatchadvice", "DESADV" -> "desadv".
std::string lowercase(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<Adopted> adopt_standard_mappings(const SampleFacts& facts, const std::string& id) {
  std::vector<Adopted> adopted;
  for (const auto& [name, text] : standard_mapping_files()) {
    auto mapping = mapping::Mapping::load(text, "mappings/standard/" + name);
    const auto& source = mapping->source();
    if (facts.is_xml()) {
      if (source.format != "xml" || source.document != facts.document_type ||
          (!source.standard.empty() && source.standard != facts.standard))
        continue;
      adopted.push_back({facts.document_type, {}, name, text, fs::path("mappings/shared") / name,
                         fs::path("mappings") / (id + "-" + lowercase(facts.document_type) + ".yaml")});
      continue;
    }
    if (source.format != (facts.is_edifact() ? "edifact" : "x12")) continue;
    auto versions = facts.set_versions.find(source.transaction_set);
    if (versions == facts.set_versions.end()) continue;
    std::vector<std::string> accepted;  // GS08s by prefix; EDIFACT directories exactly
    for (const auto& gs08 : versions->second)
      for (const auto& v : source.versions)
        if (facts.is_edifact() ? gs08 == v : gs08.compare(0, v.size(), v) == 0) {
          accepted.push_back(gs08);
          break;
        }
    if (accepted.empty()) continue;
    adopted.push_back({source.transaction_set, accepted, name, text, fs::path("mappings/shared") / name,
                       fs::path("mappings") / (id + "-" + lowercase(source.transaction_set) + ".yaml")});
  }
  return adopted;
}

// An EDIFACT partner is routed by its UNB sender id; we answer as the recipient the sample
// addressed, in the sample's syntax. Delimiters are the UNA defaults (the writer's).
std::string edifact_profile_text(const SampleFacts& f, const std::string& id, const std::string& name, const fs::path& sample,
                                 const std::vector<Adopted>& adopted) {
  std::string group = f.group_sender.empty() ? "" : ", group_id: " + quoted(f.group_sender);
  std::string text = fmt::format(
      "# {}: written by `edihub partner new` from {} (EDIFACT {}:{}).\n"
      "# Keys: docs/partners.md.\n"
      "id: {}\n"
      "name: {}\n"
      "identities:\n"
      "  - {{unb_qualifier: {}, unb_id: {}{}}}\n"
      "inbound:\n"
      "  folder: {{path: inbox/{}}}\n"
      "outbound:         # our acknowledgments (and documents) go here\n"
      "  folder: {{path: outbox/{}}}\n"
      "erp:\n"
      "  folder: {{path: erp/{}}}\n"
      "envelope:         # we answer as the recipient the sample addressed, in its syntax\n"
      "  our_qualifier: {}\n"
      "  our_id: {}\n"
      "  syntax_identifier: {}\n"
      "  syntax_version: {}\n",
      name, sample.filename().string(), f.syntax_identifier, f.isa_version, id, quoted(name), quoted(f.sender_qualifier),
      quoted(f.sender_id), group, id, id, id, quoted(f.receiver_qualifier), quoted(f.receiver_id),
      quoted(f.syntax_identifier), f.isa_version == "4" ? "4" : "3");
  if (!adopted.empty()) {
    text += "mappings:\n";
    for (const auto& a : adopted)
      text += fmt::format("  - {{message: {}, versions: [{}], file: {}}}\n", a.transaction_set, fmt::join(a.versions, ", "),
                          a.partner_file.string());
  }
  return text;
}

// An XML partner is routed by its sender party ids and is not acknowledged (997s are X12).
std::string xml_profile_text(const SampleFacts& f, const std::string& id, const std::string& name, const fs::path& sample,
                             const std::vector<Adopted>& adopted) {
  std::string text = fmt::format(
      "# {}: written by `edihub partner new` from {} ({} {}).\n"
      "# Keys: docs/partners.md.\n"
      "id: {}\n"
      "name: {}\n"
      "identities:       # the sender party ids the sample carries\n",
      name, sample.filename().string(), f.standard.empty() ? "XML" : f.standard, f.document_type, id, quoted(name));
  for (const auto& party : f.senders)
    text += fmt::format("  - {{party_id: {}, scheme: {}}}\n", quoted(party.id), quoted(party.scheme));
  text += fmt::format("inbound:\n  folder: {{path: inbox/{}}}\nerp:\n  folder: {{path: erp/{}}}\n", id, id);
  if (!adopted.empty()) {
    text += "mappings:\n";
    for (const auto& a : adopted)
      text += fmt::format("  - {{document: {}, standard: {}, file: {}}}\n", quoted(a.transaction_set), quoted(f.standard),
                          a.partner_file.string());
  }
  return text;
}

std::string profile_text(const SampleFacts& f, const std::string& id, const std::string& name, const fs::path& sample,
                         const std::vector<Adopted>& adopted) {
  if (f.is_xml()) return xml_profile_text(f, id, name, sample, adopted);
  if (f.is_edifact()) return edifact_profile_text(f, id, name, sample, adopted);
  const auto& d = f.delimiters;
  std::string delimiters = fmt::format("element: {}, component: {}", quoted(std::string(1, d.element)),
                                       quoted(std::string(1, d.component)));
  if (d.repetition) delimiters += ", repetition: " + quoted(std::string(1, d.repetition));
  delimiters += ", segment: " + quoted(d.segment);
  std::string text = fmt::format(
      "# {}: written by `edihub partner new` from {} ({} {}).\n"
      "# Keys: docs/partners.md.\n"
      "id: {}\n"
      "name: {}\n"
      "identities:\n"
      "  - {{isa_qualifier: {}, isa_id: {}, group_id: {}}}\n"
      "inbound:\n"
      "  folder: {{path: inbox/{}}}\n"
      "outbound:         # our acknowledgments (and documents) go here\n"
      "  folder: {{path: outbox/{}}}\n"
      "erp:\n"
      "  folder: {{path: erp/{}}}\n"
      "envelope:         # we answer as the receiver the sample addressed, in the partner's delimiters\n"
      "  our_qualifier: {}\n"
      "  our_id: {}\n"
      "  our_group_id: {}\n"
      "  isa_version: {}\n"
      "  group_version: {}\n"
      "  delimiters: {{{}}}\n"
      "  line_breaks: {}\n",
      name, sample.filename().string(), f.format, f.isa_version, id, quoted(name), quoted(f.sender_qualifier),
      quoted(f.sender_id), quoted(f.group_sender), id, id, id, quoted(f.receiver_qualifier), quoted(f.receiver_id),
      quoted(f.group_receiver), quoted(f.isa_version), quoted(f.group_version), delimiters,
      f.line_breaks ? "true" : "false");
  if (!adopted.empty()) {
    text += "mappings:\n";
    for (const auto& a : adopted) {
      std::vector<std::string> versions;
      for (const auto& v : a.versions) versions.push_back(quoted(v));
      text += fmt::format("  - {{transaction_set: {}, versions: [{}], file: {}}}\n", quoted(a.transaction_set),
                          fmt::join(versions, ", "), a.partner_file.string());
    }
  }
  return text;
}

std::string parties(const std::vector<xml::PartyId>& list) {
  std::vector<std::string> out;
  for (const auto& p : list) out.push_back(p.scheme.empty() ? p.id : p.scheme + ":" + p.id);
  return out.empty() ? "none" : fmt::format("{}", fmt::join(out, ", "));
}

void print_facts(const SampleFacts& f, const fs::path& sample, std::ostream& out) {
  if (f.is_xml()) {
    out << fmt::format("{}: XML ({}{})\n", sample.string(), f.standard.empty() ? "" : f.standard + " ", f.document_type);
    out << fmt::format("  document id: {}, version {}\n", f.document_id.empty() ? "none" : f.document_id,
                       f.xml_version.empty() ? "not given" : f.xml_version);
    out << fmt::format("  sender: {}\n", parties(f.senders));
    out << fmt::format("  receiver: {}\n", parties(f.receivers));
    return;
  }
  std::vector<std::string> sets;
  for (const auto& [id, count] : f.set_counts) sets.push_back(fmt::format("{} x{}", id, count));
  if (f.is_edifact()) {
    std::set<std::string> directories;
    for (const auto& [set, list] : f.set_versions) directories.insert(list.begin(), list.end());
    out << fmt::format("{}: EDIFACT ({} syntax {})\n", sample.string(), f.syntax_identifier, f.isa_version);
    out << fmt::format("  directories: {}\n", fmt::join(directories, ", "));
    out << fmt::format("  sender: UNB S002 {}:{}{}\n", f.sender_id, f.sender_qualifier,
                       f.group_sender.empty() ? "" : ", UNG " + f.group_sender);
    out << fmt::format("  recipient: UNB S003 {}:{}\n", f.receiver_id, f.receiver_qualifier);
    out << fmt::format("  messages: {}\n", fmt::join(sets, ", "));
    for (const auto& w : f.warnings) out << "  warning: " << w << "\n";
    return;
  }
  const auto& d = f.delimiters;
  out << fmt::format("{}: {}\n", sample.string(), f.format);
  out << fmt::format("  delimiters: element {}, component {}, repetition {}, segment terminator {}{}\n",
                     quoted(std::string(1, d.element)), quoted(std::string(1, d.component)),
                     d.repetition ? quoted(std::string(1, d.repetition)) : "none", quoted(d.segment),
                     f.line_breaks ? " (a line break after each)" : "");
  std::set<std::string> versions;
  for (const auto& [set, gs08s] : f.set_versions) versions.insert(gs08s.begin(), gs08s.end());
  out << fmt::format("  versions: ISA12 {}, GS08 {}\n", f.isa_version, fmt::join(versions, ", "));
  out << fmt::format("  sender: ISA05/06 {}:{}, GS02 {}\n", f.sender_qualifier, f.sender_id, f.group_sender);
  out << fmt::format("  receiver: ISA07/08 {}:{}, GS03 {}\n", f.receiver_qualifier, f.receiver_id, f.group_receiver);
  out << fmt::format("  transaction sets: {}\n", fmt::join(sets, ", "));
  for (const auto& w : f.warnings) out << "  warning: " << w << "\n";
}

void write_new_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) throw std::runtime_error(path.string() + ": cannot be written");
}

}  // namespace

int command_partner_new(const PartnerNewOptions& o, std::ostream& out, std::ostream& err) {
  const fs::path dir = o.config_dir;
  try {
    // A config folder without partners/ gets its first partner: nobody to clash with, and
    // the check after writing reports anything else.
    std::optional<Config> config;
    if (fs::is_directory(dir / "partners")) try {
        config = Config::load(dir);
      } catch (const partners::ConfigError& e) {
        for (const auto& p : e.problems) err << p << "\n";
        throw Refused(fmt::format("{}: the configuration has {} problem(s); fix them before adding a partner",
                                  o.config_dir, e.problems.size()));
      }
    const auto facts = read_sample(o.sample);
    print_facts(facts, o.sample, out);

    const std::string id = o.id ? *o.id : id_from(facts.sender_id);
    if (id.empty() || id.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos)
      throw Refused(fmt::format("partner id '{}' (from {}) may hold only lowercase letters, digits, '_' and '-': "
                                "give one with --id", id, o.id ? "--id" : (facts.is_xml() ? "sender " : facts.is_edifact() ? "UNB sender " : "ISA06 ") + facts.sender_id));
    if (const auto* existing = config ? config->partners.find(id) : nullptr)
      throw Refused(fmt::format("{}: partner id '{}' is already taken", existing->file.string(), id));
    if (const auto* owner = config && facts.is_xml() ? config->partners.resolve_party(facts.senders) : nullptr)
      throw Refused(fmt::format("{}: sender party {} is already an identity of partner '{}' ({})", o.sample,
                                parties(facts.senders), owner->id, owner->file.string()));
    const auto standard = facts.is_edifact() ? x12::Standard::Edifact : x12::Standard::X12;
    if (const auto* owner = config && !facts.is_xml()
                                ? config->partners.resolve(standard, facts.sender_qualifier, facts.sender_id, facts.group_sender)
                                : nullptr)
      throw Refused(fmt::format("{}: {} {}:{} ({} {}) is already an identity of partner '{}' ({})", o.sample,
                                facts.is_edifact() ? "UNB S002" : "segment 1 ISA05/ISA06", facts.sender_qualifier,
                                facts.sender_id, facts.is_edifact() ? "UNG" : "GS02", facts.group_sender, owner->id,
                                owner->file.string()));

    const auto adopted = adopt_standard_mappings(facts, id);
    std::vector<std::pair<fs::path, std::string>> files{
        {fs::path("partners") / (id + ".yaml"), profile_text(facts, id, o.name.value_or(id), o.sample, adopted)}};
    for (const auto& a : adopted) {
      if (!fs::exists(dir / a.shared_file)) files.emplace_back(a.shared_file, a.text);
      files.emplace_back(a.partner_file, partner_mapping_text(a, id));
    }
    for (const auto& [path, text] : files)
      if (fs::exists(dir / path)) throw Refused(fmt::format("{}: already exists; not overwritten", (dir / path).string()));

    std::vector<fs::path> folders{fs::path("inbox") / id, fs::path("erp") / id};
    if (!facts.is_xml()) folders.push_back(fs::path("outbox") / id);  // our acknowledgments
    out << fmt::format("partner {}{}:\n", id, o.dry_run ? " (dry run: nothing written)" : "");
    for (const auto& [path, text] : files) {
      if (!o.dry_run) write_new_file(dir / path, text);
      out << fmt::format("  {} {}\n", o.dry_run ? "would write" : "wrote", path.string());
    }
    for (const auto& folder : folders) {
      if (!o.dry_run) fs::create_directories(dir / folder);
      out << fmt::format("  {} {}/\n", o.dry_run ? "would create" : "created", folder.string());
    }
    std::set<std::string> mapped;
    for (const auto& a : adopted) mapped.insert(a.transaction_set);
    for (const auto& [set, versions] : facts.set_versions)
      if (!mapped.count(set))
        out << fmt::format("  not mapped yet: {} ({}): no standard mapping for it\n", set, fmt::join(versions, ", "));
    if (o.dry_run) {
      out << "\n" << files.front().second;
      return 0;
    }
    out << "\n";
    return command_check(o.config_dir, false, out, err);
  } catch (const Refused& e) {
    err << "edihub partner new: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace edihub::hub
