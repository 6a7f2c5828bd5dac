#include "definition/sam_template.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <set>
#include <vector>

#include "engine_api/config_checks.h"
#include "definition/function_definition.h"

namespace sweetspot::definition {

using engine_api::Architecture;
using engine_api::environment_variable_problem;
using engine_api::memory_problem;
using engine_api::timeout_problem;
using engine_api::tmp_problem;

namespace {

constexpr std::string_view kFunctionType = "AWS::Serverless::Function";

// yaml-cpp throws when asked the type of a key a const map lacks; these answer false.
bool is_map(const YAML::Node& n) { return n.IsDefined() && n.IsMap(); }
bool is_scalar(const YAML::Node& n) { return n.IsDefined() && n.IsScalar(); }
bool is_sequence(const YAML::Node& n) { return n.IsDefined() && n.IsSequence(); }
bool is_null(const YAML::Node& n) { return n.IsDefined() && n.IsNull(); }

// One property of the function: the resource's own value, else the one in
// Globals.Function; `path` names where it came from, for error messages.
struct Property {
  YAML::Node node;
  std::string path;
  explicit operator bool() const { return node.IsDefined() && !is_null(node); }
};

bool is_plain(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  return tag.empty() || tag == "?" || tag == "!" || tag == "tag:yaml.org,2002:str" ||
         tag == "tag:yaml.org,2002:int";
}

// How an intrinsic function reads in the template, for messages: "!GetAtt Table.Arn".
std::string describe(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  std::string text = out.c_str();
  if (!is_plain(node) && !text.starts_with(node.Tag())) text = node.Tag() + " " + text;
  return text;
}

// A path from the template that cannot be examined (too long, not permitted) is
// no directory; the throwing overload would end the process from a typo.
bool is_code_directory(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_directory(path, ec);
}

class Template {
 public:
  Template(std::filesystem::path file, YAML::Node root) : file_(std::move(file)), root_(std::move(root)) {}

  util::Result<TemplateFunction> read(const std::string& wanted) const;

 private:
  util::Result<std::string> pick_function(const std::string& wanted) const;
  Property property(const YAML::Node& props, const std::string& id, const std::string& key) const;
  std::unexpected<util::Error> fail_at(const Property& p, std::string_view what) const;
  std::unexpected<util::Error> fail_at(const std::string& path, const YAML::Node& node, std::string_view what) const;
  // The text of a scalar, evaluating !Ref / !Sub (and their long forms) against
  // parameter defaults and pseudo parameters; nothing when it cannot be evaluated.
  std::optional<std::string> evaluate(const YAML::Node& node) const;
  std::optional<std::string> reference(const std::string& name) const;
  std::optional<std::string> substitute(const std::string& text) const;
  util::Result<std::string> text(const Property& p) const;
  util::Result<double> number(const Property& p) const;
  // A Layers entry: `!Ref` to an AWS::Serverless::LayerVersion with a local ContentUri.
  util::Result<std::filesystem::path> layer(const YAML::Node& entry, const std::string& path) const;

