// What a process sees of the filesystem in its own mount namespace: host
// directories mounted read-only where the process expects them (from anywhere,
// also from under the host's /tmp), some merged into one tree, the rest of the
// host read-only, and a private tmpfs /tmp as the only writable place.
#pragma once

#include <filesystem>
#include <vector>

namespace sweetspot::sandbox {

struct ReadOnlyMount {
  std::filesystem::path source;  // a host directory or file, anywhere
  std::filesystem::path target;  // where the process sees it
};

struct FilesystemView {
  // Each becomes an empty tmpfs hiding what the host has there, so that mount
  // points can be made in it (e.g. /var, for /var/task).
  std::vector<std::filesystem::path> scratch_dirs;
  // Directories made in a scratch dir with nothing mounted on them.
  std::vector<std::filesystem::path> empty_dirs;
  // Read-only bind mounts. A target whose parent is a scratch dir is created;
  // any other target must exist on the host.
  std::vector<ReadOnlyMount> mounts;
  // Merged into one read-only tree at merged_target, a later source's files
  // hiding an earlier one's (overlayfs; a single source is a bind mount).
  std::filesystem::path merged_target;
  std::vector<std::filesystem::path> merged_sources;
  // Host paths under /tmp that stay visible, read-only, at the same place in the
  // private /tmp (e.g. an interpreter installed there).
  std::vector<std::filesystem::path> kept_in_tmp;
  // Every mount of the host read-only; the private /tmp is mounted after.
  bool read_only_host = true;
};

}  // namespace sweetspot::sandbox
