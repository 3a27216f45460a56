#include "mappings/evaluator.h"

#include <algorithm>
#include <map>

#include "mappings/x12_source.h"

namespace edihub::mapping {
namespace {

using nlohmann::json;

// The text of a JSON value as a mapping value: strings as they are, numbers and booleans as
// written; null, objects and arrays have none.
std::optional<std::string> text_of(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number() || v.is_boolean()) return v.dump();
  return std::nullopt;
}

std::string trim(std::string_view s) {
  std::size_t b = s.find_first_not_of(' ');
  if (b == std::string_view::npos) return {};
  return std::string(s.substr(b, s.find_last_not_of(' ') - b + 1));
}

std::vector<std::string> parts_of(const std::string& text, const std::string& separator) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    std::size_t at = text.find(separator, start);
    out.push_back(trim(std::string_view(text).substr(start, at == std::string::npos ? std::string::npos : at - start)));
    if (at == std::string::npos) return out;
    start = at + separator.size();
  }
}

class Evaluator {
 public:
  Evaluator(const Program& program, const Reader& reader, const Context& context, const CodeTables& tables)
      : program_(program), reader_(reader), context_(context), tables_(tables) {}

  json object(const std::vector<Field>& fields, const At& at, const std::string& prefix) {
    json out = json::object();
    for (const Field& f : fields)
      if (auto v = field(f, at, prefix)) out[f.name] = std::move(*v);
    return out;
  }

 private:
  // Fields are named in messages by their place in the output: orders[0].items[1].qty.
  // `prefix` ("orders[0].items[1].") is passed down, the name only built for a message.
  [[noreturn]] void fail(const Field& f, const std::string& prefix, const Spot& spot,
                         const std::string& message) const {
    throw reader_.error(f.file, f.line, spot, "field " + prefix + f.name + message);
  }

  bool holds(const Test& t, const At& at) const {
    auto check = [&](const Test& part) { return holds(part, at); };
    if (t.kind == Test::Kind::All) return std::all_of(t.parts.begin(), t.parts.end(), check);
    if (t.kind == Test::Kind::Any) return std::any_of(t.parts.begin(), t.parts.end(), check);
    auto v = reader_.first(*t.from, at);
    if (t.kind == Test::Kind::Present) return v.has_value();
    bool listed = v && std::find(t.values.begin(), t.values.end(), v->text) != t.values.end();
    return t.kind == Test::Kind::Equals ? listed : !listed;
  }

  std::optional<json> field(const Field& f, const At& outer, const std::string& prefix) {
    bool list = f.kind == Field::Kind::List || f.kind == Field::Kind::Values;
    auto none = [&] { return list ? std::optional<json>(json::array()) : std::nullopt; };
    if (f.when && !holds(*f.when, outer)) return none();
    At at = outer;
    if (f.in) {
      auto inner = reader_.enter(*f.in, outer);
      if (!inner) {
        if (f.required) fail(f, prefix, reader_.anchor(outer), " is required but no " + f.in->text + " was found");
        return none();
      }
      at = *inner;
    }
    switch (f.kind) {
      case Field::Kind::Value:
        return single(f, at, prefix);
      case Field::Kind::Values: {
        json out = json::array();
        std::vector<Found> found;
        for (const Pick& p : f.picks) {
          if (p.when && !holds(*p.when, at)) continue;
          found.clear();
          reader_.all(p.from.front(), at, found);
          for (const Found& v : found)
            for (Found& part : split_all(p, v))
              if (auto value = finish(p, f, prefix, part, at)) out.push_back(std::move(*value));
        }
        if (f.required && out.empty())
          fail(f, prefix, reader_.anchor(at), " is required but " + tried(f) + " has no value");
        return out;
      }
      case Field::Kind::Object: {
        json out = object(f.fields, at, prefix + f.name + ".");
        if (!out.empty()) return out;
        if (f.required) fail(f, prefix, reader_.anchor(at), " is required but none of its fields has a value");
        return std::nullopt;
      }
      case Field::Kind::List:
        return elements(f, at, prefix);
    }
    return std::nullopt;
  }