  std::filesystem::path file_;
  YAML::Node root_;
};

std::unexpected<util::Error> Template::fail_at(const std::string& path, const YAML::Node& node,
                                               std::string_view what) const {
  const auto mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.is_null()) return util::fail(fmt::format("{}: {}: {}", file_.string(), path, what));
  return util::fail(fmt::format("{}:{}: {}: {}", file_.string(), mark.line + 1, path, what));
}

std::unexpected<util::Error> Template::fail_at(const Property& p, std::string_view what) const {
  return fail_at(p.path, p.node, what);
}

std::optional<std::string> Template::reference(const std::string& name) const {
  const YAML::Node params = root_["Parameters"];
  if (is_map(params)) {
    const YAML::Node param = params[name];
    if (is_map(param) && is_scalar(param["Default"])) return param["Default"].Scalar();
  }
  // Pseudo parameters get the values `sam local` gives them.
  if (name == "AWS::Region") {
    if (const char* region = std::getenv("AWS_REGION")) return region;
    if (const char* region = std::getenv("AWS_DEFAULT_REGION")) return region;
    return "us-east-1";
  }
  if (name == "AWS::AccountId") return std::string(engine_api::kLocalAccountId);
  if (name == "AWS::Partition") return "aws";
  if (name == "AWS::URLSuffix") return "amazonaws.com";
  if (name == "AWS::StackName") return "local";
  return std::nullopt;
}

std::optional<std::string> Template::substitute(const std::string& text) const {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    const size_t open = text.find("${", i);
    if (open == std::string::npos) {
      out += text.substr(i);
      break;
    }
    out += text.substr(i, open - i);
    const size_t close = text.find('}', open);
    if (close == std::string::npos) return std::nullopt;
    const std::string name = text.substr(open + 2, close - open - 2);
    if (name.starts_with("!")) {
      out += "${" + name.substr(1) + "}";  // ${!Literal} stands for itself
    } else {
      const auto value = reference(name);
      if (!value) return std::nullopt;
      out += *value;
    }
    i = close + 1;
  }
  return out;
}

std::optional<std::string> Template::evaluate(const YAML::Node& node) const {
  if (is_scalar(node)) {
    if (is_plain(node)) return node.Scalar();
    if (node.Tag() == "!Ref") return reference(node.Scalar());
    if (node.Tag() == "!Sub") return substitute(node.Scalar());
    return std::nullopt;
  }
  if (is_map(node) && node.size() == 1 && is_plain(node)) {
    if (is_scalar(node["Ref"])) return reference(node["Ref"].Scalar());
    if (is_scalar(node["Fn::Sub"])) return substitute(node["Fn::Sub"].Scalar());
  }
  return std::nullopt;
}

util::Result<std::string> Template::text(const Property& p) const {
  if (auto value = evaluate(p.node)) return *value;
  if (is_scalar(p.node) || is_map(p.node)) {
    return fail_at(p, fmt::format("{} cannot be evaluated locally (only !Ref and !Sub of parameters with a "
                                  "Default and of pseudo parameters can): write the value in the template",
                                  describe(p.node)));
  }
  return fail_at(p, fmt::format("expected a single value, found {}", describe(p.node)));
}

util::Result<double> Template::number(const Property& p) const {
  auto value = text(p);
  if (!value) return std::unexpected(value.error());
  char* end = nullptr;
  const double number = std::strtod(value->c_str(), &end);
  if (value->empty() || *end != '\0') return fail_at(p, fmt::format("'{}' is not a number", *value));
  return number;
}

util::Result<std::filesystem::path> Template::layer(const YAML::Node& entry, const std::string& path) const {
  std::string id;
  if (is_scalar(entry) && entry.Tag() == "!Ref") {
    id = entry.Scalar();
  } else if (is_map(entry) && is_scalar(entry["Ref"])) {
    id = entry["Ref"].Scalar();
  }
  const YAML::Node resource = id.empty() ? YAML::Node() : root_["Resources"][id];
  const YAML::Node type = resource.IsDefined() && is_map(resource) ? resource["Type"] : YAML::Node();
  if (!is_scalar(type) || type.Scalar() != "AWS::Serverless::LayerVersion") {
    return fail_at(path, entry,
                   fmt::format("{} is not a layer of this template: sweetspot runs layers defined here as "
                               "AWS::Serverless::LayerVersion with a local ContentUri (!Ref it); for a published "
                               "layer, add its contents to the function's folder",
                               describe(entry)));
  }
  Property content{resource["Properties"].IsDefined() && is_map(resource["Properties"])
                       ? resource["Properties"]["ContentUri"]
                       : YAML::Node(),
                   fmt::format("Resources.{}.Properties.ContentUri", id)};
  if (!content) return fail_at(fmt::format("Resources.{}", id), resource, "has no ContentUri (the layer's folder)");
  auto uri = text(content);
  if (!uri) return std::unexpected(uri.error());
  const auto dir = (file_.parent_path() / *uri).lexically_normal();
  if (!is_code_directory(dir)) {
    return fail_at(content, fmt::format("{} is not a directory: ContentUri is relative to the template's folder "
                                        "(a zip must be unpacked)",
                                        dir.string()));
  }
  std::error_code ec;
  const auto absolute = std::filesystem::weakly_canonical(std::filesystem::absolute(dir), ec);
  return ec ? dir : absolute;
}

