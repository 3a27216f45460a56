// mapping run: one mapping file tried on one document, outside the pipeline (nothing is
// archived or delivered). The result is built as JSON first; the text output renders it.
#include <fstream>
#include <functional>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "formats/interchange_checker.h"
#include "formats/x12_writer.h"
#include "formats/xml.h"
#include "hub/pipeline/archive_lookup.h"
#include "hub/cli/commands.h"
#include "hub/config.h"
#include "hub/pipeline/validation_text.h"
#include "hub/pipeline/x12_file.h"
#include "hub/text_escape.h"
#include "mappings/outbound.h"

namespace edihub::hub {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

namespace {

// A mapping file or document that cannot be used at all (exit 2).
class Unusable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Unusable(path.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What a mapping run can use from the config folder.
struct Setting {
  const Config& config;
  const MappingRunOptions& options;
  const archive::Index* index;  // nullptr: nothing archived yet, lookups find nothing
};

const partners::Profile* named_partner(const Setting& s) {
  if (!s.options.partner) return nullptr;
  const auto* partner = s.config.partners.find(*s.options.partner);
  if (!partner) throw Unusable(fmt::format("--partner {}: no such partner in {}/partners", *s.options.partner, s.options.config_dir));
  return partner;
}

// Outbound mappings read ERP transactions (source format erp); every other mapping file
// is an inbound one, whose loader reports what is wrong with it.
bool is_outbound_mapping(const std::string& yaml_text) {
  try {
    auto format = YAML::Load(yaml_text)["source"]["format"];
    return format.IsScalar() && format.as<std::string>() == "erp";
  } catch (const YAML::Exception&) {
    return false;
  }
}

ordered_json keys_object(const std::vector<std::pair<std::string, std::string>>& keys) {
  ordered_json j = ordered_json::object();
  for (const auto& [name, value] : keys) j[name].push_back(value);
  return j;
}

std::string keys_line(const ordered_json& keys) {
  std::string line;
  for (const auto& [name, values] : keys.items())
    for (const auto& value : values) line += (line.empty() ? "" : " ") + name + "=" + value.get<std::string>();
  return line.empty() ? "(none)" : line;
}

bool accepts(const mapping::Source& source, const std::string& set_id, const std::string& gs08) {
  if (set_id != source.transaction_set) return false;
  if (source.versions.empty()) return true;
  for (const auto& v : source.versions)
    if (gs08.compare(0, v.size(), v) == 0) return true;
  return false;
}

// The outcome of one evaluation in `entry`: mapped (target, keys, transaction) or error.
void record_result(ordered_json& entry, const mapping::Mapping& mapping, const std::function<mapping::Result()>& evaluate) {
  try {
    auto result = evaluate();
    entry["status"] = "mapped";
    entry["target"] = mapping.target();
    entry["keys"] = keys_object(result.keys);
    entry["transaction"] = result.transaction;
  } catch (const mapping::MappingError& e) {
    entry["status"] = "error";
    entry["error"] = e.what();
  }
}

// Every transaction set of an X12 file: mapped, skipped (another set or version) or
// failed, each as its SE is read (the file is never held whole).
class SetMapper : public x12::EnvelopeListener {
 public:
  SetMapper(const mapping::Mapping& mapping, const Setting& s, ordered_json& sets) : mapping_(mapping), s_(s), sets_(sets) {}

  void take_transaction_set(const x12::InterchangeHeader& raw_h, const x12::GroupHeader& raw_g,
                            x12::TransactionSet&& set) override {
    const auto* named = named_partner(s_);
    const auto* partner = named ? named : s_.config.partners.resolve(raw_h, raw_g.sender);
    // Mapped as the pipeline maps it: in UTF-8 from the partner's `encoding:`.
    const x12::Charset& charset = partner ? partner->charset_of(raw_h) : x12::Charset::utf8();
    x12::InterchangeHeader h = raw_h;
    x12::GroupHeader g = raw_g;
    x12::decode_to_utf8(h, charset);
    x12::decode_to_utf8(g, charset);
    x12::decode_to_utf8(set, charset);
    mapping::Lookup lookup;
    if (s_.index && partner) lookup = archive_lookup(*s_.index, partner->id);
    mapping::Context context{&h, &g, partner ? partner->id : "", s_.index && partner ? &lookup : nullptr};
    ordered_json entry{{"transaction_set", set.id},
                       {"control", set.control_number},
                       {"interchange_control", h.control_number},
                       {"group_control", g.control_number},
                       {"version", g.version},
                       {"segment", set.first_segment},
                       {"partner", partner ? partner->id : ""}};
    if (set.truncated) {
      entry["status"] = "error";
      entry["error"] = fmt::format("{} bytes, more than limits.max_transaction_set_bytes ({}): not read", set.bytes,
                                   s_.config.max_transaction_set_bytes);
    } else if (!accepts(mapping_.source(), set.id, g.version)) {
      entry["status"] = "skipped";
      entry["reason"] = fmt::format("the mapping takes {} {}", mapping_.source().transaction_set,
                                    fmt::join(mapping_.source().versions, "|"));
    } else {
      const mapping::CodeTables no_tables;
      record_result(entry, mapping_, [&] { return mapping_.evaluate(set, context, partner ? partner->code_tables : no_tables); });
    }
    sets_.push_back(std::move(entry));
  }

 private:
  const mapping::Mapping& mapping_;
  const Setting& s_;
  ordered_json& sets_;
};

ordered_json map_x12_document(const mapping::Mapping& mapping, const fs::path& file, const Setting& s) {
  ordered_json sets = ordered_json::array();
  SetMapper mapper(mapping, s, sets);
  x12::InterchangeChecker checker(&mapper, s.config.max_transaction_set_bytes);
  try {
    stream_x12_file(file, checker);
    checker.finish();
  } catch (const x12::UnusableInput& e) {
    throw Unusable(fmt::format("{}: unusable X12 at segment {}, byte {}: {}", file.string(), e.segment, e.byte_offset, e.what()));
  }
  if (checker.counts().interchanges == 0) throw Unusable(file.string() + ": no interchange (ISA ... IEA or UNB ... UNZ) in it");
  return sets;
}

// One XML document: mapped, skipped (another document type or standard) or failed.
ordered_json map_xml_document(const mapping::Mapping& mapping, std::string bytes, const fs::path& file, const Setting& s) {
  std::unique_ptr<xml::Document> doc;
  try {
    doc = xml::parse(std::move(bytes));
  } catch (const xml::XmlError& e) {
    throw Unusable(fmt::format("{}: not a usable XML document: {}", file.string(), e.what()));
  }
  const auto* partner = named_partner(s);
  if (!partner) partner = s.config.partners.resolve_party(doc->senders);
  mapping::Lookup lookup;
  if (s.index && partner) lookup = archive_lookup(*s.index, partner->id);
  ordered_json entry{{"transaction_set", doc->type},
                     {"control", doc->document_id},
                     {"standard", doc->standard},
                     {"partner", partner ? partner->id : ""}};
  const auto& source = mapping.source();
  if (doc->type != source.document || (!source.standard.empty() && doc->standard != source.standard)) {
    entry["status"] = "skipped";
    entry["reason"] = fmt::format("the mapping takes {} {}", source.standard, source.document);
    return ordered_json::array({entry});
  }
  mapping::Context context{nullptr, nullptr, partner ? partner->id : "", s.index && partner ? &lookup : nullptr};
  record_result(entry, mapping, [&] { return mapping.evaluate(*doc, context, partner ? partner->code_tables : mapping::CodeTables{}); });
  return ordered_json::array({entry});
}

// The transaction sets (X12) or the document (XML) a file holds, for an inbound mapping
// of the same format.
ordered_json map_inbound_document(const mapping::Mapping& mapping, const fs::path& file, const Setting& s) {
  std::string bytes = read_text(file);
  const bool is_xml = xml::looks_like_xml(bytes);
  if (is_xml != (mapping.source().format == "xml"))
    throw Unusable(fmt::format("{}: the mapping reads {} documents but {} is {}", mapping.file_name(),
                               mapping.source().format == "xml" ? "XML" : "X12", file.string(), is_xml ? "XML" : "not XML"));
  return is_xml ? map_xml_document(mapping, std::move(bytes), file, s) : map_x12_document(mapping, file, s);
}

// The X12 body an outbound mapping builds from an ERP transaction (one entry).
ordered_json map_erp_document(const mapping::OutboundMapping& mapping, const fs::path& file, const Setting& s) {
  const std::string text = read_text(file);
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    throw Unusable(fmt::format("{}: {}: not JSON: {}", file.string(), json_position(text, e.byte), e.what()));
  }
  if (!doc.is_object()) throw Unusable(file.string() + ": line 1: an ERP transaction must be a JSON object");
  const auto* partner = named_partner(s);
  x12::Delimiters delimiters = partner ? partner->envelope.delimiters : partners::Envelope{}.delimiters;
  ordered_json entry{{"transaction_set", mapping.transaction_set()},
                     {"source", mapping.source_type()},
                     {"partner", partner ? partner->id : ""}};
  try {
    auto output = mapping.evaluate(doc, partner ? partner->code_tables : mapping::CodeTables{}, delimiters);
    ordered_json segments = ordered_json::array();
    for (const auto& segment : output.segments) {
      std::string line;
      x12::Writer(line, delimiters).segment(segment.tag, segment.elements);
      segments.push_back(line);
    }
    entry["status"] = "mapped";
    entry["keys"] = keys_object(output.keys);
    entry["segments"] = segments;
  } catch (const mapping::MappingError& e) {
    entry["status"] = "error";
    entry["error"] = e.what();
  }
  return ordered_json::array({entry});
}

void print_run(const ordered_json& result, std::ostream& out) {
  std::size_t counts[3] = {0, 0, 0};
  for (const auto& set : result["sets"]) {
    const std::string status = set["status"];
    std::vector<std::string> about;
    if (set.contains("segment"))
      about = {fmt::format("segment {}", set["segment"].get<std::uint64_t>()),
               "interchange " + set["interchange_control"].get<std::string>(),
               "group " + set["group_control"].get<std::string>()};
    const std::string partner = set["partner"];
    about.push_back(partner.empty() ? "no partner" : "partner " + partner);
    const std::string where = fmt::format(" ({})", fmt::join(about, ", "));
    std::string head = set["transaction_set"];
    if (set.contains("control")) head += " " + set["control"].get<std::string>();
    if (status == "mapped") {
      ++counts[0];
      out << head << where << ": mapped"
          << (set.contains("target") ? " to " + set["target"].get<std::string>() : "") << "\n";
      out << "  keys: " << keys_line(set["keys"]) << "\n";
      if (set.contains("transaction")) {
        std::string body = dump_json(set["transaction"], 2);
        for (std::size_t at = body.find('\n'); at != std::string::npos; at = body.find('\n', at + 3)) body.insert(at + 1, "  ");
        out << "  " << body << "\n";
      }
      if (set.contains("segments"))
        for (const auto& segment : set["segments"]) out << "  " << segment.get<std::string>() << "\n";
    } else if (status == "skipped") {
      ++counts[1];
      out << head << where << ": skipped, " << set["reason"].get<std::string>() << "\n";
    } else {
      ++counts[2];
      out << head << where << ": error: " << set["error"].get<std::string>() << "\n";
    }
  }
  out << fmt::format("{} mapped, {} skipped, {} error(s)\n", counts[0], counts[1], counts[2]);
}

}  // namespace

int command_mapping_run(const MappingRunOptions& o, std::ostream& out, std::ostream& err) {
  std::optional<Config> config;
  try {
    config = Config::load(o.config_dir);
  } catch (const partners::ConfigError& e) {
    for (const auto& p : e.problems) err << p << "\n";
    return 2;
  }
  std::unique_ptr<archive::Index> index;
  if (fs::exists(config->index_file())) index = archive::Index::open(config->index_file());
  Setting setting{*config, o, index.get()};
  ordered_json result{{"mapping", o.mapping}, {"document", o.file}};
  try {
    const std::string yaml_text = read_text(o.mapping);
    if (is_outbound_mapping(yaml_text)) {
      result["direction"] = "outbound";
      result["sets"] = map_erp_document(*mapping::OutboundMapping::load(yaml_text, o.mapping), o.file, setting);
    } else {
      result["direction"] = "inbound";
      result["sets"] = map_inbound_document(*mapping::Mapping::load(yaml_text, o.mapping), o.file, setting);
    }
  } catch (const mapping::MappingFileError& e) {
    err << e.what() << "\n";
    return 2;
  } catch (const Unusable& e) {
    err << e.what() << "\n";
    return 2;
  }
  bool failed = false;
  for (const auto& set : result["sets"]) failed = failed || set["status"] == "error";
  if (o.json)
    out << dump_json(result, 2) << "\n";
  else
    print_run(result, out);
  return failed ? 1 : 0;
}

}  // namespace edihub::hub
