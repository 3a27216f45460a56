# What `cmake --install` lays out and how CPack makes the Debian package of it (docs/serve.md,
# "Installation"). Included from CMakeLists.txt after the edihub target.
#
# Layout: the binary (bin/), the systemd unit (lib/systemd/system/), the docs
# (share/doc/edihub/), the example configuration in /etc/edihub and the service's state in
# /var/lib/edihub. /etc/edihub and /var/lib/edihub are absolute whatever the prefix: the unit
# names them. The hub writes only below /var/lib/edihub (the unit's ProtectSystem=strict makes
# /etc read-only), yet every path of a configuration is relative to its folder and the archive
# must be inside it: the example's data folders (archive, inbox, erp) are therefore relative
# symlinks from /etc/edihub into /var/lib/edihub, which resolve inside any root the package is
# unpacked into (`dpkg -x`, `dpkg --root`, a chroot), so `edihub check --config ROOT/etc/edihub`
# works there too. The transaction-set schemas and the inbound standard mappings are compiled
# into the binary; the standard mappings are also installed as files
# (share/edihub/mappings/standard/), since outbound ones are named by path in a profile.

set(EDIHUB_CONFIG_DIR /etc/edihub)
set(EDIHUB_STATE_DIR /var/lib/edihub)
# The example configuration's folders that hold data, not configuration (deploy/config/).
set(EDIHUB_DATA_FOLDERS archive inbox erp)

install(FILES deploy/edihub.service DESTINATION lib/systemd/system)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
install(DIRECTORY mappings/standard/ DESTINATION ${CMAKE_INSTALL_DATADIR}/edihub/mappings/standard)

# The configuration: edihub.yaml, the partner profiles, and the mapping files the `mappings`
# link of deploy/config points at (followed: the package holds the files).
set(example ${CMAKE_CURRENT_SOURCE_DIR}/deploy/config)
file(REAL_PATH ${example}/mappings example_mappings)
install(FILES ${example}/edihub.yaml DESTINATION ${EDIHUB_CONFIG_DIR})
install(DIRECTORY ${example}/partners/ DESTINATION ${EDIHUB_CONFIG_DIR}/partners)
install(DIRECTORY ${example_mappings}/ DESTINATION ${EDIHUB_CONFIG_DIR}/mappings)

# The data folders: made in the build tree (links, and the example's empty folders without
# their .keep files), installed from there; file(INSTALL) keeps a symlink a symlink.
set(staged ${CMAKE_CURRENT_BINARY_DIR}/package-layout)
file(REMOVE_RECURSE ${staged})
file(RELATIVE_PATH config_to_state ${EDIHUB_CONFIG_DIR} ${EDIHUB_STATE_DIR})
file(MAKE_DIRECTORY ${staged}/config)
foreach(folder IN LISTS EDIHUB_DATA_FOLDERS)
  file(CREATE_LINK ${config_to_state}/${folder} ${staged}/config/${folder} SYMBOLIC)
  install(FILES ${staged}/config/${folder} DESTINATION ${EDIHUB_CONFIG_DIR})
  file(MAKE_DIRECTORY ${staged}/state/${folder})
  if(IS_DIRECTORY ${example}/${folder})
    file(GLOB_RECURSE keeps RELATIVE ${example}/${folder} ${example}/${folder}/*.keep)
    foreach(keep IN LISTS keeps)
      get_filename_component(sub ${keep} DIRECTORY)
      file(MAKE_DIRECTORY ${staged}/state/${folder}/${sub})
    endforeach()
  endif()
endforeach()
install(DIRECTORY ${staged}/state/ DESTINATION ${EDIHUB_STATE_DIR})

# The Debian package: `cpack -G DEB` in the build folder packages what this build tree has
# (the binary as built: build it first).
set(CPACK_PACKAGE_NAME edihub)
set(CPACK_PACKAGE_VENDOR "edihub")
set(CPACK_PACKAGE_CONTACT "edihub maintainers <maintainers@users.noreply.r-seed-c4841fe8.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "B2B partner integration hub: X12 and XML over folders, SFTP and AS2 to ERP sinks")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "edihub receives partners' X12 and XML documents by folder, SFTP or AS2, archives them durably, "
  "validates and acknowledges them (997, 999, TA1) and maps them to ERP transactions delivered exactly once "
  "(folder, HTTP, PostgreSQL); it sends purchase orders and invoices the other way and reconciles orders, "
  "ship notices and invoices. The package holds the binary, a hardened systemd unit (not enabled) and "
  "an example configuration in /etc/edihub.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
# Shipped without debugging sections (a third of the binary); the build tree keeps them.
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# The shared libraries' packages are found by dpkg-shlibdeps (dpkg-dev); adduser makes the user.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS adduser)
# Every regular file of the configuration is a conffile: an upgrade keeps the operator's edits.
set(conffiles ${EDIHUB_CONFIG_DIR}/edihub.yaml)
file(GLOB_RECURSE example_files RELATIVE ${example}/partners ${example}/partners/*)
foreach(f IN LISTS example_files)
  list(APPEND conffiles ${EDIHUB_CONFIG_DIR}/partners/${f})
endforeach()
file(GLOB_RECURSE example_files RELATIVE ${example_mappings} ${example_mappings}/*)
foreach(f IN LISTS example_files)
  list(APPEND conffiles ${EDIHUB_CONFIG_DIR}/mappings/${f})
endforeach()
list(JOIN conffiles "\n" conffiles)
file(WRITE ${staged}/debian/conffiles "${conffiles}\n")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${staged}/debian/conffiles ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/postinst
    ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/prerm ${CMAKE_CURRENT_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
