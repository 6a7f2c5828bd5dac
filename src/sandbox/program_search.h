// Finding a program as execvp does, in one place: the engine asks which
// interpreter a function gets, and Process::spawn resolves argv[0] before it forks.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

namespace sweetspot::sandbox {

// PATH when it is unset, as glibc's execvp assumes (less its leading ".").
inline constexpr std::string_view kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

// A regular file (symbolic links followed) this process may execute.
bool is_executable_file(const std::filesystem::path& p);

// `name` with a slash is taken as a path (relative ones against `cwd` when given);
// without one, the first executable regular file of that name in `path`'s
// directories (an empty entry is the current directory). nullopt when none is.
std::optional<std::filesystem::path> find_program(std::string_view name, std::string_view path,
                                                  const std::filesystem::path& cwd = {});

}  // namespace sweetspot::sandbox
