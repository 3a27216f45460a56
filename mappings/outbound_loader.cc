// Reads an outbound mapping file (YAML) into an outbound::Program, checking everything that
// can be checked before a document is seen; every mistake is a MappingFileError file:line.
#include <yaml-cpp/yaml.h>

#include "mappings/conversions.h"
#include "mappings/edifact_groups.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "mappings/outbound_program.h"

namespace edihub::mapping::outbound {
namespace {

using Keys = std::vector<std::string_view>;

std::string join(const Keys& words) {
  std::string out;
  for (auto w : words) out += (out.empty() ? "" : ", ") + std::string(w);
  return out;
}

bool digits(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool contains(const Keys& keys, const std::string& key) { return std::find(keys.begin(), keys.end(), key) != keys.end(); }

bool is_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

// X12 segment ids: two or three uppercase letters and digits, starting with a letter.
bool is_tag(const std::string& s) {
  return (s.size() == 2 || s.size() == 3) && std::isupper(static_cast<unsigned char>(s[0])) &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)); });
}

// GS01 of the sets an ERP commonly sends, so most files need not name it.
std::string known_functional_id(const std::string& set) {
  static const std::map<std::string, std::string> kIds = {
      {"810", "IN"}, {"812", "CD"}, {"820", "RA"}, {"830", "PS"}, {"846", "IB"}, {"850", "PO"}, {"852", "PD"},
      {"855", "PR"}, {"856", "SH"}, {"860", "PC"}, {"862", "SS"}, {"865", "CA"}, {"940", "OW"}, {"945", "SW"}};
  auto it = kIds.find(set);
  return it == kIds.end() ? "" : it->second;
}

// XML names (elements, attributes): a letter, '_' or non-ASCII first, then also digits, '-'
// and '.'; one ':' at most, between a prefix and a local name.
bool is_xml_name(const std::string& s) {
  auto start = [](char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || static_cast<unsigned char>(c) >= 0x80; };
  auto part = [&](std::string_view p) {
    return !p.empty() && start(p[0]) && std::all_of(p.begin(), p.end(), [&](char c) {
      return start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
    });
  };
  std::size_t colon = s.find(':');
  if (colon == std::string::npos) return part(s);
  return part(std::string_view(s).substr(0, colon)) && part(std::string_view(s).substr(colon + 1));
}

const Keys kValueKeys = {"from",   "count", "sum",     "value",   "concat",  "qualifier", "required", "default",
                         "table",  "on_missing", "date", "time",  "decimal", "implied", "integer",  "as",
                         "max",    "truncate",   "separator", "split", "calc", "round", "segment_count"};
const Keys kX12Formats = {"date", "time", "decimal", "implied", "integer"};
const Keys kXmlFormats = {"as", "decimal", "integer"};

class Loader {
 public:
  explicit Loader(std::string file) { program_.file = std::move(file); }

