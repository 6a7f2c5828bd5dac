// Ctrl-C and SIGTERM must leave nothing behind: no processes, cgroups, mounts or
// half-written files. Resources register a CleanupHook while they live; on a
// signal, a watcher thread runs every live hook (newest first), then exits.
#pragma once

#include <chrono>
#include <functional>

namespace sweetspot::util {

// Blocks SIGINT, SIGTERM and SIGHUP in the calling thread (and so in every thread
// it starts later) and starts the watcher thread. Call first thing in main.
// Child processes must unblock them before exec (sandbox::spawn does).
void install_interrupt_watcher();

// True once a signal has arrived; long loops check it to stop early.
bool interrupted();

class CleanupHook {
 public:
  explicit CleanupHook(std::function<void()> action);
  CleanupHook(const CleanupHook&) = delete;
  CleanupHook& operator=(const CleanupHook&) = delete;
  ~CleanupHook();  // unregisters without running

  void run_now();  // runs the action (once) and unregisters
  void dismiss();  // unregisters without running

 private:
  std::function<void()> action_;
  bool registered_ = false;
  unsigned long id_ = 0;
};

// While one lives, a signal does not end the process right after the cleanup
// hooks: the watcher waits (at most `limit`) for it to be destroyed, so that the
// command can say what it did before the interrupt (`tune` prints the sizes it
// measured). The process then exits 128 + the signal, as without one.
class InterruptGrace {
 public:
  explicit InterruptGrace(std::chrono::seconds limit = std::chrono::seconds(10));
  InterruptGrace(const InterruptGrace&) = delete;
  InterruptGrace& operator=(const InterruptGrace&) = delete;
  ~InterruptGrace();
};

}  // namespace sweetspot::util
