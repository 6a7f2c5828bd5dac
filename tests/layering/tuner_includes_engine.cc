// Must not compile: the tuner links engine_api, not engine, so a tuner file
// cannot include the local engine's headers (tests/layering/CMakeLists.txt
// passes when the compiler says the header is not found).
#include "engine/execution_environment.h"
#include "tuner/tuner.h"
