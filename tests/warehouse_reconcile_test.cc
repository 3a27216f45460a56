// A 3PL's reports through `edihub run` (docs/warehouse.md shows the flow): a supplier's ASN
// for an imported order, then the warehouse's 944s and 947s from tests/data/warehouse/.
// What docs/warehouse.md's worked example already checks (a receipt short on one item and
// over on another, a hold and its release) is not repeated; these are the other outcomes.
// Quantities were worked out by hand from the files.
#include <catch2/catch.hpp>

#include "archive/index.h"
#include "tests/test_support.h"

namespace fs = std::filesystem;
using namespace edihub::testing;

namespace {

const char* const kNow = "2026-12-04T12:00:00Z";

// A hub with the supplier (lumen) and the 3PL (acme) onboarded from their samples by
// `partner new`, the order imported and the supplier's ASN SH-2026-0042 run through;
// `acme_reconcile` is appended to the 3PL's profile.
class WarehouseHub {
 public:
  explicit WarehouseHub(const std::string& acme_reconcile = "") {
    write_file(dir / "edihub.yaml", "archive: {path: archive}\n");
    cli({"partner", "new", "--config", config(), "--from-sample", sample("lumen-asn-sh42.856.edi"), "--id", "lumen"});
    cli({"orders", "import", sample("po-4500012345.json"), "--partner", "lumen", "--config", config()});
    cli({"partner", "new", "--config", config(), "--from-sample", sample("acme-3pl-reports.edi"), "--id", "acme"});
    if (!acme_reconcile.empty()) write_file(dir / "partners/acme.yaml", read_file(dir / "partners/acme.yaml") + acme_reconcile);
    drop("lumen", "lumen-asn-sh42.856.edi");
  }

  // Copies a sample into the partner's inbox and runs one pass.
  void drop(const std::string& partner, const std::string& name) {
    fs::copy_file(data_dir() / "warehouse" / name, dir / "inbox" / partner / name);
    cli({"run", "--config", config(), "--once"});
  }

  // The 3PL's exceptions of `kind` in `state`.
  std::vector<edihub::archive::ExceptionRecord> exceptions(const std::string& kind, const std::string& state) {
    auto index = edihub::archive::Index::open(dir / "archive/index.db");
    return index->exceptions(std::string("acme"), state, {}, kind);
  }

 private:
  std::string config() const { return dir.path().string(); }
  static std::string sample(const std::string& name) { return (data_dir() / "warehouse" / name).string(); }
  static void cli(const std::vector<std::string>& args) {
    auto r = run_edihub_at(kNow, args);
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
  }

  TempDir dir;
};

}  // namespace

TEST_CASE("receipt_short and receipt_over: a corrected receipt of the same shipment resolves them", "[reconcile][warehouse]") {
  WarehouseHub hub;
  hub.drop("acme", "acme-3pl-reports.edi");  // 96 of 100 EA NW-55-A, 50 of 48 CS B-2002
  REQUIRE(hub.exceptions("receipt_short", "open").size() == 1);
  REQUIRE(hub.exceptions("receipt_over", "open").size() == 1);
  hub.drop("acme", "acme-3pl-corrected.944.edi");  // 100 EA and 48 CS: what the ASN shipped
  CHECK(hub.exceptions("receipt_short", "open").empty());
  CHECK(hub.exceptions("receipt_over", "open").empty());
  auto resolved = hub.exceptions("receipt_short", "resolved");
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].documents == std::vector<std::string>{"shipment:SH-2026-0042", "receipt:R-7001"});
  CHECK(hub.exceptions("receipt_over", "resolved").size() == 1);
  // The hold of the first file is about stock, not the shipment: still open.
  CHECK(hub.exceptions("quality_hold", "open").size() == 1);
}

TEST_CASE("receipt findings: within the 3PL's quantity tolerance none is raised", "[reconcile][warehouse]") {
  // 5%: 100 EA shipped allows 95-105 (96 received), 48 CS allows 45.6-50.4 (50 received).
  WarehouseHub hub("reconcile:\n  quantity_tolerance: 5%\n");
  hub.drop("acme", "acme-3pl-reports.edi");
  CHECK(hub.exceptions("receipt_short", "open").empty());
  CHECK(hub.exceptions("receipt_over", "open").empty());
  CHECK(hub.exceptions("quality_hold", "open").size() == 1);
}
