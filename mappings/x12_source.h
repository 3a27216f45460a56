// The Reader of an X12 transaction set or an EDIFACT message: segment paths, HL levels,
// places, loops and EDIFACT segment groups (document.h).
#pragma once

#include "mappings/reader.h"

namespace edihub::mapping {

class X12Reader : public Reader {
 public:
  // Throws HlError when the HL hierarchy is broken. `edifact`: see Document.
  X12Reader(const x12::TransactionSet& set, const Context& context, bool edifact = false)
      : doc_(set, context, edifact), edifact_(edifact) {}

  At whole() const override;
  std::optional<Found> first(const Locator& path, const At& at, Spot* seen) const override;
  void all(const Locator& path, const At& at, std::vector<Found>& out) const override;
  std::optional<At> enter(const Within& in, const At& at) const override;
  std::vector<At> iterate(const Iteration& each, const At& at) const override;
  At group(const std::vector<At>& members) const override;
  Spot anchor(const At& at) const override;
  MappingError error(const std::string& file, int line, const Spot& spot, const std::string& message) const override;

 private:
  Document doc_;
  bool edifact_;
};

// "856 control 0001" (EDIFACT: "DESADV control 1"), for messages.
std::string describe(const x12::TransactionSet& set);

}  // namespace edihub::mapping
