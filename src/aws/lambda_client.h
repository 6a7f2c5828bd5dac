// The Lambda API calls a tuner makes (2015-03-31 REST/JSON), each one signed
// and retried by ServiceClient. One client per thread.
#pragma once

#include <chrono>
#include <expected>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aws/service_client.h"
#include "engine_api/backend.h"

namespace sweetspot::aws {

struct FunctionConfiguration {
  std::string function_name;
  std::string function_arn;
  std::string version;  // $LATEST or a number
  std::string description;
  std::string state;               // Pending, Active, Inactive, Failed
  std::string last_update_status;  // InProgress, Successful, Failed (absent on old endpoints: done)
  std::string last_update_status_reason;
  std::string code_sha256;
  std::string runtime;
  int memory_mb = 0;
  int timeout_s = 3;
  int ephemeral_storage_mb = 512;
  engine_api::Architecture architecture = engine_api::Architecture::kX86_64;
};

util::Result<FunctionConfiguration> parse_function_configuration(const std::string& json);

// What UpdateFunctionConfiguration changes; unset fields are left alone.
struct ConfigurationChange {
  std::optional<int> memory_mb;
  std::optional<std::string> description;
};

struct InvokeResult {
  std::string request_id;        // x-amzn-RequestId
  std::string function_error;    // X-Amz-Function-Error: Unhandled / Handled; empty on success
  std::string log_tail;          // X-Amz-Log-Result, decoded
  std::string executed_version;  // X-Amz-Executed-Version
  std::string payload;
};

struct AliasInfo {
  std::string name;
  std::string version;
  std::string description;
};

using LambdaResult = std::expected<FunctionConfiguration, ApiError>;

class LambdaClient {
 public:
  static util::Result<LambdaClient> create(ServiceEndpoint endpoint, Credentials credentials, RetryPolicy retry);

  LambdaResult get_configuration(const std::string& function, const std::string& qualifier = "");
  LambdaResult update_configuration(const std::string& function, const ConfigurationChange& change);
  // Polls GetFunctionConfiguration until LastUpdateStatus leaves InProgress (and
  // State leaves Pending). Failed, or still InProgress after `limit`, is an error.
  LambdaResult wait_until_updated(const std::string& function, std::chrono::milliseconds limit,
                                  const std::function<bool()>& stop = {});
  LambdaResult publish_version(const std::string& function, const std::string& description);
  std::expected<void, ApiError> create_alias(const std::string& function, const std::string& alias,
                                             const std::string& version, const std::string& description);
  std::expected<void, ApiError> update_alias(const std::string& function, const std::string& alias,
                                             const std::string& version);
  std::expected<void, ApiError> delete_alias(const std::string& function, const std::string& alias);
  // Refuses anything but a version number: DeleteFunction with $LATEST (or no
  // qualifier) deletes the whole function.
  std::expected<void, ApiError> delete_version(const std::string& function, const std::string& version);
  std::expected<std::vector<FunctionConfiguration>, ApiError> list_versions(const std::string& function);
  std::expected<std::vector<AliasInfo>, ApiError> list_aliases(const std::string& function);
  // RequestResponse with X-Amz-Log-Type: Tail. A function error is a result
  // (function_error set), not an ApiError.
  std::expected<InvokeResult, ApiError> invoke(const std::string& function, const std::string& qualifier,
                                               const std::string& payload, std::chrono::milliseconds timeout);

 private:
  explicit LambdaClient(ServiceClient client) : client_(std::move(client)) {}
  ServiceClient client_;
};

// A published version's number ("7"), never $LATEST or an alias.
bool is_version_number(const std::string& qualifier);

// /2015-03-31/functions/{name}{suffix}, the name (or ARN) URI-encoded.
std::string function_path(const std::string& function, const std::string& suffix);

}  // namespace sweetspot::aws
