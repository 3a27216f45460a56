#include "mappings/outbound.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "formats/edifact.h"
#include "mappings/outbound_program.h"
#include "mappings/outbound_values.h"
#include "mappings/outbound_xml.h"

namespace edihub::mapping {
namespace outbound {
namespace {

using nlohmann::json;

std::string shown(std::string_view delimiter) {
  if (delimiter == "\n") return "\\n";
  if (delimiter == "\r\n") return "\\r\\n";
  return std::string(delimiter);
}

// Writes the X12 body of `segments:`.
class X12Writer : ValueReader {
 public:
  X12Writer(const Program& program, const json& doc, const CodeTables& tables, const x12::Delimiters& target)
      : ValueReader(program, doc, tables), target_(target) {}

  OutboundMapping::Output run() {
    entries(program_.entries, root());
    out_.keys = keys();
    return std::move(out_);
  }

 private:
  // Messages end with the segment being built, if any: "(purchase_order to 850, segment 7 PO1)".
  Place place() const override {
    auto position = tag_.empty() ? 0 : static_cast<std::uint32_t>(out_.segments.size() + 2);
    return {program_.source_type + " to " + program_.transaction_set, position, tag_};
  }

  std::size_t segments_written(const std::string& tag) const override {
    return std::count_if(out_.segments.begin(), out_.segments.end(), [&](const x12::Segment& s) { return s.tag == tag; });
  }

  void entries(const std::vector<Entry>& list, const Scope& scope) {
    for (const Entry& e : list) {
      if (e.when && !holds(*e.when, scope, e.line)) continue;
      if (!e.tag.empty()) segment(e, scope);
      else if (!e.hl_level.empty()) enter(e.each, e.in, scope, e.line, [&](const Scope& inner) { level(e, inner); });
      else enter(e.each, e.in, scope, e.line, [&](const Scope& inner) { entries(e.entries, inner); });
    }
  }

  // One HL level: HL01 numbers the HL segments in document order from 1, HL02 is the HL01 of
  // the level it is written in (none at the top), HL03 the level code; HL04, when asked for,
  // says whether any level was written inside this one, known only once its segments are.
  void level(const Entry& e, const Scope& scope) {
    const std::size_t number = ++hl_count_;
    std::vector<std::string> elements{std::to_string(number), parents_.empty() ? "" : std::to_string(parents_.back()), e.hl_level};
    const std::size_t at = out_.segments.size();
    out_.segments.push_back(x12::Segment{"HL", std::move(elements), 0, static_cast<std::uint32_t>(at + 2)});
    parents_.push_back(number);
    entries(e.entries, scope);
    parents_.pop_back();
    if (e.hl_child) out_.segments[at].elements.push_back(hl_count_ > number ? "1" : "0");
  }

  void segment(const Entry& e, const Scope& scope) {
    tag_ = e.tag;
    std::vector<std::string> elements;
    bool values = false, has_value = false;
    for (const Element& element : e.elements) {
      std::vector<std::string> parts;
      bool element_values = false, element_has_value = false;
      for (std::size_t i = 0; i < element.pieces.size(); ++i) {
        const Piece& piece = element.pieces[i];
        std::string name = element.name + (element.composite ? "-" + std::to_string(i + 1) : "");
        std::string path;
        parts.push_back(piece.value ? checked(value(*piece.value, scope, name, path), piece.value->line, name, path)
                                    : checked(piece.literal, e.line, name, "literal"));
        element_values = element_values || piece.value;
        element_has_value = element_has_value || (piece.value && !parts.back().empty());
      }
      values = values || element_values;
      has_value = has_value || element_has_value;
      // A composite's literal qualifiers alone say nothing either: LIN+1++:UP is LIN+1.
      if (element.composite && element_values && !element_has_value) parts.clear();
      while (!parts.empty() && parts.back().empty()) parts.pop_back();
      std::string text;
      for (const auto& part : parts) text += (&part == &parts.front() ? "" : std::string(1, target_.component)) + part;
      elements.push_back(std::move(text));
    }
    for (std::size_t i = 0; i + 1 < elements.size(); ++i)
      if (e.elements[i].qualifier && elements[i + 1].empty()) elements[i].clear();
    // Literal qualifiers alone say nothing: REF*DP without a department is left out.
    if (!values || has_value) {
      while (!elements.empty() && elements.back().empty()) elements.pop_back();
      auto position = static_cast<std::uint32_t>(out_.segments.size() + 2);
      out_.segments.push_back(x12::Segment{e.tag, std::move(elements), 0, position});
    }
    tag_.clear();
  }

