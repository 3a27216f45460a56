// The Debian package (cmake/package.cmake): CPack builds it from this build tree, `dpkg-deb -x`
// unpacks it into a temporary root, and the layout, the control data, the unit's hardening
// and the packaged binary's `edihub check` of the packaged example configuration are checked
// there. The binary packaged is whatever this build tree has (the ASan one in CI).
#include <sys/stat.h>

#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/test_support.h"

using namespace edihub::testing;
namespace fs = std::filesystem;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("the Debian package installs into a temporary root: layout, conffiles, hardened unit, and its example "
          "configuration checks with the packaged binary",
          "[package][e2e]") {
  const fs::path build_dir = edihub_binary().parent_path();
  REQUIRE(fs::exists(build_dir / "CPackConfig.cmake"));
  TempDir tmp;
  // gzip, not the shipped xz: the compressor is not under test, and xz of the sanitizer
  // build's binary takes a minute of CI.
  auto packed = run_program({"cpack", "-G", "DEB", "-D", "CPACK_DEBIAN_COMPRESSION_TYPE=gzip", "--config",
                             (build_dir / "CPackConfig.cmake").string(), "-B", (tmp / "out").string()},
                            400);
  INFO(packed.out << packed.err);
  REQUIRE(packed.exit_code == 0);
  std::vector<fs::path> debs;
  for (const auto& entry : fs::directory_iterator(tmp / "out"))
    if (entry.path().extension() == ".deb") debs.push_back(entry.path());
  REQUIRE(debs.size() == 1);
  const fs::path deb = debs.front();

  // Control data: the project's version (the one the binary reports), dependencies computed
  // from the libraries the binary links (SQLite, libssh2, libcurl) plus adduser for postinst.
  auto field = [&](const char* name) {
    auto r = run_program({"dpkg-deb", "--field", deb.string(), name});
    REQUIRE(r.exit_code == 0);
    return trimmed(r.out);
  };
  auto version = run_edihub({"--version"});
  REQUIRE(version.exit_code == 0);
  CHECK(field("Package") == "edihub");
  CHECK("edihub " + field("Version") == trimmed(version.out));
  CHECK(deb.filename().string() == "edihub_" + field("Version") + "_" + field("Architecture") + ".deb");
  const std::string depends = field("Depends");
  for (const char* dependency : {"adduser", "libc6", "libsqlite3-0", "libssh2-1", "libcurl4"}) {
    INFO(depends);
    CHECK(depends.find(dependency) != std::string::npos);
  }
  CHECK_FALSE(field("Maintainer").empty());
  CHECK_FALSE(field("Description").empty());

  auto control = run_program({"dpkg-deb", "--control", deb.string(), (tmp / "control").string()});
  REQUIRE(control.exit_code == 0);
  const auto conffiles = lines_of(read_file(tmp / "control/conffiles"));
  const std::set<std::string> conffile_set(conffiles.begin(), conffiles.end());
  CHECK(conffile_set.contains("/etc/edihub/edihub.yaml"));
  CHECK(conffile_set.contains("/etc/edihub/partners/acme-supplier.yaml"));
  CHECK(conffile_set.contains("/etc/edihub/mappings/x12-856-inbound-delivery.yaml"));
  for (const auto& f : conffiles) CHECK(f.starts_with("/etc/edihub/"));
  // The maintainer scripts are valid shell, make the user, and start nothing.
  for (const char* script : {"postinst", "prerm", "postrm"}) {
    INFO(script);
    CHECK(run_program({"sh", "-n", (tmp / "control" / script).string()}).exit_code == 0);
    for (const auto& line : lines_of(read_file(tmp / "control" / script))) {
      if (line.find_first_not_of(' ') == std::string::npos || line[line.find_first_not_of(' ')] == '#') continue;
      INFO(line);
      for (const char* starting : {"systemctl start", "systemctl enable", "systemctl restart", "deb-systemd-invoke start"})
        CHECK(line.find(starting) == std::string::npos);
    }
  }
  CHECK(read_file(tmp / "control/postinst").find("adduser --quiet --system") != std::string::npos);

  const fs::path root = tmp / "root";
  auto unpacked = run_program({"dpkg-deb", "-x", deb.string(), root.string()});
  REQUIRE(unpacked.exit_code == 0);

  // Layout.
  struct stat st {};
  REQUIRE(::stat((root / "usr/bin/edihub").c_str(), &st) == 0);
  CHECK((st.st_mode & S_IXUSR) != 0);
  // Stripped: the build tree's binary has debugging sections, the shipped one none.
  auto sections = [](const fs::path& binary) { return run_program({"readelf", "-S", "-W", binary.string()}).out; };
  CHECK_THAT(sections(edihub_binary()), Catch::Contains(".debug_line"));
  CHECK_THAT(sections(root / "usr/bin/edihub"), !Catch::Contains(".debug_"));
  CHECK(fs::is_regular_file(root / "usr/lib/systemd/system/edihub.service"));
  CHECK(fs::is_regular_file(root / "usr/share/doc/edihub/README.md"));
  CHECK(fs::is_regular_file(root / "usr/share/doc/edihub/docs/serve.md"));
  CHECK(fs::is_regular_file(root / "etc/edihub/edihub.yaml"));
  CHECK(fs::is_regular_file(root / "etc/edihub/partners/acme-supplier.yaml"));
  CHECK(fs::is_regular_file(root / "etc/edihub/mappings/x12-856-inbound-delivery.yaml"));
  // The data folders of the configuration are relative links into the state directory.
  for (const char* folder : {"archive", "inbox", "erp"}) {
    INFO(folder);
    const fs::path link = root / "etc/edihub" / folder;
    REQUIRE(fs::is_symlink(link));
    CHECK(fs::read_symlink(link) == fs::path("../../var/lib/edihub") / folder);
    CHECK(fs::is_directory(root / "var/lib/edihub" / folder));
  }
  CHECK(fs::is_directory(root / "var/lib/edihub/inbox/acme-supplier"));
  CHECK(fs::is_directory(root / "var/lib/edihub/erp/inbound"));
  // The schemas are compiled in; the only data files are the standard mappings, every one of the source tree's.
  std::size_t installed = 0, shipped = 0;
  for (const auto& e : fs::recursive_directory_iterator(root / "usr/share/edihub")) installed += e.is_regular_file();
  for (const auto& e : fs::recursive_directory_iterator(source_dir() / "mappings/standard")) shipped += e.is_regular_file();
  CHECK(installed == shipped);
  CHECK(fs::is_directory(root / "usr/share/edihub/mappings/standard/outbound"));

  // The unit: a dedicated user, read-only system, the state directory the only writable path.
  const auto unit_lines = lines_of(read_file(root / "usr/lib/systemd/system/edihub.service"));
  const std::set<std::string> unit(unit_lines.begin(), unit_lines.end());
  for (const char* line :
       {"User=edihub", "Group=edihub", "StateDirectory=edihub", "ExecStartPre=edihub check --config /etc/edihub",
        "ExecStart=edihub serve --config /etc/edihub", "ProtectSystem=strict", "ReadWritePaths=/var/lib/edihub",
        "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes", "NoNewPrivileges=yes", "CapabilityBoundingSet=",
        "AmbientCapabilities=", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "SystemCallFilter=@system-service",
        "SystemCallArchitectures=native", "RestrictNamespaces=yes", "RestrictSUIDSGID=yes", "MemoryDenyWriteExecute=yes",
        "ProtectKernelTunables=yes", "ProtectKernelModules=yes", "ProtectControlGroups=yes"}) {
    CHECK(unit.contains(line));
  }
  std::size_t writable = 0;
  for (const auto& line : unit_lines) writable += line.starts_with("ReadWritePaths=") ? 1 : 0;
  CHECK(writable == 1);
  if (run_program({"sh", "-c", "command -v systemd-analyze"}).exit_code == 0) {
    // Overall exposure at most 2.0 on systemd's 0-10 scale (--threshold counts tenths).
    auto security = run_program({"systemd-analyze", "security", "--offline=true", "--threshold=20",
                                 (root / "usr/lib/systemd/system/edihub.service").string()},
                                60);
    INFO(security.out << security.err);
    CHECK(security.exit_code == 0);
  } else {
    WARN("systemd-analyze is not installed: the unit's exposure was not measured");
  }

  // The packaged binary accepts the packaged example, found through the temporary root.
  const std::string binary = (root / "usr/bin/edihub").string();
  const std::string config = (root / "etc/edihub").string();
  auto checked = run_program({binary, "check", "--config", config});
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find("configuration OK: 1 partner(s), 1 mapping rule(s)") != std::string::npos);
  CHECK(checked.out.find("acme-supplier (ACME Supplier)") != std::string::npos);
  // A pass writes its archive through the link, into the state directory.
  auto ran = run_program({binary, "run", "--once", "--config", config}, 120);
  INFO(ran.out << ran.err);
  CHECK(ran.exit_code == 0);
  CHECK(fs::is_regular_file(root / "var/lib/edihub/archive/index.db"));
}
