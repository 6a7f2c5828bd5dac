// The SAM template reader: the input is template.yaml, read the way
// `--template` reads it (the file, then its Globals and the function's properties,
// with !Ref/!Sub, layers and environment variables). CodeUri and layer folders are
// resolved against a scratch folder that has `src/` and `layer/` in it, so inputs
// can reach the code past the directory checks.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "definition/sam_template.h"

namespace {

// A folder of this process's own, removed at exit.
struct Scratch {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("sweetspot-fuzz-sam-" + std::to_string(::getpid()));
  Scratch() {
    std::filesystem::create_directories(dir / "src");
    std::filesystem::create_directories(dir / "layer");
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

const std::filesystem::path& scratch() {
  static const Scratch s;
  return s.dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The first line, when it starts with "#id ", names the function to pick (--function).
  std::string text(reinterpret_cast<const char*>(data), size);
  std::string function_id;
  if (text.starts_with("#id ")) {
    const size_t eol = text.find('\n');
    function_id = text.substr(4, eol == std::string::npos ? std::string::npos : eol - 4);
  }
  const auto file = scratch() / "template.yaml";
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
  }
  (void)sweetspot::definition::read_sam_function(file, function_id);
  return 0;
}
