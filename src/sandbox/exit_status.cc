// ExitStatus::describe: the words Go's os.ProcessState.String() uses, which is what
// Lambda prints after "Runtime exited with error: ".
#include <signal.h>

#include "sandbox/process.h"

namespace sweetspot::sandbox {
namespace {

// Go's Linux signal table (glibc's strsignal texts, lower-cased).
const char* signal_words(int signo) {
  switch (signo) {
    case SIGHUP: return "hangup";
    case SIGINT: return "interrupt";
    case SIGQUIT: return "quit";
    case SIGILL: return "illegal instruction";
    case SIGTRAP: return "trace/breakpoint trap";
    case SIGABRT: return "aborted";
    case SIGBUS: return "bus error";
    case SIGFPE: return "floating point exception";
    case SIGKILL: return "killed";
    case SIGUSR1: return "user defined signal 1";
    case SIGSEGV: return "segmentation fault";
    case SIGUSR2: return "user defined signal 2";
    case SIGPIPE: return "broken pipe";
    case SIGALRM: return "alarm clock";
    case SIGTERM: return "terminated";
    case SIGSTKFLT: return "stack fault";
    case SIGCHLD: return "child exited";
    case SIGCONT: return "continued";
    case SIGSTOP: return "stopped (signal)";
    case SIGTSTP: return "stopped";
    case SIGTTIN: return "stopped (tty input)";
    case SIGTTOU: return "stopped (tty output)";
    case SIGURG: return "urgent I/O condition";
    case SIGXCPU: return "CPU time limit exceeded";
    case SIGXFSZ: return "file size limit exceeded";
    case SIGVTALRM: return "virtual timer expired";
    case SIGPROF: return "profiling timer expired";
    case SIGWINCH: return "window changed";
    case SIGIO: return "I/O possible";
    case SIGPWR: return "power failure";
    case SIGSYS: return "bad system call";
    default: return nullptr;
  }
}

}  // namespace

std::string ExitStatus::describe() const {
  if (kind == Kind::kExited) return "exit status " + std::to_string(value);
  const char* words = signal_words(value);
  std::string text = words ? std::string("signal: ") + words : "signal: signal " + std::to_string(value);
  if (core_dumped) text += " (core dumped)";
  return text;
}

}  // namespace sweetspot::sandbox
