#include "formats/explain.h"

#include <map>

#include "formats/edifact.h"
#include "formats/edifact_reader.h"
#include "formats/schema.h"
#include "formats/x12_writer.h"

namespace edihub::x12 {

namespace {

// 1 -> "01": element and component positions as X12 writes them.
std::string two_digits(std::size_t n) { return (n < 10 ? "0" : "") + std::to_string(n); }

std::string_view trim_right(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

// "00501" (ISA12) or "005010X231A1" (GS08) -> the loaded dictionary that fits it best:
// its own, else 004010 before 005010 and 005010 from then on.
const Dictionary* dictionary_for(const SchemaLibrary& library, std::string_view version) {
  std::string six(version.substr(0, 6));
  if (six.size() == 5) six += '0';
  if (const Dictionary* own = library.dictionary(six)) return own;
  return library.dictionary(six >= "005010" ? "005010" : "004010");
}

// An element's value explained from its definition (nullptr: unknown position).
void describe(ExplainedValue& out, const ElementDef* def) {
  if (!def) return;
  out.number = def->reference;
  out.name = def->name;
  if (def->type == ElementType::ID)
    out.meaning = SchemaLibrary::builtin().code_name(def->reference, trim_right(out.value));
  else if (def->type == ElementType::EdifactA || def->type == ElementType::EdifactAN)  // EDIFACT codes are a/an
    out.meaning = SchemaLibrary::builtin().code_name(def->reference, out.value, Standard::Edifact);
}

// An open loop of the set's structure: the nodes being walked and where we are in them.
struct Frame {
  const std::vector<StructureNode>* nodes = nullptr;
  std::size_t index = 0;
  std::string label;  // "" for the set itself; the loop id, or an HL loop's levels
};

// The 856's HL tree: each HL01's path of levels, so a level is named by where it hangs
// ("HL[S] > HL[O] > HL[I]") whatever order the loops arrive in; an HL whose parent is
// unknown starts a path of its own.
class HlTree {
 public:
  void clear() { paths_.clear(); }
  std::string add(std::string_view id, std::string_view parent, std::string_view level) {
    std::string path = level.empty() ? "HL" : "HL[" + std::string(level) + "]";
    if (auto up = paths_.find(parent); !parent.empty() && up != paths_.end()) path = up->second + " > " + path;
    if (!id.empty()) paths_.insert_or_assign(std::string(id), path);
    return path;
  }

 private:
  std::map<std::string, std::string, std::less<>> paths_;
};

class Explainer : public SegmentHandler {
 public:
  Explainer(const std::function<void(const ExplainedSegment&)>& each, const SchemaResolver& schema)
      : each_(each), resolve_(schema) {}

  void on_segment(const SegmentView& view) override {
    const SchemaLibrary& library = SchemaLibrary::builtin();
    ExplainedSegment out;
    out.number = view.number;
    out.tag = std::string(view.tag);
    // EDIFACT is shown as EDIFACT (default separators, released where needed), X12 canonically.
    if (view.delimiters == &edifact::unescaped_delimiters())
      out.raw = view.tag == "UNA" ? "UNA" + std::string(view.element(1)) : edifact::render(to_owned(view), edifact::default_delimiters());
    else
      out.raw = canonical_line(view);
    const SegmentDef* def = nullptr;
    const std::string_view tag = view.tag;
    if (tag == "ISA") {
      start_interchange(view);
      dictionary_ = dictionary_for(library, interchange_.version);
      out.loop = "interchange envelope";
    } else if (tag == "IEA" || tag == "TA1" || tag == "ISB" || tag == "ISE") {
      dictionary_ = dictionary_for(library, interchange_.version);
      out.loop = "interchange envelope";
    } else if (tag == "GS") {
      group_ = GroupHeader{};
      group_.functional_id = std::string(view.element(1));
      group_.sender = std::string(view.element(2));
      group_.version = std::string(view.element(8));
      out.loop = "functional group envelope";
    } else if (tag == "GE") {
      out.loop = "functional group envelope";
    } else if (tag == "ST") {
      start_set(view, view.element(1), view.element(2), "");
      out.loop = "transaction set envelope";
    } else if (tag == "UNA" || tag == "UNB" || tag == "UNZ") {
      if (tag == "UNB") start_interchange(view);
      dictionary_ = nullptr;
      out.loop = "interchange envelope";
    } else if (tag == "UNG" || tag == "UNE") {
      if (tag == "UNG") {
        group_ = GroupHeader{};
        group_.functional_id = std::string(view.element(1));
        group_.sender = std::string(component(view.element(2), 1));
        group_.version = std::string(component(view.element(7), 1)) + std::string(component(view.element(7), 2));
      }
      out.loop = "functional group envelope";
    } else if (tag == "UNH") {
      const auto s009 = view.element(2);  // type:version:release:agency[:association]
      start_set(view, component(s009, 1), view.element(1),
                std::string(component(s009, 2)) + std::string(component(s009, 3)));
      out.loop = "message envelope";
    } else if (in_set_) {
      out.loop = tag == "SE" ? "transaction set envelope" : tag == "UNT" ? "message envelope" : place(view, def);
    }
    if (tag == "GS" || tag == "GE" || in_set_) dictionary_ = set_dictionary_ ? set_dictionary_ : dictionary_for(library, group_.version);
    if (in_set_) {
      out.position = ++position_;
      out.set_id = set_.id;
    }
    if (!def && dictionary_) def = dictionary_->segment(tag);
    if (def) out.name = def->name;
    explain_elements(view, def, out);
    if (tag == "SE" || tag == "UNT") end_set();
    each_(out);
  }

 private:
  // ISA, or UNB (S001 syntax, S002 sender).
  void start_interchange(const SegmentView& view) {
    interchange_ = InterchangeHeader{};
    if (view.tag == "UNB") {
      interchange_.standard = Standard::Edifact;
      interchange_.syntax_identifier = std::string(component(view.element(1), 1));
      interchange_.version = std::string(component(view.element(1), 2));
      interchange_.sender_id = std::string(component(view.element(2), 1));
      interchange_.sender_qualifier = std::string(component(view.element(2), 2));
    } else {
      interchange_.sender_qualifier = std::string(trim_right(view.element(5)));
      interchange_.sender_id = std::string(trim_right(view.element(6)));
      interchange_.version = std::string(view.element(12));
    }
    group_ = GroupHeader{};
    end_set();
  }

  static std::string_view component(std::string_view element, std::size_t n) {
    const auto parts = x12::split(element, edifact::kComponent);
    return n <= parts.size() ? parts[n - 1] : std::string_view{};
  }

  // ST, or UNH (`message_version` "D96A": its schema is found by it, not by the group's).
  void start_set(const SegmentView& view, std::string_view id, std::string_view control, std::string message_version) {
    set_ = TransactionSet{};
    set_.id = std::string(id);
    set_.control_number = std::string(control);
    set_.message_version = std::move(message_version);
    set_.delimiters = *view.delimiters;
    const std::string& version = set_.message_version.empty() ? group_.version : set_.message_version;
    const TransactionSetSchema* schema =
        resolve_ ? resolve_(interchange_, group_, set_) : SchemaLibrary::builtin().find(set_.id, version);
    in_set_ = true;
    position_ = 0;
    hl_.clear();
    frames_.clear();
    set_dictionary_ = schema ? schema->dictionary : nullptr;
    if (schema) {
      frames_.push_back(Frame{&schema->structure, 0, ""});
      const StructureNode* st = nullptr;
      place_in(view, st);  // ST: the first node of every structure
    }
  }

  void end_set() {
    in_set_ = false;
    set_dictionary_ = nullptr;
    frames_.clear();
  }

  // Finds the node for `view` at or after the current point, in the innermost open loop
  // first, then outward; a loop's trigger opens a new occurrence of the loop. Returns the
  // loop label; `def` gets the segment definition of the node (the schema's, which a
  // partner may have tightened).
  std::string place(const SegmentView& view, const SegmentDef*& def) {
    const StructureNode* node = nullptr;
    if (!place_in(view, node)) return "";
    def = node->segment;
    std::string label;
    for (const Frame& frame : frames_) {
      if (frame.label.empty()) continue;
      label += (label.empty() ? "" : " > ") + frame.label;
    }
    return label;
  }

  bool place_in(const SegmentView& view, const StructureNode*& found) {
    for (std::size_t depth = frames_.size(); depth-- > 0;) {
      const auto& nodes = *frames_[depth].nodes;
      for (std::size_t i = frames_[depth].index; i < nodes.size(); ++i) {
        const StructureNode& node = nodes[i];
        if (node.tag != view.tag) continue;
        frames_.resize(depth + 1);
        frames_[depth].index = i;
        if (node.is_loop) {
          std::string label = node.loop_id();  // EDIFACT: the group, "SG2"
          if (node.tag == "HL") label = hl_.add(view.element(1), view.element(2), view.element(3));
          frames_.push_back(Frame{&node.children, 1, std::move(label)});
          found = &node.children.front();
        } else {
          found = &node;
        }
        return true;
      }
    }
    return false;
  }

  void explain_elements(const SegmentView& view, const SegmentDef* def, ExplainedSegment& out) const {
    std::size_t last = view.elements.size();
    while (last > 0 && view.elements[last - 1].empty()) --last;
    const Delimiters& delimiters = *view.delimiters;
    // The ISA's elements are taken as they stand: ISA11 and ISA16 are the separators.
    const bool split = view.tag != "ISA";
    for (std::size_t i = 0; i < last; ++i) {
      const SegmentElement* use = def && i < def->elements.size() ? &def->elements[i] : nullptr;
      const std::string reference = std::string(view.tag) + two_digits(i + 1);
      std::vector<std::string_view> repeats{view.elements[i]};
      if (split && delimiters.repetition && view.elements[i].find(delimiters.repetition) != std::string_view::npos)
        repeats = x12::split(view.elements[i], delimiters.repetition);
      for (std::size_t r = 0; r < repeats.size(); ++r) {
        ExplainedElement element;
        element.reference = reference;
        element.value = std::string(repeats[r]);
        element.repetition = repeats.size() > 1 ? static_cast<std::uint32_t>(r + 1) : 0;
        const bool composite = use && use->is_composite();
        if (composite) {
          element.composite = use->composite;
          element.name = use->composite_name;
        } else {
          describe(element, use ? &use->element : nullptr);
        }
        if (split && (composite || repeats[r].find(delimiters.component) != std::string_view::npos)) {
          auto parts = x12::split(repeats[r], delimiters.component);
          for (std::size_t c = 0; c < parts.size(); ++c) {
            ExplainedValue component;
            component.reference = reference + "-" + two_digits(c + 1);
            component.value = std::string(parts[c]);
            describe(component, composite && c < use->components.size() ? &use->components[c].second : nullptr);
            element.components.push_back(std::move(component));
          }
        }
        out.elements.push_back(std::move(element));
      }
    }
  }

  const std::function<void(const ExplainedSegment&)>& each_;
  const SchemaResolver& resolve_;
  InterchangeHeader interchange_;
  GroupHeader group_;
  TransactionSet set_;
  const Dictionary* dictionary_ = nullptr;      // of the segment being explained
  const Dictionary* set_dictionary_ = nullptr;  // of the open set's schema
  bool in_set_ = false;
  std::uint32_t position_ = 0;
  std::vector<Frame> frames_;  // the set's structure, then each open loop
  HlTree hl_;
};

}  // namespace

void explain_x12(std::istream& in, const std::function<void(const ExplainedSegment&)>& each,
                 const SchemaResolver& schema) {
  Explainer explainer(each, schema);
  std::string chunk(64 * 1024, '\0');
  auto pump = [&](auto&& reader, std::size_t first) {
    if (first > 0) reader.feed(std::string_view(chunk.data(), first));
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      if (in.gcount() > 0) reader.feed(std::string_view(chunk.data(), static_cast<std::size_t>(in.gcount())));
    }
    reader.finish();
  };
  // The first chunk tells the standard.
  in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  const auto first = static_cast<std::size_t>(in.gcount());
  if (edifact::looks_like_edifact(std::string_view(chunk.data(), first))) pump(edifact::Reader(explainer), first);
  else pump(Reader(explainer), first);
}

}  // namespace edihub::x12
