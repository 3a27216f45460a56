#include "mappings/mapping.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "mappings/evaluator.h"
#include "mappings/loader.h"

namespace edihub::mapping {
namespace {

std::string located(const std::string& file, int line) { return line > 0 ? file + ":" + std::to_string(line) : file; }

std::string where(const std::string& transaction_set, std::uint32_t position, const std::string& tag) {
  if (transaction_set.empty()) return "";
  if (position == 0) return " (" + transaction_set + ")";
  return " (" + transaction_set + ", segment " + std::to_string(position) + (tag.empty() ? "" : " " + tag) + ")";
}

}  // namespace

MappingFileError::MappingFileError(std::string file_name, int line_number, const std::string& message)
    : std::runtime_error(located(file_name, line_number) + ": " + message),
      file(std::move(file_name)),
      line(line_number) {}

MappingError::MappingError(std::string file_name, int line_number, std::string set, std::uint32_t position,
                           const std::string& message, std::string tag)
    : std::runtime_error(located(file_name, line_number) + ": " + message + where(set, position, tag)),
      file(std::move(file_name)),
      line(line_number),
      transaction_set(std::move(set)),
      segment_position(position),
      segment_tag(std::move(tag)) {}

MappingError::MappingError(std::string file_name, int line_number, std::string document, int node_line_number,
                           int node_column_number, const std::string& message)
    : std::runtime_error(located(file_name, line_number) + ": " + message + " (" + document +
                         (node_line_number > 0 ? ", line " + std::to_string(node_line_number) + ", column " +
                                                     std::to_string(node_column_number)
                                               : "") +
                         ")"),
      file(std::move(file_name)),
      line(line_number),
      transaction_set(std::move(document)),
      segment_position(0),
      node_line(node_line_number),
      node_column(node_column_number) {}

Mapping::Mapping(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Mapping::~Mapping() = default;

std::shared_ptr<const Mapping> Mapping::load(const std::string& yaml_text, const std::string& file_name) {
  return std::make_shared<const Mapping>(std::make_unique<Impl>(Impl{load_program(yaml_text, file_name)}));
}

std::shared_ptr<const Mapping> Mapping::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw MappingFileError(path, 0, std::string("cannot read the mapping file: ") + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return load(text.str(), path);
}

const Source& Mapping::source() const { return impl_->program.source; }
const std::string& Mapping::target() const { return impl_->program.target; }
const std::string& Mapping::file_name() const { return impl_->program.file; }

std::vector<std::string> Mapping::code_tables_used() const {
  std::vector<std::string> out;
  for (const auto& name : impl_->program.tables_used)
    if (!impl_->program.tables.count(name)) out.push_back(name);
  return out;
}

Result Mapping::evaluate(const x12::TransactionSet& set, const Context& context, const CodeTables& tables) const {
  return mapping::evaluate(impl_->program, set, context, tables);
}

}  // namespace edihub::mapping
