#include "util/interrupt.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
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

struct Grace {
  std::mutex mutex;
  std::condition_variable released;
  int holders = 0;
  std::chrono::seconds limit{0};
};
Grace& grace() {
  static Grace g;
  return g;
}

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
      {
        Grace& g = grace();
        std::unique_lock lock(g.mutex);
        g.released.wait_for(lock, g.limit, [&g] { return g.holders == 0; });
      }
      _exit(128 + signo);
    }).detach();
  });
}

bool interrupted() { return g_interrupted.load(); }

InterruptGrace::InterruptGrace(std::chrono::seconds limit) {
  std::lock_guard lock(grace().mutex);
  ++grace().holders;
  grace().limit = std::max(grace().limit, limit);
}

InterruptGrace::~InterruptGrace() {
  std::lock_guard lock(grace().mutex);
  --grace().holders;
  grace().released.notify_all();
}

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
