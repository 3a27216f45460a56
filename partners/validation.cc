// The `encoding` and `validation` sections: the character set of the partner's element
// values, and its implementation guide's tightening of the transaction-set schemas.
#include <map>
#include <mutex>

#include "formats/edifact.h"
#include "partners/sections.h"

namespace edihub::partners {

namespace detail {

void read_encoding(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  if (!node) return;
  const auto name = r.scalar(node, "'encoding'");
  try {
    if (!name.empty()) profile.charset = x12::Charset(name);
    profile.encoding_given = !name.empty();
  } catch (const std::invalid_argument&) {
    r.problem(node, "encoding '" + name + "' is not a character set iconv knows (e.g. utf-8, iso-8859-1, windows-1252)");
  }
}

void read_validation(ProfileReader& r, const YAML::Node& node, Profile& profile) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) return r.problem(node, "'validation' must map transaction sets to {mandatory_segments, mandatory_elements, codes}");
  const auto& library = x12::SchemaLibrary::builtin();
  for (const auto& entry : node) {
    auto set_id = entry.first.as<std::string>();
    const auto& rules = entry.second;
    if (!rules.IsMap()) {
      r.problem(entry.first, "validation of " + set_id + " must be {mandatory_segments, mandatory_elements, codes}");
      continue;
    }
    r.reject_unknown_keys(rules, {"mandatory_segments", "mandatory_elements", "codes"}, "validation of " + set_id);
    x12::Tightening t;
    t.source = r.file().string() + ":" + std::to_string(entry.first.Mark().line + 1);
    auto list = [&](const char* key, std::vector<std::string>& into) {
      if (!rules[key]) return;
      if (!rules[key].IsSequence()) return r.problem(rules[key], std::string(key) + " must be a list");
      for (const auto& v : rules[key]) into.push_back(v.as<std::string>());
    };
    list("mandatory_segments", t.mandatory_segments);
    list("mandatory_elements", t.mandatory_elements);
    if (rules["codes"]) {
      if (!rules["codes"].IsMap()) {
        r.problem(rules["codes"], "codes must map elements (TD504) to lists of allowed codes");
      } else {
        for (const auto& c : rules["codes"]) {
          if (!c.second.IsSequence()) {
            r.problem(c.first, "codes of " + c.first.as<std::string>() + " must be a list");
            continue;
          }
          auto& codes = t.codes[c.first.as<std::string>()];
          for (const auto& v : c.second) codes.push_back(v.as<std::string>());
        }
      }
    }
    bool any = false;
    for (const auto* schema : library.all()) {
      if (schema->id != set_id) continue;
      any = true;
      try {
        profile.tightened[set_id + "/" + schema->version] = x12::tighten(*schema, t);
      } catch (const x12::SchemaError& e) {
        r.problem(std::string(e.what()));
      }
    }
    if (!any) r.problem(entry.first, "no schema for transaction set '" + set_id + "' to tighten");
  }
}

}  // namespace detail

const x12::TransactionSetSchema* Profile::schema_for(std::string_view transaction_set, std::string_view gs08) const {
  const auto* base = x12::SchemaLibrary::builtin().find(transaction_set, gs08);
  if (!base) return nullptr;
  auto found = tightened.find(std::string(transaction_set) + "/" + base->version);
  return found != tightened.end() ? found->second.get() : base;
}

const x12::Charset& Profile::charset_of(const x12::InterchangeHeader& h) const {
  if (encoding_given || h.standard != x12::Standard::Edifact) return charset;
  // One converter per syntax identifier, kept for the process (a handful at most).
  static std::mutex mutex;
  static std::map<std::string, x12::Charset, std::less<>> by_syntax;
  std::lock_guard lock(mutex);
  if (auto found = by_syntax.find(h.syntax_identifier); found != by_syntax.end()) return found->second;
  const auto name = edifact::charset_name(h.syntax_identifier);
  if (!name) return charset;  // validation reports the identifier
  return by_syntax.emplace(h.syntax_identifier, x12::Charset(*name)).first->second;
}

}  // namespace edihub::partners