  Program load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      throw MappingFileError(program_.file, e.mark.is_null() ? 0 : e.mark.line + 1, e.msg);
    }
    if (!root.IsMap()) fail(root, "an outbound mapping file is a YAML mapping with source, target and segments (or document)");
    auto top = entries(root, "the mapping file", {"source", "target", "tables", "segments", "document", "keys"});
    for (const char* key : {"source", "target"})
      if (!top.count(key)) fail(root, std::string("missing '") + key + "'");
    source(top.at("source"));
    target(top.at("target"));
    const bool xml = program_.format == "xml";
    const char* body = xml ? "document" : "segments";
    if (top.count(xml ? "segments" : "document"))
      fail(top.at(xml ? "segments" : "document"),
           xml ? "an XML mapping writes document:, not segments:" : "an X12 mapping writes segments:, not document:");
    if (!top.count(body)) fail(root, std::string("missing '") + body + "'");
    if (top.count("tables")) load_tables(top.at("tables"));
    if (xml) {
      program_.document = xml_node(top.at("document"), true);
      const std::string& name = program_.document->name;
      if (!program_.doctype.empty() && program_.doctype.compare(0, name.size() + 1, name + " ") != 0)
        fail(top.at("target"), "doctype must start with the document element " + name + " (doctype: '" + name + " SYSTEM \"...\"')");
    } else {
      program_.entries = segments(top.at("segments"), "segments");
    }
    if (top.count("keys")) load_keys(top.at("keys"));
    return std::move(program_);
  }

 private:
  [[noreturn]] void fail(const YAML::Node& at, const std::string& message) const {
    YAML::Mark mark = at.Mark();
    throw MappingFileError(program_.file, mark.is_null() ? 0 : mark.line + 1, message);
  }
  static int line(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

  // The values of a YAML mapping by key; unknown (when `allowed` is given) and duplicate keys fail.
  std::map<std::string, YAML::Node> entries(const YAML::Node& node, const std::string& what, const Keys& allowed) const {
    if (!node.IsMap()) fail(node, what + " must be a mapping" + (allowed.empty() ? "" : " of " + join(allowed)));
    std::map<std::string, YAML::Node> out;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = scalar(it->first, "a key in " + what);
      if (!allowed.empty() && !contains(allowed, key))
        fail(it->first, "unknown key '" + key + "' in " + what + " (expected " + join(allowed) + ")");
      if (!out.emplace(key, it->second).second) fail(it->first, "duplicate key '" + key + "' in " + what);
    }
    return out;
  }

  std::string scalar(const YAML::Node& node, const std::string& what) const {
    if (!node.IsScalar() || node.Scalar().empty()) fail(node, what + " must be a non-empty text value");
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& what) const {
    bool value = false;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) fail(node, what + " must be true or false");
    return value;
  }

  int number(const YAML::Node& node, const std::string& what, int low, int high) const {
    std::string text = node.IsScalar() ? node.Scalar() : "";
    int n = !text.empty() && text.size() <= 4 && digits(text) ? std::stoi(text) : -1;
    if (n < low || n > high) fail(node, what + " must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return n;
  }

  void source(const YAML::Node& node) {
    auto e = entries(node, "source", {"format", "transaction"});
    if (!e.count("format") || !e.count("transaction")) fail(node, "source needs format: erp and transaction");
    if (scalar(e.at("format"), "source format") != "erp")
      fail(e.at("format"), "source format of an outbound mapping must be erp (ERP transactions in JSON)");
    program_.source_type = scalar(e.at("transaction"), "source transaction");
    if (!is_name(program_.source_type))
      fail(e.at("transaction"), "source transaction must be an ERP transaction type such as purchase_order");
  }

  void target(const YAML::Node& node) {
    if (node.IsMap() && node["format"] && node["format"].IsScalar() && node["format"].Scalar() == "xml") return xml_target(node);
    if (node.IsMap() && node["format"] && node["format"].IsScalar() && node["format"].Scalar() == "edifact")
      return edifact_target(node);
    auto e = entries(node, "target", {"format", "transaction_set", "versions", "functional_id"});
    if (e.count("format") && (program_.format = scalar(e.at("format"), "target format")) != "x12")
      fail(e.at("format"), "target format must be x12, edifact or xml");
    for (const char* k : {"format", "transaction_set", "versions"})
      if (!e.count(k)) fail(node, std::string("target needs '") + k + "'");
    const std::string& id = program_.transaction_set = scalar(e.at("transaction_set"), "target transaction_set");
    if (id.size() != 3 || !digits(id))
      fail(e.at("transaction_set"), "transaction_set must be three digits such as \"850\"");
    const YAML::Node& versions = e.at("versions");
    if (!versions.IsSequence() || versions.size() == 0)
      fail(versions, "versions must be a list of GS08 versions such as [\"004010\"], the default first");
    for (const auto& v : versions) {
      std::string version = scalar(v, "a version");
      if (version.size() < 6 || !digits(version.substr(0, 6)))
        fail(v, "version '" + version + "' is not a GS08 version such as 004010 or 005010");
      program_.versions.push_back(version);
    }
    if (e.count("functional_id")) {
      program_.functional_id = scalar(e.at("functional_id"), "functional_id");
      if (program_.functional_id.size() != 2 || !is_tag(program_.functional_id + "X"))
        fail(e.at("functional_id"), "functional_id (GS01) must be two uppercase letters such as PO");
    } else if ((program_.functional_id = known_functional_id(id)).empty()) {
      fail(node, "target needs functional_id (GS01): no default is known for transaction set " + id);
    }
  }

  // target: {format: edifact, message: ORDERS, versions: [D96A], association: EAN008}: the
  // message body (BGM .. UNS ..); UNB/UNH and their trailers are the envelope writer's.
  void edifact_target(const YAML::Node& node) {
    auto e = entries(node, "target", {"format", "message", "versions", "association"});
    program_.format = "edifact";
    for (const char* k : {"message", "versions"})
      if (!e.count(k)) fail(node, std::string("target needs '") + k + "'");
    const std::string& id = program_.transaction_set = scalar(e.at("message"), "target message");
    if (!is_message_type(id))
      fail(e.at("message"), "message must be an EDIFACT message type, six capitals such as ORDERS");
    program_.functional_id = id;  // UNG 0038 names the message type
    const YAML::Node& versions = e.at("versions");
    if (!versions.IsSequence() || versions.size() == 0)
      fail(versions, "versions must be a list of EDIFACT directories such as [D96A], the default first");
    for (const auto& v : versions) {
      std::string version = scalar(v, "a version");
      if (!is_directory(version))
        fail(v, "version '" + version + "' is not an EDIFACT directory such as D96A or D01B");
      program_.versions.push_back(version);
    }
    if (e.count("association")) program_.association = scalar(e.at("association"), "target association");
  }

  void xml_target(const YAML::Node& node) {
    auto e = entries(node, "target", {"format", "standard", "document", "doctype", "namespaces"});
    program_.format = "xml";
    if (!e.count("document")) fail(node, "target needs 'document' (the document type, e.g. OrderRequest)");
    program_.document_type = scalar(e.at("document"), "target document");
    if (!is_xml_name(program_.document_type)) fail(e.at("document"), "target document must be a name such as OrderRequest");
    if (e.count("standard")) {
      program_.standard = scalar(e.at("standard"), "target standard");
      if (!is_name(program_.standard)) fail(e.at("standard"), "target standard must be a name such as cxml or ubl");
    }
    if (e.count("doctype")) {
      program_.doctype = scalar(e.at("doctype"), "doctype");
      if (program_.doctype.find_first_of("<>") != std::string::npos)
        fail(e.at("doctype"), "doctype is what goes between <!DOCTYPE and >, without < or >");
    }
    if (!e.count("namespaces")) return;
    const YAML::Node& ns = e.at("namespaces");
    if (!ns.IsMap()) fail(ns, "namespaces must be a mapping of prefix (\"\" for the default) to URI");
    for (auto it = ns.begin(); it != ns.end(); ++it) {
      std::string prefix = it->first.IsScalar() ? it->first.Scalar() : "?";
      if (!prefix.empty() && (!is_xml_name(prefix) || prefix.find(':') != std::string::npos || prefix == "xml" || prefix == "xmlns"))
        fail(it->first, "namespace prefix '" + prefix + "' is not an XML name (or is xml/xmlns, which are bound already)");
      for (const auto& [known, uri] : program_.namespaces)
        if (known == prefix) fail(it->first, "duplicate namespace prefix '" + prefix + "'");
      program_.namespaces.emplace_back(prefix, scalar(it->second, "the URI of namespace prefix '" + prefix + "'"));
    }
  }

  // An element or attribute name: an XML name whose prefix, if any, is declared.
  std::string xml_name(const YAML::Node& node, const std::string& what) const {
    std::string name = scalar(node, what);
    if (!is_xml_name(name))
      fail(node, what + " '" + name + "' is not an XML name (a letter or _ first, then letters, digits, -, _ and ., one prefix: at most)");
    std::size_t colon = name.find(':');
    if (colon == std::string::npos) return name;
    std::string prefix = name.substr(0, colon);
    if (prefix == "xmlns") fail(node, what + " '" + name + "': namespaces are declared in target namespaces");
    bool declared = prefix == "xml" || std::any_of(program_.namespaces.begin(), program_.namespaces.end(),
                                                   [&](const auto& ns) { return ns.first == prefix; });
    if (!declared) fail(node, what + " '" + name + "': prefix '" + prefix + "' is not declared in target namespaces");
    return name;
  }

  // An entry of `document:`: an element, or a block of children (no element).
  XmlNode xml_node(const YAML::Node& node, bool root) {
    XmlNode out;
    out.line = line(node);
    auto e = entries(node, "an element", {"element", "attributes", "text", "children", "each", "in", "when", "keep_empty"});
    if (e.count("each") && e.count("in")) fail(node, "an element takes each or in, not both");
    if (e.count("when")) out.when = condition(e.at("when"));
    if (e.count("each")) out.each = json_path(e.at("each"), "each", false);
    if (e.count("in")) out.in = json_path(e.at("in"), "in", false);
    if (!e.count("element")) {
      if (root) fail(node, "document needs element: the document element, e.g. element: cXML");
      for (const char* k : {"attributes", "text", "keep_empty"})
        if (e.count(k)) fail(e.at(k), std::string(k) + " needs element (a block without element only groups children)");
      if (!e.count("children")) fail(node, "an entry of children needs element, or children for a block");
      if (!out.each && !out.in && !out.when) fail(node, "a block of children needs each, in or when");
    } else {
      out.name = xml_name(e.at("element"), "element");
      if (root && out.each) fail(e.at("each"), "the document element is written once: put each on its children");
    }
    const std::string what = out.name.empty() ? "a block" : out.name;
    if (e.count("attributes")) {
      const YAML::Node& attributes = e.at("attributes");
      if (!attributes.IsMap()) fail(attributes, "attributes of " + what + " must be a mapping of name to value");
      for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        std::string name = xml_name(it->first, "attribute");
        if (name == "xmlns") fail(it->first, "attribute 'xmlns': namespaces are declared in target namespaces");
        for (const auto& [known, spec] : out.attributes)
          if (known == name) fail(it->first, "duplicate attribute '" + name + "' of " + what);
        out.attributes.emplace_back(name, text_value(it->second, "attribute " + name + " of " + what));
      }
    }
    if (e.count("text")) out.text = text_value(e.at("text"), "the text of " + what);
    if (e.count("keep_empty")) out.keep_empty = boolean(e.at("keep_empty"), "keep_empty");
    if (e.count("children")) {
      const YAML::Node& list = e.at("children");
      if (!list.IsSequence() || list.size() == 0) fail(list, "children must be a list of elements such as - element: Name");
      for (const auto& child : list) out.children.push_back(xml_node(child, false));
    }
    return out;
  }

  // An attribute or a text: a value written in the file (a scalar) or a value spec.
  ValueSpec text_value(const YAML::Node& node, const std::string& what) {
    if (node.IsMap()) return value(node, what, false);
    ValueSpec v;
    v.kind = ValueSpec::Kind::Literal;
    v.line = line(node);
    v.literal = scalar(node, what);
    return v;
  }

  // Same shape as inbound and partner tables (X12 code -> ERP value); outbound reads them
  // backwards, so a value must belong to one code only.
  void load_tables(const YAML::Node& node) {
    for (const auto& [name, codes_node] : entries(node, "tables", {})) {
      auto& table = program_.tables[name];
      std::map<std::string, std::string> code_of;
      for (const auto& [code, value_node] : entries(codes_node, "table " + name, {})) {
        std::string value = scalar(value_node, "code " + code + " of table " + name);
        if (auto [it, fresh] = code_of.emplace(value, code); !fresh)
          fail(value_node, "table " + name + ": '" + value + "' is the ERP value of both " + it->second + " and " + code +
                               "; outbound needs one code per value");
        table[code] = value;
      }
    }
  }

  JsonPath json_path(const YAML::Node& node, const std::string& what, bool may_collect = true) const {
    JsonPath p;
    p.text = scalar(node, what);
    std::string_view rest = p.text;
    if (rest.front() == '/') {
      p.from_root = true;
      rest.remove_prefix(1);
    }
    while (true) {
      std::string step(rest.substr(0, rest.find('.')));
      bool each = step.size() > 2 && step.ends_with("[]");
      if (each) step.resize(step.size() - 2);
      if (!is_name(step))
        fail(node, "bad JSON path '" + p.text + "': '" + std::string(rest.substr(0, rest.find('.'))) +
                       "' is not a name or name[] (letters, digits, _ and -)");
      p.steps.push_back({step, each});
      if (rest.find('.') == std::string_view::npos) break;
      rest.remove_prefix(rest.find('.') + 1);
    }
    if (!may_collect && p.collects())
      fail(node, "bad JSON path '" + p.text + "': " + what + " takes a path without [] ([] collects values for count, sum, when and keys)");
    return p;
  }

  Condition condition(const YAML::Node& node) const {
    const std::string forms = "when is a path, {path: ..., equals: ...}, {not: when}, {all: [when, ...]} or {any: [when, ...]}";
    Condition c;
    if (node.IsScalar()) {
      c.path = json_path(node, "when");
      return c;
    }
    auto e = entries(node, "when", {"path", "equals", "not", "all", "any"});
    if (e.size() == 1 && (e.count("not") || e.count("all") || e.count("any"))) {
      const auto& [key, inner] = *e.begin();
      c.kind = key == "not" ? Condition::Kind::Not : key == "all" ? Condition::Kind::All : Condition::Kind::Any;
      if (c.kind == Condition::Kind::Not) {
        c.parts.push_back(condition(inner));
      } else {
        if (!inner.IsSequence() || inner.size() == 0) fail(inner, key + " needs a list of conditions");
        for (const auto& part : inner) c.parts.push_back(condition(part));
      }
      return c;
    }
    if (e.size() != 2 || !e.count("path") || !e.count("equals")) fail(node, forms);
    c.path = json_path(e.at("path"), "when path");
    const YAML::Node& equals = e.at("equals");
    if (equals.IsSequence() && equals.size() == 0) fail(equals, "equals needs at least one value");
    if (equals.IsSequence())
      for (const auto& v : equals) c.equals.push_back(scalar(v, "a value of equals"));
    else
      c.equals.push_back(scalar(equals, "equals"));
    return c;
  }

  std::vector<Entry> segments(const YAML::Node& node, const std::string& what) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, what + " must be a list of segments such as - BEG: [\"00\", SA, {from: po_number}]");
    std::vector<Entry> out;
    for (const auto& item : node) out.push_back(entry(item));
    return out;
  }

  Entry entry(const YAML::Node& node) {
    Entry out;
    out.line = line(node);
    if (!node.IsMap()) fail(node, "an entry of segments is a segment (TAG: [elements]) or a block with segments");
    auto e = entries(node, "a segment entry", {});
    if (e.count("when")) out.when = condition(e.at("when"));
    if (e.count("segments")) {
      for (const auto& [key, value] : e)
        if (!contains({"segments", "each", "in", "when", "hl"}, key))
          fail(value, "unknown key '" + key + "' in a block (expected segments, each, in, when, hl)");
      if (e.count("each") && e.count("in")) fail(node, "a block takes each or in, not both");
      if (!e.count("each") && !e.count("in") && !e.count("when") && !e.count("hl"))
        fail(node, "a block needs each, in, when or hl");
      if (e.count("each")) out.each = json_path(e.at("each"), "each", false);
      if (e.count("in")) out.in = json_path(e.at("in"), "in", false);
      if (e.count("hl")) hl(e.at("hl"), out);
      out.entries = segments(e.at("segments"), "segments of the block");
      return out;
    }
    for (const auto& [key, value] : e) {
      if (key == "when") continue;
      if (key == "each" || key == "in" || key == "hl") fail(node, key + " needs segments (the block it repeats, enters or numbers)");
      if (std::any_of(key.begin(), key.end(), [](char c) { return c >= 'a' && c <= 'z'; }))
        fail(node, "unknown key '" + key + "' in a segment entry (expected a segment tag and when; or segments with each, in, when)");
      if (!is_tag(key)) fail(node, "'" + key + "' is not a segment tag (two or three uppercase letters and digits, a letter first)");
      if (!out.tag.empty()) fail(node, "a segment entry holds one segment, not " + out.tag + " and " + key + " (make two entries)");
      if (contains({"ISA", "IEA", "GS", "GE", "ST", "SE"}, key))
        fail(node, key + " is written by the envelope; segments lists the body between ST and SE");
      out.tag = key;
    }
    if (out.tag.empty()) fail(node, "a segment entry needs a segment tag such as BEG");
    elements(e.at(out.tag), out);
    return out;
  }

  // hl: O, or hl: {level: O, child: true}: the block is an HL level with HL03 = O.
  void hl(const YAML::Node& node, Entry& out) {
    YAML::Node level = node;
    if (node.IsMap()) {
      auto h = entries(node, "hl", {"level", "child"});
      if (!h.count("level")) fail(node, "hl needs level: the HL03 code of the level, such as O");
      level = h.at("level");
      if (h.count("child")) out.hl_child = boolean(h.at("child"), "hl child (write HL04)");
    }
    out.hl_level = scalar(level, "hl level");
    if (out.hl_level.size() > 2 || !std::all_of(out.hl_level.begin(), out.hl_level.end(), [](char c) {
          return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
        }))
      fail(level, "hl level '" + out.hl_level + "' is not an HL03 code (one or two uppercase letters or digits, such as S, O, P, I)");
  }

  void elements(const YAML::Node& node, Entry& out) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, out.tag + " needs a list of elements: literal codes, {from: ...} values, [[composite]]");
    auto named = [&](Element element) {
      if (out.elements.size() == 99) fail(node, out.tag + " has more than 99 elements");
      std::size_t n = out.elements.size() + 1;
      element.name = out.tag + (n < 10 ? "0" : "") + std::to_string(n);
      out.elements.push_back(std::move(element));
    };
    for (const auto& item : node) {
      if (item.IsSequence()) {
        // [[a, b]]: the double brackets keep a composite apart from a list of elements.
        if (item.size() != 1 || !item[0].IsSequence() || item[0].size() == 0)
          fail(item, "a composite is written [[component, component, ...]] (a list holding its list of components)");
        Element composite{{}, true, false, ""};
        for (const auto& component : item[0]) {
          if (component.IsSequence()) fail(component, "a component cannot be a list (composites do not nest)");
          composite.pieces.push_back(piece(component, out.tag, false));
        }
        named(std::move(composite));
      } else if (item.IsMap() && item["qualifier"]) {
        named(Element{{Piece{scalar(item["qualifier"], "qualifier"), std::nullopt}}, false, true, ""});
        named(Element{{piece(item, out.tag, true)}, false, false, ""});
      } else {
        named(Element{{piece(item, out.tag, true)}, false, false, ""});
      }
    }
  }

  Piece piece(const YAML::Node& node, const std::string& tag, bool simple) {
    if (node.IsNull()) return {};
    if (node.IsScalar()) return {node.Scalar(), std::nullopt};
    return {"", value(node, "an element of " + tag, simple)};
  }

  // A value spec; `simple` when it may carry a qualifier (an X12 simple element).
  ValueSpec value(const YAML::Node& node, const std::string& what, bool simple) {
    auto e = entries(node, what, kValueKeys);
    ValueSpec v;
    v.line = line(node);
    int kinds = e.count("from") + e.count("count") + e.count("sum") + e.count("value") + e.count("concat") +
                e.count("segment_count");
    if (kinds != 1) fail(node, what + " needs exactly one of from, count, sum, value, concat, segment_count");
    const bool xml = program_.format == "xml";
    const Keys& formats = xml ? kXmlFormats : kX12Formats;
    Keys allowed;
    std::string kind;
    if (e.count("from")) {
      kind = "from";
      allowed = {"from", "qualifier", "required", "default", "table", "on_missing", "max", "truncate", "split", "calc", "round"};
      v.path = json_path(e.at("from"), "from", false);
    } else if (e.count("count")) {
      kind = "count";
      allowed = {"count", "qualifier", "max"};
      v.kind = ValueSpec::Kind::Count;
      v.path = json_path(e.at("count"), "count");
      v.format.kind = Format::Kind::Integer;
    } else if (e.count("sum")) {
      kind = "sum";
      allowed = {"sum", "qualifier", "max", "calc", "round"};
      v.kind = ValueSpec::Kind::Sum;
      v.path = json_path(e.at("sum"), "sum");
      v.format = {Format::Kind::Decimal, 9};  // exact: a hash total keeps every place it adds up
    } else if (e.count("segment_count")) {
      kind = "segment_count";
      allowed = {"segment_count", "qualifier", "max"};
      if (xml) fail(e.at("segment_count"), "segment_count counts X12 segments; an XML mapping writes none");
      v.kind = ValueSpec::Kind::SegmentCount;
      v.literal = scalar(e.at("segment_count"), "segment_count");
      if (!is_tag(v.literal))
        fail(e.at("segment_count"), "segment_count takes a segment tag such as HL or LIN, not '" + v.literal + "'");
      v.format.kind = Format::Kind::Integer;
    } else if (e.count("value")) {
      kind = "value";
      allowed = {"value"};
      v.kind = ValueSpec::Kind::Literal;
      v.literal = scalar(e.at("value"), "value");
    } else {
      kind = "concat";
      allowed = {"concat", "separator", "qualifier", "required", "default", "max", "truncate"};
      v.kind = ValueSpec::Kind::Concat;
      const YAML::Node& parts = e.at("concat");
      if (!parts.IsSequence() || parts.size() < 2) fail(parts, "concat needs a list of at least two values");
      for (const auto& part : parts) {
        if (part.IsScalar()) {
          ValueSpec literal;
          literal.kind = ValueSpec::Kind::Literal;
          literal.line = line(part);
          literal.literal = scalar(part, "a part of concat");
          v.parts.push_back(std::move(literal));
        } else {
          v.parts.push_back(value(part, "a part of concat", false));
        }
      }
      if (e.count("separator")) {
        if (!e.at("separator").IsScalar()) fail(e.at("separator"), "separator must be a text");
        v.separator = e.at("separator").Scalar();
      }
    }
    if (kind == "from" || kind == "sum") allowed.insert(allowed.end(), formats.begin(), formats.end());
    for (const auto& [key, item] : e) {
      if (contains(allowed, key)) continue;
      if (contains(xml ? kX12Formats : kXmlFormats, key) && !contains(formats, key))
        fail(item, "key '" + key + "' applies to " + (xml ? "X12 targets (XML values take as: date, datetime, decimal or integer)"
                                                             : "XML targets (X12 values take date, time, decimal, implied or integer)"));
      fail(item, "key '" + key + "' does not apply to a " + kind + " element (it takes " + join(allowed) + ")");
    }
    if (e.count("qualifier") && !simple)
      fail(e.at("qualifier"), "qualifier applies to a simple X12 element (not in a composite, a concat part, a calc operand or XML)");
    formats_of(node, e, v, what);

    if (e.count("table")) {
      if (v.format.kind != Format::Kind::Text)
        fail(e.at("table"), xml ? "table gives codes as they are; it takes no as, decimal or integer"
                                : "table gives X12 codes as they are; it takes no date, time, decimal, implied or integer");
      v.table = scalar(e.at("table"), "table");
      program_.tables_used.insert(v.table);
    }
    if (e.count("required")) v.required = boolean(e.at("required"), "required");
    if (e.count("default")) {
      if (v.required) fail(e.at("default"), "required and default exclude each other");
      v.fallback = scalar(e.at("default"), "default");
    }
    if (v.fallback) v.on_missing = ValueSpec::OnMissing::Default;
    if (e.count("on_missing")) {
      std::string m = scalar(e.at("on_missing"), "on_missing");
      if (m != "keep" && m != "error" && m != "default") fail(e.at("on_missing"), "on_missing must be error, keep or default");
      if (v.table.empty()) fail(e.at("on_missing"), "on_missing applies to an element with a table");
      if (m == "default" && !v.fallback) fail(e.at("on_missing"), "on_missing: default needs default: (the code written)");
      v.on_missing = m == "keep" ? ValueSpec::OnMissing::Keep : m == "error" ? ValueSpec::OnMissing::Error : ValueSpec::OnMissing::Default;
    }
    if (e.count("split")) {
      auto split = entries(e.at("split"), "split", {"separator", "part"});
      if (!split.count("separator") || !split.count("part")) fail(e.at("split"), "split needs separator and part (from 1)");
      v.split_separator = scalar(split.at("separator"), "split separator");
      v.split_part = number(split.at("part"), "split part", 1, 99);
    }
    if (e.count("calc")) calc(e.at("calc"), v);
    if (e.count("round")) v.round = number(e.at("round"), "round (decimal places)", 0, 9);
    if ((e.count("calc") || e.count("round")) && !v.table.empty())
      fail(e.at(e.count("calc") ? "calc" : "round"), "calc and round take numbers; they do not go with table");
    if (e.count("max")) v.max = number(e.at("max"), "max (length)", 1, 9999);
    if (e.count("truncate")) {
      v.truncate = boolean(e.at("truncate"), "truncate");
      if (v.truncate && (!v.max || v.format.kind != Format::Kind::Text || !v.table.empty() || !v.calc.empty() || v.round))
        fail(e.at("truncate"), "truncate applies to a text element with max (numbers, dates and codes are never cut)");
    }
    return v;
  }

  // date/time/decimal/implied/integer (X12) or as/decimal/integer (XML): at most one.
  void formats_of(const YAML::Node& node, const std::map<std::string, YAML::Node>& e, ValueSpec& v, const std::string& what) const {
    int formats = 0;
    for (const char* k : {"date", "time", "decimal", "implied", "integer", "as"}) formats += e.count(k);
    if (formats > 1)
      fail(node, what + " takes one of " + (program_.format == "xml" ? "as, decimal, integer" : "date, time, decimal, implied, integer"));
    if (e.count("date")) {
      std::string f = scalar(e.at("date"), "date");
      if (f != "CCYYMMDD" && f != "YYMMDD") fail(e.at("date"), "date must be CCYYMMDD or YYMMDD");
      v.format = {Format::Kind::Date, static_cast<int>(f.size())};
    }
    if (e.count("time")) {
      std::string f = scalar(e.at("time"), "time");
      if (f != "HHMM" && f != "HHMMSS") fail(e.at("time"), "time must be HHMM or HHMMSS");
      v.format = {Format::Kind::Time, static_cast<int>(f.size())};
    }
    if (e.count("decimal")) v.format = {Format::Kind::Decimal, number(e.at("decimal"), "decimal (most places after the point)", 0, 9)};
    if (e.count("implied")) v.format = {Format::Kind::Implied, number(e.at("implied"), "implied (decimal places)", 1, 9)};
    if (e.count("integer")) {
      if (!boolean(e.at("integer"), "integer")) fail(e.at("integer"), "integer takes true (leave it out otherwise)");
      v.format = {Format::Kind::Integer, 0};
    }
    if (e.count("as")) {
      static const std::map<std::string, Format> kAs = {{"text", {Format::Kind::Text, 0}},
                                                        {"date", {Format::Kind::IsoDate, 0}},
                                                        {"datetime", {Format::Kind::IsoDateTime, 0}},
                                                        {"decimal", {Format::Kind::Decimal, 9}},
                                                        {"integer", {Format::Kind::Integer, 0}}};
      auto it = kAs.find(scalar(e.at("as"), "as"));
      if (it == kAs.end()) fail(e.at("as"), "as must be text, date, datetime, decimal or integer");
      v.format = it->second;
    }
  }

  // calc: [{multiply: 12}, {divide: {from: pack_size}}, ...], each operand a number or a value.
  void calc(const YAML::Node& node, ValueSpec& v) {
    if (!node.IsSequence() || node.size() == 0)
      fail(node, "calc must be a list of steps such as - multiply: 12 (add, subtract, multiply, divide)");
    for (const auto& item : node) {
      auto step_entries = entries(item, "a calc step", {"add", "subtract", "multiply", "divide"});
      if (step_entries.size() != 1) fail(item, "a calc step is one of add, subtract, multiply, divide with its operand");
      const auto& [op, operand] = *step_entries.begin();
      CalcStep step;
      step.op = op == "add" ? CalcStep::Op::Add : op == "subtract" ? CalcStep::Op::Subtract
              : op == "multiply" ? CalcStep::Op::Multiply : CalcStep::Op::Divide;
      if (operand.IsMap()) {
        ValueSpec spec = value(operand, "the operand of " + op, false);
        for (const char* format : {"date", "time", "decimal", "implied", "integer", "as"})
          if (operand[format])
            fail(operand[format], "the operand of " + op + " is read as a number: it takes no " + format);
        step.operand = std::make_shared<const ValueSpec>(std::move(spec));
      } else {
        step.number = scalar(operand, "the operand of " + op);
        try {
          split_decimal(step.number);
        } catch (const ConversionError&) {
          fail(operand, "the operand of " + op + " must be a number such as 12 or 0.5, or a value such as {from: pack_size}");
        }
        if (op == "divide" && step.number.find_first_of("123456789") == std::string::npos) fail(operand, "divide by zero");
      }
      v.calc.push_back(std::move(step));
    }
  }

  void load_keys(const YAML::Node& node) {
    for (const auto& [name, path] : entries(node, "keys", {})) {
      if (!is_name(name)) fail(path, "key name '" + name + "' must be letters, digits and _");
      program_.keys.push_back({name, line(path), json_path(path, "key " + name)});
    }
  }

  Program program_;
};

}  // namespace

Program load_program(const std::string& yaml_text, const std::string& file_name) {
  return Loader(file_name).load(yaml_text);
}

}  // namespace edihub::mapping::outbound
