// The directory of partner profiles: loading every profile of a config folder, refusing
// ambiguous routing, and routing interchanges and XML documents to their partner.
#include <algorithm>
#include <cctype>

#include "partners/sections.h"

namespace edihub::partners {

namespace fs = std::filesystem;

namespace {

bool same_scheme(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Two identities overlap when some interchange or XML document could match both.
bool overlaps(const Identity& a, const Identity& b) {
  auto compatible = [](const std::string& x, const std::string& y) { return x.empty() || y.empty() || x == y; };
  if (a.is_xml() != b.is_xml()) return false;
  if (a.is_xml())
    return a.party_id == b.party_id &&
           (a.party_scheme.empty() || b.party_scheme.empty() || same_scheme(a.party_scheme, b.party_scheme));
  return a.standard == b.standard && a.sender_id == b.sender_id && compatible(a.sender_qualifier, b.sender_qualifier) &&
         compatible(a.group_id, b.group_id);
}

bool identity_matches(const Identity& id, x12::Standard standard, std::string_view qualifier, std::string_view sender,
                      std::string_view gs) {
  return !id.is_xml() && id.standard == standard && id.sender_id == sender &&
         (id.sender_qualifier.empty() || id.sender_qualifier == qualifier) &&
         (id.group_id.empty() || gs.empty() || id.group_id == gs);
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> list)
    : std::runtime_error(list.empty() ? "configuration error" : list.front()), problems(std::move(list)) {}

Directory Directory::load(const fs::path& config_dir) { return load(config_dir, YAML::Node()); }

Directory Directory::load(const fs::path& config_dir, const YAML::Node& reconcile_defaults) {
  std::vector<std::string> problems;
  Directory dir;
  ReconcileRules defaults;
  {
    detail::ProfileReader reader(config_dir / "edihub.yaml", fs::absolute(config_dir), problems);
    detail::read_reconcile(reader, reconcile_defaults, defaults);
  }
  fs::path partners_dir = config_dir / "partners";
  if (!fs::is_directory(partners_dir)) throw ConfigError({partners_dir.string() + ": no partners folder"});
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(partners_dir))
    if (entry.is_regular_file() && (entry.path().extension() == ".yaml" || entry.path().extension() == ".yml"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  detail::MappingFiles mapping_files;
  const fs::path absolute_dir = fs::absolute(config_dir);
  for (const auto& file : files) {
    detail::ProfileReader reader(file, absolute_dir, problems);
    dir.profiles_.push_back(detail::read_profile(reader, mapping_files, defaults));
  }

  // Routing must be unambiguous: one id and one identity per partner.
  for (size_t i = 0; i < dir.profiles_.size(); ++i)
    for (size_t j = 0; j < i; ++j) {
      const auto& a = dir.profiles_[i];
      const auto& b = dir.profiles_[j];
      if (!a.id.empty() && a.id == b.id)
        problems.push_back(detail::problem_text(a.file, 1, "partner id '" + a.id + "' is also used by " + b.file.string()));
      for (const auto& ia : a.identities)
        for (const auto& ib : b.identities)
          if (overlaps(ia, ib))
            problems.push_back(detail::problem_text(a.file, 1, "identity " + ia.text() + " is also claimed by partner '" +
                                                                   b.id + "' (" + b.file.string() + "), so routing would be ambiguous"));
    }
  if (!problems.empty()) throw ConfigError(problems);
  return dir;
}

const Profile* Directory::find(std::string_view id) const {
  for (const auto& p : profiles_)
    if (p.id == id) return &p;
  return nullptr;
}

const Profile* Directory::resolve(x12::Standard standard, std::string_view qualifier, std::string_view sender,
                                  std::string_view gs) const {
  for (const auto& p : profiles_)
    for (const auto& id : p.identities)
      if (identity_matches(id, standard, qualifier, sender, gs)) return &p;
  return nullptr;
}

const Profile* Directory::resolve_party(const std::vector<xml::PartyId>& senders) const {
  for (const auto& sender : senders)
    for (const auto& p : profiles_)
      for (const auto& id : p.identities)
        if (id.is_xml() && id.party_id == sender.id && (id.party_scheme.empty() || same_scheme(id.party_scheme, sender.scheme)))
          return &p;
  return nullptr;
}

x12::SchemaResolver Directory::schema_resolver() const {
  return [this](const x12::InterchangeHeader& h, const x12::GroupHeader& g,
                const x12::TransactionSet& set) -> const x12::TransactionSetSchema* {
    const auto* partner = resolve(h, g.sender);
    // X12 names its version in GS08, EDIFACT in each message's UNH ("D96A").
    const std::string& version = h.standard == x12::Standard::Edifact ? set.message_version : g.version;
    return partner ? partner->schema_for(set.id, version) : x12::SchemaLibrary::builtin().find(set.id, version);
  };
}

x12::RulesResolver Directory::rules_resolver() const {
  return [this](const x12::InterchangeHeader& h, const x12::GroupHeader& g) {
    const auto* partner = resolve(h, g.sender);
    return partner ? partner->validation_rules(h) : x12::ValidationRules{};
  };
}

std::function<const x12::Charset&(const x12::ParsedInterchange&)> Directory::charset_resolver() const {
  return [this](const x12::ParsedInterchange& interchange) -> const x12::Charset& {
    const auto& h = interchange.header;
    const auto* partner =
        resolve(h, interchange.groups.empty() ? "" : interchange.groups.front().header.sender);
    return partner ? partner->charset_of(h) : x12::Charset::utf8();
  };
}

}  // namespace edihub::partners
