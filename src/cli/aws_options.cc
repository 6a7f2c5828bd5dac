#include "cli/aws_options.h"

#include "aws/function_arn.h"
#include "cli/function_options.h"
#include "util/error.h"

namespace sweetspot::cli {

void add_aws_options(CLI::App& cmd, AwsOptions& o) {
  cmd.add_option("--function-name", o.function_name,
                 "A function deployed in AWS Lambda, by name or ARN (or give its ARN as FUNCTION); with --region");
  cmd.add_option("--endpoint-url", o.endpoint_url,
                 "Lambda API endpoint instead of AWS's (e.g. http://127.0.0.1:9001 for sweetspot serve)");
  cmd.add_option("--profile", o.profile, "AWS profile for credentials and region (default: AWS_PROFILE, else default)");
  cmd.add_flag("--dry-run", o.dry_run, "Deployed function: invoke it once at its current size and change nothing");
  cmd.add_flag("--apply", o.apply,
               "Deployed function: set the recommended size afterwards (on --alias via a new version, else $LATEST)");
  cmd.add_option("--alias", o.alias, "With --apply: point this alias at a new version with the recommended size");
  cmd.add_option("--update-timeout", o.update_timeout_s,
                 "Seconds to wait for each configuration update to finish (default 300)")
      ->check(CLI::Range(1.0, 3600.0));
}

bool names_deployed_function(const FunctionOptions& function, const AwsOptions& aws) {
  const bool deployed = !aws.function_name.empty() || aws::looks_like_function_arn(function.code_dir);
  if (!deployed) {
    if (aws.dry_run || aws.apply || !aws.alias.empty() || !aws.endpoint_url.empty() || !aws.profile.empty()) {
      throw util::Fatal(
          "--dry-run, --apply, --alias, --endpoint-url and --profile are for a function deployed in AWS: name it by "
          "ARN (sweetspot tune arn:aws:lambda:REGION:ACCOUNT:function:NAME) or with --function-name NAME --region R");
    }
    return false;
  }
  if (!aws.function_name.empty() && !function.code_dir.empty()) {
    throw util::Fatal("give either a FUNCTION argument or --function-name, not both");
  }
  if (!function.template_file.empty()) throw util::Fatal("--template is for local functions, not with a deployed one");
  if (!aws.alias.empty() && !aws.apply) throw util::Fatal("--alias goes with --apply (the alias to set)");
  if (aws.dry_run && aws.apply) throw util::Fatal("--dry-run changes nothing, so it cannot --apply");
  return true;
}

}  // namespace sweetspot::cli
