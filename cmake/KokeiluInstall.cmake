# Installs libkokeilu as a CMake package: a C++ program does find_package(kokeilu) and links
# kokeilu::kokeilu. After SQLiteCpp's and fmt's install rules.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS kokeilu EXPORT kokeiluTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT development
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/libkokeilu/include/kokeilu
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT development)

set(KOKEILU_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/kokeilu)
install(EXPORT kokeiluTargets NAMESPACE kokeilu:: DESTINATION ${KOKEILU_CMAKE_DIR} COMPONENT development)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/kokeiluConfig.cmake.in
  ${PROJECT_BINARY_DIR}/kokeiluConfig.cmake INSTALL_DESTINATION ${KOKEILU_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/kokeiluConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/kokeiluConfig.cmake ${PROJECT_BINARY_DIR}/kokeiluConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/Findutf8proc.cmake
  DESTINATION ${KOKEILU_CMAKE_DIR} COMPONENT development)
