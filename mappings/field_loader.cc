#include "mappings/field_loader.h"

#include <algorithm>
#include <cctype>

namespace edihub::mapping {
namespace {

const Keys kCalcKeys = {"multiply", "divide", "add", "subtract"};

Keys with(Keys keys, const Keys& more) {
  keys.insert(keys.end(), more.begin(), more.end());
  return keys;
}

// The keys that make one value, in a field or in a `first:` alternative.
const Keys kValueKeys = with({"in", "when", "from", "concat", "separator", "lookup", "split", "as", "table",
                              "on_missing", "calc", "round"},
                             kCalcKeys);
const Keys kAlternativeKeys = with({"value"}, kValueKeys);
const Keys kFieldKeys = with({"first", "default", "required"}, kValueKeys);
const Keys kAllKeys = with({"from", "first", "all", "value", "fields", "use", "each", "otherwise", "group_by", "in",
                            "when", "as", "table", "on_missing", "default", "required", "concat", "separator",
                            "lookup", "split", "calc", "round"},
                           kCalcKeys);

bool contains(const Keys& keys, std::string_view key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

Operation operation(std::string_view name) {
  if (name == "multiply") return Operation::Multiply;
  if (name == "divide") return Operation::Divide;
  if (name == "add") return Operation::Add;
  return Operation::Subtract;
}

}  // namespace

// Settings a `first:` alternative or an `all:` path takes from its field.
struct FieldLoader::PickDefaults {
  Conversion as;
  std::string table;
  OnMissing on_missing = OnMissing::Error;
  std::vector<Step> calc;
  std::optional<int> round;
};

XPath FieldLoader::xpath(const YAML::Node& node, const std::string& text, bool nodes) const {
  std::shared_ptr<pugi::xpath_query> query;
  auto bad = [&](const pugi::xpath_parse_result& r) {
    yaml_.fail(node, "bad XPath '" + text + "': " + r.description() + " (at character " +
                         std::to_string(r.offset + 1) + ")");
  };
  try {
    query = std::make_shared<pugi::xpath_query>(text.c_str());
  } catch (const pugi::xpath_exception& e) {
    bad(e.result());
  }
  if (!query->result()) bad(query->result());
  if (nodes && query->return_type() != pugi::xpath_type_node_set)
    yaml_.fail(node, "XPath '" + text + "' must select nodes here (in, each)");
  return XPath{query};
}

Locator FieldLoader::locator(const YAML::Node& node, const std::string& what) const {
  std::string text = yaml_.scalar(node, what);
  if (state_.xml) return Locator{xpath(node, text, false), text};
  try {
    Path p = parse_path(text);
    bool envelope = state_.edifact ? p.segment.tag == "UNB" : p.segment.tag == "ISA" || p.segment.tag == "GS";
    if (envelope && (!p.segment.where.empty() || p.segment.place.kind != Place::Kind::Here))
      yaml_.fail(node, "bad path '" + p.text + "': " + (state_.edifact ? "UNB paths" : "ISA and GS paths") +
                           " read the envelope and take no 'where' or 'in'");
    return Locator{p, text};
  } catch (const PathError& e) {
    yaml_.fail(node, e.what());
  }
}

Within FieldLoader::within(const YAML::Node& node, const std::string& what) const {
  std::string text = yaml_.scalar(node, what);
  if (state_.xml) return Within{xpath(node, text, true), text};
  try {
    if (names_place(text)) return Within{parse_place(text), text};
    return Within{parse_selector(text), text};
  } catch (const PathError& e) {
    yaml_.fail(node, e.what());
  }
}

Conversion FieldLoader::conversion(const YAML::Node& node) const {
  try {
    return parse_conversion(yaml_.scalar(node, "as"));
  } catch (const ConversionError& e) {
    yaml_.fail(node, e.what());
  }
}

// `value:` and `default:` are output values: numbers for numeric fields, else text.
nlohmann::json FieldLoader::output_value(const YAML::Node& node, const Conversion& as, const std::string& what) const {
  std::string text = yaml_.scalar(node, what);
  if (!as.numeric()) return text;
  try {
    return convert(Conversion{Conversion::Kind::Decimal, 0}, text);
  } catch (const ConversionError& e) {
    yaml_.fail(node, what + ": " + e.what());
  }
}

Test FieldLoader::test(const YAML::Node& node) const {
  Entries e = yaml_.entries(node, "when", {"from", "equals", "not", "all", "any"});
  Test t;
  if (e.has("all") || e.has("any")) {
    if (e.by_key.size() != 1) yaml_.fail(node, "when: all or any stands alone, with a list of conditions");
    const YAML::Node& list = *e.find(e.has("all") ? "all" : "any");
    if (!list.IsSequence() || list.size() == 0) yaml_.fail(list, "when: all and any take a list of conditions");
    t.kind = e.has("all") ? Test::Kind::All : Test::Kind::Any;
    for (const auto& part : list) t.parts.push_back(test(part));
    return t;
  }
  if (!e.has("from")) yaml_.fail(node, "when needs 'from' (with equals, not, or neither for 'has a value'), or all/any");
  if (e.has("equals") && e.has("not")) yaml_.fail(node, "when takes equals or not, not both");
  t.from = locator(*e.find("from"), "when from");
  if (const auto* equals = e.find("equals")) {
    t.kind = Test::Kind::Equals;
    t.values = yaml_.scalars(*equals, "equals");
  } else if (const auto* differs = e.find("not")) {
    t.kind = Test::Kind::Not;
    t.values = yaml_.scalars(*differs, "not");
  }
  return t;
}

// as/table/on_missing/calc/round of `e` over the defaults `d`.
FieldLoader::PickDefaults FieldLoader::settings(const Entries& e, PickDefaults d) {
  if (const auto* as = e.find("as")) d.as = conversion(*as);
  if (const auto* table = e.find("table")) {
    d.table = yaml_.scalar(*table, "table");
    state_.tables_used.insert(d.table);
  }
  if (const auto* on_missing = e.find("on_missing")) {
    std::string v = yaml_.scalar(*on_missing, "on_missing");
    if (v != "keep" && v != "error" && v != "default")
      yaml_.fail(*on_missing, "on_missing must be keep or error, or default (with default:)");
    if (d.table.empty()) yaml_.fail(*on_missing, "on_missing applies to a field with a table");
    d.on_missing = v == "keep" ? OnMissing::Keep : v == "default" ? OnMissing::Default : OnMissing::Error;
  }
  return d;
}

Pick FieldLoader::path_pick(const YAML::Node& node, const PickDefaults& d) const {
  Locator from = locator(node, "a path");
  std::string text = from.text;
  return Pick{std::nullopt, std::nullopt,  {std::move(from)}, std::nullopt, {}, "", std::nullopt, "", 0,
              d.as,         d.table,       d.on_missing,      d.calc,       d.round, text};
}

void FieldLoader::split(Pick& p, const YAML::Node& node, bool every, const std::string& what) const {
  if (every) {
    if (!node.IsScalar()) yaml_.fail(node, what + ": split on an 'all' field is the separator, e.g. split: \"/\"");
    p.split = yaml_.scalar(node, "split");
    return;
  }
  Entries e = yaml_.entries(node, what + " split", {"separator", "part"});
  if (!e.has("separator") || !e.has("part")) yaml_.fail(node, what + ": split needs separator and part");
  p.split = yaml_.scalar(*e.find("separator"), "split separator");
  std::string part = yaml_.scalar(*e.find("part"), "split part");
  try {
    std::size_t used = 0;
    p.split_part = std::stoi(part, &used);
    if (used != part.size()) throw std::invalid_argument(part);
  } catch (const std::exception&) {
    yaml_.fail(*e.find("part"), what + ": split part must be a whole number");
  }
  if (p.split_part == 0) yaml_.fail(*e.find("part"), what + ": split part counts from 1 (or from -1 at the end)");
}

// calc: [{multiply: 12}, ...] and single multiply/divide/add/subtract keys, in the order written.
void FieldLoader::calc(Pick& p, const Entries& e, const YAML::Node& at, const std::string& what) const {
  auto step = [&](const std::string& op, const YAML::Node& operand) {
    Step s{operation(op), "", std::nullopt};
    if (operand.IsMap()) {
      Entries o = yaml_.entries(operand, what + " " + op, {"from"});
      if (!o.has("from")) yaml_.fail(operand, what + ": " + op + " takes a number or {from: PATH}");
      s.from = locator(*o.find("from"), op + " from");
    } else {
      s.number = yaml_.scalar(operand, op);
      try {
        decimal_value(s.number);
      } catch (const ConversionError& err) {
        yaml_.fail(operand, what + ": " + op + " " + err.what());
      }
    }
    p.calc.push_back(std::move(s));
  };
  bool any = false;
  // Each key/value pair is held by `entry` for the whole iteration: yaml-cpp's it->second
  // is a member of a temporary, which a range-for over it would outlive.
  for (const auto& entry : at) {
    const std::string key = entry.first.Scalar();
    const YAML::Node value = entry.second;
    if (contains(kCalcKeys, key)) {
      if (!any) p.calc.clear();  // the alternative's own steps replace the field's
      any = true;
      step(key, value);
    } else if (key == "calc") {
      if (!any) p.calc.clear();
      any = true;
      if (!value.IsSequence() || value.size() == 0)
        yaml_.fail(value, what + ": calc is a list such as [{multiply: 12}, {divide: 2.2046}]");
      for (const auto& s : value) {
        Entries one = yaml_.entries(s, what + " calc step", kCalcKeys);
        if (one.by_key.size() != 1) yaml_.fail(s, what + ": each calc step is one of " + join(kCalcKeys));
        step(one.by_key.begin()->first, one.by_key.begin()->second.second);
      }
    }
  }
  if (const auto* round = e.find("round")) {
    std::string n = yaml_.scalar(*round, "round");
    if (n.size() > 2 || !std::all_of(n.begin(), n.end(), ::isdigit) || std::stoi(n) > 18)
      yaml_.fail(*round, what + ": round is a number of decimal places, 0 to 18");
    p.round = std::stoi(n);
  }
  if ((!p.calc.empty() || p.round) && !p.as.numeric()) {
    if (p.as.kind != Conversion::Kind::Text)
      yaml_.fail(at, what + ": calc and round work on numbers (as: decimal, integer or N0..N9)");
    p.as = Conversion{Conversion::Kind::Decimal, 0};
  }
}

// The value source of a field or alternative: value, from, concat or lookup.
void FieldLoader::value_source(Pick& p, const Entries& e, const YAML::Node& at, const std::string& what) {
  if (const auto* value = e.find("value")) {
    p.constant = output_value(*value, p.as, what + " value");
    p.text = "value " + value->Scalar();
    return;
  }
  if (e.has("separator") && !e.has("concat")) yaml_.fail(e.key_node("separator"), what + ": separator goes with concat");
  if (const auto* concat = e.find("concat")) {
    if (!concat->IsSequence() || concat->size() == 0)
      yaml_.fail(*concat, what + ": concat is a list of paths and {value: TEXT}");
    for (const auto& part : *concat) {
      if (part.IsScalar()) {
        p.concat.push_back(Part{locator(part, "concat"), ""});
        continue;
      }
      Entries pe = yaml_.entries(part, what + " concat part", {"from", "value"});
      if (pe.by_key.size() != 1) yaml_.fail(part, what + ": a concat part is a path, {from: PATH} or {value: TEXT}");
      if (pe.has("from"))
        p.concat.push_back(Part{locator(*pe.find("from"), "concat from"), ""});
      else
        p.concat.push_back(Part{std::nullopt, yaml_.scalar(*pe.find("value"), "concat value")});
    }
    if (const auto* separator = e.find("separator")) p.separator = yaml_.scalar(*separator, "separator");
    for (const Part& part : p.concat) p.text += (p.text.empty() ? "concat(" : ", ") + (part.from ? part.from->text : "\"" + part.constant + "\"");
    p.text += ")";
  } else if (const auto* lookup = e.find("lookup")) {
    Entries l = yaml_.entries(*lookup, what + " lookup", {"target", "key", "value", "take"});
    for (const char* k : {"target", "key", "value", "take"})
      if (!l.has(k)) yaml_.fail(*lookup, what + ": lookup needs '" + std::string(k) + "'");
    LookupRule rule{yaml_.scalar(*l.find("target"), "lookup target"), yaml_.scalar(*l.find("key"), "lookup key"), {},
                    nullptr};
    std::string take = yaml_.scalar(*l.find("take"), "lookup take");
    for (std::size_t start = 0; start <= take.size();) {
      std::size_t dot = std::min(take.find('.', start), take.size());
      rule.take.push_back(take.substr(start, dot - start));
      if (rule.take.back().empty()) yaml_.fail(*l.find("take"), what + ": take is a dotted JSON path such as order_date");
      start = dot + 1;
    }
    const YAML::Node& value = *l.find("value");
    rule.value = std::make_shared<const Pick>(
        value.IsScalar() ? path_pick(value, {})
                         : pick(yaml_.entries(value, what + " lookup value", {"in", "from", "concat", "separator", "split"}),
                                value, value, {}, what + " lookup value"));
    p.text = "lookup " + rule.target + " by " + rule.key + " (" + rule.value->text + ")";
    p.lookup = std::move(rule);
  } else if (const auto* from = e.find("from")) {
    if (from->IsSequence()) {
      if (p.as.kind != Conversion::Kind::DateTime || from->size() != 2)
        yaml_.fail(*from, what + ": a list in 'from' is [date, time] and needs 'as: datetime'");
      p.from = {locator((*from)[0], "from"), locator((*from)[1], "from")};
      p.text = "[" + p.from[0].text + ", " + p.from[1].text + "]";
    } else {
      p.from = {locator(*from, "from")};
      p.text = p.from[0].text;
    }
  } else {
    yaml_.fail(at, what + " needs 'from' or 'value' (or concat, lookup)");
  }
  if (const auto* s = e.find("split")) {
    if (p.from.size() == 2) yaml_.fail(*s, what + ": split does not apply to [date, time]");
    split(p, *s, false, what);
  }
  if (p.in) p.text += " in " + p.in->text;
}

// The in/when/value source/settings/arithmetic of a field or of a `first:` alternative.
Pick FieldLoader::pick(const Entries& e, const YAML::Node& at, const YAML::Node& node, const PickDefaults& defaults,
                       const std::string& what) {
  PickDefaults d = settings(e, defaults);
  Pick p = Pick{std::nullopt, std::nullopt, {}, std::nullopt, {}, "", std::nullopt, "", 0,
                d.as,         d.table,      d.on_missing, d.calc, d.round, ""};
  if (const auto* in = e.find("in")) p.in = within(*in, "in");
  if (const auto* when = e.find("when")) p.when = test(*when);
  value_source(p, e, at, what);
  if (!p.constant) calc(p, e, node, what);
  return p;
}

Iteration FieldLoader::iteration(const Entries& e, const YAML::Node& at, const std::string& what) const {
  if (!e.has("each")) yaml_.fail(at, what + " needs 'each'");
  Iteration it;
  const YAML::Node& each = *e.find("each");
  std::string text = yaml_.scalar(each, "each");
  it.text = text;
  std::string_view code = level_code(text);
  if (state_.xml) {
    it.over = xpath(each, text, true);
  } else if (!code.empty()) {
    it.over = std::string(code);
  } else if (names_place(text)) {
    yaml_.fail(each, what + ": each takes a level (" + level_names() + ") or a segment such as N1, not '" + text + "'");
  } else {
    try {
      it.over = parse_selector(text);
    } catch (const PathError& err) {
      yaml_.fail(each, err.what());
    }
  }
  if (const auto* group_by = e.find("group_by")) {
    if (std::holds_alternative<Selector>(it.over) && !state_.edifact)
      yaml_.fail(*group_by, what + ": group_by groups HLs; use it with each: <level>");
    it.group_by = locator(*group_by, "group_by");
  }
  return it;
}

std::vector<Field> FieldLoader::fragment(const YAML::Node& use) {
  std::string name = yaml_.scalar(use, "use");
  auto found = state_.fragments.find(name);
  if (found == state_.fragments.end()) {
    Keys known;
    for (const auto& [n, f] : state_.fragments) known.push_back(n);
    yaml_.fail(use, "unknown fragment '" + name + "'" +
                        (known.empty() ? " (no fragment file is included)" : " (known: " + join(known) + ")"));
  }
  if (auto done = state_.compiled.find(name); done != state_.compiled.end()) return done->second;
  if (std::find(state_.expanding.begin(), state_.expanding.end(), name) != state_.expanding.end()) {
    std::string chain;
    for (const auto& n : state_.expanding) chain += n + " -> ";
    yaml_.fail(use, "fragment cycle: " + chain + name);
  }
  state_.expanding.push_back(name);
  std::vector<Field> out = FieldLoader(found->second.file, state_).fields(found->second.fields, "fragment " + name);
  state_.expanding.pop_back();
  state_.compiled[name] = out;
  return out;
}

std::vector<Field> FieldLoader::fields(const YAML::Node& node, const std::string& owner) {
  if (!node.IsMap() || node.size() == 0)
    yaml_.fail(node, "fields of " + owner + " must be a mapping of field names to definitions");
  std::vector<Field> out;
  yaml_.entries(node, "fields of " + owner, {});  // rejects duplicate names
  for (auto it = node.begin(); it != node.end(); ++it) out.push_back(field(it->first.Scalar(), it->first, it->second));
  return out;
}

Field FieldLoader::field(const std::string& name, const YAML::Node& key, const YAML::Node& node) {
  Field f;
  f.name = name;
  f.file = yaml_.name();
  f.line = line_of(key);
  const std::string what = "field " + name;
  if (!is_name(name)) yaml_.fail(key, "field name '" + name + "' must be letters, digits and _");
  if (node.IsScalar()) {
    f.picks.push_back(path_pick(node, {}));
    return f;
  }
  Entries e = yaml_.entries(node, what, kAllKeys);
  if (e.has("each") && !e.has("fields") && !e.has("use")) yaml_.fail(key, what + ": each needs fields (or use)");
  int sources = 0;
  for (const char* k : {"from", "first", "all", "value", "fields", "concat", "lookup", "use"}) sources += e.has(k);
  if (sources != 1) yaml_.fail(key, what + " needs exactly one of from, first, all, value, fields (or concat, lookup, use)");

  Keys allowed;
  if (e.has("each")) {
    f.kind = Field::Kind::List;
    allowed = {"each", "fields", "use", "otherwise", "group_by", "in", "when", "required"};
  } else if (e.has("fields") || e.has("use")) {
    f.kind = Field::Kind::Object;
    allowed = {"fields", "use", "in", "when", "required"};
  } else if (e.has("all")) {
    f.kind = Field::Kind::Values;
    allowed = {"all", "in", "when", "as", "table", "on_missing", "split", "required"};
  } else if (e.has("value")) {
    allowed = {"value", "as", "when"};
  } else {
    allowed = kFieldKeys;
  }
  for (const auto& [k, kv] : e.by_key)
    if (!contains(allowed, k))
      yaml_.fail(kv.first, "key '" + k + "' does not apply to " + what + " (it takes " + join(allowed) + ")");

  if (const auto* required = e.find("required")) f.required = yaml_.boolean(*required, "required");
  bool own_in = f.kind == Field::Kind::Value && !e.has("first");  // a value field's `in` is its pick's
  if (const auto* in = e.find("in"); in && !own_in) f.in = within(*in, "in");
  if (const auto* when = e.find("when"); when && !own_in) f.when = test(*when);

  auto nested = [&] { return e.has("use") ? fragment(*e.find("use")) : fields(*e.find("fields"), what); };
  switch (f.kind) {
    case Field::Kind::List:
      f.each = iteration(e, node, what);
      if (const auto* otherwise = e.find("otherwise"))
        f.otherwise = iteration(yaml_.entries(*otherwise, what + " otherwise", {"each", "group_by"}), *otherwise,
                                what + " otherwise");
      f.fields = nested();
      break;
    case Field::Kind::Object:
      f.fields = nested();
      break;
    case Field::Kind::Values: {
      PickDefaults d = settings(e, {});
      const YAML::Node& all = *e.find("all");
      if (all.IsSequence() && all.size() == 0) yaml_.fail(all, what + ": all needs at least one path");
      if (all.IsSequence())
        for (const auto& p : all) f.picks.push_back(path_pick(p, d));
      else
        f.picks.push_back(path_pick(all, d));
      if (const auto* s = e.find("split"))
        for (Pick& p : f.picks) split(p, *s, true, what);
      break;
    }
    case Field::Kind::Value: {
      PickDefaults d = settings(e, {});
      if (const auto* first = e.find("first")) {
        for (const char* k : {"split", "separator"})
          if (e.has(k)) yaml_.fail(e.key_node(k), what + ": " + k + " goes on an alternative of first");
        Pick field_level;  // calc and round of the field apply to every alternative
        field_level.as = d.as;
        calc(field_level, e, node, what);
        d.calc = field_level.calc;
        d.round = field_level.round;
        d.as = field_level.as;
        if (!first->IsSequence() || first->size() == 0)
          yaml_.fail(*first, what + ": first needs a list of alternatives");
        for (const auto& alt : *first)
          f.picks.push_back(alt.IsScalar() ? path_pick(alt, d)
                                           : pick(yaml_.entries(alt, what + " alternative", kAlternativeKeys), alt,
                                                  alt, d, what + " alternative"));
      } else {
        f.picks.push_back(pick(e, key, node, {}, what));
        f.when = std::move(f.picks.front().when);  // the field's condition: no `required` error when it fails
        f.picks.front().when.reset();
      }
      if (const auto* fallback = e.find("default")) f.fallback = output_value(*fallback, d.as, what + " default");
      for (const Pick& p : f.picks)
        if (p.on_missing == OnMissing::Default && !f.fallback)
          yaml_.fail(key, what + ": on_missing: default needs a default: value");
      break;
    }
  }
  return f;
}

}  // namespace edihub::mapping