  std::optional<json> single(const Field& f, const At& at, const std::string& prefix) {
    Spot seen;
    for (const Pick& p : f.picks)
      if (auto v = pick(p, f, at, prefix, seen)) return v;
    if (f.fallback) return f.fallback;
    if (f.required) {
      bool matched = seen.segment != kNoSegment || seen.node;
      std::string why = f.picks.size() > 1 ? "none of " + tried(f) + " has a value"
                        : matched          ? f.picks.front().text + " is empty"
                                           : f.picks.front().text + " is missing";
      fail(f, prefix, matched ? seen : reader_.anchor(at), " is required but " + why);
    }
    return std::nullopt;
  }

  static std::string tried(const Field& f) {
    std::string out;
    for (const Pick& p : f.picks) out += (out.empty() ? "" : "; ") + p.text;
    return out;
  }

  std::optional<json> pick(const Pick& p, const Field& f, const At& outer, const std::string& prefix, Spot& seen) {
    if (p.when && !holds(*p.when, outer)) return std::nullopt;
    At at = outer;
    if (p.in) {
      auto inner = reader_.enter(*p.in, outer);
      if (!inner) return std::nullopt;
      at = *inner;
    }
    if (p.constant) return p.constant;
    if (p.from.size() == 2) return date_time(p, f, at, prefix, seen);
    auto v = raw(p, f, at, prefix, seen);
    if (!v) return std::nullopt;
    return finish(p, f, prefix, *v, at);
  }

  // The value before table and conversion: a path, a concatenation or a lookup, split.
  std::optional<Found> raw(const Pick& p, const Field& f, const At& at, const std::string& prefix, Spot& seen) {
    std::optional<Found> v;
    if (!p.concat.empty()) {
      v = concatenated(p, at);
    } else if (p.lookup) {
      v = looked_up(*p.lookup, f, at, prefix);
    } else {
      v = reader_.first(p.from.front(), at, &seen);
    }
    if (!v || p.split.empty() || p.split_part == 0) return v;
    std::vector<std::string> parts = parts_of(v->text, p.split);
    int n = static_cast<int>(parts.size());
    int index = p.split_part > 0 ? p.split_part - 1 : n + p.split_part;
    if (index < 0 || index >= n || parts[index].empty()) return std::nullopt;
    return Found{parts[index], v->at};
  }

  std::optional<Found> concatenated(const Pick& p, const At& at) const {
    std::optional<Found> out;
    for (const Part& part : p.concat) {
      std::optional<Found> v = part.from ? reader_.first(*part.from, at) : Found{part.constant, reader_.anchor(at)};
      if (!v) continue;
      if (!out) {
        out = std::move(v);
      } else {
        out->text += p.separator + v->text;
      }
    }
    return out;
  }

  std::optional<Found> looked_up(const LookupRule& rule, const Field& f, const At& at, const std::string& prefix) {
    if (!context_.lookup || !*context_.lookup) return std::nullopt;
    Spot seen;
    auto key = pick(*rule.value, f, at, prefix, seen);
    auto key_text = key ? text_of(*key) : std::nullopt;
    if (!key_text) return std::nullopt;
    std::optional<json> doc = (*context_.lookup)(rule.target, rule.key, *key_text);
    if (!doc) return std::nullopt;
    const json* node = &*doc;
    for (const std::string& name : rule.take) {
      if (!node->is_object() || !node->contains(name)) return std::nullopt;
      node = &(*node)[name];
    }
    auto text = text_of(*node);
    if (!text || text->empty()) return std::nullopt;
    return Found{*text, seen.segment != kNoSegment || seen.node ? seen : reader_.anchor(at)};
  }

