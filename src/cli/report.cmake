# Included by src/cli/CMakeLists.txt: the `report` and `compare` commands and the
# report files `tune` writes; their end-to-end tests.
set(SWEETSPOT_CLI_REPORT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/report_command.cc
  ${CMAKE_CURRENT_LIST_DIR}/report_files.cc)
sweetspot_tests(report_command_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/report_command_test.cc
  LIBS cli report sandbox util nlohmann_json::nlohmann_json)
if(TARGET report_command_tests)
  add_dependencies(report_command_tests sweetspot ops_runtime)
endif()
