#include "mappings/evaluator.h"

#include <algorithm>
#include <map>

#include "mappings/document.h"

namespace edihub::mapping {
namespace {

using nlohmann::json;

std::string describe(const x12::TransactionSet& set) { return set.id + " control " + set.control_number; }

class Evaluator {
 public:
  Evaluator(const Program& program, const Document& doc, const CodeTables& tables)
      : program_(program), doc_(doc), tables_(tables) {}

  json object(const std::vector<Field>& fields, const Scope& scope, const std::string& prefix) {
    json out = json::object();
    for (const Field& f : fields)
      if (auto v = field(f, scope, prefix)) out[f.name] = std::move(*v);
    return out;
  }

 private:
  // Fields are named in messages by their place in the output: orders[0].items[1].qty.
  // `prefix` ("orders[0].items[1].") is passed down, the name only built for a message.
  [[noreturn]] void fail(const Field& f, const std::string& prefix, std::uint32_t segment,
                         const std::string& message) const {
    const auto& set = doc_.set();
    bool known = segment < set.segments.size();
    throw MappingError(program_.file, f.line, describe(set), known ? set.segments[segment].position : 0,
                       "field " + prefix + f.name + message, known ? set.segments[segment].tag : "");
  }

  std::optional<json> field(const Field& f, const Scope& outer, const std::string& prefix) {
    bool list = f.kind == Field::Kind::List || f.kind == Field::Kind::Values;
    Scope scope = outer;
    if (f.in) {
      auto inner = enter(*f.in, outer);
      if (!inner) {
        if (f.required) fail(f, prefix, outer.anchor, " is required but no " + f.in->text + " was found");
        return list ? std::optional<json>(json::array()) : std::nullopt;
      }
      scope = *inner;
    }
    switch (f.kind) {
      case Field::Kind::Value:
        return single(f, scope, prefix);
      case Field::Kind::Values: {
        json out = json::array();
        std::vector<Value> found;
        for (const Pick& p : f.picks) {
          found.clear();
          doc_.all(p.from.front(), scope, found);
          for (const Value& v : found) out.push_back(finish(p, f, prefix, v));
        }
        if (f.required && out.empty()) fail(f, prefix, scope.anchor, " is required but " + tried(f) + " has no value");
        return out;
      }
      case Field::Kind::Object: {
        json out = object(f.fields, scope, prefix + f.name + ".");
        if (!out.empty()) return out;
        if (f.required) fail(f, prefix, scope.anchor, " is required but none of its fields has a value");
        return std::nullopt;
      }
      case Field::Kind::List:
        return elements(f, scope, prefix);
    }
    return std::nullopt;
  }

  std::optional<json> single(const Field& f, const Scope& scope, const std::string& prefix) {
    std::uint32_t seen = kNoSegment;
    for (const Pick& p : f.picks)
      if (auto v = pick(p, f, scope, prefix, seen)) return v;
    if (f.fallback) return f.fallback;
    if (f.required) {
      std::string why = f.picks.size() > 1   ? "none of " + tried(f) + " has a value"
                        : seen != kNoSegment ? f.picks.front().text + " is empty"
                                             : f.picks.front().text + " is missing";
      fail(f, prefix, seen != kNoSegment ? seen : scope.anchor, " is required but " + why);
    }
    return std::nullopt;
  }

  static std::string tried(const Field& f) {
    std::string out;
    for (const Pick& p : f.picks) out += (out.empty() ? "" : "; ") + p.text;
    return out;
  }

  std::optional<Scope> enter(const Within& in, const Scope& scope) const {
    if (const auto* place = std::get_if<Place>(&in.target)) return doc_.place(*place, scope);
    auto loops = doc_.loops(std::get<Selector>(in.target), scope, false);
    if (loops.empty()) return std::nullopt;
    return loops.front();
  }

  std::optional<json> pick(const Pick& p, const Field& f, const Scope& outer, const std::string& prefix,
                           std::uint32_t& seen) {
    Scope scope = outer;
    if (p.in) {
      auto inner = enter(*p.in, outer);
      if (!inner) return std::nullopt;
      scope = *inner;
    }
    if (p.constant) return p.constant;
    auto v = doc_.first(p.from.front(), scope, &seen);
    if (!v) return std::nullopt;
    if (p.from.size() == 1) return finish(p, f, prefix, *v);
    // [date, time]: each part converted on its own so a message names the one at fault.
    auto at = converted(f, prefix, p.from[0], {Conversion::Kind::Date, 0}, *v).get<std::string>();
    if (auto time = doc_.first(p.from[1], scope))
      at += "T" + converted(f, prefix, p.from[1], {Conversion::Kind::Time, 0}, *time).get<std::string>();
    return at;
  }

  json converted(const Field& f, const std::string& prefix, const Path& path, const Conversion& as, const Value& v,
                 std::string_view text) const {
    try {
      return convert(as, text);
    } catch (const ConversionError& e) {
      fail(f, prefix, v.segment, ": " + path.text + " " + e.what());
    }
  }
  json converted(const Field& f, const std::string& prefix, const Path& path, const Conversion& as,
                 const Value& v) const {
    return converted(f, prefix, path, as, v, v.text);
  }

