// The `code_tables` and `mappings` sections: the partner's code tables and which mapping
// file applies to which transaction set and version, XML document, or ERP transaction
// (outbound), each checked against the mapping it names.
#include "partners/sections.h"

namespace edihub::partners {

namespace fs = std::filesystem;

namespace detail {

namespace {

// Every code table a mapping uses must be in the profile.
void check_code_tables(ProfileReader& r, const YAML::Node& entry, const fs::path& mapping_file,
                       const std::vector<std::string>& used, const Profile& profile) {
  for (const auto& table : used)
    if (!profile.code_tables.count(table))
      r.problem(entry, "mapping " + mapping_file.filename().string() + " uses code table '" + table +
                           "', which this profile does not define under code_tables");
}

void check_rule(ProfileReader& r, const MappingRule& rule, const Profile& profile, const YAML::Node& entry) {
  const auto& source = rule.mapping->source();
  const std::string name = rule.file.filename().string();
  if (!rule.document.empty()) {
    if (source.format != "xml")
      r.problem(entry, "mapping " + name + " reads X12 transaction set " + source.transaction_set + ", not XML documents");
    else if (source.document != rule.document || (!source.standard.empty() && source.standard != rule.standard))
      r.problem(entry, "mapping " + name + " is for " + (source.standard.empty() ? "" : source.standard + " ") +
                           source.document + ", not " + (rule.standard.empty() ? "" : rule.standard + " ") + rule.document);
  } else if (source.format == "xml") {
    r.problem(entry, "mapping " + name + " reads XML documents (" + source.document + "); name them with 'document:'");
  } else if (source.transaction_set != rule.transaction_set) {
    r.problem(entry, "mapping " + name + " is for transaction set " + source.transaction_set + ", not " +
                         rule.transaction_set);
  }
  check_code_tables(r, entry, rule.file, rule.mapping->code_tables_used(), profile);
}

}  // namespace

void read_code_tables(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) return r.problem(node, "'code_tables' must map table names to {partner code: our code}");
  for (const auto& table : node) {
    auto name = table.first.as<std::string>();
    if (!table.second.IsMap()) {
      r.problem(table.first, "code table '" + name + "' must map partner codes to our codes");
      continue;
    }
    auto& codes = profile.code_tables[name];
    for (const auto& code : table.second) {
      if (!code.second.IsScalar()) {
        r.problem(code.first, "code '" + code.first.as<std::string>() + "' in table '" + name + "' must map to one value");
        continue;
      }
      codes[code.first.as<std::string>()] = code.second.as<std::string>();
    }
  }
}

void MappingFiles::read_mappings(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  if (!node.IsDefined()) return;
  if (!node.IsSequence()) return r.problem(node, "'mappings' must list {transaction_set, versions, file}");
  for (const auto& entry : node) {
    if (!entry.IsMap()) {
      r.problem(entry, "each mapping rule must be a mapping {transaction_set, versions, file}");
      continue;
    }
    if (entry["direction"] && entry["direction"].as<std::string>() == "outbound") {
      read_outbound_rule(r, entry, profile);
      continue;
    }
    r.reject_unknown_keys(entry, {"direction", "transaction_set", "message", "versions", "document", "standard", "file"},
                          "a mapping rule");
    if (entry["direction"] && entry["direction"].as<std::string>() != "inbound")
      r.problem(entry["direction"], "direction must be inbound (partner to ERP) or outbound (ERP to partner)");
    MappingRule rule;
    if (entry["document"]) {
      rule.document = r.scalar(entry["document"], "'document' (the XML document type) of a mapping rule");
      rule.standard = r.scalar(entry["standard"], "standard", false);
      if (entry["transaction_set"] || entry["versions"])
        r.problem(entry, "a mapping rule names either an X12 transaction_set (and versions) or an XML document, not both");
    } else if (entry["message"]) {
      // An EDIFACT message type (UNH S009/0065) stands where an X12 set id would; versions are D96A, D01B...
      rule.transaction_set = r.scalar(entry["message"], "'message' (the EDIFACT message type) of a mapping rule");
      if (entry["transaction_set"]) r.problem(entry, "a mapping rule names either an X12 transaction_set or an EDIFACT message, not both");
      if (entry["standard"]) r.problem(entry["standard"], "'standard' belongs to XML rules (with 'document')");
    } else {
      rule.transaction_set =
          r.scalar(entry["transaction_set"], "'transaction_set' (X12), 'message' (EDIFACT) or 'document' (XML) of a mapping rule");
      if (entry["standard"]) r.problem(entry["standard"], "'standard' belongs to XML rules (with 'document')");
    }
    if (entry["versions"]) {
      if (!entry["versions"].IsSequence())
        r.problem(entry["versions"], "versions must be a list such as [\"004010\", \"005010\"]");
      else
        for (const auto& v : entry["versions"]) rule.versions.push_back(v.as<std::string>());
    }
    rule.file = r.config_path(entry["file"], "mapping file");
    if (!rule.file.empty()) {
      rule.mapping = load(inbound_, rule.file, r, entry["file"], &mapping::Mapping::load_file);
      if (rule.mapping && !rule.document.empty() && !entry["standard"]) rule.standard = rule.mapping->source().standard;
      if (rule.mapping) check_rule(r, rule, profile, entry);
    }
    profile.mappings.push_back(std::move(rule));
  }
}

void MappingFiles::read_outbound_rule(ProfileReader& r, const YAML::Node& entry, Profile& profile) {
  r.reject_unknown_keys(entry, {"direction", "transaction", "file"}, "an outbound mapping rule");
  OutboundRule rule;
  rule.transaction = r.scalar(entry["transaction"], "'transaction' (the ERP transaction type) of an outbound mapping rule");
  rule.file = r.config_path(entry["file"], "mapping file");
  if (!rule.file.empty()) {
    rule.mapping = load(outbound_, rule.file, r, entry["file"], &mapping::OutboundMapping::load_file);
    if (rule.mapping) {
      if (rule.mapping->source_type() != rule.transaction)
        r.problem(entry, "mapping " + rule.file.filename().string() + " takes ERP transactions of type " +
                             rule.mapping->source_type() + ", not " + rule.transaction);
      check_code_tables(r, entry, rule.file, rule.mapping->code_tables_used(), profile);
    }
  }
  profile.outbound_mappings.push_back(std::move(rule));
}

template <class M>
std::shared_ptr<const M> MappingFiles::load(std::map<fs::path, std::shared_ptr<const M>>& cache, const fs::path& path,
                                            ProfileReader& r, const YAML::Node& at,
                                            std::shared_ptr<const M> (*load_file)(const std::string&)) {
  auto found = cache.find(path);
  if (found != cache.end()) return found->second;
  std::shared_ptr<const M> loaded;
  if (!fs::exists(path)) {
    r.problem(at, "mapping file " + path.lexically_relative(r.config_dir()).string() + " does not exist");
  } else {
    try {
      loaded = load_file(path.string());
    } catch (const mapping::MappingFileError& e) {
      r.problem(std::string(e.what()));
    }
  }
  cache[path] = loaded;
  return loaded;
}

}  // namespace detail

const MappingRule* Profile::mapping_for(std::string_view transaction_set, std::string_view version) const {
  for (const auto& rule : mappings) {
    if (!rule.document.empty() || rule.transaction_set != transaction_set || !rule.mapping) continue;
    if (rule.versions.empty()) return &rule;
    for (const auto& v : rule.versions)
      if (version.substr(0, v.size()) == v) return &rule;
  }
  return nullptr;
}

const MappingRule* Profile::mapping_for_document(std::string_view standard, std::string_view type) const {
  for (const auto& rule : mappings)
    if (!rule.document.empty() && rule.document == type && rule.standard == standard && rule.mapping) return &rule;
  return nullptr;
}

const OutboundRule* Profile::outbound_mapping_for(std::string_view transaction) const {
  for (const auto& rule : outbound_mappings)
    if (rule.transaction == transaction && rule.mapping) return &rule;
  return nullptr;
}

}  // namespace edihub::partners
