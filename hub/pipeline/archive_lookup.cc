#include "hub/pipeline/archive_lookup.h"

namespace edihub::hub {

mapping::Lookup archive_lookup(const archive::Index& index, const std::string& partner) {
  return [&index, partner](const std::string& target, const std::string& key,
                           const std::string& value) -> std::optional<nlohmann::json> {
    auto found = index.latest_mapped_with_key(partner, target, key, value);
    if (!found) return std::nullopt;
    auto doc = nlohmann::json::parse(found->content, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
    // A partner's document is archived wrapped (its "transaction" member); an ERP document we sent, as it came.
    if (found->direction == "in") return doc.contains("transaction") ? std::optional<nlohmann::json>(doc["transaction"]) : std::nullopt;
    return doc;
  };
}

}  // namespace edihub::hub