Property Template::property(const YAML::Node& props, const std::string& id, const std::string& key) const {
  if (is_map(props) && props[key].IsDefined() && !is_null(props[key])) {
    return {props[key], fmt::format("Resources.{}.Properties.{}", id, key)};
  }
  const YAML::Node globals = root_["Globals"];
  if (is_map(globals) && is_map(globals["Function"]) && globals["Function"][key].IsDefined()) {
    return {globals["Function"][key], fmt::format("Globals.Function.{}", key)};
  }
  return {YAML::Node(YAML::NodeType::Undefined), ""};
}

util::Result<std::string> Template::pick_function(const std::string& wanted) const {
  const YAML::Node resources = root_["Resources"];
  if (!is_map(resources)) {
    return fail_at("Resources", root_, "missing or not a map: a SAM template lists its functions under Resources");
  }
  std::vector<std::string> functions;
  for (const auto& entry : resources) {
    const YAML::Node type = entry.second["Type"];
    if (is_scalar(type) && type.Scalar() == kFunctionType) functions.push_back(entry.first.Scalar());
  }
  const std::string names = fmt::format("{}", fmt::join(functions, ", "));
  if (!wanted.empty()) {
    const YAML::Node resource = resources[wanted];
    if (!resource.IsDefined()) {
      return util::fail(fmt::format("{}: no resource '{}' under Resources; its functions are: {}", file_.string(),
                                    wanted, functions.empty() ? "(none)" : names));
    }
    const YAML::Node type = resource["Type"];
    if (!is_scalar(type) || type.Scalar() != kFunctionType) {
      return fail_at(fmt::format("Resources.{}.Type", wanted), resource,
                     fmt::format("is {}, not {}; its functions are: {}", is_scalar(type) ? type.Scalar() : "missing",
                                 kFunctionType, functions.empty() ? "(none)" : names));
    }
    return wanted;
  }
  if (functions.size() == 1) return functions.front();
  if (functions.empty()) {
    return util::fail(fmt::format("{}: defines no resource of Type {}; sweetspot runs SAM functions", file_.string(),
                                  kFunctionType));
  }
  return util::fail(fmt::format("{}: defines {} functions ({}): choose one with --function", file_.string(),
                                functions.size(), names));
}

