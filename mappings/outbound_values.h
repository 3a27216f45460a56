// What the X12 and the XML writers of outbound mappings share: reading JSON paths,
// conditions, iteration (`each`/`in`), the value of a spec in a context, and business keys.
// A writer derives from ValueReader and says how its errors are told (fail()).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mappings/conversions.h"
#include "mappings/outbound_program.h"

namespace edihub::mapping::outbound {

// "an object", "a list", "a text", ... for messages.
std::string a_kind(const nlohmann::json& v);

struct Scope {
  const nlohmann::json* node;
  std::string path;  // "lines[1]"; empty at the document root
};

// A value found by a path, with its place for messages ("lines[1].quantity").
struct Found {
  const nlohmann::json* value;  // nullptr: missing
  std::string path;
};

class ValueReader {
 public:
  ValueReader(const Program& program, const nlohmann::json& doc, const CodeTables& tables)
      : program_(program), doc_(doc), tables_(tables) {}
  virtual ~ValueReader() = default;

 protected:
  // Where the writer is, for messages: "purchase_order to 850", segment position and tag
  // (0 and "" outside a segment, and for XML).
  struct Place {
    std::string transaction;
    std::uint32_t position = 0;
    std::string tag;
  };
  virtual Place place() const = 0;

  // How many `tag` segments were written so far (segment_count); only X12 writers write
  // segments, and the loader refuses segment_count in an XML mapping.
  virtual std::size_t segments_written(const std::string& tag) const;

  // Throws MappingError: the mapping line, `message`, then place().
  [[noreturn]] void fail(int line, const std::string& message) const {
    Place p = place();
    throw MappingError(program_.file, line, p.transaction, p.position, message, p.tag);
  }

  // The document root; fails unless the transaction is a JSON object.
  Scope root() const;

  bool holds(const Condition& c, const Scope& scope, int line) const;

  // Calls `body` once per element of `each`, once inside `in`, or once in `scope` when
  // neither is given; absent or null lists and objects call it never.
  void enter(const std::optional<JsonPath>& each, const std::optional<JsonPath>& in, const Scope& scope, int line,
             const std::function<void(const Scope&)>& body) const;

  // The text of one value as the target writes it; empty when there is none. `name` says
  // where it goes (PO102, ItemOut/@quantity); `path` receives the JSON place read.
  std::string value(const ValueSpec& v, const Scope& scope, const std::string& name, std::string& path) const;

  // The `keys:` of the program, as text, without duplicates and empty values.
  std::vector<std::pair<std::string, std::string>> keys() const;

  const Program& program_;

 private:
  // `conversion()`, its ConversionError told as "PO102: lines[1].quantity '1O' is not a decimal number".
  template <typename F>
  auto converted(int line, const std::string& where, F conversion) const -> decltype(conversion()) {
    try {
      return conversion();
    } catch (const ConversionError& e) {
      fail(line, where + " " + e.what());
    }
  }

  void collect(const JsonPath& path, const Scope& scope, int line, std::vector<Found>& out) const;
  void walk(const JsonPath& path, std::size_t step, const Scope& at, int line, std::vector<Found>& out) const;
  Found single(const JsonPath& path, const Scope& scope, int line) const;
  std::string read(const ValueSpec& v, const Scope& scope, const std::string& name, std::string& path) const;
  std::string calculated(const ValueSpec& v, const Scope& scope, const std::string& name, const std::string& path,
                         const std::string& number) const;
  std::optional<std::string> code_for(const ValueSpec& v, const std::string& value) const;

  const nlohmann::json& doc_;
  const CodeTables& tables_;
};

}  // namespace edihub::mapping::outbound
