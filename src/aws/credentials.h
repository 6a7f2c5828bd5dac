// AWS credentials. They are secrets: nothing in sweetspot prints, logs or
// writes them; errors name where they came from (`source`), never their value.
#pragma once

#include <string>

namespace sweetspot::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty for long-term keys
  std::string source;         // e.g. "environment variables", "profile dev (~/.aws/credentials)"
};

}  // namespace sweetspot::aws
