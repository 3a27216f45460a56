// UN/EDIFACT in the hub's segment model (formats/x12.h), so one validator, one pipeline,
// one mapping evaluator and one archive serve both standards. Pure: no I/O.
//
// How EDIFACT is held:
//   - Values are unescaped when read: the release character is gone, and a composite's
//     components are joined by kComponent, a syntax-4 element's repetitions by
//     kRepetition. No EDIFACT character set allows these two control characters in data
//     (the reader rejects them), so splitting is never ambiguous and every consumer
//     (validation, business keys, mappings) reads true values. A segment view or an
//     owned segment of EDIFACT input points at unescaped_delimiters(); render() writes a
//     segment back as EDIFACT text, escaped, for messages and writers.
//   - InterchangeHeader (UNB): standard Edifact; syntax_identifier S001/0001 ("UNOC");
//     version S001/0002 ("3", "4"); sender_id S002/0004 and sender_qualifier S002/0007
//     (empty when absent), likewise receiver (S003); date S004/0017 as sent (YYMMDD in
//     syntax 3, CCYYMMDD in 4); time S004/0019 (HHMM); control_number 0020; ack_requested
//     0031 == "1"; usage "T" when 0035 is "1", else "P"; isa: the UNB elements as sent
//     (composites joined by kComponent); delimiters: as the UNA declared them (or the
//     defaults), release and decimal included; repetition 0 in syntax 3.
//   - GroupHeader: from UNG when present (functional_id 0038, sender S006/0040, receiver
//     S007/0044, date/time S004, control_number 0048, agency 0051, version S008 0052+0054,
//     e.g. "D96A"); without UNG one implicit group per interchange (implicit = true,
//     control_number empty, functional_id the first message's type, version its version).
//   - TransactionSet (UNH..UNT): id S009/0065 ("DESADV"), control_number 0062 (message
//     reference), message_version S009 0052+0054 ("D96A"), convention S009/0057
//     ("EAN008"); segment positions count UNH as 1, as CONTRL's UCS does.
//   - Envelope issues carry the X12 code of the same fault (TA1 note, AK9, AK5), so the
//     validator folds them as it does X12's; CONTRL says them in EDIFACT's syntax error
//     codes (data element 0085) through syntax_error() below, the one table of both.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "formats/x12.h"

namespace edihub::edifact {

inline constexpr char kComponent = '\x1F';   // between components of an unescaped composite
inline constexpr char kRepetition = '\x1E';  // between repetitions of an unescaped element (syntax 4)

// The delimiters every unescaped EDIFACT segment points at: element '+', component
// kComponent, repetition kRepetition, segment "'", no release character.
const x12::Delimiters& unescaped_delimiters();

// The UNA defaults: component ':', element '+', decimal '.', release '?', repetition
// '*' from syntax 4 (a reserved space in 3, held as 0), segment "'".
x12::Delimiters default_delimiters(int syntax_version = 4);

// Whether the first bytes of an input are EDIFACT: after an optional UTF-8 BOM and
// whitespace, "UNA" or "UNB" followed by a separator.
bool looks_like_edifact(std::string_view head);

// `value` (unescaped, components joined by kComponent) written for `delimiters`: every
// service character in data preceded by the release character. Throws
// std::invalid_argument when a service character must be written and there is no
// release character.
std::string escape(std::string_view value, const x12::Delimiters& delimiters);
// A segment as EDIFACT text with its terminator, escaped for `delimiters`.
std::string render(const x12::Segment& segment, const x12::Delimiters& delimiters);

// The iconv name of the character set a syntax identifier names ("UNOC" -> "ISO-8859-1",
// "UNOY"/"UNOW" -> "UTF-8"); nullopt for an identifier edihub does not read.
std::optional<std::string> charset_name(std::string_view syntax_identifier);
// Whether `value` uses only the repertoire of a level A or B syntax identifier (UNOA,
// UNOB); true for the others (their charset decides). Returns the first offending byte.
std::optional<std::size_t> outside_repertoire(std::string_view value, std::string_view syntax_identifier);

// EDIFACT syntax error code (0085) for a fault the validator reports with an X12 code.
enum class Level { Interchange, Group, Message, Segment, Element };
// "" when the fault has no 0085 code of its own (AK5 5, "segments in error": CONTRL says
// it through its UCS lines).
std::string_view syntax_error(Level level, std::string_view x12_code);

}  // namespace edihub::edifact
