#include "aws/aws_backend.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include "aws/invoke_record.h"
#include "engine_api/lambda_limits.h"

namespace sweetspot::aws {
namespace {

constexpr const char* kAliasPrefix = "sweetspot-";

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

std::string new_run_tag() {
  std::random_device random;
  return fmt::format("{:08x}", random());
}

}  // namespace

util::Result<std::unique_ptr<AwsBackend>> AwsBackend::create(AwsBackendOptions options) {
  std::unique_ptr<AwsBackend> backend(new AwsBackend(std::move(options)));
  backend->run_tag_ = new_run_tag();
  auto lambda = backend->client();
  if (!lambda) return std::unexpected(lambda.error());
  const std::string& fn = backend->options_.function;
  auto config = lambda->get_configuration(fn);
  if (!config) {
    return util::fail(fmt::format("cannot read the configuration of Lambda function {}: {}", fn, config.error().describe()));
  }
  backend->original_ = std::move(*config);
  const std::string& q = backend->options_.qualifier;
  if (!q.empty() && q != "$LATEST") {
    auto qualified = lambda->get_configuration(fn, q);
    if (!qualified) {
      return util::fail(fmt::format("cannot read {}:{}: {}", fn, q, qualified.error().describe()));
    }
    if (!qualified->code_sha256.empty() && qualified->code_sha256 != backend->original_.code_sha256) {
      return util::fail(fmt::format(
          "{}:{} runs other code than $LATEST (CodeSha256 differs); sweetspot tunes by changing $LATEST and "
          "publishing versions of it, so it would measure other code: deploy that code to $LATEST first, or tune "
          "without the qualifier",
          fn, q));
    }
  }
  return backend;
}

AwsBackend::~AwsBackend() = default;

util::Result<LambdaClient> AwsBackend::client(bool for_restore) const {
  RetryPolicy retry = options_.retry;
  if (for_restore) retry.stop = nullptr;  // restoring goes on after Ctrl-C
  return LambdaClient::create(options_.lambda, options_.credentials, retry);
}

std::string AwsBackend::describe() const {
  std::string where = options_.lambda.url.ends_with(".amazonaws.com") ? "" : " via " + options_.lambda.url;
  return fmt::format("AWS Lambda function {} in {}{}", original_.function_name.empty() ? options_.function : original_.function_name,
                     options_.lambda.scope.region, where);
}

engine_api::SizeSupport AwsBackend::support(int memory_mb) const {
  // Lambda itself runs every size: its limits and its CPUs.
  engine_api::SizeSupport s;
  s.limits_enforced = true;
  s.requested_cpus = s.effective_cpus = engine_api::cpu_share(memory_mb);
  s.requested_cores = s.effective_cores = engine_api::visible_cores(memory_mb);
  return s;
}

std::string AwsBackend::command(const std::string& rest) const {
  std::string cmd = "aws lambda " + rest + " --function-name " + shell_quote(options_.function);
  if (!options_.cli_options.empty()) cmd += " " + options_.cli_options;
  return cmd;
}

util::Result<std::string> AwsBackend::prepare_version(LambdaClient& lambda, int memory_mb, const std::string& tag) {
  const std::string& fn = options_.function;
  const auto stop = options_.retry.stop;
  // A Description unique to this step makes the configuration new, so Lambda
  // publishes a new version instead of returning an existing one.
  const std::string description = fmt::format("sweetspot {} {} MB #{}", run_tag_, memory_mb, tag);
  if (auto waited = lambda.wait_until_updated(fn, options_.update_limit, stop); !waited) {
    return util::fail(fmt::format("waiting for an earlier update of {}: {}", fn, waited.error().describe()));
  }
  // Recorded before the call: an answer lost on the way may still have changed it.
  changed_latest_ = true;
  if (auto updated = lambda.update_configuration(fn, {memory_mb, description}); !updated) {
    return util::fail(fmt::format("UpdateFunctionConfiguration (MemorySize {}): {}", memory_mb, updated.error().describe()));
  }
  auto ready = lambda.wait_until_updated(fn, options_.update_limit, stop);
  if (!ready) return util::fail(fmt::format("updating {} to {} MB: {}", fn, memory_mb, ready.error().describe()));
  if (ready->memory_mb != memory_mb) {
    return util::fail(fmt::format("{} reports MemorySize {} after being set to {} MB", fn, ready->memory_mb, memory_mb));
  }
  auto version = lambda.publish_version(fn, description);
  if (!version) return util::fail(fmt::format("PublishVersion at {} MB: {}", memory_mb, version.error().describe()));
  if (!is_version_number(version->version)) {
    return util::fail("PublishVersion answered without a version number");
  }
  if (version->description == description) {
    versions_.push_back(version->version);
  } else {
    // Lambda handed back an existing version (same configuration): not ours to delete.
    return util::fail(fmt::format("PublishVersion returned existing version {}, not a new one", version->version));
  }
  if (version->memory_mb != memory_mb) {
    return util::fail(fmt::format("version {} has MemorySize {}, not {}", version->version, version->memory_mb, memory_mb));
  }
  return version->version;
}

util::Result<void> AwsBackend::point_alias(LambdaClient& lambda, const std::string& alias, const std::string& version) {
  const std::string& fn = options_.function;
  auto existing = std::find_if(aliases_.begin(), aliases_.end(), [&](const auto& a) { return a.first == alias; });
  if (existing == aliases_.end()) {
    auto current = lambda.get_configuration(fn, alias);
    if (current) {
      aliases_.emplace_back(alias, current->version);  // an alias of that name was there: put it back after
    } else if (current.error().status == 404) {
      aliases_.emplace_back(alias, "");
      auto created = lambda.create_alias(fn, alias, version, "sweetspot " + run_tag_);
      if (created) return {};
      if (created.error().code != "ResourceConflictException") {
        return util::fail(fmt::format("CreateAlias {}: {}", alias, created.error().describe()));
      }
    } else {
      return util::fail(fmt::format("reading alias {}: {}", alias, current.error().describe()));
    }
  }
  if (auto updated = lambda.update_alias(fn, alias, version); !updated) {
    return util::fail(fmt::format("UpdateAlias {} -> {}: {}", alias, version, updated.error().describe()));
  }
  return {};
}

std::vector<engine_api::Invocation> AwsBackend::invoke_all(const std::string& qualifier, const engine_api::Batch& batch,
                                                       engine_api::InvokeObserver* observer) {
  const size_t count = batch.invokes();
  const bool retain = batch.retention == engine_api::ResultRetention::kReturned;
  std::vector<engine_api::Invocation> results(retain ? count : 0);
  std::atomic<size_t> next{0};
  std::mutex observer_mutex;
  const auto timeout = std::chrono::milliseconds((original_.timeout_s + 60) * 1000LL);
  auto worker = [&] {
    auto lambda = client();
    for (size_t i = next++; i < count; i = next++) {
      engine_api::Invocation inv;
      if (!lambda) {
        inv = to_invocation(batch.memory_mb, std::unexpected(ApiError{0, "ClientError", lambda.error().message}));
      } else if (options_.retry.stop && options_.retry.stop()) {
        inv = to_invocation(batch.memory_mb, std::unexpected(ApiError{0, "Interrupted", "not run: interrupted"}));
      } else {
        inv = to_invocation(batch.memory_mb, lambda->invoke(options_.function, qualifier, batch.payload(i), timeout));
      }
      if (observer) {
        std::lock_guard lock(observer_mutex);
        observer->on_invocation(inv);
      }
      if (retain) results[i] = std::move(inv);
    }
  };
  const size_t threads = std::clamp<size_t>(static_cast<size_t>(std::max(batch.concurrency, 1)), 1, std::max<size_t>(count, 1));
  std::vector<std::jthread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  pool.clear();  // joins
  return results;
}

util::Result<std::vector<engine_api::Invocation>> AwsBackend::run(const engine_api::Batch& batch, engine_api::InvokeObserver* observer) {
  if (!engine_api::valid_memory_mb(batch.memory_mb)) return util::fail(fmt::format("{} MB is outside Lambda's range", batch.memory_mb));
  auto lambda = client();
  if (!lambda) return std::unexpected(lambda.error());
  const std::string alias = kAliasPrefix + std::to_string(batch.memory_mb);
  auto configure = [&](const std::string& tag) -> util::Result<void> {
    std::lock_guard lock(mutex_);
    if (closed_) return util::fail("the run was stopped and the function restored");
    auto version = prepare_version(*lambda, batch.memory_mb, tag);
    if (!version) return std::unexpected(version.error());
    return point_alias(*lambda, alias, *version);
  };
  if (batch.start == engine_api::StartPolicy::kWarm) {
    if (auto ready = configure("1"); !ready) return std::unexpected(ready.error());
    return invoke_all(alias, batch, observer);
  }
  // Every invoke cold: a new version each time (a version starts with no
  // execution environments), invoked one at a time.
  std::vector<engine_api::Invocation> results;
  engine_api::Batch one = batch;  // once: a copy per invoke would copy every payload each time
  one.count = 1;
  one.concurrency = 1;
  for (size_t i = 0; i < batch.invokes(); ++i) {
    if (auto ready = configure(std::to_string(i + 1)); !ready) {
      if (i == 0) return std::unexpected(ready.error());
      break;  // the invokes already made still count
    }
    one.payloads = {batch.payload(i)};
    auto invoked = invoke_all(alias, one, observer);
    if (!invoked.empty()) results.push_back(std::move(invoked.front()));
  }
  return results;
}

engine_api::Invocation AwsBackend::invoke_unchanged(const std::string& payload) {
  engine_api::Batch batch;
  batch.memory_mb = original_.memory_mb;
  batch.payloads = {payload};
  return invoke_all(options_.qualifier, batch, nullptr).front();
}

RestoreReport AwsBackend::restore() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  RestoreReport report;
  const std::string& fn = options_.function;
  auto lambda = client(/*for_restore=*/true);
  if (!lambda) {
    report.left.push_back("everything below: " + lambda.error().message);
  }
  // Also what this run made but whose answer was lost (a dropped connection).
  if (lambda) {
    if (auto listed = lambda->list_versions(fn)) {
      for (const auto& v : *listed) {
        // $LATEST carries the run's Description until it is put back: never a version to delete.
        if (is_version_number(v.version) && v.description.starts_with("sweetspot " + run_tag_ + " ") &&
            std::find(versions_.begin(), versions_.end(), v.version) == versions_.end()) {
          versions_.push_back(v.version);
        }
      }
    }
  }
  std::vector<std::pair<std::string, std::string>> aliases_left;
  for (const auto& [alias, previous] : aliases_) {
    std::expected<void, ApiError> undone = std::unexpected(ApiError{});
    if (lambda) undone = previous.empty() ? lambda->delete_alias(fn, alias) : lambda->update_alias(fn, alias, previous);
    if (undone || (previous.empty() && undone.error().status == 404)) {
      report.done.push_back(previous.empty() ? "deleted alias " + alias : "pointed alias " + alias + " back to version " + previous);
      continue;
    }
    report.left.push_back(fmt::format("alias {} ({})", alias, undone.error().describe()));
    report.commands.push_back(previous.empty() ? command("delete-alias --name " + alias)
                                               : command("update-alias --name " + alias + " --function-version " + previous));
    aliases_left.emplace_back(alias, previous);
  }
  aliases_ = aliases_left;
  std::vector<std::string> versions_left;
  for (const std::string& version : versions_) {
    std::expected<void, ApiError> deleted = std::unexpected(ApiError{});
    if (lambda) deleted = lambda->delete_version(fn, version);
    if (deleted || deleted.error().status == 404) {
      report.done.push_back("deleted version " + version);
      continue;
    }
    report.left.push_back(fmt::format("version {} ({})", version, deleted.error().describe()));
    report.commands.push_back(command("delete-function --qualifier " + version));
    versions_left.push_back(version);
  }
  versions_ = versions_left;
  if (changed_latest_) {
    std::string problem;
    if (lambda) {
      // An update may still be in progress (Ctrl-C mid-update): wait, then put back.
      (void)lambda->wait_until_updated(fn, options_.update_limit);
      auto put_back = lambda->update_configuration(fn, {original_.memory_mb, original_.description});
      if (put_back) {
        auto settled = lambda->wait_until_updated(fn, options_.update_limit);
        if (settled && settled->memory_mb == original_.memory_mb && settled->description == original_.description) {
          report.done.push_back(fmt::format("put back MemorySize {} MB and the Description", original_.memory_mb));
          changed_latest_ = false;
        } else {
          problem = settled ? "the configuration read back differs" : settled.error().describe();
        }
      } else {
        problem = put_back.error().describe();
      }
    } else {
      problem = "no client";
    }
    if (changed_latest_) {
      report.left.push_back(fmt::format("$LATEST configuration not put back ({})", problem));
      report.commands.push_back(command(fmt::format("update-function-configuration --memory-size {} --description {}",
                                                    original_.memory_mb, shell_quote(original_.description))));
    }
  }
  return report;
}

