#include "hub/archive_lookup.h"

namespace edihub::hub {

mapping::Lookup archive_lookup(const archive::Index& index, const std::string& partner) {
  return [&index, partner](const std::string& target, const std::string& key,
                           const std::string& value) -> std::optional<nlohmann::json> {
    archive::Query query;
    query.partner = partner;
    query.key = std::make_pair(key, value);
    query.limit = -1;
    for (const auto& row : index.query(query))  // newest first
      if (row.set.target == target)
        if (auto output = index.mapped_output(row.set.id)) return nlohmann::json::parse(*output).at("transaction");
    return std::nullopt;
  };
}

}  // namespace edihub::hub
