#include "aws/config_fuzz.h"

#include <string>
#include <string_view>

#include "aws/credential_chain.h"

namespace sweetspot::aws {

int fuzz_shared_files(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const size_t nul = bytes.find('\0');
  auto config = parse_ini(bytes.substr(0, nul), "config");
  auto credentials = parse_ini(nul == std::string_view::npos ? std::string_view() : bytes.substr(nul + 1), "credentials");
  if (!config || !credentials) return 0;
  SharedFiles files{std::move(*config), std::move(*credentials), "config", "credentials"};
  const EnvLookup env = [](const std::string&) { return std::string(); };  // no variables: the files alone
  int resolved = 0;
  for (const IniFile* file : {&files.config, &files.credentials}) {
    for (const auto& [section, _] : *file) {
      const std::string profile = section.starts_with("profile ") ? section.substr(8) : section;
      if (plan_credentials({profile, ""}, files, env)) ++resolved;
    }
  }
  return resolved;
}

}  // namespace sweetspot::aws
