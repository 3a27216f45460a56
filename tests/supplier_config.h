// A one-partner configuration folder for end-to-end tests: partner "supplier" (ZZ:SUPPLIER1)
// drops 856s into inbox/, the demo's 856 mapping delivers into erp/. Reconciliation is
// off: its POs are not known to the hub (tests/reconcile_test.cc turns it on).
#pragma once

#include <filesystem>
#include <string>

#include "tests/sample_856.h"
#include "tests/test_support.h"

namespace edihub::testing {

inline void write_supplier_config(const std::filesystem::path& dir, int batch_files = 500, double settle_seconds = 0) {
  write_file(dir / "edihub.yaml", fmt::format("archive: {{path: archive}}\npipeline: {{batch_files: {}}}\n", batch_files));
  write_file(dir / "partners" / "supplier.yaml", fmt::format(R"(id: supplier
name: Supplier One
identities:
  - {{isa_qualifier: ZZ, isa_id: SUPPLIER1}}
inbound:
  folder: {{path: inbox, settle_seconds: {}}}
erp:
  folder: {{path: erp}}
mappings:
  - {{transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}}
code_tables:
  uom: {{EA: EA}}
  transport_mode: {{M: truck}}
reconcile: {{enabled: false}}
)", settle_seconds));
  std::filesystem::create_directories(dir / "inbox");
  std::filesystem::create_directories(dir / "mappings");
  std::filesystem::copy_file(source_dir() / "examples/demo/mappings/x12-856-inbound-delivery.yaml",
                             dir / "mappings/x12-856-inbound-delivery.yaml",
                             std::filesystem::copy_options::overwrite_existing);
}

// Replaces the supplier's ERP folder sink by `erp_yaml` (a whole "erp:" block).
inline void use_erp_sink(const std::filesystem::path& dir, const std::string& erp_yaml) {
  auto profile = read_file(dir / "partners/supplier.yaml");
  const std::string folder = "erp:\n  folder: {path: erp}\n";
  profile.replace(profile.find(folder), folder.size(), erp_yaml);
  write_file(dir / "partners/supplier.yaml", profile);
}

// A second 856 partner beside the supplier, reconciliation off: partners/<id>.yaml with
// its own inbox and ERP folder (paths relative to the config folder; not created here).
inline void write_second_partner(const std::filesystem::path& dir, const std::string& id, const std::string& name,
                                 const std::string& isa_id, const std::string& inbox, const std::string& erp) {
  write_file(dir / "partners" / (id + ".yaml"), fmt::format(R"(id: {}
name: {}
identities: [{{isa_qualifier: ZZ, isa_id: {}}}]
inbound: {{folder: {{path: {}, settle_seconds: 0}}}}
erp: {{folder: {{path: {}}}}}
mappings:
  - {{transaction_set: "856", versions: ["004010"], file: mappings/x12-856-inbound-delivery.yaml}}
code_tables:
  uom: {{EA: EA}}
  transport_mode: {{M: truck}}
reconcile: {{enabled: false}}
)", id, name, isa_id, inbox, erp));
}

}  // namespace edihub::testing