util::Result<std::string> AwsBackend::apply(int memory_mb, const std::string& alias) {
  std::lock_guard lock(mutex_);
  auto lambda = client(/*for_restore=*/true);
  if (!lambda) return std::unexpected(lambda.error());
  const std::string& fn = options_.function;
  auto set_latest = [&](int mb) -> util::Result<void> {
    if (auto waited = lambda->wait_until_updated(fn, options_.update_limit); !waited) {
      return util::fail(waited.error().describe());
    }
    if (auto updated = lambda->update_configuration(fn, {mb, original_.description}); !updated) {
      return util::fail(fmt::format("UpdateFunctionConfiguration (MemorySize {}): {}", mb, updated.error().describe()));
    }
    auto settled = lambda->wait_until_updated(fn, options_.update_limit);
    if (!settled) return util::fail(settled.error().describe());
    return {};
  };
  if (alias.empty()) {
    if (auto set = set_latest(memory_mb); !set) return std::unexpected(set.error());
    return fmt::format("set {} ($LATEST) to {} MB", fn, memory_mb);
  }
  if (alias.starts_with(kAliasPrefix)) return util::fail(fmt::format("--alias {}: names starting with {} are sweetspot's own", alias, kAliasPrefix));
  if (auto set = set_latest(memory_mb); !set) return std::unexpected(set.error());
  auto version = lambda->publish_version(fn, fmt::format("sweetspot: {} MB", memory_mb));
  std::string outcome;
  util::Result<void> pointed;
  if (!version) {
    pointed = util::fail(fmt::format("PublishVersion: {}", version.error().describe()));
  } else {
    auto existing = lambda->get_configuration(fn, alias);
    auto done = existing ? lambda->update_alias(fn, alias, version->version)
                         : lambda->create_alias(fn, alias, version->version, "set by sweetspot --apply");
    if (!done) {
      pointed = util::fail(fmt::format("pointing alias {} at version {}: {}", alias, version->version, done.error().describe()));
    } else {
      outcome = fmt::format("published version {} of {} at {} MB and pointed alias {} at it", version->version, fn,
                            memory_mb, alias);
    }
  }
  // $LATEST goes back to its own size either way.
  if (auto back = set_latest(original_.memory_mb); !back) {
    return util::fail(fmt::format("{}; and $LATEST was left at {} MB ({}): fix it with {}",
                                  pointed ? outcome : pointed.error().message, memory_mb, back.error().message,
                                  command(fmt::format("update-function-configuration --memory-size {}", original_.memory_mb))));
  }
  if (!pointed) return std::unexpected(pointed.error());
  return outcome;
}

}  // namespace sweetspot::aws
