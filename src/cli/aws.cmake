# Included by src/cli/CMakeLists.txt: tuning a function deployed in AWS, and its
# end-to-end tests (moto_server and a signature-checking, fault-injecting endpoint).
set(SWEETSPOT_CLI_AWS_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/aws_options.cc
  ${CMAKE_CURRENT_LIST_DIR}/aws_tune.cc)
sweetspot_tests(aws_tune_tests
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/aws_tune_test.cc
  LIBS cli util nlohmann_json::nlohmann_json)  # cli for its tests' helpers (cli/moto_server.h)
if(TARGET aws_tune_tests)
  add_dependencies(aws_tune_tests sweetspot ops_runtime)
endif()