  // `split: "/"` on an `all:` value: one value per non-empty part.
  static std::vector<Found> split_all(const Pick& p, const Found& v) {
    if (p.split.empty()) return {v};
    std::vector<Found> out;
    for (std::string& part : parts_of(v.text, p.split))
      if (!part.empty()) out.push_back(Found{std::move(part), v.at});
    return out;
  }

  // [date, time]: each part converted on its own so a message names the one at fault.
  std::optional<json> date_time(const Pick& p, const Field& f, const At& at, const std::string& prefix, Spot& seen) {
    auto date = reader_.first(p.from[0], at, &seen);
    if (!date) return std::nullopt;
    auto out = converted(f, prefix, p.from[0].text, {Conversion::Kind::Date, 0}, *date, date->text).get<std::string>();
    if (auto time = reader_.first(p.from[1], at))
      out += "T" + converted(f, prefix, p.from[1].text, {Conversion::Kind::Time, 0}, *time, time->text)
                       .get<std::string>();
    return out;
  }

  json converted(const Field& f, const std::string& prefix, const std::string& what, const Conversion& as,
                 const Found& v, std::string_view text) const {
    try {
      return convert(as, text);
    } catch (const ConversionError& e) {
      fail(f, prefix, v.at, ": " + what + " " + e.what());
    }
  }

  // Code table, conversion and arithmetic of one found value; nullopt: no value.
  std::optional<json> finish(const Pick& p, const Field& f, const std::string& prefix, const Found& v, const At& at) {
    std::string_view text = v.text;
    if (!p.table.empty()) {
      const auto* table = code_table(p.table);
      if (!table) fail(f, prefix, v.at, ": code table " + p.table + " is not in the partner profile");
      auto it = table->find(v.text);
      if (it != table->end()) {
        text = it->second;
      } else if (p.on_missing == OnMissing::Default || (p.on_missing == OnMissing::Error && f.fallback)) {
        return f.fallback;
      } else if (p.on_missing == OnMissing::Error) {
        fail(f, prefix, v.at, ": code '" + v.text + "' (" + p.text + ") is not in code table " + p.table);
      }
    }
    json out = converted(f, prefix, p.from.empty() ? p.text : p.from.front().text, p.as, v, text);
    if (p.calc.empty() && !p.round) return out;
    return calculated(p, f, prefix, v, at, out);
  }

  json calculated(const Pick& p, const Field& f, const std::string& prefix, const Found& v, const At& at,
                  const json& start) const {
    try {
      long double x = decimal_value(start.dump());
      for (const Step& step : p.calc) {
        std::string operand = step.number;
        if (step.from) {
          auto found = reader_.first(*step.from, at);
          if (!found) fail(f, prefix, v.at, ": " + step.from->text + " (an operand of calc) has no value");
          operand = found->text;
        }
        x = calculate(step.op, x, decimal_value(operand));
      }
      return decimal_json(x, p.round);
    } catch (const ConversionError& e) {
      fail(f, prefix, v.at, ": calc on " + p.text + " '" + v.text + "': " + e.what());
    }
  }

  const std::map<std::string, std::string>* code_table(const std::string& name) const {
    if (auto it = tables_.find(name); it != tables_.end()) return &it->second;
    if (auto it = program_.tables.find(name); it != program_.tables.end()) return &it->second;
    return nullptr;
  }

  // The elements `each` names; with group_by, one element per distinct value.
  std::vector<At> iterate(const Iteration& each, const At& at) const {
    std::vector<At> items = reader_.iterate(each, at);
    if (!each.group_by) return items;
    std::vector<std::string> keys;
    std::vector<std::vector<At>> groups;
    for (At& item : items) {
      auto key = reader_.first(*each.group_by, item);
      std::string k = key ? key->text : std::string();
      auto found = std::find(keys.begin(), keys.end(), k);
      if (found == keys.end()) {
        keys.push_back(k);
        groups.emplace_back();
        found = keys.end() - 1;
      }
      groups[found - keys.begin()].push_back(std::move(item));
    }
    std::vector<At> out;
    for (const auto& members : groups) out.push_back(reader_.group(members));
    return out;
  }

