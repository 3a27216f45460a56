#include "formats/business_keys.h"

#include <algorithm>

namespace edihub::x12 {

namespace {

void add(BusinessKeys& keys, const std::string& name, std::string_view value) {
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  if (value.empty()) return;
  std::pair<std::string, std::string> key{name, std::string(value)};
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(std::move(key));
}

}  // namespace

BusinessKeys builtin_business_keys(const TransactionSet& set) {
  BusinessKeys keys;
  for (const auto& s : set.segments) {
    if (set.id == "856" && s.tag == "BSN") add(keys, "shipment_id", s.element(2));
    else if (set.id == "856" && s.tag == "PRF") add(keys, "po_number", s.element(1));
    else if (set.id == "850" && s.tag == "BEG") add(keys, "po_number", s.element(3));
    else if (set.id == "855" && s.tag == "BAK") add(keys, "po_number", s.element(3));
    else if (set.id == "810" && s.tag == "BIG") {
      add(keys, "invoice_number", s.element(2));
      add(keys, "po_number", s.element(4));
    } else if (s.tag == "REF" && s.element(1) == "BM") add(keys, "bol", s.element(2));
    else if (s.tag == "REF" && s.element(1) == "CN") add(keys, "tracking_number", s.element(2));
  }
  return keys;
}

}  // namespace edihub::x12
