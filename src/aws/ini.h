// The AWS CLI's shared config and credentials files (INI, as Python's
// configparser reads them: `[section]`, `key = value` or `key: value`, `#`/`;`
// comment lines, indented lines continuing the key above). Outside input: this
// is the fuzz entry point for both files.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "util/error.h"

namespace sweetspot::aws {

using IniSection = std::map<std::string, std::string>;  // keys lower-cased, values trimmed
using IniFile = std::map<std::string, IniSection>;        // by section name, as written

// Errors name `origin` and the line number, never the line's text: it may hold a secret.
util::Result<IniFile> parse_ini(std::string_view text, std::string_view origin);

}  // namespace sweetspot::aws
