# Install rules and the Debian package (CPack, DEB generator):
#   cmake --build build --target package    ->  build/mmscore_<version>_amd64.deb
# Layout (Debian bookworm):
#   /usr/bin/mmscore                                 the binary (stripped in the package)
#   /lib/systemd/system/mmscore.service              the unit (Type=notify, watchdog)
#   /usr/lib/sysusers.d/mmscore.conf                 the mmscore system user (postinst creates it)
#   /etc/mmscore/mmscore.toml, /etc/default/mmscore  config and unit environment (conffiles)
#   /usr/share/doc/mmscore/                          README.md, deploy-README.md, copyright, changelog.gz
#   /usr/share/mmscore/prometheus/                   alert rules and their promtool tests
#   /usr/share/man/man1/mmscore.1.gz                 the manual page
# The journal and reports go to /var/lib/mmscore (the unit's StateDirectory=, created by
# systemd with the right owner: no tmpfiles.d entry is needed).
include(GNUInstallDirs)

set(_deploy ${PROJECT_SOURCE_DIR}/deploy)
set(_gen ${PROJECT_BINARY_DIR}/packaging)
file(MAKE_DIRECTORY ${_gen})

install(TARGETS mmscore RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${_deploy}/mmscore.service DESTINATION /lib/systemd/system)
install(FILES ${_deploy}/mmscore.sysusers.conf DESTINATION lib/sysusers.d RENAME mmscore.conf)
install(FILES ${PROJECT_SOURCE_DIR}/config/example.toml DESTINATION /etc/mmscore RENAME mmscore.toml)
install(FILES ${_deploy}/mmscore.env DESTINATION /etc/default RENAME mmscore)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${_deploy}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${_deploy}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} RENAME deploy-README.md)
install(FILES ${_deploy}/prometheus/mmscore-rules.yml ${_deploy}/prometheus/mmscore-rules-test.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/mmscore/prometheus)

# Debian wants the manual page and the changelog gzipped without a timestamp (-n), so
# that the package is reproducible.
find_program(MMSCORE_GZIP gzip REQUIRED)
foreach(pair "mmscore.1;mmscore.1.gz" "changelog;changelog.gz")
  list(GET pair 0 src)
  list(GET pair 1 out)
  add_custom_command(OUTPUT ${_gen}/${out}
                     COMMAND ${MMSCORE_GZIP} -9nc ${_deploy}/${src} > ${_gen}/${out}
                     DEPENDS ${_deploy}/${src} VERBATIM)
  list(APPEND _gzipped ${_gen}/${out})
endforeach()
add_custom_target(mmscore_package_docs ALL DEPENDS ${_gzipped})
install(FILES ${_gen}/mmscore.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${_gen}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

# Maintainer scripts: conffiles (dpkg keeps the operator's edits) and a postinst that
# creates the user from the sysusers.d file.
configure_file(${_deploy}/debian/conffiles ${_gen}/conffiles COPYONLY)
configure_file(${_deploy}/debian/postinst ${_gen}/postinst COPYONLY
               FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME mmscore)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "mmscore maintainers <maintainers@users.noreply.r-seed-e78ef0bf.example>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "live scoring daemon for exchange market-maker programs")
set(CPACK_PACKAGE_DESCRIPTION  # lines under 80 columns (lintian)
    "mmscore subscribes to an exchange's public trade and depth streams and\n"
    "to every program market maker's private order stream, keeps exact per-MM\n"
    "volume, spread, size and uptime figures, and publishes running tier and\n"
    "reward estimates over an HTTP API, Prometheus metrics and a dashboard.\n"
    "Everything it computes can be rebuilt from its journal (mmscore replay).")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # mmscore_<version>_amd64.deb
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)  # Depends: from the linked libraries (dpkg-shlibdeps, dpkg-dev)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${_gen}/conffiles ${_gen}/postinst)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DIRECTORY ${PROJECT_BINARY_DIR})
include(CPack)
