// For end-to-end tests that need AWS services on loopback: moto_server (as this
// machine image ships it, or where scripts/install-deps put it) on a free port.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>

#include "cli/test_command.h"

namespace sweetspot::cli::test_support {

// A program from the test venv scripts/install-deps makes when the image lacks it.
inline std::string test_venv_program(const std::string& name) {
  const std::filesystem::path venv = std::filesystem::path(SWEETSPOT_SOURCE_DIR) / ".cache/test-venv/bin" / name;
  return std::filesystem::exists(venv) ? venv.string() : name;
}

// A port nothing listens on right now (the kernel's choice, released at once).
inline int free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class MotoServer {
 public:
  MotoServer() : port_(free_loopback_port()), url_("http://127.0.0.1:" + std::to_string(port_)) {
    process_.emplace(std::vector<std::string>{test_venv_program("moto_server"), "-H", "127.0.0.1", "-p",
                                              std::to_string(port_)},
                     std::map<std::string, std::string>{});
  }
  // A Python server: slow to start on a loaded machine, so up to a minute.
  bool wait_ready() {
    for (int i = 0; i < 240; ++i) {
      if (run_command({"curl", "-sf", "-o", "/dev/null", url_}).exit_code == 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return false;
  }
  const std::string& url() const { return url_; }
  std::string not_ready_message() const {
    return "moto_server did not answer on " + url_ + " (scripts/install-deps installs it)";
  }

 private:
  int port_;
  std::string url_;
  std::optional<BackgroundProcess> process_;
};

}  // namespace sweetspot::cli::test_support