  json elements(const Field& f, const At& at, const std::string& prefix) {
    std::vector<At> items = iterate(*f.each, at);
    if (items.empty() && f.otherwise) items = iterate(*f.otherwise, at);
    if (f.required && items.empty())
      fail(f, prefix, reader_.anchor(at), " is required but no " + f.each->text + " was found");
    json out = json::array();
    for (std::size_t i = 0; i < items.size(); ++i)
      out.push_back(object(f.fields, items[i], prefix + f.name + "[" + std::to_string(i) + "]."));
    return out;
  }

  const Program& program_;
  const Reader& reader_;
  const Context& context_;
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

Result evaluate(const Program& program, const Reader& reader, const Context& context, const CodeTables& tables) {
  Result result;
  result.transaction = Evaluator(program, reader, context, tables).object(program.fields, reader.whole(), "");
  for (const KeyRule& key : program.keys) {
    std::vector<std::string> values;
    collect(result.transaction, key.field_path, 0, values);
    for (auto& v : values) result.keys.emplace_back(key.name, std::move(v));
  }
  return result;
}

Result evaluate(const Program& program, const x12::TransactionSet& set, const Context& context,
                const CodeTables& tables) {
  auto reject = [&](const std::string& message) {
    const x12::Segment* st = set.segments.empty() ? nullptr : &set.segments.front();
    return MappingError(program.file, program.source_line, describe(set), st ? st->position : 0, message,
                        st ? st->tag : "");
  };
  const Source& source = program.source;
  bool edifact = source.format == "edifact";
  if (set.id != source.transaction_set)
    throw reject("the mapping is for " + source.transaction_set + " but this " +
                 (edifact ? "message" : "transaction set") + " is " + set.id);
  if (edifact) {
    if (std::find(source.versions.begin(), source.versions.end(), set.message_version) == source.versions.end()) {
      std::string list;
      for (const auto& v : source.versions) list += (list.empty() ? "" : ", ") + v;
      throw reject("UNH version " + set.message_version + " is not one of the versions the mapping accepts (" + list +
                   ")");
    }
  } else if (context.group) {
    const std::string& gs08 = context.group->version;
    bool accepted = std::any_of(source.versions.begin(), source.versions.end(),
                                [&](const std::string& v) { return gs08.compare(0, v.size(), v) == 0; });
    if (!accepted) {
      std::string list;
      for (const auto& v : source.versions) list += (list.empty() ? "" : ", ") + v;
      throw reject("GS08 " + gs08 + " is not one of the versions the mapping accepts (" + list + ")");
    }
  }
  std::optional<X12Reader> reader;
  try {
    reader.emplace(set, context, edifact);
  } catch (const HlError& e) {
    const x12::Segment& hl = set.segments[e.segment_index];
    throw MappingError(program.file, 0, describe(set), hl.position, e.what(), hl.tag);
  }
  return evaluate(program, *reader, context, tables);
}

}  // namespace edihub::mapping

namespace edihub::mapping {

Result evaluate(const Program& program, const XmlInput& input, const Context& context, const CodeTables& tables) {
  std::string document = input.type + (input.document_id.empty() ? "" : " " + input.document_id);
  auto reject = [&](const std::string& message) {
    return MappingError(program.file, program.source_line, document, 0, 0, message);
  };
  const Source& source = program.source;
  if (source.format != "xml") throw reject("the mapping is for " + source.format + ", not for XML documents");
  if (input.type != source.document)
    throw reject("the mapping is for " + source.document + " documents but this one is " + input.type);
  if (!source.standard.empty() && input.standard != source.standard)
    throw reject("the mapping is for " + source.standard + " but this document is " +
                 (input.standard.empty() ? std::string("of no known standard") : input.standard));
  return evaluate(program, XmlReader(input.root, document, input.position), context, tables);
}

}  // namespace edihub::mapping