  // Code table, then conversion, of one found value.
  json finish(const Pick& p, const Field& f, const std::string& prefix, const Value& v) const {
    std::string_view text = v.text;
    if (!p.table.empty()) {
      const auto* table = code_table(p.table);
      if (!table) fail(f, prefix, v.segment, ": code table " + p.table + " is not in the partner profile");
      auto it = table->find(std::string(text));
      if (it != table->end()) {
        text = it->second;
      } else if (!p.keep_unknown) {
        if (f.fallback) return *f.fallback;
        fail(f, prefix, v.segment,
             ": code '" + std::string(text) + "' (" + p.text + ") is not in code table " + p.table);
      }
    }
    return converted(f, prefix, p.from.front(), p.as, v, text);
  }

  const std::map<std::string, std::string>* code_table(const std::string& name) const {
    if (auto it = tables_.find(name); it != tables_.end()) return &it->second;
    if (auto it = program_.tables.find(name); it != program_.tables.end()) return &it->second;
    return nullptr;
  }

  // The scopes `each` names; grouped HLs get their member lists in `groups`.
  std::vector<Scope> iterate(const Iteration& each, const Scope& scope, std::vector<std::vector<int>>& groups) const {
    if (const auto* selector = std::get_if<Selector>(&each.over)) return doc_.loops(*selector, scope, true);
    std::vector<Scope> nodes = doc_.levels(std::get<std::string>(each.over), scope);
    if (!each.group_by) return nodes;
    std::vector<std::string> keys;
    for (const Scope& node : nodes) {
      auto key = doc_.first(*each.group_by, node);
      std::string k(key ? key->text : std::string_view{});
      auto at = std::find(keys.begin(), keys.end(), k);
      if (at == keys.end()) {
        keys.push_back(k);
        groups.emplace_back();
        at = keys.end() - 1;
      }
      groups[at - keys.begin()].push_back(node.node);
    }
    std::vector<Scope> out;
    for (const auto& members : groups) {
      Scope s = doc_.of_node(members.front());
      s.members = &members;
      out.push_back(s);
    }
    return out;
  }

  json elements(const Field& f, const Scope& scope, const std::string& prefix) {
    std::vector<std::vector<int>> groups;  // outlives the element scopes pointing into it
    std::vector<Scope> scopes = iterate(*f.each, scope, groups);
    if (scopes.empty() && f.otherwise) scopes = iterate(*f.otherwise, scope, groups);
    if (f.required && scopes.empty())
      fail(f, prefix, scope.anchor, " is required but no " + f.each->text + " was found");
    json out = json::array();
    for (std::size_t i = 0; i < scopes.size(); ++i)
      out.push_back(object(f.fields, scopes[i], prefix + f.name + "[" + std::to_string(i) + "]."));
    return out;
  }

  const Program& program_;
  const Document& doc_;
  const CodeTables& tables_;
};

void collect(const json& node, const std::vector<std::string>& path, std::size_t at, std::vector<std::string>& out) {
  if (node.is_array()) {
    for (const json& element : node) collect(element, path, at, out);
  } else if (at < path.size()) {
    if (auto it = node.find(path[at]); node.is_object() && it != node.end()) collect(*it, path, at + 1, out);
  } else {
    std::string value = node.is_string() ? node.get<std::string>() : node.dump();
    if (std::find(out.begin(), out.end(), value) == out.end()) out.push_back(std::move(value));
  }
}

}  // namespace

Result evaluate(const Program& program, const x12::TransactionSet& set, const Context& context,
                const CodeTables& tables) {
  auto reject = [&](const std::string& message) {
    const x12::Segment* st = set.segments.empty() ? nullptr : &set.segments.front();
    return MappingError(program.file, program.source_line, describe(set), st ? st->position : 0, message,
                        st ? st->tag : "");
  };
  const Source& source = program.source;
  if (set.id != source.transaction_set)
    throw reject("the mapping is for " + source.transaction_set + " but this transaction set is " + set.id);
  if (context.group) {
    const std::string& gs08 = context.group->version;
    bool accepted = std::any_of(source.versions.begin(), source.versions.end(),
                                [&](const std::string& v) { return gs08.compare(0, v.size(), v) == 0; });
    if (!accepted) {
      std::string list;
      for (const auto& v : source.versions) list += (list.empty() ? "" : ", ") + v;
      throw reject("GS08 " + gs08 + " is not one of the versions the mapping accepts (" + list + ")");
    }
  }
  std::optional<Document> doc;
  try {
    doc.emplace(set, context);
  } catch (const HlError& e) {
    const x12::Segment& hl = set.segments[e.segment_index];
    throw MappingError(program.file, 0, describe(set), hl.position, e.what(), hl.tag);
  }
  Result result;
  result.transaction = Evaluator(program, *doc, tables).object(program.fields, doc->whole(), "");
  for (const KeyRule& key : program.keys) {
    std::vector<std::string> values;
    collect(result.transaction, key.field_path, 0, values);
    for (auto& v : values) result.keys.emplace_back(key.name, std::move(v));
  }
  return result;
}

}  // namespace edihub::mapping