util::Result<TemplateFunction> Template::read(const std::string& wanted) const {
  if (!is_map(root_)) return util::fail(fmt::format("{}: not a SAM template (expected a YAML map at the top)", file_.string()));
  auto id = pick_function(wanted);
  if (!id) return std::unexpected(id.error());
  TemplateFunction fn;
  fn.logical_id = *id;
  const YAML::Node props = root_["Resources"][*id]["Properties"];
  auto prop = [&](const std::string& key) { return property(props, *id, key); };

  if (Property p = prop("PackageType"); p && evaluate(p.node).value_or("") == "Image") {
    return fail_at(p, "container image functions are not supported: sweetspot runs Zip functions (Handler, Runtime, CodeUri)");
  }
  if (Property p = prop("InlineCode")) {
    return fail_at(p, "inline code is not supported: put the code in a folder and point CodeUri at it");
  }

  fn.code_dir = file_.parent_path();
  if (Property p = prop("CodeUri")) {
    if (is_map(p.node) && (p.node["Bucket"].IsDefined() || p.node["Key"].IsDefined())) {
      return fail_at(p, "is an S3 location; sweetspot runs local code: point CodeUri at the function's folder");
    }
    auto uri = text(p);
    if (!uri) return std::unexpected(uri.error());
    if (uri->starts_with("s3://")) {
      return fail_at(p, "is an S3 location; sweetspot runs local code: point CodeUri at the function's folder");
    }
    fn.code_dir = file_.parent_path() / *uri;
    if (fn.code_dir.extension() == ".zip") {
      return fail_at(p, fmt::format("{} is a zip file; sweetspot runs unpacked code: unzip it and point CodeUri at the "
                                    "folder", fn.code_dir.string()));
    }
    if (!is_code_directory(fn.code_dir)) {
      return fail_at(p, fmt::format("{} is not a directory: CodeUri is relative to the template's folder",
                                    fn.code_dir.string()));
    }
  }
  fn.code_dir = fn.code_dir.lexically_normal();

  if (Property p = prop("Runtime")) {
    auto v = text(p);
    if (!v) return std::unexpected(v.error());
    if (auto family = runtime_family(*v); !family) return fail_at(p, family.error().message);
    fn.runtime_id = *v;
  }
  if (Property p = prop("Handler")) {
    auto v = text(p);
    if (!v) return std::unexpected(v.error());
    fn.handler = *v;
  }
  if (Property p = prop("MemorySize")) {
    auto v = number(p);
    if (!v) return std::unexpected(v.error());
    if (auto problem = memory_problem(*v)) return fail_at(p, *problem);
    fn.memory_mb = static_cast<int>(*v);
  }
  if (Property p = prop("Timeout")) {
    auto v = number(p);
    if (!v) return std::unexpected(v.error());
    if (auto problem = timeout_problem(*v)) return fail_at(p, *problem);
    fn.timeout_s = *v;
  }
  if (Property storage = prop("EphemeralStorage")) {
    if (!is_map(storage.node)) return fail_at(storage, "expected a map with Size (MB)");
    Property size{storage.node["Size"], storage.path + ".Size"};
    if (!size) return fail_at(storage, "has no Size (MB)");
    auto v = number(size);
    if (!v) return std::unexpected(v.error());
    if (auto problem = tmp_problem(*v)) return fail_at(size, *problem);
    fn.tmp_mb = static_cast<int>(*v);
  }
  if (Property p = prop("Architectures")) {
    if (!is_sequence(p.node) || p.node.size() != 1) {
      return fail_at(p, "expected a list with one architecture: [x86_64] or [arm64]");
    }
    const auto arch = evaluate(p.node[0]).value_or("");
    if (arch == "x86_64") {
      fn.architecture = Architecture::kX86_64;
    } else if (arch == "arm64") {
      fn.architecture = Architecture::kArm64;
    } else {
      return fail_at(p, fmt::format("'{}' is not an architecture Lambda has: use x86_64 or arm64", describe(p.node[0])));
    }
  }

  // Layers: SAM adds a function's own to those of Globals.
  const YAML::Node globals_fn = is_map(root_["Globals"]) ? root_["Globals"]["Function"] : YAML::Node();
  for (const Property& list : {Property{is_map(globals_fn) ? globals_fn["Layers"] : YAML::Node(), "Globals.Function.Layers"},
                               Property{is_map(props) ? props["Layers"] : YAML::Node(),
                                        fmt::format("Resources.{}.Properties.Layers", *id)}}) {
    if (!list) continue;
    if (!is_sequence(list.node)) return fail_at(list, "expected a list of layers");
    for (size_t i = 0; i < list.node.size(); ++i) {
      auto dir = layer(list.node[i], fmt::format("{}[{}]", list.path, i));
      if (!dir) return std::unexpected(dir.error());
      fn.layers.push_back(*dir);
    }
  }

  // LoggingConfig: Lambda tells the runtime through two reserved variables.
  if (Property p = prop("LoggingConfig")) {
    if (!is_map(p.node)) return fail_at(p, "expected a map with LogFormat (Text or JSON) and ApplicationLogLevel");
    std::string format = "Text";
    if (Property f{p.node["LogFormat"], p.path + ".LogFormat"}; f) {
      auto v = text(f);
      if (!v) return std::unexpected(v.error());
      if (*v != "Text" && *v != "JSON") return fail_at(f, fmt::format("'{}' is not a log format: use Text or JSON", *v));
      format = *v;
    }
    if (format == "JSON") {
      fn.environment["AWS_LAMBDA_LOG_FORMAT"] = "JSON";
      std::string level = "INFO";
      if (Property l{p.node["ApplicationLogLevel"], p.path + ".ApplicationLogLevel"}; l) {
        auto v = text(l);
        if (!v) return std::unexpected(v.error());
        static const std::set<std::string> kLevels = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};
        if (!kLevels.contains(*v)) {
          return fail_at(l, fmt::format("'{}' is not a log level: use TRACE, DEBUG, INFO, WARN, ERROR or FATAL", *v));
        }
        level = *v;
      }
      fn.environment["AWS_LAMBDA_LOG_LEVEL"] = level;
    }
  }

  // Environment.Variables: Globals first, the function's own on top, as SAM merges maps.
  const YAML::Node globals = root_["Globals"];
  const std::vector<Property> scopes = {
      {is_map(globals) && is_map(globals["Function"]) ? globals["Function"]["Environment"] : YAML::Node(),
       "Globals.Function.Environment"},
      {is_map(props) ? props["Environment"] : YAML::Node(), fmt::format("Resources.{}.Properties.Environment", *id)},
  };
  for (const Property& env : scopes) {
    if (!env) continue;
    const YAML::Node vars = env.node["Variables"];
    if (!is_map(env.node) || (vars.IsDefined() && !is_null(vars) && !is_map(vars))) {
      return fail_at(env, "expected a map with Variables: {NAME: value, ...}");
    }
    if (!is_map(vars)) continue;
    for (const auto& var : vars) {
      const std::string name = var.first.Scalar();
      if (auto problem = environment_variable_problem(name)) {
        return fail_at(fmt::format("{}.Variables.{}", env.path, name), var.second, name + " " + *problem);
      }
      if (auto value = evaluate(var.second)) {
        fn.environment[name] = *value;
        fn.unresolved_environment.erase(name);
      } else {
        fn.environment.erase(name);
        fn.unresolved_environment[name] = fail_at(fmt::format("{}.Variables.{}", env.path, name), var.second,
                                                  fmt::format("{} cannot be evaluated locally: give the value with "
                                                              "--env {}=VALUE",
                                                              describe(var.second), name))
                                              .error()
                                              .message;
      }
    }
  }
  return fn;
}

}  // namespace

