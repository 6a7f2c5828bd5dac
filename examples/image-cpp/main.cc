// image-cpp: a custom runtime (provided.al2023) written in C++, with its own
// small Runtime API client over libcurl, that makes and resizes an image with
// libvips. libvips splits every stage of its pipeline over a pool of threads,
// one per visible core, so unlike a single-threaded handler this one keeps
// getting faster above 1,769 MB (one vCPU) for as long as it gets more cores.
//
// The event: {"width": 4000, "height": 3000, "scale": 0.2}. The source image is
// synthesised in memory (noise, blurred: it compresses like a photograph) so
// that every stage runs in parallel: decoding a JPEG is serial in libjpeg.
#include <curl/curl.h>
#include <sched.h>
#include <vips/vips8>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

namespace {

using nlohmann::json;

// The Runtime API is three HTTP calls; libcurl does the HTTP.
class RuntimeApi {
 public:
  explicit RuntimeApi(std::string host) : base_("http://" + std::move(host) + "/2018-06-01/runtime") {
    curl_ = curl_easy_init();
  }
  ~RuntimeApi() { curl_easy_cleanup(curl_); }
  RuntimeApi(const RuntimeApi&) = delete;
  RuntimeApi& operator=(const RuntimeApi&) = delete;

  // Long-polls /invocation/next; false when the API is gone.
  bool next(std::string& request_id, std::string& event) {
    reset();
    event.clear();
    request_id_.clear();
    curl_easy_setopt(curl_, CURLOPT_URL, (base_ + "/invocation/next").c_str());
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &RuntimeApi::on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &event);
    curl_easy_setopt(curl_, CURLOPT_HEADERFUNCTION, &RuntimeApi::on_header);
    curl_easy_setopt(curl_, CURLOPT_HEADERDATA, &request_id_);
    if (curl_easy_perform(curl_) != CURLE_OK) return false;
    request_id = request_id_;
    return !request_id.empty();
  }

  void respond(const std::string& request_id, const std::string& body) {
    post("/invocation/" + request_id + "/response", body, nullptr);
  }
  void fail(const std::string& request_id, const std::string& type, const std::string& message) {
    const json error = {{"errorMessage", message}, {"errorType", type}, {"stackTrace", json::array()}};
    post("/invocation/" + request_id + "/error", error.dump(), ("Lambda-Runtime-Function-Error-Type: " + type).c_str());
  }

 private:
  void reset() {
    curl_easy_reset(curl_);
    curl_easy_setopt(curl_, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 0L);  // /next waits as long as it takes
  }
  void post(const std::string& path, const std::string& body, const char* header) {
    reset();
    std::string ignored;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (header) headers = curl_slist_append(headers, header);
    curl_easy_setopt(curl_, CURLOPT_URL, (base_ + path).c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, &RuntimeApi::on_body);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &ignored);
    curl_easy_perform(curl_);
    curl_slist_free_all(headers);
  }
  static size_t on_body(char* data, size_t size, size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
  }
  static size_t on_header(char* data, size_t size, size_t count, void* out) {
    const std::string line(data, size * count);
    const std::string name = "lambda-runtime-aws-request-id:";
    if (line.size() > name.size() && strncasecmp(line.c_str(), name.c_str(), name.size()) == 0) {
      std::string value = line.substr(name.size());
      const auto first = value.find_first_not_of(" \t");
      const auto last = value.find_last_not_of(" \t\r\n");
      *static_cast<std::string*>(out) = first == std::string::npos ? "" : value.substr(first, last - first + 1);
    }
    return size * count;
  }

  std::string base_;
  std::string request_id_;
  CURL* curl_ = nullptr;
};

int visible_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
}

// libvips 8.14.1 (Debian 12) lets an idle worker wait at most 15 s for work and
// loses a task handed to one whose wait has just run out (fixed in 8.15.5;
// README.md, "A known hang"). Lambda freezes the environment between invokes on
// the same monotonic clock, so after a freeze of 15 s or more every idle worker
// gives up at once when the next invoke starts. Then the invoke first waits
// (briefly: they only need to run) for those workers to exit, and libvips
// starts new ones for the work.
constexpr auto kVipsMaxIdle = std::chrono::seconds(15);

int libvips_workers() {
  int workers = 0;
  std::error_code error;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", error)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name == "libvips worker") ++workers;
  }
  return workers;
}

void await_timed_out_workers(std::chrono::steady_clock::time_point last_work_end) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_work_end < kVipsMaxIdle) return;
  const auto give_up = now + std::chrono::seconds(1);
  while (libvips_workers() > 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
}

json handle(const json& event) {
  const int width = event.value("width", 4000);
  const int height = event.value("height", 3000);
  const double scale = event.value("scale", 0.2);
  // A photo-like RGB image: three bands of blurred noise, computed into memory
  // first (in parallel), as a decoded photo would be, so that the resize reads
  // pixels instead of recomputing the noise for every tile it touches.
  vips::VImage band = vips::VImage::gaussnoise(width, height, vips::VImage::option()->set("sigma", 40.0));
  vips::VImage image = band.bandjoin({band.rot180(), band.flip(VIPS_DIRECTION_HORIZONTAL)})
                           .gaussblur(1.5)
                           .cast(VIPS_FORMAT_UCHAR)
                           .copy_memory();
  vips::VImage small = image.resize(scale, vips::VImage::option()->set("kernel", VIPS_KERNEL_LANCZOS3));
  VipsBlob* jpeg = small.jpegsave_buffer(vips::VImage::option()->set("Q", 85));
  size_t length = 0;
  vips_area_get_data(VIPS_AREA(jpeg), &length, nullptr, nullptr, nullptr);
  vips_area_unref(VIPS_AREA(jpeg));
  return {{"statusCode", 200},
          {"width", small.width()},
          {"height", small.height()},
          {"jpegBytes", length},
          {"threads", vips_concurrency_get()}};
}

}  // namespace

int main(int, char** argv) {
  if (VIPS_INIT(argv[0]) != 0) {
    std::fprintf(stderr, "image-cpp: libvips failed to start: %s\n", vips_error_buffer());
    return 1;
  }
  // One worker thread per core this environment can see (Lambda's visible cores).
  vips_concurrency_set(visible_cores());
  vips_cache_set_max(0);  // each invoke does the whole work, as a new image would
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API");
  if (!api) {
    std::fprintf(stderr, "image-cpp: AWS_LAMBDA_RUNTIME_API is not set: run me as a Lambda custom runtime\n");
    return 1;
  }
  RuntimeApi runtime(api);
  std::string id, event;
  auto last_work_end = std::chrono::steady_clock::now();
  while (runtime.next(id, event)) {
    try {
      const json parsed = json::parse(event.empty() ? "{}" : event);
      await_timed_out_workers(last_work_end);
      const json response = handle(parsed);
      last_work_end = std::chrono::steady_clock::now();
      runtime.respond(id, response.dump());
    } catch (const vips::VError& e) {
      runtime.fail(id, "VipsError", e.what());
    } catch (const std::exception& e) {
      runtime.fail(id, "Runtime.HandlerError", e.what());
    }
  }
  curl_global_cleanup();
  vips_shutdown();
  return 0;
}