  // `text` as it will be written; data holding a target delimiter would change the segment.
  std::string checked(std::string text, int line, const std::string& name, const std::string& what) const {
    std::string found;
    if (program_.format == "edifact") {  // held unescaped: only the two reserved controls cannot be data
      if (text.find_first_of({edifact::kComponent, edifact::kRepetition}) != std::string::npos)
        fail(line, name + ": " + what + " contains a control character EDIFACT data cannot hold");
      return text;
    }
    if (text.find(target_.element) != std::string::npos) found = "the element separator '" + std::string(1, target_.element) + "'";
    else if (text.find(target_.component) != std::string::npos) found = "the component separator '" + std::string(1, target_.component) + "'";
    else if (target_.repetition && text.find(target_.repetition) != std::string::npos)
      found = "the repetition separator '" + std::string(1, target_.repetition) + "'";
    else if (text.find(target_.segment) != std::string::npos) found = "the segment terminator '" + shown(target_.segment) + "'";
    else if (text.find_first_of("\r\n") != std::string::npos) found = "a line break";
    if (!found.empty()) fail(line, name + ": " + what + " '" + text + "' contains " + found);
    return text;
  }

  const x12::Delimiters& target_;
  OutboundMapping::Output out_;
  std::string tag_;  // of the segment being built, for messages
  std::size_t hl_count_ = 0;         // HL segments written
  std::vector<std::size_t> parents_;  // HL01 of the levels being written, outermost first
};

}  // namespace
}  // namespace outbound

struct OutboundMapping::Impl {
  outbound::Program program;
};

OutboundMapping::OutboundMapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
OutboundMapping::~OutboundMapping() = default;

std::shared_ptr<const OutboundMapping> OutboundMapping::load(const std::string& yaml_text, const std::string& file_name) {
  return std::make_shared<const OutboundMapping>(std::make_unique<Impl>(Impl{outbound::load_program(yaml_text, file_name)}));
}

std::shared_ptr<const OutboundMapping> OutboundMapping::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MappingFileError(path, 0, std::string("cannot read the mapping file: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return load(text.str(), path);
}

const std::string& OutboundMapping::source_type() const { return impl_->program.source_type; }
const std::string& OutboundMapping::transaction_set() const { return impl_->program.transaction_set; }
const std::string& OutboundMapping::functional_id() const { return impl_->program.functional_id; }
const std::vector<std::string>& OutboundMapping::versions() const { return impl_->program.versions; }
const std::string& OutboundMapping::association() const { return impl_->program.association; }
const std::string& OutboundMapping::file_name() const { return impl_->program.file; }
const std::string& OutboundMapping::target_format() const { return impl_->program.format; }
const std::string& OutboundMapping::standard() const { return impl_->program.standard; }
const std::string& OutboundMapping::document_type() const { return impl_->program.document_type; }

std::vector<std::string> OutboundMapping::code_tables_used() const {
  std::vector<std::string> out;
  for (const auto& name : impl_->program.tables_used)
    if (!impl_->program.tables.count(name)) out.push_back(name);
  return out;
}

OutboundMapping::Output OutboundMapping::evaluate(const nlohmann::json& transaction, const CodeTables& tables,
                                                  const x12::Delimiters& target) const {
  if (impl_->program.format == "xml")
    throw std::logic_error(impl_->program.file + " writes xml, not segments: use evaluate_xml");
  return outbound::X12Writer(impl_->program, transaction, tables, target).run();
}

OutboundMapping::XmlOutput OutboundMapping::evaluate_xml(const nlohmann::json& transaction, const CodeTables& tables) const {
  if (impl_->program.format != "xml")
    throw std::logic_error(impl_->program.file + " writes " + impl_->program.format + ", not XML: use evaluate");
  return outbound::write_xml(impl_->program, transaction, tables);
}

}  // namespace edihub::mapping
