// A two-way configuration folder for end-to-end tests: partner "supplier" (ZZ:SUPPLIER1)
// sends 856s into inbox/ and gets our 997s in outbox/; our ERP drops purchase orders into
// erp-out/, which go to the supplier as 850s and wait for its 997 (deadline 4 hours).
// Reconciliation is off unless `extra_profile` has a `reconcile:` block.
#pragma once

#include <filesystem>
#include <string>

#include "tests/sample_856.h"
#include "tests/test_support.h"

namespace edihub::testing {

// `outbound`: the profile's outbound channel (YAML under `outbound:`).
inline void write_trading_config(const std::filesystem::path& dir, const std::string& extra_profile = "",
                                 const std::string& outbound = "folder: {path: outbox}") {
  write_file(dir / "edihub.yaml", "archive: {path: archive}\n");
  write_file(dir / "partners" / "supplier.yaml", R"(id: supplier
name: Supplier One
identities:
  - {isa_qualifier: ZZ, isa_id: SUPPLIER1}
inbound:
  folder: {path: inbox, settle_seconds: 0}
outbound:
  )" + outbound + R"(
erp:
  folder: {path: erp}
  outbound:
    folder: {path: erp-out, pattern: "*.json", settle_seconds: 0}
envelope:
  our_qualifier: ZZ
  our_id: BUYERPLANT
  delimiters: {element: "*", component: ">", segment: "~"}
  line_breaks: true
acknowledgments:
  send: "997"
  expect: "997"
  overdue_after: 4h
mappings:
  - {transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}
  - {direction: outbound, transaction: purchase_order, file: mappings/x12-850-purchase-order-outbound.yaml}
code_tables:
  uom: {EA: EA, CA: CS, LB: LB}
  transport_mode: {M: truck, U: parcel}
)" + (extra_profile.find("reconcile:") == std::string::npos ? "reconcile: {enabled: false}\n" : "") + extra_profile);
  for (const char* folder : {"inbox", "outbox", "erp", "erp-out", "mappings"}) std::filesystem::create_directories(dir / folder);
  for (const char* mapping : {"x12-856-inbound-delivery.yaml", "x12-850-purchase-order-outbound.yaml"})
    std::filesystem::copy_file(source_dir() / "examples/demo/mappings" / mapping, dir / "mappings" / mapping,
                               std::filesystem::copy_options::overwrite_existing);
}

// Adds an outbound mapping to the supplier profile of write_trading_config: copies
// `mapping` (a path under the source tree) into mappings/ and names it for `transaction`.
inline void add_outbound_mapping(const std::filesystem::path& dir, const std::string& transaction, const std::string& mapping) {
  const std::string name = std::filesystem::path(mapping).filename().string();
  std::filesystem::copy_file(source_dir() / mapping, dir / "mappings" / name);
  auto profile = read_file(dir / "partners/supplier.yaml");
  profile.replace(profile.find("code_tables:"), 0,
                  "  - {direction: outbound, transaction: " + transaction + ", file: mappings/" + name + "}\n");
  write_file(dir / "partners/supplier.yaml", profile);
}

// Drops tests/data/`data_file` (an ERP document) into erp-out/`name`, marked as `transaction`.
inline void drop_erp_document(const std::filesystem::path& dir, const std::string& transaction, const std::string& data_file,
                              const std::string& name) {
  auto doc = nlohmann::json::parse(read_file(data_dir() / data_file));
  doc["transaction"] = transaction;
  write_file(dir / "erp-out" / name, doc.dump());
}

}  // namespace edihub::testing