util::Result<TemplateFunction> read_sam_function(const std::filesystem::path& template_file,
                                                 const std::string& function_id) {
  if (std::error_code ec; !std::filesystem::is_regular_file(template_file, ec)) {
    return util::fail(fmt::format("{}: no such file: --template names a SAM template (template.yaml)",
                                  template_file.string()));
  }
  YAML::Node root;
  try {
    root = YAML::LoadFile(template_file.string());
  } catch (const YAML::Exception& e) {
    return util::fail(fmt::format("{}:{}: not valid YAML: {}", template_file.string(), e.mark.line + 1, e.msg));
  }
  try {
    return Template(template_file, root).read(function_id);
  } catch (const YAML::Exception& e) {
    return util::fail(fmt::format("{}:{}: {}", template_file.string(), e.mark.line + 1, e.msg));
  }
}

}  // namespace sweetspot::definition

namespace sweetspot::definition {

util::Result<std::vector<std::string>> sam_function_ids(const std::filesystem::path& template_file) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(template_file.string());
  } catch (const YAML::Exception& e) {
    return util::fail(fmt::format("{}: cannot read it as YAML: {}", template_file.string(), e.what()));
  }
  std::vector<std::string> ids;
  const YAML::Node resources = root.IsMap() ? root["Resources"] : YAML::Node();
  if (!is_map(resources)) return ids;
  for (const auto& entry : resources) {
    const YAML::Node type = entry.second["Type"];
    if (is_scalar(type) && type.Scalar() == kFunctionType) ids.push_back(entry.first.Scalar());
  }
  return ids;
}

}  // namespace sweetspot::definition
