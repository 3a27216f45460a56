#include "hub/web/partner_name.h"

#include "hub/config.h"

namespace edihub::hub::web {

std::string partner_name(const Config& config, const std::string& id) {
  const auto* profile = config.partners.find(id);
  if (!profile || profile->name.empty() || profile->name == id) return id;
  return profile->name + " (" + id + ")";
}

}  // namespace edihub::hub::web
