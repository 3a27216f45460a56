#include <catch2/catch.hpp>
#include <yaml-cpp/yaml.h>

#include "partners/profile.h"
#include "tests/test_support.h"

using namespace edihub::testing;
using edihub::partners::ConfigError;
using edihub::partners::Directory;
using edihub::partners::Finding;

namespace {

void write_partner(const TempDir& dir, const std::string& reconcile) {
  write_file(dir / "partners/acme.yaml", "id: acme\nname: Acme\nidentities:\n  - {isa_qualifier: ZZ, isa_id: ACME}\n" +
                                             reconcile);
}

std::vector<std::string> problems(const TempDir& dir, const YAML::Node& defaults = YAML::Node()) {
  try {
    Directory::load(dir.path(), defaults);
  } catch (const ConfigError& e) {
    return e.problems;
  }
  return {};
}

}  // namespace

TEST_CASE("reconcile: built-in defaults, edihub.yaml defaults, the profile over both", "[profile][reconcile]") {
  TempDir dir;
  write_partner(dir, "");
  auto plain = Directory::load(dir.path());
  const auto& rules = plain.find("acme")->reconcile;
  CHECK(rules.enabled);
  CHECK(rules.quantity.value == 0);
  CHECK(rules.asn_allowance == std::chrono::hours(24));
  CHECK(rules.ack_allowance == std::chrono::hours(48));
  CHECK(rules.hold_on.empty());

  auto defaults = YAML::Load("{quantity_tolerance: 5%, price_tolerance: 0.5, ack_allowance: 3d, hold_on: [asn_unknown_po]}");
  write_partner(dir, "reconcile:\n  quantity_tolerance: 2\n  unit_conversions: {CS: {EA: 12}}\n"
                     "  hold_on: [asn_over_shipment, duplicate_invoice]\n");
  auto loaded = Directory::load(dir.path(), defaults);
  const auto& r = loaded.find("acme")->reconcile;
  CHECK(r.quantity.value == 2);  // the profile's
  CHECK_FALSE(r.quantity.percent);
  CHECK(r.quantity.of(10) == 2);
  CHECK(r.price.value == 0.5);   // edihub.yaml's
  CHECK(r.ack_allowance == std::chrono::hours(72));
  CHECK(r.unit_conversions.at("CS").at("EA") == 12);
  CHECK(r.hold_on == std::set<Finding>{Finding::asn_over_shipment, Finding::duplicate_invoice});

  write_partner(dir, "");
  auto inherited = Directory::load(dir.path(), defaults);
  CHECK(inherited.find("acme")->reconcile.quantity.percent);
  CHECK(inherited.find("acme")->reconcile.quantity.of(200) == 10);
  CHECK(inherited.find("acme")->reconcile.hold_on == std::set<Finding>{Finding::asn_unknown_po});
}

TEST_CASE("reconcile: mistakes name the file, the line and what was expected", "[profile][reconcile]") {
  TempDir dir;
  write_partner(dir, "reconcile:\n  quantity_tolerance: five\n  hold_on: [asn_overshipment]\n  asn_allowance: soon\n"
                     "  unit_conversions: {CS: {EA: -3}}\n  colour: red\n");
  auto found = problems(dir);
  auto has = [&](const std::string& text) {
    for (const auto& p : found)
      if (p.find(text) != std::string::npos && p.find("acme.yaml:") != std::string::npos) return true;
    return false;
  };
  INFO(::Catch::Detail::stringify(found));
  CHECK(has("acme.yaml:6: 'reconcile.quantity_tolerance' must be a percent like 5% or a quantity like 2"));
  CHECK(has("acme.yaml:7: 'reconcile.hold_on': unknown kind 'asn_overshipment' (expected one of: asn_unknown_po,"));
  CHECK(has("reconcile.asn_allowance"));
  CHECK(has("'reconcile.unit_conversions.CS.EA'"));
  CHECK(has("unknown key 'colour'"));

  write_partner(dir, "");
  auto in_defaults = problems(dir, YAML::Load("{quantity_tolerance: -1%}"));
  REQUIRE(in_defaults.size() == 1);
  CHECK_THAT(in_defaults[0], Catch::Contains("edihub.yaml") && Catch::Contains("quantity_tolerance"));
}
