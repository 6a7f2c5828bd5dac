# Included by src/cli/CMakeLists.txt: the `tune` command's sources, and its tests.
set(SWEETSPOT_CLI_TUNE_SOURCES ${CMAKE_CURRENT_LIST_DIR}/tune_command.cc)
sweetspot_tests(tune_command_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/tune_command_test.cc
  LIBS cli report tuner_testing)
