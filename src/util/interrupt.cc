#include "util/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace sweetspot::util {
namespace {

std::mutex& hooks_mutex() {
  static std::mutex m;
  return m;
}
std::map<unsigned long, std::function<void()>*>& hooks() {
  static std::map<unsigned long, std::function<void()>*> h;
  return h;
}
unsigned long next_id = 1;
std::atomic<bool> g_interrupted{false};

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  return set;
}

}  // namespace

void install_interrupt_watcher() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set = watched_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set] {
      int signo = 0;
      while (sigwait(&set, &signo) != 0) {
      }
      g_interrupted = true;
      {
        std::lock_guard lock(hooks_mutex());
        // Newest first: a file written inside an environment goes before the environment.
        for (auto it = hooks().rbegin(); it != hooks().rend(); ++it) (*it->second)();
        hooks().clear();
      }
      _exit(128 + signo);
    }).detach();
  });
}

bool interrupted() { return g_interrupted.load(); }

CleanupHook::CleanupHook(std::function<void()> action) : action_(std::move(action)) {
  std::lock_guard lock(hooks_mutex());
  id_ = next_id++;
  hooks()[id_] = &action_;
  registered_ = true;
}

CleanupHook::~CleanupHook() { dismiss(); }

void CleanupHook::dismiss() {
  std::lock_guard lock(hooks_mutex());
  if (registered_) hooks().erase(id_);
  registered_ = false;
}

void CleanupHook::run_now() {
  bool was_registered = false;
  {
    std::lock_guard lock(hooks_mutex());
    was_registered = registered_;
    if (registered_) hooks().erase(id_);
    registered_ = false;
  }
  if (was_registered) action_();
}

}  // namespace sweetspot::util
