// What an X12 file says, segment by segment, for people: the inspector behind `edihub
// explain` and the dashboard's raw view. Each segment comes with its position (in the
// file and in its transaction set), its name, the loop it belongs to in its set's
// structure (formats/schemas/<set>.yaml; an 856's HL levels by their HL01/HL02 tree, e.g.
// "HL[S] > HL[O] > HL[I]") and every element with its reference (BSN02), data element
// number and name from the version's dictionary, its value, components, repetitions and,
// for a code, what it means (formats/schemas/code-names.yaml).
//
// Streams with the X12 reader: files of any size in bounded memory, any delimiters. It
// explains, it does not validate: a segment that fits nowhere in the structure is shown
// with an empty loop, an element beyond the definition with an empty name. A set type
// with no structure still gets segment and element names from its version's dictionary;
// a version without a dictionary uses 004010's (005010's from 005010 on). Pure: reads
// only the stream it is given.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include "formats/validation.h"
#include "formats/x12_reader.h"

namespace edihub::x12 {

// One value: a simple element, a component of a composite, or one repetition's value.
struct ExplainedValue {
  std::string reference;  // "BSN02", a component "MEA04-01"
  std::string number;     // data element number from the dictionary, "396"; "" when unknown
  std::string name;       // "Shipment Identification"; "" when unknown
  std::string value;      // as sent (ISA padding kept)
  std::string meaning;    // what the code means, "" when not a code or not recorded
};

struct ExplainedElement : ExplainedValue {
  std::string composite;                   // composite id ("C001") when the element is one
  std::vector<ExplainedValue> components;  // a composite's components, when it has several parts
  std::uint32_t repetition = 0;            // 1, 2, ... when the element repeats (ISA11 separator); else 0
};

struct ExplainedSegment {
  std::uint64_t number = 0;    // segment number in the file, from 1
  std::uint32_t position = 0;  // position in its transaction set (ST = 1); 0 outside a set
  std::string tag;             // "BSN"
  std::string name;            // "Beginning Segment for Ship Notice"; "" when the dictionary lacks it
  // Where it belongs: "interchange envelope", "functional group envelope", "HL[S] > N1",
  // "PO1" (loop ids from the outermost, an HL loop by its levels); "" for a set's heading
  // and summary segments and for a segment the structure has no place for.
  std::string loop;
  std::string set_id;          // ST01 of its transaction set, "" outside a set
  std::vector<ExplainedElement> elements;  // in position order; an element repeating n times appears n times
  std::string raw;             // the segment as one line: elements '*', components ':', repetitions '^'
};

// Calls `each` for every segment of `in`, in order. `schema` picks a set's structure (the
// partner's tightened one, from partners::Directory::schema_resolver()); without it the
// built-in schemas are used. Throws UnusableInput (with the segment and byte where the
// reader stopped) on input that is not X12; what `each` throws propagates.
void explain_x12(std::istream& in, const std::function<void(const ExplainedSegment&)>& each,
                 const SchemaResolver& schema = {});

}  // namespace edihub::x12
